/**
 * Everything the indexer asks of Meilisearch, over plain fetch: index set-up, NDJSON batches with
 * bounded concurrency, waiting for every task, retries, the atomic swap of a rebuilt index.
 *
 * - `MeiliAdmin`: one request = one method; Meilisearch errors become `MeiliError`s that say what
 *   to do (payload too large, disk full, auth); transient faults (connection refused or reset,
 *   5xx, 429, tasks failing with an internal / io error) are retried with exponential backoff.
 * - `BatchUploader`: a p-queue of at most `concurrency` batches in flight (posted, task not yet
 *   finished). Posts go out in batch order, so a later row still replaces an earlier one with the
 *   same id; `submit` waits while the queue is full, which pauses the CSV reader (backpressure).
 *   `onAcknowledged` is called in batch order for the contiguous prefix of finished batches - the
 *   only safe resume point when batches finish out of order.
 */
import http from 'node:http';
import https from 'node:https';
import PQueue from 'p-queue';
import { indexSettings, PRIMARY_KEY } from '../src/catalog/index-settings.ts';
import { adminOn, enableFeatures } from '../src/meili/connect.ts';

export interface MeiliTarget {
  url: string;
  apiKey?: string;
}

export interface MeiliErrorInfo {
  status?: number;
  code?: string;
  type?: string;
  /** Worth retrying: the same request may succeed later. */
  transient: boolean;
}

export class MeiliError extends Error {
  constructor(
    message: string,
    readonly info: MeiliErrorInfo,
  ) {
    super(message);
    this.name = 'MeiliError';
  }
}

export interface TaskView {
  uid: number;
  status: 'enqueued' | 'processing' | 'succeeded' | 'failed' | 'canceled';
  type: string;
  indexUid: string | null;
  error?: { message: string; code: string; type: string } | null;
  details?: Record<string, unknown>;
}

interface Enqueued {
  taskUid: number;
}

/** Task error codes worth another attempt. */
const TRANSIENT_TASK_CODES = new Set(['internal', 'io_error', 'too_many_open_files']);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'EAI_AGAIN']);

const HTTP_AGENT = new http.Agent({ keepAlive: true });
const HTTPS_AGENT = new https.Agent({ keepAlive: true });

const sleep = (ms: number) => new Promise<void>((ok) => setTimeout(ok, ms));

/** A Meilisearch error as a message that says what to do. */
export function explain(code: string | undefined, message: string, status?: number): string {
  if (code === 'no_space_left_on_device') {
    return `Meilisearch ran out of disk space (no_space_left_on_device): ${message}. Free space on the Meilisearch host, then re-run the same command to resume`;
  }
  if (status === 413 || code === 'payload_too_large') {
    return `Meilisearch refused the batch as too large (HTTP 413 ${code ?? 'payload_too_large'}): ${message}. Lower --batch-mb below Meilisearch's --http-payload-size-limit (default 100 MB)`;
  }
  if (status === 401 || status === 403) {
    return `Meilisearch refused the key (HTTP ${status} ${code ?? ''}): ${message}. Set MEILI_MASTER_KEY to the master key (or an admin key)`;
  }
  return `${message}${code ? ` (${code})` : ''}`;
}

export interface AdminOptions {
  log?: (line: string) => void;
  /** Attempts after the first for transient faults (default 5). */
  retries?: number;
  /** First retry delay in ms (default 500), doubled per attempt, at most 30 s. */
  backoffMs?: number;
  /** First task poll delay in ms (default 25), growing to 200 ms: a finished task is noticed within 0.2 s. */
  pollMs?: number;
}

export class MeiliAdmin {
  readonly url: string;
  private readonly headers: Record<string, string>;
  private readonly retries: number;
  private readonly backoffMs: number;
  private readonly pollMs: number;
  private readonly log: (line: string) => void;

  constructor(
    readonly target: MeiliTarget,
    options: AdminOptions = {},
  ) {
    this.url = target.url.replace(/\/+$/, '');
    this.headers = target.apiKey ? { Authorization: `Bearer ${target.apiKey}` } : {};
    this.retries = options.retries ?? 5;
    this.backoffMs = options.backoffMs ?? 500;
    this.pollMs = options.pollMs ?? 25;
    this.log = options.log ?? (() => {});
  }

