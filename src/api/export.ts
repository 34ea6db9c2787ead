/**
 * `GET /api/v1/export?format=csv|ndjson&<filters>`: every matching record, streamed in id order
 * with keyset pages (keyset-stream.ts): constant memory at any size, backpressure from the
 * client, and the work stops when the client goes away.
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
import { allOf, quote } from '../meili/filter.ts';
import { defineRoute } from './registry.ts';
import { fieldNameParam } from './schemas.ts';
import { numberQuery } from './numbers.ts';
import { searchQuery, totalOrder } from './search.ts';

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
      'Any size. CSV: header row of field names, RFC 4180 quoting, formType values joined with "|". NDJSON: one record per line. Accepts the filter parameters of /api/v1/search, and its q and sort: without them records stream in stable id order (keyset pages, flat cost at any depth); with them in the order /api/v1/search gives (offset pages, so an index swapped mid-export can shift records). X-Total-Count holds the number of records.',
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
      // The keyset needs the id of every record, exported or not.
      const read = fields.includes(PRIMARY_KEY) ? fields : [...fields, PRIMARY_KEY];
      const filter = filterExpression(filterClauses(query));
      const signal = c.req.raw.signal;
      const q = query.q?.trim() ? numberQuery(query.q) : undefined;
      // Keyset page: the next records after `afterId` in id order (offset stays 0 at any depth).
      const keysetPage = async (afterId: string | undefined, s: AbortSignal) => {
        const page = await reader.fetchDocuments<OaRecord>(
          {
            filter: allOf([filter, afterId === undefined ? undefined : `${PRIMARY_KEY} > ${quote(afterId)}`]),
            offset: 0,
            limit: pageSize,
            sort: [`${PRIMARY_KEY}:asc`],
            fields: read,
          },
          s,
        );
        return { rows: page.results, total: page.total };
      };
      // Ranked page: a keyword query or a sort orders records by relevance/sort, not by id, so the
      // keyset cannot apply; search pages by offset instead, in exactly /api/v1/search's order.
      const rankedPage = async (offset: number, s: AbortSignal) => {
        const page = await reader.exactPage<OaRecord>(
          { q, filter, sort: query.sort?.length ? totalOrder(query.sort) : [], fields: read, offset, limit: pageSize },
          s,
        );
        return { rows: page.hits, total: page.total };
      };
      const ranked = q !== undefined || Boolean(query.sort?.length);
      const fetchPage = (afterId: string | undefined, s: AbortSignal, done: number) => (ranked ? rankedPage(done, s) : keysetPage(afterId, s));
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
        fetchPage: async (afterId, s, done) => (await fetchPage(afterId, s, done)).rows,
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
