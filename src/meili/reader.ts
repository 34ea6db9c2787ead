/**
 * The gateway's read-only view of Meilisearch: a few typed calls over an undici keep-alive pool,
 * made with the search-only key. Every failure becomes an ApiError the client can act on:
 * - Meilisearch unreachable, timing out, or answering 5xx -> 503 with Retry-After;
 * - the index not built yet -> 503 saying so;
 * - Meilisearch refusing a request we built (4xx) -> 400 with its message (never a 500).
 * The key is sent as a header only; no error message or log line ever includes it.
 */
import { EventEmitter } from 'node:events';
import { Pool } from 'undici';
import { PRIMARY_KEY } from '../catalog/fields.ts';
import { ApiError } from '../http/errors.ts';
import { DEFAULT_LANE_LIMITS, Lanes, type Lane, type LaneLimits } from './lanes.ts';

export type { Lane };

export interface DocumentsQuery {
  filter?: string;
  /** Only these documents (stored ids). */
  ids?: string[];
  offset: number;
  limit: number;
  fields?: string[];
}

export interface DocumentsPage<T> {
  results: T[];
  total: number;
  offset: number;
  limit: number;
}

export interface SearchBody {
  q?: string;
  filter?: string | (string | string[])[];
  offset?: number;
  limit?: number;
  page?: number;
  hitsPerPage?: number;
  facets?: string[];
  sort?: string[];
  attributesToRetrieve?: string[];
  attributesToSearchOn?: string[];
  matchingStrategy?: 'last' | 'all' | 'frequency';
  showRankingScore?: boolean;
}

export interface SearchResult<T> {
  hits: T[];
  totalHits?: number;
  estimatedTotalHits?: number;
  totalPages?: number;
  page?: number;
  hitsPerPage?: number;
  offset?: number;
  limit?: number;
  facetDistribution?: Record<string, Record<string, number>>;
  facetStats?: Record<string, { min: number; max: number }>;
  processingTimeMs: number;
}

export interface FacetSearchResult {
  facetHits: { value: string; count: number }[];
  facetQuery: string | null;
  processingTimeMs: number;
}

export interface ReaderOptions {
  url: string;
  /** Search-only key (never the master key). */
  apiKey: string | undefined;
  index: string;
  timeoutMs: number;
  /** Requests in Meilisearch at once (default DEFAULT_LANE_LIMITS; see lanes.ts). */
  lanes?: LaneLimits;
}

/** A Meilisearch error as it answers: `{message, code, type, link}`. */
interface MeiliErrorBody {
  message?: string;
  code?: string;
}

export class MeiliReader {
  readonly index: string;
  private readonly base: string;
  /** The path Meilisearch is served under (MEILI_URL's path, '' at the root). */
  private readonly prefix: string;
  private readonly headers: Record<string, string>;
  private readonly pool: Pool;
  readonly lanes: Lanes;

  constructor(
    private readonly options: ReaderOptions,
    shared?: { pool: Pool; lanes: Lanes },
  ) {
    this.index = options.index;
    this.base = options.url.replace(/\/+$/, '');
    const url = new URL(this.base);
    this.prefix = url.pathname.replace(/\/+$/, '');
    // Keep-alive connections, idle ones dropped after 4 s (under Meilisearch's own 5 s, so a
    // request never goes out on a connection the server is closing). No connect timeout of its
    // own: each exchange's deadline (send) covers connecting too.
    this.pool = shared?.pool ?? new Pool(url.origin, { connections: 256, keepAliveTimeout: 4_000 });
    this.lanes = shared?.lanes ?? new Lanes(options.lanes ?? DEFAULT_LANE_LIMITS);
    // Answers uncompressed (`identity`): Meilisearch 1.21 delays compressed answers by tens of
    // milliseconds, and on loopback gzip only costs CPU.
    this.headers = { 'content-type': 'application/json', 'accept-encoding': 'identity' };
    if (options.apiKey) this.headers.authorization = `Bearer ${options.apiKey}`;
  }