  /** One HTTP request; a non-2xx answer or a network fault becomes a MeiliError. */
  async request<T>(method: string, path: string, body?: unknown, timeoutMs = 60_000): Promise<T> {
    let status: number;
    let text: string;
    try {
      if (body instanceof Uint8Array) ({ status, text } = await this.send(method, path, body, timeoutMs));
      else {
        const init: RequestInit = { method, headers: { ...this.headers }, signal: AbortSignal.timeout(timeoutMs) };
        if (body !== undefined) {
          init.body = JSON.stringify(body);
          (init.headers as Record<string, string>)['Content-Type'] = 'application/json';
        }
        const res = await fetch(`${this.url}${path}`, init);
        status = res.status;
        text = await res.text();
      }
    } catch (err) {
      const e = err as Error & { code?: string; cause?: { code?: string; message?: string } };
      const code = e.cause?.code ?? e.code ?? (e.name === 'TimeoutError' ? 'ETIMEDOUT' : undefined);
      throw new MeiliError(`cannot reach Meilisearch at ${this.url} (${method} ${path}): ${e.cause?.message ?? e.message}`, {
        code,
        transient: code === undefined || NETWORK_CODES.has(code),
      });
    }
    if (status < 200 || status > 299) {
      let code: string | undefined;
      let type: string | undefined;
      let message = text.slice(0, 500) || `HTTP ${status}`;
      try {
        const j = JSON.parse(text) as { message?: string; code?: string; type?: string };
        code = j.code;
        type = j.type;
        message = j.message ?? message;
      } catch {
        // not JSON: keep the text
      }
      const transient = (status >= 500 && code !== 'no_space_left_on_device') || status === 429;
      throw new MeiliError(`Meilisearch answered ${method} ${path} with HTTP ${status}: ${explain(code, message, status)}`, {
        status,
        code,
        type,
        transient,
      });
    }
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /**
   * Sends a binary (NDJSON) body with node:http rather than fetch: fetch copies a Buffer body
   * before sending it, which doubled the memory of every 32 MB batch in flight.
   */
  private send(method: string, path: string, body: Uint8Array, timeoutMs: number): Promise<{ status: number; text: string }> {
    const url = new URL(`${this.url}${path}`);
    const lib = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const req = lib.request(
        url,
        {
          method,
          agent: url.protocol === 'https:' ? HTTPS_AGENT : HTTP_AGENT,
          headers: { ...this.headers, 'Content-Type': 'application/x-ndjson', 'Content-Length': body.byteLength },
          timeout: timeoutMs,
        },
        (res) => {
          const parts: Buffer[] = [];
          res.on('data', (d: Buffer) => parts.push(d));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(parts).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })));
      req.on('error', reject);
      req.end(body);
    });
  }

  /** `request` with retries of transient faults. */
  async requestWithRetry<T>(method: string, path: string, body?: unknown, timeoutMs?: number): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.request<T>(method, path, body, timeoutMs);
      } catch (err) {
        if (!(err instanceof MeiliError) || !err.info.transient || attempt >= this.retries) throw err;
        const delay = Math.min(30_000, this.backoffMs * 2 ** attempt);
        this.log(`retrying ${method} ${path} in ${delay} ms: ${err.message}`);
        await sleep(delay);
      }
    }
  }

  /** Polls a task until it has finished (any final status). */
  async waitTask(uid: number): Promise<TaskView> {
    let delay = this.pollMs;
    for (;;) {
      const task = await this.requestWithRetry<TaskView>('GET', `/tasks/${uid}`, undefined, 30_000);
      if (task.status !== 'enqueued' && task.status !== 'processing') return task;
      await sleep(delay);
      delay = Math.min(200, delay * 1.5);
    }
  }

  /** A failed or canceled task as a MeiliError. */
  taskError(task: TaskView, what: string): MeiliError {
    if (task.status === 'canceled') return new MeiliError(`${what}: Meilisearch task ${task.uid} was canceled`, { transient: false });
    const e = task.error ?? { message: 'unknown error', code: 'unknown', type: 'internal' };
    const transient = TRANSIENT_TASK_CODES.has(e.code) || (e.type === 'internal' && e.code !== 'database_size_limit_reached');
    return new MeiliError(`${what}: Meilisearch task ${task.uid} failed: ${explain(e.code, e.message)}`, {
      code: e.code,
      type: e.type,
      transient: transient && e.code !== 'no_space_left_on_device',
    });
  }

  /** Enqueues a task and waits for it; a failed task throws. */
  async run(method: string, path: string, body: unknown, what: string): Promise<TaskView> {
    const { taskUid } = await this.requestWithRetry<Enqueued>(method, path, body);
    const task = await this.waitTask(taskUid);
    if (task.status !== 'succeeded') throw this.taskError(task, what);
    return task;
  }

  async indexExists(uid: string): Promise<boolean> {
    try {
      await this.requestWithRetry('GET', `/indexes/${encodeURIComponent(uid)}`);
      return true;
    } catch (err) {
      if (err instanceof MeiliError && err.info.code === 'index_not_found') return false;
      throw err;
    }
  }

  /** Creates the index (primary key `id`) unless it exists, enables the features the gateway uses, applies the catalog's settings. */
  async prepareIndex(uid: string): Promise<void> {
    if (!(await this.indexExists(uid))) {
      try {
        await this.run('POST', '/indexes', { uid, primaryKey: PRIMARY_KEY }, `creating index ${uid}`);
      } catch (err) {
        if (!(err instanceof MeiliError && err.info.code === 'index_already_exists')) throw err;
      }
    }
    const admin = adminOn(this.url, this.target.apiKey);
    try {
      await enableFeatures(admin);
    } catch (err) {
      throw new MeiliError(`cannot enable Meilisearch's experimental features (the master key is needed): ${(err as Error).message}`, {
        transient: false,
      });
    }
    await this.run('PATCH', `/indexes/${encodeURIComponent(uid)}/settings`, indexSettings(), `applying the index settings of ${uid}`);
  }

  async documentCount(uid: string): Promise<number> {
    const stats = await this.requestWithRetry<{ numberOfDocuments: number }>('GET', `/indexes/${encodeURIComponent(uid)}/stats`);
    return stats.numberOfDocuments;
  }

  /**
   * Puts a rebuilt index in place of `target` in one atomic step, then deletes the previous one:
   * a swap when `target` exists, a rename (Meilisearch >= 1.18) when it does not.
   */
  async swapIn(target: string, build: string): Promise<void> {
    if (await this.indexExists(target)) {
      await this.run('POST', '/swap-indexes', [{ indexes: [target, build] }], `swapping ${build} into ${target}`);
      await this.deleteIndex(build);
    } else {
      await this.run('POST', '/swap-indexes', [{ indexes: [build, target], rename: true }], `renaming ${build} to ${target}`);
    }
  }

  async deleteIndex(uid: string): Promise<void> {
    try {
      await this.run('DELETE', `/indexes/${encodeURIComponent(uid)}`, undefined, `deleting index ${uid}`);
    } catch (err) {
      if (!(err instanceof MeiliError && err.info.code === 'index_not_found')) throw err;
    }
  }
}

