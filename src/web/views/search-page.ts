/**
 * The search page of a data set (web/datasets.ts): a GET form (search inputs, facet checkboxes,
 * sort) around the results, under a switch between the data sets served. Without
 * JavaScript the form's button submits it; with it (assets/app.js) typing and clicking refresh
 * `#facets` and `#results` in place from the same server-rendered HTML.
 */
import { html } from 'hono/html';
import type { SearchAnswer } from '../../api/search.ts';
import type { WebDataset } from '../datasets.ts';
import type { PageParams } from '../page-state.ts';
import { count, label, layout, valueLabel, type Html } from './layout.ts';

/** Values a panel lists before "find more" (selected values are always listed). */
const SHOWN_VALUES = 8;

/** The other data sets' pages, for the switch above the search bar (none when one is served). */
export interface DatasetLink {
  readonly title: string;
  readonly href: string;
  readonly current: boolean;
}

/** Why the page shows no results: the API's status, code and message, and the parameters at fault. */
export interface Problem {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  readonly params: readonly string[];
}

export interface SearchView {
  web: WebDataset;
  params: PageParams;
  /** Every data set served, this one included: the switch. */
  switches: readonly DatasetLink[];
  answer?: SearchAnswer;
  criteria?: string;
  /** A problem with the request (bad parameters, search unavailable), shown instead of results. */
  error?: Problem;
}

export function searchPage(view: SearchView): Html {
  const { params, web } = view;
  const typed = web.inputs.map((i) => params.get(i.name)).filter(Boolean);
  const title = typed.length ? `${typed.join(', ')} - oa-citations ${web.title.toLowerCase()}` : `oa-citations ${web.title.toLowerCase()} search`;
  return layout(
    title,
    html`${switcher(view.switches)}<form id="search" class="search" method="get" action="${web.path}">
  <div class="searchbar" role="search">
    ${web.inputs.map(
      (input, i) => html`<label for="${i ? `in-${input.name}` : 'q'}">${input.label}</label>
    <input id="${i ? `in-${input.name}` : 'q'}" name="${input.name}" type="search" value="${params.get(input.name) ?? ''}" autocomplete="off" spellcheck="false"
      data-live${input.numeric ? html` inputmode="numeric"` : ''} placeholder="${input.placeholder}" aria-describedby="q-hint">`,
    )}
    <button type="submit">Search</button>
    <p id="q-hint" class="hint">${web.hint}</p>
  </div>
  <div class="columns">
    <aside aria-label="Filters">
      <details class="filters" id="filters" open>
        <summary>Filters</summary>
        <div id="facets">${view.answer ? facetPanels(web, view.answer, params) : ''}</div>
      </details>
    </aside>
    <main id="main" tabindex="-1">
      <div id="results">${hiddenFilters(web, params, view.error?.params ?? [])}${view.error ? problem(web, view.error, params) : view.answer ? results(web, view.answer, params, view.criteria ?? '*:*') : ''}</div>
    </main>
  </div>
</form>`,
  );
}

/** Citations | Rejections: links to the other data sets' pages, with the filters they share. */
function switcher(links: readonly DatasetLink[]): Html | string {
  if (links.length < 2) return '';
  return html`<nav class="datasets" id="datasets" aria-label="Data set">${links.map((l) =>
    l.current ? html`<span class="dataset" aria-current="page">${l.title}</span>` : html`<a class="dataset" href="${l.href}">${l.title}</a>`,
  )}</nav>`;
}

/**
 * Filters that have no control on the page (application, reference, dates...) ride along as
 * hidden fields - inside #results, so that the script's swap replaces them with the new state.
 * Parameters the last request was refused for are dropped: the next search starts clean.
 */
