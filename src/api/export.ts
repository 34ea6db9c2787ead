/**
 * `GET /api/v1/export?format=csv|ndjson|parquet&<filters>[&sort][&q]`: every matching record, streamed
 * with a keyset cursor (sort-keyset.ts): constant memory and flat cost at any size, backpressure
 * from the client, and the work stops when the client goes away. Records come in the given sort,
 * or by application number, ties in index order. A keyword query ranks by relevance, which no
 * keyset can follow: those exports page through search by offset.
 *
 * The first page is read before the response starts, so a bad filter or an unavailable
 * Meilisearch is still a proper JSON error; X-Total-Count gives the exact number of records.
 */
import type { Context } from 'hono';
import { z } from 'zod';
import type { FieldName, SortKey } from '../catalog/fields.ts';
import type { OaRecord } from '../catalog/schema.ts';
import { and } from '../filter/ast.ts';
import { ApiError } from '../http/errors.ts';
import { Slots } from '../http/slots.ts';
import type { RecordStore } from '../store/records.ts';
import { csvRecord, csvRow, ndjsonRecord } from './csv.ts';
import { CITATIONS_API, operationOf, type ApiDataset } from './datasets.ts';
import { filterOf, VERBATIM_PARAMS } from './filters.ts';
import { keysetStream } from './keyset-stream.ts';
import { parquetStream } from './parquet-out.ts';
import { defineRoute } from './registry.ts';
import { numberQuery } from './numbers.ts';
import { searchQueryOf } from './search.ts';
import { SortCursor } from './sort-keyset.ts';
import { requestSignal } from '../http/node-request.ts';

/**
 * The last sort key of every export: every record has an application number, so the records
 * sharing all keys (a tie group, which the cursor walks by offset) are at most one application's.
 */
const TIE_BREAK: SortKey = 'applicationId:asc';

export const DEFAULT_EXPORT_PAGE_SIZE = 1000;

export interface ExportOptions {
  /** Records per keyset page (default 1000). */
  pageSize?: number;
  /** Concurrent exports, in all and per API key (EXPORT_MAX_CONCURRENT, EXPORT_MAX_PER_KEY). */
  slots?: Slots;
  /** A client that reads nothing for this long is cut off (EXPORT_IDLE_TIMEOUT_MS). */
  idleTimeoutMs?: number;
}

/** The limits a gateway runs with when none are given (the config defaults). */
export const DEFAULT_EXPORT_LIMITS = { maxConcurrent: 4, maxPerKey: 2, idleTimeoutMs: 30_000 } as const;

function exportsFull(slots: Slots, which: 'all' | 'key'): ApiError {
  const headers = { 'Retry-After': '10' };
  return which === 'key'
    ? new ApiError(429, 'too_many_exports', `this API key already has ${slots.perKey} exports running: wait for one to finish`, { headers })
    : new ApiError(503, 'too_many_exports', `the gateway already streams ${slots.max} exports, its limit: retry later`, { headers });
}

const FORMATS = {
  csv: { type: 'text/csv; charset=utf-8', ext: 'csv' },
  ndjson: { type: 'application/x-ndjson; charset=utf-8', ext: 'ndjson' },
  parquet: { type: 'application/vnd.apache.parquet', ext: 'parquet' },
} as const;
type Format = keyof typeof FORMATS;
const FORMAT_NAMES = Object.keys(FORMATS) as [Format, ...Format[]];

function exportQueryOf(api: ApiDataset) {
  // Its q is the search's: absent where nothing is full-text searchable.
  const search = searchQueryOf(api);
  const keywords = api.keywords ? { q: search.shape.q } : ({} as { q: typeof search.shape.q });
  return z
    .object({
      format: z
        .enum(FORMAT_NAMES, { error: `must be ${FORMAT_NAMES.slice(0, -1).join(', ')} or ${FORMAT_NAMES.at(-1)}` })
        .optional()
        .describe('Output format (default csv). parquet: typed columns (see the description), one row group per page of records.'),
      fields: z.array(api.params.fieldName).optional().describe('Fields to export, in order (default: every catalog field).'),
      ...keywords,
      sort: search.shape.sort,
      ...api.filters.shape,
    })
    .superRefine(api.filters.checkRanges);
}

type ExportQuery = z.output<ReturnType<typeof exportQueryOf>>;

