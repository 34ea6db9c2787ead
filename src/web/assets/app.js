// oa-citations web page: progressive enhancement. Without this script the page is a plain GET form
// and every control still works; with it, typing and clicking refresh the facets and results in
// place from the same server-rendered HTML (no client-side templates to keep in step with it).
(() => {
  'use strict';
  const form = document.getElementById('search');
  if (!form || !window.fetch || !window.DOMParser || !window.URLSearchParams) return;
  // The search bar's text inputs (the keyword box; on the rejections page application and claim).
  const live = [...form.querySelectorAll('input[data-live]')];
  const path = form.getAttribute('action') || '/';
  const announce = document.getElementById('announce');
  const filters = document.getElementById('filters');
  const narrow = window.matchMedia('(max-width: 47.99rem)');
  let inflight;
  let searchTimer;
  let finderTimer;
  // A burst of typing is one history entry: pushed on its first search, replaced after that.
  let typingEntry = false;

  /** The form's state as a URL: blank fields left out, as the server reads them anyway. */
  function formUrl(extra) {
    const params = new URLSearchParams();
    for (const [name, value] of new FormData(form)) if (String(value).trim() !== '') params.append(name, String(value));
    for (const [name, value] of Object.entries(extra || {})) params.set(name, value);
    const qs = params.toString();
    return qs ? `${path}?${qs}` : path;
  }

  /**
   * Fetches a page and swaps its facets and results in. Anything unexpected (not our HTML, the
   * network gone) falls back to navigating for real, which shows whatever the server says.
   */
  async function load(url, { push = true, focus } = {}) {
    inflight?.abort();
    const controller = (inflight = new AbortController());
    form.setAttribute('aria-busy', 'true');
    try {
      const res = await fetch(url, { signal: controller.signal, headers: { Accept: 'text/html' } });
      const type = res.headers.get('content-type') || '';
      const doc = type.startsWith('text/html') ? new DOMParser().parseFromString(await res.text(), 'text/html') : null;
      const fresh = doc && ['facets', 'results'].map((id) => [document.getElementById(id), doc.getElementById(id)]);
      if (!fresh || fresh.some(([old, next]) => !old || !next)) throw new Error(`unexpected answer (${res.status})`);
      // The data-set switch carries the filters too (when there is one).
      const switcher = [document.getElementById('datasets'), doc.getElementById('datasets')];
      if (switcher[0] && switcher[1]) fresh.push(switcher);
      for (const [old, next] of fresh) old.replaceWith(document.adoptNode(next));
      document.title = doc.title;
      if (push) history.pushState(null, '', url);
      else history.replaceState(null, '', url);
      const total = document.getElementById('total');
      if (announce) announce.textContent = total ? total.textContent : '';
      enhance();
      if (focus) (document.getElementById(focus) || document.getElementById('main'))?.focus();
    } catch (err) {
      if (err.name !== 'AbortError') location.assign(url);
    } finally {
      if (inflight === controller) form.removeAttribute('aria-busy');
    }
  }

  /** Wires what the server just rendered (called again after every swap). */
  function enhance() {
    for (const input of form.querySelectorAll('[data-facet-search]')) {
      // The finder only narrows the list: its text must not become a filter value.
      input.removeAttribute('name');
      input.placeholder = 'type the first digits, e.g. 21';
    }
  }

  async function findFacetValues(input) {
    const list = document.getElementById(input.getAttribute('aria-controls'));
    if (!list) return;
    const prefix = input.value.trim();
    const params = new URL(formUrl({ facetQuery: prefix }), location.href).searchParams;
    params.delete('page');
    try {
      const res = await fetch(`${input.dataset.facetValues}?${params}`);
      if (res.ok && input.value.trim() === prefix) list.innerHTML = await res.text();
    } catch {
      // The list just stays as it was.
    }
  }

  /** The search bar shows what the URL searches (each input the last value of its parameter). */
  function syncInputs(url) {
    for (const input of live) input.value = url.searchParams.getAll(input.name).pop() || '';
  }

  /** A navigation that is not typing: the next burst of typing gets its own history entry. */
  function navigate(url, options) {
    clearTimeout(searchTimer);
    typingEntry = false;
    void load(url, options);
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    navigate(formUrl());
  });

  form.addEventListener('input', (event) => {
    const target = event.target;
    if (live.includes(target)) {
      clearTimeout(searchTimer);
      searchTimer = setTimeout(() => {
        void load(formUrl(), { push: !typingEntry });
        typingEntry = true;
      }, 200);
    } else if (target.dataset && target.dataset.facetSearch) {
      clearTimeout(finderTimer);
      finderTimer = setTimeout(() => void findFacetValues(target), 150);
    }
  });

  form.addEventListener('change', (event) => {
    const target = event.target;
    if (target.type === 'checkbox' || target.tagName === 'SELECT') navigate(formUrl(), { focus: target.id });
  });

  form.addEventListener('click', (event) => {
    const link = event.target.closest && event.target.closest('a.chip, .pager a, .empty a');
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    // A removed chip may have been the search text: keep the boxes in step with the URL.
    const next = new URL(link.href, location.href);
    syncInputs(next);
    navigate(next.pathname + next.search, { focus: 'main' });
  });

  window.addEventListener('popstate', () => {
    syncInputs(new URL(location.href));
    typingEntry = false;
    void load(location.pathname + location.search, { push: false });
  });

  // On a narrow screen the filters fold into their summary line, so the results come first.
  if (filters) {
    const fold = () => (filters.open = !narrow.matches);
    fold();
    narrow.addEventListener('change', fold);
  }

  enhance();
})();