function hiddenFilters(web: WebDataset, params: PageParams, refused: readonly string[]): Html[] {
  const skip = new Set<string>([...web.inputs.map((i) => i.name), 'sort', 'page', ...web.facets, ...refused]);
  return params
    .entries()
    .filter(([name]) => !skip.has(name))
    .map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`);
}

function facetPanels(web: WebDataset, answer: SearchAnswer, params: PageParams): Html[] {
  const { catalog } = web.api;
  return web.facets.map((facet) => {
    const counts = answer.facetDistribution[facet] ?? {};
    const selected = params.values(facet);
    let values = Object.entries(counts);
    values.sort(web.valueOrder.has(facet) ? (a, b) => Number(b[0]) - Number(a[0]) : (a, b) => b[1] - a[1]);
    const top = values.slice(0, SHOWN_VALUES).map(([v]) => v);
    // Keep chosen values visible even when they fall outside the top (or have no record left).
    const listed = [...new Set([...top, ...selected])];
    values = listed.map((v) => [v, Object.hasOwn(counts, v) ? counts[v]! : 0]);
    const id = `facet-${facet}`;
    return html`<fieldset class="facet" id="${id}" data-facet="${facet}">
  <legend>${label(facet, catalog)}</legend>
  ${facet === web.finder
    ? html`<div class="facet-find">
    <label for="${id}-find">Find: ${label(facet, catalog).toLowerCase()}</label>
    <input id="${id}-find" name="${facet}" type="text" inputmode="numeric" autocomplete="off" placeholder="e.g. 2154"
      data-facet-search="${facet}" data-facet-values="${finderPath(web, facet)}" aria-controls="${id}-values">
  </div>`
    : ''}
  <ul class="facet-values" id="${id}-values">
    ${values.length ? values.map(([value, n]) => facetValue(web, facet, value, n, selected.includes(value))) : html`<li class="empty">no values</li>`}
  </ul>
</fieldset>`;
  });
}

/** Where the finder of a panel lists its values (web/routes.ts). */
export const finderPath = (web: WebDataset, facet: string) => `${web.path === '/' ? '' : web.path}/facet-values/${facet}`;

/** One facet value as a checkbox; `n` undefined when its count is not known (a kept choice in the finder). */
export function facetValue(web: WebDataset, facet: string, value: string, n: number | undefined, checked: boolean): Html {
  const id = `f-${facet}-${value.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  return html`<li><input type="checkbox" id="${id}" name="${facet}" value="${value}"${checked ? html` checked` : ''}>
    <label for="${id}">${valueLabel(facet, value, web.api.catalog)} ${n === undefined ? '' : html`<span class="count">${count(n)}</span>`}</label></li>`;
}

function sortSelect(web: WebDataset, params: PageParams): Html {
  const current = params.values('sort').join(',');
  const options: (readonly [string, string])[] = [...web.sorts];
  // A sort written into the URL by hand (or by a script) stays selected, under its own name.
  if (!options.some(([value]) => value === current)) options.push([current, `Custom: ${current}`]);
  return html`<label for="sort">Sort</label>
    <select id="sort" name="sort">${options.map(([value, text]) => html`<option value="${value}"${value === current ? html` selected` : ''}>${text}</option>`)}</select>`;
}

function results(web: WebDataset, answer: SearchAnswer, params: PageParams, criteria: string): Html {
  const { api } = web;
  const { noun } = api.catalog;
  const exportQuery = params.query();
  const exportHref = (format: string) => `${api.base}/export?${exportQuery ? `${exportQuery}&` : ''}format=${format}`;
  const hasQ = Boolean(params.get('q'));
  const listed = api.filters.listParams.some((l) => params.values(l.param).length > 0);
  const pastTheEnd = answer.totalHits > 0 && answer.hits.length === 0;
  return html`<div class="summary">
  <p id="total"><strong>${count(answer.totalHits)}</strong> ${answer.totalHits === 1 ? noun : `${noun}s`}${answer.totalPages > 1 ? ` - page ${count(answer.page)} of ${count(answer.totalPages)}` : ''}</p>
  <div class="tools">
    ${sortSelect(web, params)}
    <a class="button" id="export-csv" href="${exportHref('csv')}" download>Download CSV</a>
    <a class="button secondary" href="${exportHref('ndjson')}" download>NDJSON</a>
    <a class="button secondary" id="export-parquet" href="${exportHref('parquet')}" download>Parquet</a>
  </div>
</div>
${chips(web, params)}
<details class="criteria">
  <summary>Legacy DS-API criteria for these filters</summary>
  <p><code id="criteria">${criteria}</code>
  <a href="/ds-api/${api.catalog.dataset}/v1/records?criteria=${encodeURIComponent(criteria)}&amp;rows=20">run it on /ds-api</a></p>
  ${hasQ ? html`<p class="hint">The keyword search has no legacy equivalent: the DS-API could only match whole field values.</p>` : ''}
  ${listed ? html`<p class="hint">v1 kept the claims as one string, so a claim reads as the four places it can stand in it (alone, first, last, inside); /ds-api answers the four together as one claim filter.</p>` : ''}
</details>
<ol class="hits" start="${(answer.page - 1) * answer.pageSize + 1}">
  ${answer.hits.map((hit) => web.hit(hit as Record<string, unknown>))}
</ol>
${answer.totalHits === 0 ? html`<p class="empty">No ${noun} matches. Remove a filter or check the spelling.</p>` : ''}
${pastTheEnd ? html`<p class="empty">There is no page ${count(answer.page)}: the last page is <a href="${params.atPage(answer.totalPages).href()}">${count(answer.totalPages)}</a>.</p>` : ''}
${pager(answer, params)}`;
}

function chips(web: WebDataset, params: PageParams): Html {
  const { catalog } = web.api;
  const active = params.entries().filter(([name]) => name !== 'sort');
  if (!active.length) return html``;
  return html`<ul class="chips" aria-label="Active filters">
  ${active.map(
    ([name, value]) =>
      // The accessible name starts with "Remove" and contains the visible text (WCAG 2.5.3).
      html`<li><a class="chip" href="${params.without(name, value).href()}"><span class="visually-hidden">Remove </span>${name === 'q' ? 'Search' : label(name, catalog)}: ${valueLabel(name, value, catalog)} <span aria-hidden="true">×</span></a></li>`,
  )}
  <li><a class="chip clear" href="${web.path}">Clear all</a></li>
</ul>`;
}

function pager(answer: SearchAnswer, params: PageParams): Html {
  if (answer.totalPages <= 1) return html``;
  const { page, totalPages } = answer;
  const pages = [...new Set([1, page - 2, page - 1, page, page + 1, page + 2, totalPages])].filter((p) => p >= 1 && p <= totalPages).sort((a, b) => a - b);
  const link = (p: number, text: string, rel?: string) => html`<a href="${params.atPage(p).href()}"${rel ? html` rel="${rel}"` : ''}>${text}</a>`;
  return html`<nav class="pager" aria-label="Pages">
  ${page > 1 ? link(page - 1, 'Previous', 'prev') : ''}
  ${pages.map((p, i) => html`${i > 0 && p - pages[i - 1]! > 1 ? html`<span class="gap">…</span>` : ''}${p === page ? html`<span aria-current="page">${count(p)}</span>` : link(p, count(p))}`)}
  ${page < totalPages ? link(page + 1, 'Next', 'next') : ''}
</nav>`;
}

function problem(web: WebDataset, error: Problem, params: PageParams): Html {
  const { catalog } = web.api;
  if (error.code === 'index_missing') {
    return html`<div class="problem" role="alert"><h2>No ${catalog.noun}s to search yet</h2>
  <p>The ${catalog.dataset} index has not been built. Load the OARD ${catalog.table} table into it:
  <code>npm run index -- --${catalog.table} &lt;file&gt; --office-actions &lt;file&gt;</code> (README, "Indexing the OARD files").</p></div>`;
  }
  return html`<div class="problem" role="alert"><h2>${error.status === 400 ? 'This search cannot run' : 'Search is unavailable'}</h2><p>${error.message}</p>
  ${error.status === 400 ? html`<p>Remove the filter at fault below, or <a href="${web.path}">start over</a>.</p>` : html`<p><a href="${params.href()}">Try again</a> in a moment.</p>`}</div>
${chips(web, params)}`;
}