export interface UploadBatch {
  /** 0-based position in the run. */
  seq: number;
  body: Buffer;
  documents: number;
  /** Input lines it covers, for messages. */
  firstLine: number;
  lastLine: number;
  /** Called once the body is no longer needed (acknowledged or failed for good). */
  release?: () => void;
}

export interface UploaderOptions {
  concurrency: number;
  /** Called in batch order for each batch whose predecessors have all succeeded. */
  onAcknowledged: (batch: UploadBatch) => void;
}

export class BatchUploader {
  private readonly queue: PQueue;
  private postChain: Promise<unknown> = Promise.resolve();
  private readonly finished = new Map<number, UploadBatch>();
  private nextSeq = 0;
  private nextAck = 0;
  private failure: Error | undefined;
  /** Batches posted and acknowledged so far. */
  acknowledged = 0;
  documentsAcknowledged = 0;

  constructor(
    private readonly admin: MeiliAdmin,
    private readonly index: string,
    private readonly options: UploaderOptions,
  ) {
    if (!Number.isSafeInteger(options.concurrency) || options.concurrency < 1) throw new RangeError('concurrency must be at least 1');
    this.queue = new PQueue({ concurrency: options.concurrency });
  }

  /** The first permanent failure, if any. */
  get failed(): Error | undefined {
    return this.failure;
  }

  /** Queues a batch; resolves once there is room for the next one (throws after a failure). */
  async submit(batch: UploadBatch): Promise<void> {
    if (this.failure) throw this.failure;
    if (batch.seq !== this.nextSeq) throw new Error(`internal error: batch ${batch.seq} submitted out of order`);
    this.nextSeq++;
    void this.queue.add(() => this.upload(batch)).catch((err: unknown) => {
      this.failure ??= err as Error;
    });
    await this.queue.onSizeLessThan(1);
    if (this.failure) throw this.failure;
  }

  private async upload(batch: UploadBatch): Promise<void> {
    try {
      await this.send(batch);
    } finally {
      batch.release?.();
    }
    this.finished.set(batch.seq, batch);
    for (let b = this.finished.get(this.nextAck); b; b = this.finished.get(this.nextAck)) {
      this.finished.delete(this.nextAck);
      this.nextAck++;
      this.acknowledged++;
      this.documentsAcknowledged += b.documents;
      this.options.onAcknowledged(b);
    }
  }

  private async send(batch: UploadBatch): Promise<void> {
    if (batch.documents > 0) {
      const what = `batch ${batch.seq + 1} (input lines ${batch.firstLine}-${batch.lastLine}, ${batch.documents} documents)`;
      const path = `/indexes/${encodeURIComponent(this.index)}/documents?primaryKey=${PRIMARY_KEY}`;
      for (let attempt = 0; ; attempt++) {
        // Posts in batch order; waiting for the task happens concurrently.
        const posted = this.postChain.then(() => {
          if (this.failure) throw this.failure;
          return this.admin.requestWithRetry<Enqueued>('POST', path, batch.body, 600_000);
        });
        this.postChain = posted.catch(() => undefined);
        const { taskUid } = await posted.catch((err: unknown) => {
          throw err instanceof MeiliError && err !== this.failure ? new MeiliError(`${what}: ${err.message}`, err.info) : err;
        });
        const task = await this.admin.waitTask(taskUid);
        if (task.status === 'succeeded') break;
        const err = this.admin.taskError(task, what);
        if (!err.info.transient || attempt >= 3) throw err;
        await sleep(1000 * 2 ** attempt);
      }
    }
  }

  /** Waits for every queued batch; throws the first failure. */
  async drain(): Promise<void> {
    await this.queue.onIdle();
    if (this.failure) throw this.failure;
  }

  /** Waits for every queued batch, ignoring failures (before reporting an earlier error). */
  async settle(): Promise<void> {
    await this.queue.onIdle();
  }
}