export function exportRoute(store: RecordStore, options: ExportOptions = {}, api: ApiDataset = CITATIONS_API) {
  const { catalog } = api;
  const exportQuery = exportQueryOf(api);
  /** The field of a sort key (`mailDate:desc` -> mailDate), checked where the key came in. */
  const sortFieldOf = (key: string) => key.split(':')[0] as FieldName;
  const pageSize = options.pageSize ?? DEFAULT_EXPORT_PAGE_SIZE;
  const slots = options.slots ?? new Slots(DEFAULT_EXPORT_LIMITS.maxConcurrent, DEFAULT_EXPORT_LIMITS.maxPerKey);
  const idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_EXPORT_LIMITS.idleTimeoutMs;
  return defineRoute({
    method: 'get',
    path: `${api.base}/export`,
    operationId: operationOf(api, 'export'),
    tag: 'Export',
    summary: `Stream every ${catalog.noun} matching the filters as CSV, NDJSON or Parquet`,
    description:
      `Any size. CSV: header row of field names, RFC 4180 quoting, multi-valued fields (formType) joined with "|". NDJSON: one record per line. Parquet: one row group per page of records, typed columns: text fields as UTF8 strings, 0/1 flags as BOOLEAN, whole numbers as INT32, dates as DATE, multi-valued fields as LIST of strings, absent values null. Accepts the filter parameters of ${api.base}/search, and its sort${api.keywords ? ' and q' : ''}. Without q, records stream in the given sort, or by application number, ties in index order (keyset pages: flat cost at any depth, stable order).${api.keywords ? ` With q, in the relevance order ${api.base}/search gives (offset pages: cost grows with depth, and an index swapped mid-export can shift records).` : ''} X-Total-Count holds the number of records.`,
    query: exportQuery,
    verbatim: VERBATIM_PARAMS,
    response: {
      description: 'The records, streamed.',
      contentTypes: Object.values(FORMATS).map((f) => f.type.split(';')[0]!),
    },
    errors: [429, 503],
    handler: async (c, { query }) => {
      // A slot for as long as the export streams: released when the stream ends in any way, or
      // here when it never starts.
      const taken = slots.take(c.get('apiKey'));
      if ('full' in taken) throw exportsFull(slots, taken.full);
      try {
        return await streamExport(c, query, taken.release);
      } catch (err) {
        taken.release();
        throw err;
      }
    },
  });

  /** How pages of records become the body: a prelude, each page, an epilogue. */
  function encoderOf(format: Format, fields: FieldName[]) {
    switch (format) {
      case 'csv':
        return { prelude: csvRow(fields), encode: (rows: OaRecord[]) => rows.map((r) => csvRecord(r, fields)).join('') };
      case 'ndjson':
        return { encode: (rows: OaRecord[]) => rows.map((r) => ndjsonRecord(r, fields)).join('') };
      case 'parquet': {
        const file = parquetStream(catalog, fields);
        return { encode: (rows: OaRecord[]) => file.rowGroup(rows), epilogue: () => file.finish() };
      }
    }
  }

  async function streamExport(c: Context, query: ExportQuery, release: () => void): Promise<Response> {
    const format = query.format ?? 'csv';
    const fields = query.fields?.length ? [...new Set(query.fields)] : catalog.fields.map((f) => f.name as FieldName);
    const filter = filterOf(api.filters.clauses(query));
    const signal = requestSignal(c);
    const q = query.q?.trim() ? numberQuery(query.q) : undefined;
    // The order walked: the sort asked for (a derived key as the stored field it sorts by), then
    // application number, then index order.
    const asked = query.sort ?? [];
    const order = catalog.layout.lowerSort(asked.some((s) => s.startsWith('applicationId:')) ? asked : [...asked, TIE_BREAK]);
    // The cursor needs the sort keys of every record, exported or not.
    const read = [...new Set([...fields, ...order.map(sortFieldOf)])];
    const cursor = new SortCursor(order);

    // Keyset page: the records at or after the last one, past the served part of its tie group.
    // The first page is read in page mode for an exact total.
    const keysetPage = async (s: AbortSignal, first: boolean) => {
      const after = cursor.atOrAfter();
      const page = await store.search(
        {
          q: '',
          filter: after ? and([filter, after]) : filter,
          pricedAs: filter,
          sort: order,
          fields: read,
          ...(first ? { page: 1, hitsPerPage: pageSize } : { offset: cursor.tieRun, limit: pageSize }),
        },
        s,
      );
      cursor.advance(page.hits);
      return { rows: page.hits, total: page.totalHits };
    };
    // Ranked page: with a keyword query the order is relevance, which no filter can express, so
    // search pages by offset instead, in exactly /api/v1/search's order.
    const rankedPage = async (offset: number, s: AbortSignal) => {
      const page = await store.page({ q, filter, sort: query.sort ?? [], fields: read, offset, limit: pageSize }, s);
      return { rows: page.records, total: page.total };
    };
    const fetchPage = (s: AbortSignal, done: number) => (q === undefined ? keysetPage(s, done === 0) : rankedPage(done, s));
    const first = await fetchPage(signal, 0);
    const body = keysetStream<OaRecord>({
      pageSize,
      firstPage: first.rows,
      ...encoderOf(format, fields),
      signal,
      idleTimeoutMs,
      onDone: release,
      fetchPage: async (_last, s, done) => (await fetchPage(s, done)).rows,
    });
    // c.body (not new Response) keeps the headers middleware has set, e.g. X-Request-Id.
    return c.body(body, 200, {
      'Content-Type': FORMATS[format].type,
      'Content-Disposition': `attachment; filename="${api.file}.${FORMATS[format].ext}"`,
      'X-Total-Count': String(first.total),
      'Cache-Control': 'no-store',
    });
  }
}
