// oa-citations web page: progressive enhancement. Without this script the page is a plain GET form
// and every control still works; with it, typing and clicking refresh the facets and results in
// place from the same server-rendered HTML (no client-side templates to keep in step with it).
(() => {
  'use strict';
  const form = document.getElementById('search');
  if (!form || !window.fetch || !window.DOMParser || !window.URLSearchParams) return;
  const q = document.getElementById('q');
  let inflight;
  let typing;

  /** The form's state as a URL: blank fields left out, as the server reads them anyway. */
  function formUrl(extra) {
    const params = new URLSearchParams();
    for (const [name, value] of new FormData(form)) if (String(value).trim() !== '') params.append(name, String(value));
    for (const [name, value] of Object.entries(extra || {})) params.set(name, value);
    const qs = params.toString();
    return qs ? `/?${qs}` : '/';
  }

  /** Fetches a page and swaps its facets and results in; on any failure, navigates for real. */
  async function load(url, { push = true, focus } = {}) {
    inflight?.abort();
    const controller = (inflight = new AbortController());
    form.setAttribute('aria-busy', 'true');
    try {
      const res = await fetch(url, { signal: controller.signal, headers: { Accept: 'text/html' } });
      const doc = new DOMParser().parseFromString(await res.text(), 'text/html');
      for (const id of ['facets', 'results']) {
        const fresh = doc.getElementById(id);
        const old = document.getElementById(id);
        if (fresh && old) old.replaceWith(document.adoptNode(fresh));
      }
      document.title = doc.title;
      if (push) history.pushState(null, '', url);
      else history.replaceState(null, '', url);
      enhance();
      if (focus) document.getElementById(focus)?.focus();
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
    }
  }

  async function findFacetValues(input) {
    const facet = input.dataset.facetSearch;
    const list = document.getElementById(input.getAttribute('aria-controls'));
    if (!list) return;
    const prefix = input.value.trim();
    const params = new URL(formUrl({ facetQuery: prefix }), location.href).searchParams;
    params.delete('page');
    try {
      const res = await fetch(`/facet-values/${encodeURIComponent(facet)}?${params}`);
      if (res.ok && input.value.trim() === prefix) list.innerHTML = await res.text();
    } catch {
      // The list just stays as it was.
    }
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void load(formUrl());
  });

  form.addEventListener('input', (event) => {
    const target = event.target;
    clearTimeout(typing);
    if (target === q) {
      // Instant results; typing replaces the history entry instead of adding one per letter.
      typing = setTimeout(() => void load(formUrl(), { push: false }), 200);
    } else if (target.dataset && target.dataset.facetSearch) {
      typing = setTimeout(() => void findFacetValues(target), 150);
    }
  });

  form.addEventListener('change', (event) => {
    const target = event.target;
    if (target.type === 'checkbox' || target.tagName === 'SELECT') void load(formUrl(), { focus: target.id });
  });

  form.addEventListener('click', (event) => {
    const link = event.target.closest && event.target.closest('a.chip, .pager a');
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    // A removed chip may have been the search text: keep the box in step with the URL.
    const next = new URL(link.href, location.href);
    q.value = next.searchParams.get('q') || '';
    void load(next.pathname + next.search, { focus: 'main' });
  });

  window.addEventListener('popstate', () => {
    q.value = new URL(location.href).searchParams.get('q') || '';
    void load(location.pathname + location.search, { push: false });
  });

  // "/" jumps to the search box, as on most search sites.
  document.addEventListener('keydown', (event) => {
    if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey) return;
    const active = document.activeElement;
    if (active && (active.tagName === 'INPUT' || active.tagName === 'SELECT' || active.tagName === 'TEXTAREA')) return;
    event.preventDefault();
    q.focus();
    q.select();
  });

  enhance();
})();
