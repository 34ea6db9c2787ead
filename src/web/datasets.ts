/**
 * What the web page searches of each data set: the modern API's data set (src/api/datasets.ts)
 * plus how the page shows it - its address, its facet panels, its search inputs, how one hit
 * reads. The search page, its finder and its legacy-criteria box are written once over this.
 *
 *   citations    /             keyword search, form type, art unit ... panels
 *   rejections   /rejections   application and claim inputs, ground, subsection, case-law ... panels
 */
import { CITATIONS_API, REJECTIONS_API, type ApiDataset } from '../api/datasets.ts';
import type { FilterInput } from '../api/filters.ts';
import type { FieldName, SortKey } from '../catalog/fields.ts';
import { criteriaOf } from './legacy-criteria.ts';
import { pageSchemasOf, type PageSchemas } from './page-state.ts';
import { citationHit, rejectionHit } from './views/hits.ts';
import type { Html } from './views/layout.ts';

/** One text input of the search bar: a parameter of the data set's search. */
export interface SearchInput {
  readonly name: string;
  readonly label: string;
  readonly placeholder: string;
  readonly numeric?: boolean;
}

export interface WebDataset {
  readonly api: ApiDataset;
  /** The search page's path. */
  readonly path: string;
  /** Its name on the data-set switch ("Citations"). */
  readonly title: string;
  /** The facet panels, in order. */
  readonly facets: readonly FieldName[];
  /** The panel with a value search (art unit: hundreds of values). */
  readonly finder: FieldName;
  /** Panels whose values read best in value order (years), not by count. */
  readonly valueOrder: ReadonlySet<FieldName>;
  readonly sorts: readonly (readonly [SortKey | '', string])[];
  /** The search bar's inputs; the first is the one a page load focuses on. */
  readonly inputs: readonly [SearchInput, ...SearchInput[]];
  readonly hint: string;
  readonly hit: (hit: Record<string, unknown>) => Html;
  /** What the page parses (derived). */
  readonly schemas: PageSchemas;
  /** The v1 criteria of parsed filters (derived). */
  readonly criteria: (input: FilterInput) => string;
}

type Described = Omit<WebDataset, 'schemas' | 'criteria'>;

function webDataset(d: Described): WebDataset {
  for (const f of d.facets) if (!d.api.params.facetNames.includes(f)) throw new Error(`web: ${f} is no facet of ${d.api.catalog.dataset}`);
  for (const [key] of d.sorts) if (key && !d.api.params.sortOptions.includes(key)) throw new Error(`web: ${d.api.catalog.dataset} cannot sort by ${key}`);
  return { ...d, schemas: pageSchemasOf(d.api), criteria: criteriaOf(d.api.catalog, d.api.filters) };
}

export const CITATIONS_WEB = webDataset({
  api: CITATIONS_API,
  path: '/',
  title: 'Citations',
  facets: ['formType', 'artUnit', 'techCenter', 'actionType', 'documentCd', 'mailYear'],
  finder: 'artUnit',
  valueOrder: new Set(['mailYear']),
  sorts: [
    ['', 'Relevance'],
    ['mailDate:desc', 'Newest office action first'],
    ['mailDate:asc', 'Oldest office action first'],
    ['applicationId:asc', 'Application number'],
  ],
  inputs: [
    { name: 'q', label: 'Search citations', placeholder: 'a reference (US 7,123,456 B2), an application (12/345,678) or words of the citation' },
  ],
  hint: 'Typos are tolerated. Results update as you type.',
  hit: citationHit,
});

export const REJECTIONS_WEB = webDataset({
  api: REJECTIONS_API,
  path: '/rejections',
  title: 'Rejections',
  facets: ['actionType', 'actionSubtype', 'aliceIn', 'bilskiIn', 'mayoIn', 'myriadIn', 'artUnit', 'techCenter', 'documentCd', 'mailYear'],
  finder: 'artUnit',
  valueOrder: new Set(['mailYear']),
  sorts: [
    ['', 'Index order'],
    ['mailDate:desc', 'Newest office action first'],
    ['mailDate:asc', 'Oldest office action first'],
    ['applicationId:asc', 'Application number'],
  ],
  inputs: [
    { name: 'applicationId', label: 'Application', placeholder: 'an application (12/345,678)' },
    { name: 'claim', label: 'Claim', placeholder: 'e.g. 7', numeric: true },
  ],
  hint: 'Rejections are found by application, claim and the filters (no keyword search: a rejection has no text). Results update as you type.',
  hit: rejectionHit,
});
