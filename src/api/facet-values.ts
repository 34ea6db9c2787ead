/**
 * `GET /api/v1/facets/{facet}?q=21`: the values of one facet that start with `q`, with their
 * record counts under the current filters (the facet's own filter left out, as in search's
 * disjunctive counts, so picking a second art unit stays possible).
 *
 * Facets stored as text attributes use Meilisearch's facet search (prefix and typo tolerant).
 * The others - numbers (flags, cite103Max), and facets computed on read (formType, techCenter,
 * mailYear) - are counted with a zero-hit search and matched by prefix here; they have few values.
 */
import { z } from 'zod';
import type { FieldName } from '../catalog/fields.ts';
import type { RecordStore } from '../store/records.ts';
import { CITATIONS_API, operationOf, schemaOf, type ApiDataset } from './datasets.ts';
import { filterOf, VERBATIM_PARAMS, type FilterInput } from './filters.ts';
import { numberQuery } from './numbers.ts';
import { defineRoute } from './registry.ts';
import { countOut, jsonResponse } from './schemas.ts';
import { requestSignal } from '../http/node-request.ts';

export const facetValuesOut = z.object({
  facet: z.string(),
  query: z.string(),
  values: z.array(z.object({ value: z.string(), count: countOut })).describe('Most frequent first.'),
});

const byCountThenValue = (a: { value: string; count: number }, b: { value: string; count: number }) =>
  b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0);

export function facetValuesRoute(store: RecordStore, api: ApiDataset = CITATIONS_API) {
  return defineRoute({
    method: 'get',
    path: `${api.base}/facets/{facet}`,
    operationId: operationOf(api, 'facetValues'),
    tag: 'Search',
    summary: `Search the values of one facet of the ${api.plural}, with counts under the current filters`,
    description: `E.g. ${api.base}/facets/artUnit?q=21 lists the art units 21xx. Accepts the filter parameters of ${api.base}/search.`,
    params: z.object({ facet: api.params.facetName.describe('A facet name of the catalog.') }),
    query: z
      .object({
        q: z.string().max(100, { error: 'must be at most 100 characters' }).optional().describe('Start of the values to list; empty lists the most frequent values.'),
        ...api.filters.shape,
      })
      .superRefine(api.filters.checkRanges),
    verbatim: VERBATIM_PARAMS,
    response: jsonResponse(schemaOf(api, 'FacetValuesResponse'), 'Matching facet values with record counts.', api === CITATIONS_API ? facetValuesOut : facetValuesOut.clone()),
    errors: [503],
    handler: (c, { params, query }) => facetValues(store, params.facet, { prefix: query.q, filters: query }, requestSignal(c), api),
  });
}

export type FacetValues = z.output<typeof facetValuesOut>;

/**
 * The values of `facet` starting with `prefix`, counted under `filters` (the facet's own filter
 * left out) and, for the web page's search box, under a keyword query. Shared by the route above
 * and the web page's art-unit finder.
 */
export async function facetValues(
  store: RecordStore,
  facet: FieldName,
  { prefix = '', filters, keywords }: { prefix?: string; filters: FilterInput; keywords?: string },
  signal?: AbortSignal,
  api: ApiDataset = CITATIONS_API,
): Promise<FacetValues> {
  const filter = filterOf(api.filters.clauses(filters), facet);
  const q = keywords?.trim() ? numberQuery(keywords) : undefined;
  let values: { value: string; count: number }[];
  if (api.catalog.layout.facetSearchable(facet)) {
    values = await store.facetSearch(facet, { prefix, filter, q }, signal);
  } else {
    const res = await store.search({ q, filter, page: 1, hitsPerPage: 0, facets: [facet] }, signal);
    // As Meilisearch's facet search reads a prefix: case folded.
    const start = prefix.toLowerCase();
    values = Object.entries(res.facetDistribution[facet] ?? {})
      .filter(([value]) => value.toLowerCase().startsWith(start))
      .map(([value, count]) => ({ value, count }));
  }
  return { facet, query: prefix, values: values.sort(byCountThenValue) };
}