  /**
   * A reader of another index (the other data set's) through the same connections and the same
   * lanes: the lanes bound what the gateway has in Meilisearch at once, whichever index it asks.
   */
  forIndex(index: string): MeiliReader {
    return new MeiliReader({ ...this.options, index }, { pool: this.pool, lanes: this.lanes });
  }

  /**
   * The documents route: documents in index order (internal id), exact offsets, an exact total.
   * Unsorted on purpose: Meilisearch 1.21's sorted fetches start one record early past offset 0
   * and leave out records lacking a sort key; ordered reads go through search (exactPage).
   */
  fetchDocuments<T>(query: DocumentsQuery, signal?: AbortSignal, lane?: Lane): Promise<DocumentsPage<T>> {
    return this.call(`/indexes/${this.index}/documents/fetch`, query, signal, lane);
  }

  /**
   * One page of records by filter (and keyword, ranked), with an exact total at any depth, in a
   * total order: the sort, then (ties, or no sort) index order - Meilisearch breaks every tie by
   * internal document id, which never changes while the index does not.
   *
   * This goes through search, not the documents route, so that sorted pages are right (see
   * fetchDocuments). Search with an empty query is exact: when the page is aligned (start a
   * multiple of rows) one page-mode query gives hits and the exhaustive `totalHits`; otherwise a
   * multi-search pairs the offset/limit query with a zero-hit page-mode query for the total, in
   * one round trip.
   */
  async exactPage<T>(
    query: { q?: string; filter?: string; sort: string[]; fields: string[]; offset: number; limit: number },
    signal?: AbortSignal,
    lane?: Lane,
  ): Promise<{ hits: T[]; total: number }> {
    const base = { q: query.q ?? '', filter: query.filter, ...(query.sort.length ? { sort: query.sort } : {}), attributesToRetrieve: query.fields };
    if (query.limit === 0 || query.offset % query.limit === 0) {
      const page = query.limit === 0 ? 1 : query.offset / query.limit + 1;
      const res = await this.search<T>({ ...base, page, hitsPerPage: query.limit }, signal, lane);
      return { hits: res.hits, total: res.totalHits ?? 0 };
    }
    const { results } = await this.multiSearch<T>(
      [
        { ...base, offset: query.offset, limit: query.limit },
        { ...base, page: 1, hitsPerPage: 0, attributesToRetrieve: [PRIMARY_KEY] },
      ],
      signal,
      lane,
    );
    return { hits: results[0]?.hits ?? [], total: results[1]?.totalHits ?? 0 };
  }

  search<T>(body: SearchBody, signal?: AbortSignal, lane?: Lane): Promise<SearchResult<T>> {
    return this.call(`/indexes/${this.index}/search`, body, signal, lane);
  }

  multiSearch<T>(queries: SearchBody[], signal?: AbortSignal, lane?: Lane): Promise<{ results: SearchResult<T>[] }> {
    return this.call('/multi-search', { queries: queries.map((q) => ({ indexUid: this.index, ...q })) }, signal, lane);
  }

  facetSearch(
    body: { facetName: string; facetQuery?: string; filter?: string; q?: string },
    signal?: AbortSignal,
    lane?: Lane,
  ): Promise<FacetSearchResult> {
    return this.call(`/indexes/${this.index}/facet-search`, body, signal, lane);
  }

  stats(signal?: AbortSignal): Promise<{ numberOfDocuments: number; isIndexing: boolean }> {
    return this.call(`/indexes/${this.index}/stats`, undefined, signal);
  }

  indexInfo(signal?: AbortSignal): Promise<{ uid: string; createdAt: string; updatedAt: string; primaryKey: string | null }> {
    return this.call(`/indexes/${this.index}`, undefined, signal);
  }

  /**
   * The readiness probe's search, outside the lanes: a gateway whose lanes are full is busy, not
   * unready, and the probe must not wait behind the searches it is asked about.
   */
  probe(body: SearchBody, signal: AbortSignal): Promise<SearchResult<unknown>> {
    return this.call(`/indexes/${this.index}/search`, body, signal, 'unqueued');
  }

