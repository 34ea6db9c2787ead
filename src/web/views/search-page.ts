/**
 * The search page: a GET form (search box, facet checkboxes, sort) around the results. Without
 * JavaScript the form's button submits it; with it (assets/app.js) typing and clicking refresh
 * `#facets` and `#results` in place from the same server-rendered HTML.
 */
import { html } from 'hono/html';
import type { SearchAnswer } from '../../api/search.ts';
import type { FieldName, SortKey } from '../../catalog/fields.ts';
import type { PageParams } from '../page-state.ts';
import { count, label, layout, valueLabel, type Html } from './layout.ts';

/** The facet panels, in order; art unit gets a value search (it has hundreds of values). */
export const PAGE_FACETS = ['formType', 'artUnit', 'techCenter', 'actionType', 'documentCd', 'mailYear'] as const satisfies readonly FieldName[];
export type PageFacet = (typeof PAGE_FACETS)[number];
export const isPageFacet = (name: string): name is PageFacet => (PAGE_FACETS as readonly string[]).includes(name);
/** Values a panel lists before "find more" (selected values are always listed). */
const SHOWN_VALUES = 8;
/** Facets whose values read best in value order (years), not by count. */
const VALUE_ORDER: ReadonlySet<FieldName> = new Set(['mailYear']);

const SORTS: readonly (readonly [SortKey | '', string])[] = [
  ['', 'Relevance'],
  ['mailDate:desc', 'Newest office action first'],
  ['mailDate:asc', 'Oldest office action first'],
  ['applicationId:asc', 'Application number'],
];

export interface SearchView {
  params: PageParams;
  answer?: SearchAnswer;
  criteria?: string;
  /** A problem with the request (bad parameters, search unavailable), shown instead of results. */
  error?: { status: number; message: string; params: readonly string[] };
}

export function searchPage(view: SearchView): Html {
  const { params } = view;
  const q = params.get('q') ?? '';
  const title = q ? `${q} - oa-citations search` : 'oa-citations search';
  return layout(
    title,
    html`<form id="search" class="search" method="get" action="/">
  <div class="searchbar" role="search">
    <label for="q">Search citations</label>
    <input id="q" name="q" type="search" value="${q}" autocomplete="off" spellcheck="false"
      placeholder="a reference (US 7,123,456 B2), an application (12/345,678) or words of the citation"
      aria-describedby="q-hint">
    <button type="submit">Search</button>
    <p id="q-hint" class="hint">Typos are tolerated. Results update as you type.</p>
  </div>
  <div class="columns">
    <aside aria-label="Filters">
      <details class="filters" id="filters" open>
        <summary>Filters</summary>
        <div id="facets">${view.answer ? facetPanels(view.answer, params) : ''}</div>
      </details>
    </aside>
    <main id="main" tabindex="-1">
      <div id="results">${hiddenFilters(params, view.error?.params ?? [])}${view.error ? problem(view.error, params) : view.answer ? results(view.answer, params, view.criteria ?? '*:*') : ''}</div>
    </main>
  </div>
</form>`,
  );
}

/**
 * Filters that have no control on the page (application, reference, dates...) ride along as
 * hidden fields - inside #results, so that the script's swap replaces them with the new state.
 * Parameters the last request was refused for are dropped: the next search starts clean.
 */
