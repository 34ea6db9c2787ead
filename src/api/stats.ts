/**
 * Analytics from facet counts (no record is read):
 * - `GET /api/v1/stats/top-references`: the most-cited references under the filters, from the
 *   Patent_PGPub facet sorted by count. A patent stored both plain and zero-padded counts once.
 * - `GET /api/v1/stats/overview`: records in all, by form type, by mail year, by tech center.
 */
import { z } from 'zod';
import { FIELD_BY_NAME, type FieldName } from '../catalog/fields.ts';
import { MAX_VALUES_PER_FACET } from '../catalog/index-settings.ts';
import type { RecordStore } from '../store/records.ts';
import { checkRanges, filterClauses, filterOf, filterShape, VERBATIM_PARAMS } from './filters.ts';
import { classifyStored } from './numbers.ts';
import { defineRoute } from './registry.ts';
import { countOut, intParam, jsonResponse, numberKindOut } from './schemas.ts';
import { requestSignal } from '../http/node-request.ts';

/** A filterable catalog field, checked at start-up (the type checks the name; the catalog, that it filters). */
function catalogField<N extends FieldName>(name: N): N {
  if (!FIELD_BY_NAME.get(name)?.filter) throw new Error(`stats: "${name}" is not a filterable catalog field`);
  return name;
}

const REFERENCE = catalogField('Patent_PGPub');
const FORM_TYPE = catalogField('formType');
const MAIL_YEAR = catalogField('mailYear');
const TECH_CENTER = catalogField('techCenter');

export const topReferencesOut = z.object({
  totalRecords: countOut.describe('Records matching the filters.'),
  complete: z
    .boolean()
    .describe(`False when the filters leave more than ${MAX_VALUES_PER_FACET} distinct references. The top of the list is still exact (the index orders references by count); only a zero-padded twin of a listed reference beyond that cut could be left uncounted.`),
  references: z.array(
    z.object({
      number: z.string(),
      kind: numberKindOut,
      storedValues: z.array(z.string()),
      records: countOut.describe('Matching records citing it.'),
    }),
  ),
});

export const overviewOut = z.object({
  totalRecords: countOut,
  byFormType: z.record(z.string(), countOut),
  byYear: z.record(z.string(), countOut).describe('By mail year (records without an office action have none).'),
  byTechCenter: z.record(z.string(), countOut),
});

export function topReferencesRoute(store: RecordStore) {
  return defineRoute({
    method: 'get',
    path: '/api/v1/stats/top-references',
    operationId: 'topReferences',
    tag: 'Analytics',
    summary: 'Most-cited references under filters',
    description: `E.g. ?artUnit=2154&mailYear=2012&limit=20. Accepts the filter parameters of /api/v1/search. Counts are exact and the ranking is the true top: the index orders the reference facet by count.`,
    query: z
      .object({
        ...filterShape,
        limit: intParam(1, 1000).optional().describe('How many references (default 20, at most 1000).'),
      })
      .superRefine(checkRanges),
    verbatim: VERBATIM_PARAMS,
    response: jsonResponse('TopReferencesResponse', 'References by number of citing records, most first.', topReferencesOut),
    errors: [503],
    handler: async (c, { query }) => {
      const filter = filterOf(filterClauses(query));
      const res = await store.search({ filter, page: 1, hitsPerPage: 0, facets: [REFERENCE] }, requestSignal(c));
      const distribution = res.facetDistribution[REFERENCE] ?? {};
      const merged = new Map<string, { number: string; kind: z.output<typeof numberKindOut>; storedValues: string[]; records: number }>();
      for (const [value, records] of Object.entries(distribution)) {
        const { kind, normalized } = classifyStored('Patent_PGPub', value);
        const known = merged.get(normalized);
        if (known) {
          known.records += records;
          known.storedValues.push(value);
        } else merged.set(normalized, { number: normalized, kind, storedValues: [value], records });
      }
      const references = [...merged.values()]
        .sort((a, b) => b.records - a.records || (a.number < b.number ? -1 : a.number > b.number ? 1 : 0))
        .slice(0, query.limit ?? 20);
      // Meilisearch returns at most MAX_VALUES_PER_FACET values per facet, most counted first (the
      // index sorts Patent_PGPub by count), so the top is exact; a cut list is flagged because a
      // zero-padded twin of a listed reference could lie beyond the cut.
      const complete = Object.keys(distribution).length < MAX_VALUES_PER_FACET;
      return { totalRecords: res.totalHits, complete, references };
    },
  });
}

export function overviewRoute(store: RecordStore) {
  return defineRoute({
    method: 'get',
    path: '/api/v1/stats/overview',
    operationId: 'overview',
    tag: 'Analytics',
    summary: 'Record counts: total, by form type, by mail year, by tech center',
    description: 'Accepts the filter parameters of /api/v1/search (none: the whole data set).',
    query: z.object({ ...filterShape }).superRefine(checkRanges),
    verbatim: VERBATIM_PARAMS,
    response: jsonResponse('OverviewResponse', 'Counts of records.', overviewOut),
    errors: [503],
    handler: async (c, { query }) => {
      const filter = filterOf(filterClauses(query));
      const res = await store.search({ filter, page: 1, hitsPerPage: 0, facets: [FORM_TYPE, MAIL_YEAR, TECH_CENTER] }, requestSignal(c));
      const dist = res.facetDistribution;
      return {
        totalRecords: res.totalHits,
        byFormType: dist[FORM_TYPE] ?? {},
        byYear: dist[MAIL_YEAR] ?? {},
        byTechCenter: dist[TECH_CENTER] ?? {},
      };
    },
  });
}
