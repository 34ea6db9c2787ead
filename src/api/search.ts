/**
 * `GET /api/v1/search`: full text + catalog filters + disjunctive facet counts, in one
 * Meilisearch multi-search:
 *   query 0      the page of hits, with the counts of every requested facet that is NOT filtered;
 *   query 1..n   one limit-0 query per requested facet that IS filtered, under all the other
 *                filters, so the counts show what choosing another value of that facet would give
 *                (the usual "disjunctive" faceting of search UIs: values of a field are OR-ed).
 */
import { z } from 'zod';
import { NOTHING } from '../catalog/layout.ts';
import { render } from '../filter/render.ts';
import type { RecordStore, SearchQuery as StoreQuery } from '../store/records.ts';
import { CITATIONS_API, operationOf, schemaOf, type ApiDataset } from './datasets.ts';
import { filterClauses, filterOf, VERBATIM_PARAMS, type FilterInput } from './filters.ts';
import { numberQuery } from './numbers.ts';
import { defineRoute } from './registry.ts';
import { countOut, facetDistributionOut, facetStatsOut, intParam, jsonResponse, recordOut } from './schemas.ts';
import { requestSignal } from '../http/node-request.ts';

export const DEFAULT_FACETS = CITATIONS_API.defaultFacets;
export const MAX_PAGE_SIZE = 1000;

const keywordsParam = z
  .string()
  .max(500, { error: 'must be at most 500 characters' })
  .optional()
  .describe(
    'Full-text query over the citation text and the application / reference numbers, typo tolerant (one wrong or swapped digit still matches). A query that is one written number ("US 7,123,456 B2") is searched as that number.',
  );

/** A data set's search parameters (a keyword query only where some field is full-text searchable). */
export function searchQueryOf(api: ApiDataset) {
  const { filters, params } = api;
  const query = z.object({
    q: keywordsParam,
    ...filters.shape,
    facets: z
      .array(params.facetName)
      .optional()
      .describe(`Facets to count (comma list or repeated). Default: ${api.defaultFacets.join(',')}; empty for none. Counts of a filtered facet are computed under all the other filters.`),
    page: intParam(1, 1_000_000).optional().describe('Page number, from 1. Default 1.'),
    pageSize: intParam(0, MAX_PAGE_SIZE).optional().describe(`Hits per page, 0 to ${MAX_PAGE_SIZE} (0 = counts only). Default 20.`),
    sort: z
      .array(params.sort)
      .optional()
      .describe(
        api.keywords
          ? 'Sort criteria in order, e.g. mailDate:desc. With q, relevance ranks first and the sort orders equally relevant hits. Ties come in index order.'
          : 'Sort criteria in order, e.g. mailDate:desc. Ties come in index order.',
      ),
  });
  // Without searchable fields there is no `q` to take (the parsed query simply never holds one).
  const taken = api.keywords ? query : (query.omit({ q: true }) as unknown as typeof query);
  return taken.superRefine(filters.checkRanges);
}

export const searchQuery = searchQueryOf(CITATIONS_API);

function searchOutOf(api: ApiDataset) {
  return z.object({
    query: z.string(),
    filter: z.string().nullable().describe("The filter the parameters compiled to, in Meilisearch filter syntax over the catalog's field names."),
    hits: z.array(api.recordOut),
    totalHits: countOut.describe('Exact number of matching records.'),
    page: z.number().int(),
    pageSize: z.number().int(),
    totalPages: z.number().int(),
    facetDistribution: facetDistributionOut.describe('Per requested facet: value -> number of matching records.'),
    facetStats: facetStatsOut.describe('Min and max of numeric facets among the counted records.'),
    processingTimeMs: z.number(),
  });
}
export const searchOut = searchOutOf(CITATIONS_API);

export function searchRoute(store: RecordStore, api: ApiDataset = CITATIONS_API) {
  const query = searchQueryOf(api);
  const out = api === CITATIONS_API ? searchOut : searchOutOf(api);
  return defineRoute({
    method: 'get',
    path: `${api.base}/search`,
    operationId: operationOf(api, 'search'),
    tag: 'Search',
    summary: `Search ${api.plural} with filters and facet counts`,
    description:
      'Repeated values of one filter are OR-ed, different filters AND-ed. totalHits is exact at any size. Facet counts are disjunctive: a filtered facet is counted under all the other filters.',
    query,
    verbatim: VERBATIM_PARAMS,
    response: jsonResponse(schemaOf(api, 'SearchResponse'), `A page of matching ${api.plural} with facet counts.`, out),
    errors: [503],
    handler: (c, { query }) => runSearch(store, query, requestSignal(c), api),
  });
}

export type SearchQuery = z.output<typeof searchQuery>;
export type SearchAnswer = z.input<typeof searchOut>;

/**
 * One search with its disjunctive facet counts. The route above and the web page (src/web) both
 * answer through this, so the page shows exactly what the API would.
 */
export async function runSearch(store: RecordStore, query: SearchQuery, signal?: AbortSignal, api: ApiDataset = CITATIONS_API): Promise<SearchAnswer> {
  const started = performance.now();
  const clauses = api.filters.clauses(query);
  const facets = [...new Set(query.facets ?? api.defaultFacets)];
  const q = query.q?.trim() ? numberQuery(query.q) : undefined;
  const page = query.page ?? 1;
  const pageSize = query.pageSize ?? 20;
  const filter = filterOf(clauses);
  // Ties (and results without q or sort) come in index order: Meilisearch breaks them by internal
  // document id, so pages never repeat or skip a record.
  const main: StoreQuery = {
    q,
    filter,
    page,
    hitsPerPage: pageSize,
    facets: facets.filter((f) => !clauses.has(f)),
    ...(query.sort?.length ? { sort: query.sort } : {}),
  };
  const disjunctive = facets.filter((f) => clauses.has(f));
  const perFacet: StoreQuery[] = disjunctive.map((f) => ({ q, filter: filterOf(clauses, f), facets: [f], page: 1, hitsPerPage: 0 }));
  const [hits, ...counts] = await store.multiSearch([main, ...perFacet], signal);

  const facetDistribution: Record<string, Record<string, number>> = {};
  const facetStats: Record<string, { min: number; max: number }> = {};
  for (const f of facets) {
    const i = disjunctive.indexOf(f);
    const source = i < 0 ? hits : counts[i];
    facetDistribution[f] = source?.facetDistribution[f] ?? {};
    const stats = source?.facetStats[f];
    if (stats) facetStats[f] = stats;
  }
  const totalHits = hits?.totalHits ?? 0;
  return {
    query: query.q ?? '',
    filter: render(filter, NOTHING).text ?? null,
    hits: (hits?.hits ?? []) as z.input<typeof recordOut>[],
    totalHits,
    page,
    pageSize,
    totalPages: pageSize ? Math.ceil(totalHits / pageSize) : 0,
    facetDistribution,
    facetStats,
    processingTimeMs: Math.round(performance.now() - started),
  };
}

/**
 * The exact number of records matching each of several sets of filter parameters (parsed, as the
 * filter schema outputs them), in one round trip: page mode with no hits, so an exact total, not
 * an estimate. The web page's record links count through this.
 */
export async function countRecords(store: RecordStore, inputs: readonly FilterInput[], signal?: AbortSignal): Promise<number[]> {
  const answers = await store.multiSearch(
    inputs.map((input) => ({ filter: filterOf(filterClauses(input)), page: 1, hitsPerPage: 0, fields: [] })),
    signal,
  );
  return answers.map((a) => a.totalHits);
}
