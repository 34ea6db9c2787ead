/**
 * `GET /api/v1/facets/{facet}?q=21`: the values of one facet that start with `q`, with their
 * record counts under the current filters (the facet's own filter left out, as in search's
 * disjunctive counts, so picking a second art unit stays possible).
 *
 * String facets use Meilisearch's facet search (prefix and typo tolerant). It does not search
 * numeric facets (mailYear, flags, cite103Max: it answers nothing for them), so those are counted
 * with a limit-0 search and matched by prefix here; they have few values.
 */
import { z } from 'zod';
import { FACET_FIELDS } from '../catalog/fields.ts';
import type { MeiliReader } from '../meili/reader.ts';
import { checkRanges, filterClauses, filterExpression, filterShape, VERBATIM_PARAMS, type FilterInput } from './filters.ts';
import { numberQuery } from './numbers.ts';
import { defineRoute } from './registry.ts';
import { countOut, facetNameParam, jsonResponse } from './schemas.ts';

const NUMERIC_FACETS = new Set(FACET_FIELDS.filter((f) => f.type === 'int' || f.type === 'flag').map((f) => f.name));

export const facetValuesOut = z.object({
  facet: z.string(),
  query: z.string(),
  values: z.array(z.object({ value: z.string(), count: countOut })).describe('Most frequent first.'),
});

const byCountThenValue = (a: { value: string; count: number }, b: { value: string; count: number }) =>
  b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0);

export function facetValuesRoute(reader: MeiliReader) {
  return defineRoute({
    method: 'get',
    path: '/api/v1/facets/{facet}',
    operationId: 'facetValues',
    tag: 'Search',
    summary: 'Search the values of one facet, with counts under the current filters',
    description: 'E.g. /api/v1/facets/artUnit?q=21 lists the art units 21xx. Accepts the filter parameters of /api/v1/search.',
    params: z.object({ facet: facetNameParam.describe('A facet name of the catalog.') }),
    query: z
      .object({
        q: z.string().max(100, { error: 'must be at most 100 characters' }).optional().describe('Start of the values to list; empty lists the most frequent values.'),
        ...filterShape,
      })
      .superRefine(checkRanges),
    verbatim: VERBATIM_PARAMS,
    response: jsonResponse('FacetValuesResponse', 'Matching facet values with record counts.', facetValuesOut),
    errors: [503],
    handler: (c, { params, query }) => facetValues(reader, params.facet, { prefix: query.q, filters: query }, c.req.raw.signal),
  });
}

export type FacetValues = z.output<typeof facetValuesOut>;

/**
 * The values of `facet` starting with `prefix`, counted under `filters` (the facet's own filter
 * left out) and, for the web page's search box, under a keyword query. Shared by the route above
 * and the web page's art-unit finder.
 */
export async function facetValues(
  reader: MeiliReader,
  facet: string,
  { prefix = '', filters, keywords }: { prefix?: string; filters: FilterInput; keywords?: string },
  signal?: AbortSignal,
): Promise<FacetValues> {
  const filter = filterExpression(filterClauses(filters), facet);
  const q = keywords?.trim() ? numberQuery(keywords) : undefined;
  let values: { value: string; count: number }[];
  if (NUMERIC_FACETS.has(facet)) {
    const res = await reader.search({ q, filter, limit: 0, facets: [facet] }, signal);
    values = Object.entries(res.facetDistribution?.[facet] ?? {})
      .filter(([value]) => value.startsWith(prefix))
      .map(([value, count]) => ({ value, count }));
  } else {
    const res = await reader.facetSearch({ facetName: facet, facetQuery: prefix, ...(q ? { q } : {}), ...(filter ? { filter } : {}) }, signal);
    values = res.facetHits;
  }
  return { facet, query: prefix, values: values.sort(byCountThenValue) };
}