  /** True when Meilisearch answers /health within the timeout. */
  async healthy(): Promise<boolean> {
    try {
      const res = await fetch(`${this.base}/health`, { signal: AbortSignal.timeout(Math.min(this.options.timeoutMs, 1000)) });
      return res.ok;
    } catch {
      return false;
    }
  }

  /**
   * One request through its lane (lanes.ts). The exchange does not take the client's signal: a
   * request Meilisearch has received runs to its end there whatever the client does, so its slot
   * stays taken until the answer (or REQUEST_TIMEOUT_MS); the client is released at once.
   */
  private async call<T>(path: string, body: unknown, signal?: AbortSignal, lane: Lane | 'unqueued' = 'light'): Promise<T> {
    let res: { status: number; text: string };
    const payload = body === undefined ? undefined : JSON.stringify(body);
    try {
      const exchange = () => this.send(body === undefined ? 'GET' : 'POST', path, payload);
      res = lane === 'unqueued' ? await untilAborted(exchange(), signal) : await this.lanes.run(lane, exchange, signal);
    } catch (err) {
      if (signal?.aborted || err instanceof ApiError) throw err;
      const timedOut = (err as NodeJS.ErrnoException).code === 'ETIMEDOUT';
      throw unavailable(timedOut ? 'Meilisearch did not answer in time' : 'Meilisearch is unreachable');
    }
    if (res.status >= 200 && res.status < 300) {
      try {
        return JSON.parse(res.text) as T;
      } catch {
        throw unavailable('Meilisearch sent an answer that is not JSON');
      }
    }
    let error: MeiliErrorBody = {};
    try {
      error = JSON.parse(res.text) as MeiliErrorBody;
    } catch {
      // not JSON: keep the status only
    }
    if (res.status >= 500) throw unavailable(`Meilisearch failed (${res.status})`);
    if (error.code === 'index_not_found') {
      // The index's name is the operator's business, not the client's: the message does not say it.
      throw unavailable('the index does not exist yet: build it with `npm run index`', 'index_missing');
    }
    if (res.status === 401 || res.status === 403) {
      // A key problem is ours, not the client's; say so without echoing any key.
      throw unavailable('the gateway is not authorised to search Meilisearch (check MEILI_SEARCH_KEY)', 'meili_auth');
    }
    throw new ApiError(400, error.code ?? 'invalid_request', error.message ?? `Meilisearch refused the request (${res.status})`);
  }

  /**
   * One HTTP exchange over the keep-alive pool, through undici's request API rather than
   * node:http or fetch: this is the gateway's hot path, and node:http's ClientRequest and
   * IncomingMessage streams (and fetch's Request/stream machinery before them) were a large share
   * of the gateway's CPU per request in the benchmark profiles. REQUEST_TIMEOUT_MS bounds the
   * whole exchange, a trickling answer included (undici's own timeouts bound only a pause).
   */
  private async send(method: string, path: string, payload: string | undefined): Promise<{ status: number; text: string }> {
    // The deadline as an EventEmitter, which undici takes for a signal as it takes an AbortSignal:
    // one made per exchange, and an AbortController (an EventTarget) costs some microseconds more
    // to make and to listen to.
    const deadline = new EventEmitter();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      deadline.emit('abort');
    }, this.options.timeoutMs);
    try {
      const res = await this.pool.request({
        path: `${this.prefix}${path}`,
        method: method as 'GET' | 'POST',
        headers: this.headers,
        body: payload,
        signal: deadline,
      });
      return { status: res.statusCode, text: await res.body.text() };
    } catch (err) {
      if (timedOut) throw Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' });
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** The exchange's outcome, or the signal's reason as soon as it aborts. */
function untilAborted<T>(exchange: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return exchange;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    exchange.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function unavailable(message: string, code = 'search_unavailable'): ApiError {
  return new ApiError(503, code, message, { headers: { 'Retry-After': '1' } });
}