function hiddenFilters(params: PageParams, refused: readonly string[]): Html[] {
  const skip = new Set<string>(['q', 'sort', 'page', ...PAGE_FACETS, ...refused]);
  return params
    .entries()
    .filter(([name]) => !skip.has(name))
    .map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`);
}

function facetPanels(answer: SearchAnswer, params: PageParams): Html[] {
  return PAGE_FACETS.map((facet) => {
    const counts = answer.facetDistribution[facet] ?? {};
    const selected = params.values(facet);
    let values = Object.entries(counts);
    values.sort(VALUE_ORDER.has(facet) ? (a, b) => Number(b[0]) - Number(a[0]) : (a, b) => b[1] - a[1]);
    const top = values.slice(0, SHOWN_VALUES).map(([v]) => v);
    // Keep chosen values visible even when they fall outside the top (or have no record left).
    const listed = [...new Set([...top, ...selected])];
    values = listed.map((v) => [v, Object.hasOwn(counts, v) ? counts[v]! : 0]);
    const id = `facet-${facet}`;
    return html`<fieldset class="facet" id="${id}" data-facet="${facet}">
  <legend>${label(facet)}</legend>
  ${facet === 'artUnit'
    ? html`<div class="facet-find">
    <label for="${id}-find">Find an art unit</label>
    <input id="${id}-find" name="artUnit" type="text" inputmode="numeric" autocomplete="off" placeholder="e.g. 2154"
      data-facet-search="artUnit" aria-controls="${id}-values">
  </div>`
    : ''}
  <ul class="facet-values" id="${id}-values">
    ${values.length ? values.map(([value, n]) => facetValue(facet, value, n, selected.includes(value))) : html`<li class="empty">no values</li>`}
  </ul>
</fieldset>`;
  });
}

/** One facet value as a checkbox; `n` undefined when its count is not known (a kept choice in the finder). */
export function facetValue(facet: string, value: string, n: number | undefined, checked: boolean): Html {
  const id = `f-${facet}-${value.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  return html`<li><input type="checkbox" id="${id}" name="${facet}" value="${value}"${checked ? html` checked` : ''}>
    <label for="${id}">${valueLabel(facet, value)} ${n === undefined ? '' : html`<span class="count">${count(n)}</span>`}</label></li>`;
}

function sortSelect(params: PageParams): Html {
  const current = params.values('sort').join(',');
  const options: (readonly [string, string])[] = [...SORTS];
  // A sort written into the URL by hand (or by a script) stays selected, under its own name.
  if (!options.some(([value]) => value === current)) options.push([current, `Custom: ${current}`]);
  return html`<label for="sort">Sort</label>
    <select id="sort" name="sort">${options.map(([value, text]) => html`<option value="${value}"${value === current ? html` selected` : ''}>${text}</option>`)}</select>`;
}

function results(answer: SearchAnswer, params: PageParams, criteria: string): Html {
  const exportQuery = params.query();
  const exportHref = (format: string) => `/api/v1/export?${exportQuery ? `${exportQuery}&` : ''}format=${format}`;
  const hasQ = Boolean(params.get('q'));
  const pastTheEnd = answer.totalHits > 0 && answer.hits.length === 0;
  return html`<div class="summary">
  <p id="total"><strong>${count(answer.totalHits)}</strong> ${answer.totalHits === 1 ? 'citation' : 'citations'}${answer.totalPages > 1 ? ` - page ${count(answer.page)} of ${count(answer.totalPages)}` : ''}</p>
  <div class="tools">
    ${sortSelect(params)}
    <a class="button" id="export-csv" href="${exportHref('csv')}" download>Download CSV</a>
    <a class="button secondary" href="${exportHref('ndjson')}" download>NDJSON</a>
  </div>
</div>
${chips(params)}
<details class="criteria">
  <summary>Legacy DS-API criteria for these filters</summary>
  <p><code id="criteria">${criteria}</code>
  <a href="/ds-api/oa_citations/v1/records?criteria=${encodeURIComponent(criteria)}&amp;rows=20">run it on /ds-api</a></p>
  ${hasQ ? html`<p class="hint">The keyword search has no legacy equivalent: the DS-API could only match whole field values.</p>` : ''}
</details>
<ol class="hits" start="${(answer.page - 1) * answer.pageSize + 1}">
  ${answer.hits.map((hit) => hitItem(hit as Record<string, unknown>))}
</ol>
${answer.totalHits === 0 ? html`<p class="empty">No citation matches. Remove a filter or check the spelling.</p>` : ''}
${pastTheEnd ? html`<p class="empty">There is no page ${count(answer.page)}: the last page is <a href="${params.atPage(answer.totalPages).href()}">${count(answer.totalPages)}</a>.</p>` : ''}
${pager(answer, params)}`;
}

function chips(params: PageParams): Html {
  const active = params.entries().filter(([name]) => name !== 'sort');
  if (!active.length) return html``;
  return html`<ul class="chips" aria-label="Active filters">
  ${active.map(
    ([name, value]) =>
      // The accessible name starts with "Remove" and contains the visible text (WCAG 2.5.3).
      html`<li><a class="chip" href="${params.without(name, value).href()}"><span class="visually-hidden">Remove </span>${name === 'q' ? 'Search' : label(name)}: ${valueLabel(name, value)} <span aria-hidden="true">×</span></a></li>`,
  )}
  <li><a class="chip clear" href="/">Clear all</a></li>
</ul>`;
}

function hitItem(hit: Record<string, unknown>): Html {
  const forms = (hit.formType as string[] | undefined) ?? [];
  const reference = String(hit.citationText ?? hit.Patent_PGPub);
  return html`<li class="hit">
  <a class="hit-title" href="/record/${encodeURIComponent(String(hit.id))}">${reference}</a>
  <span class="hit-meta">cited in application <strong>${String(hit.applicationId)}</strong>${hit.mailDate ? html`, mailed ${String(hit.mailDate)}` : ''}${hit.artUnit ? html`, art unit ${String(hit.artUnit)}` : ''}${hit.actionSubtype ? html`, ${String(hit.actionSubtype)}` : hit.actionType ? html`, § ${String(hit.actionType)}` : ''}</span>
  <span class="badges">${forms.map((f) => html`<span class="badge">${valueLabel('formType', f)}</span>`)}</span>
</li>`;
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

function problem(error: { status: number; message: string }, params: PageParams): Html {
  return html`<div class="problem" role="alert"><h2>${error.status === 400 ? 'This search cannot run' : 'Search is unavailable'}</h2><p>${error.message}</p>
  ${error.status === 400 ? html`<p>Remove the filter at fault below, or <a href="/">start over</a>.</p>` : html`<p><a href="${params.href()}">Try again</a> in a moment.</p>`}</div>
${chips(params)}`;
}
