/**
 * `GET /api/v1/export?format=csv|ndjson&<filters>[&sort][&q]`: every matching record, streamed
 * in id order or the given sort with keyset pages (keyset-stream.ts, sort-keyset.ts): constant
 * memory and flat cost at any size, backpressure from the client, and the work stops when the
 * client goes away. A keyword query ranks by relevance, which no keyset can follow: those
 * exports page through search by offset.
 *
 * The first page is read before the response starts, so a bad filter or an unavailable
 * Meilisearch is still a proper JSON error; X-Total-Count gives the exact number of records.
 */
import { z } from 'zod';
import { FIELDS, PRIMARY_KEY } from '../catalog/fields.ts';
import type { OaRecord } from '../catalog/schema.ts';
import type { MeiliReader } from '../meili/reader.ts';
import { csvRecord, csvRow, ndjsonRecord } from './csv.ts';
import { checkRanges, filterClauses, filterExpression, filterShape, VERBATIM_PARAMS } from './filters.ts';
import { keysetStream } from './keyset-stream.ts';
import { allOf } from '../meili/filter.ts';
import { defineRoute } from './registry.ts';
import { fieldNameParam } from './schemas.ts';
import { numberQuery } from './numbers.ts';
import { searchQuery, totalOrder } from './search.ts';
import { afterInSort } from './sort-keyset.ts';

export const DEFAULT_EXPORT_PAGE_SIZE = 1000;

const FORMATS = {
  csv: { type: 'text/csv; charset=utf-8', ext: 'csv' },
  ndjson: { type: 'application/x-ndjson; charset=utf-8', ext: 'ndjson' },
} as const;

export function exportRoute(reader: MeiliReader, pageSize = DEFAULT_EXPORT_PAGE_SIZE) {
  return defineRoute({
    method: 'get',
    path: '/api/v1/export',
    operationId: 'export',
    tag: 'Export',
    summary: 'Stream every record matching the filters as CSV or NDJSON',
    description:
      'Any size. CSV: header row of field names, RFC 4180 quoting, formType values joined with "|". NDJSON: one record per line. Accepts the filter parameters of /api/v1/search, and its sort and q. Without q, records stream in id order or in the given sort (keyset pages: flat cost at any depth, stable order). With q, in the relevance order /api/v1/search gives (offset pages: cost grows with depth, and an index swapped mid-export can shift records). X-Total-Count holds the number of records.',
    query: z
      .object({
        format: z.enum(['csv', 'ndjson'], { error: 'must be csv or ndjson' }).optional().describe('Output format (default csv).'),
        fields: z.array(fieldNameParam).optional().describe('Fields to export, in order (default: every catalog field).'),
        q: searchQuery.shape.q,
        sort: searchQuery.shape.sort,
        ...filterShape,
      })
      .superRefine(checkRanges),
    verbatim: VERBATIM_PARAMS,
    response: {
      description: 'The records, streamed.',
      contentTypes: Object.values(FORMATS).map((f) => f.type.split(';')[0]!),
    },
    errors: [503],
    handler: async (c, { query }) => {
      const format = query.format ?? 'csv';
      const fields = query.fields?.length ? [...new Set(query.fields)] : FIELDS.map((f) => f.name);
      const filter = filterExpression(filterClauses(query));
      const signal = c.req.raw.signal;
      const q = query.q?.trim() ? numberQuery(query.q) : undefined;
      // A total order: the sort asked for (or none) with id last.
      const sort = totalOrder(query.sort ?? []);
      // Keyset paging needs the sort keys of every record, exported or not.
      const read = [...new Set([...fields, ...sort.map((s) => s.split(':')[0]!)])];

      // Keyset page: the next records after `last` in the sort, always read from the start (offset
      // 0), so the cost per page stays flat at any depth. In id order through the documents route;
      // with another sort through search (the reader says why the documents route cannot).
      const keysetPage = async (last: OaRecord | undefined, s: AbortSignal) => {
        const after = allOf([filter, last === undefined ? undefined : afterInSort(sort, last)]);
        if (!query.sort?.length) {
          const page = await reader.fetchDocuments<OaRecord>({ filter: after, offset: 0, limit: pageSize, sort, fields: read }, s);
          return { rows: page.results, total: page.total };
        }
        const page = await reader.search<OaRecord>({ q: '', filter: after, sort, page: 1, hitsPerPage: pageSize, attributesToRetrieve: read }, s);
        return { rows: page.hits, total: page.totalHits ?? 0 };
      };
      // Ranked page: with a keyword query the order is relevance, which no filter can express, so
      // search pages by offset instead, in exactly /api/v1/search's order.
      const rankedPage = async (offset: number, s: AbortSignal) => {
        const page = await reader.exactPage<OaRecord>({ q, filter, sort: query.sort?.length ? sort : [], fields: read, offset, limit: pageSize }, s);
        return { rows: page.hits, total: page.total };
      };
      const fetchPage = (last: OaRecord | undefined, s: AbortSignal, done: number) => (q === undefined ? keysetPage(last, s) : rankedPage(done, s));
      const first = await fetchPage(undefined, signal, 0);
      const encode =
        format === 'csv'
          ? (rows: OaRecord[]) => rows.map((r) => csvRecord(r, fields)).join('')
          : (rows: OaRecord[]) => rows.map((r) => ndjsonRecord(r, fields)).join('');
      const body = keysetStream<OaRecord>({
        pageSize,
        firstPage: first.rows,
        prelude: format === 'csv' ? csvRow(fields) : undefined,
        encode,
        signal,
        fetchPage: async (last, s, done) => (await fetchPage(last, s, done)).rows,
      });
      // c.body (not new Response) keeps the headers middleware has set, e.g. X-Request-Id.
      return c.body(body, 200, {
        'Content-Type': FORMATS[format].type,
        'Content-Disposition': `attachment; filename="oa-citations.${FORMATS[format].ext}"`,
        'X-Total-Count': String(first.total),
        'Cache-Control': 'no-store',
      });
    },
  });
}
