/**
 * The project's one Meilisearch client with a write key (the gateway's read-only door is
 * reader.ts): index set-up, experimental features, keys, waiting for tasks, retries, the atomic
 * swap of a rebuilt index - for the indexer, start-up, the compose `setup` service and the bench.
 * The documents themselves stream through indexer/payloads.ts, over this client's requests.
 *
 * One request = one method; Meilisearch errors become `MeiliError`s that say what to do (payload
 * too large, disk full, auth); transient faults (connection refused or reset, 5xx, 429) are
 * retried with exponential backoff. Key management goes through the official `meilisearch` SDK
 * (its typed key API), held here so nothing else needs a client of its own.
 */
import http from 'node:http';
import https from 'node:https';
import { Meilisearch, type Key } from 'meilisearch';
import type { Catalog } from '../catalog/catalog.ts';
import { CITATIONS } from '../catalog/citations.ts';
import { indexSettings, PRIMARY_KEY } from '../catalog/index-settings.ts';

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
  batchUid?: number | null;
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
    return (
      `Meilisearch refused the payload as too large (HTTP 413 ${code ?? 'payload_too_large'}): ${message}. ` +
      "Raise the server's MEILI_HTTP_PAYLOAD_SIZE_LIMIT (default 100 MB; one payload per run builds the smallest index), or lower --batch-mb below it"
    );
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
  private sdkClient: Meilisearch | undefined;

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

  /** The Authorization header of this admin's key. */
  get authHeaders(): Record<string, string> {
    return { ...this.headers };
  }

  /**
   * Polls a task until it has finished (any final status). While it is processed, `onIndexing`
   * gets the progress of its batch (percent, about once a second).
   */
  async waitTask(uid: number, onIndexing?: (percent: number | undefined) => void): Promise<TaskView> {
    let delay = this.pollMs;
    let lastProgress = 0;
    for (;;) {
      const task = await this.requestWithRetry<TaskView>('GET', `/tasks/${uid}`, undefined, 30_000);
      if (task.status !== 'enqueued' && task.status !== 'processing') return task;
      if (onIndexing && task.status === 'processing' && typeof task.batchUid === 'number' && Date.now() - lastProgress >= 1000) {
        lastProgress = Date.now();
        const batch = await this.requestWithRetry<{ progress?: { percentage?: number } | null }>('GET', `/batches/${task.batchUid}`, undefined, 30_000).catch(() => undefined);
        onIndexing(batch?.progress?.percentage);
      }
      await sleep(delay);
      delay = Math.min(200, delay * 1.5);
    }
  }

  /** A task as it is now, or undefined when Meilisearch does not know it. */
  async task(uid: number): Promise<TaskView | undefined> {
    try {
      return await this.requestWithRetry<TaskView>('GET', `/tasks/${uid}`, undefined, 30_000);
    } catch (err) {
      if (err instanceof MeiliError && err.info.status === 404) return undefined;
      throw err;
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
  async prepareIndex(uid: string, catalog: Catalog = CITATIONS): Promise<void> {
    if (!(await this.indexExists(uid))) {
      try {
        await this.run('POST', '/indexes', { uid, primaryKey: PRIMARY_KEY }, `creating index ${uid}`);
      } catch (err) {
        if (!(err instanceof MeiliError && err.info.code === 'index_already_exists')) throw err;
      }
    }
    try {
      await this.enableFeatures();
    } catch (err) {
      throw new MeiliError(`cannot enable Meilisearch's experimental features (the master key is needed): ${(err as Error).message}`, {
        transient: false,
      });
    }
    await this.run('PATCH', `/indexes/${encodeURIComponent(uid)}/settings`, indexSettings(catalog), `applying the index settings of ${uid}`);
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

  /** Experimental features the query layers rely on (CONTAINS for `*infix*` wildcards); needs the master key. */
  async enableFeatures(): Promise<void> {
    await this.sdk.updateExperimentalFeatures({ containsFilter: true });
  }

  /** The key of this uid (throws when Meilisearch has none). */
  getKey(uid: string): Promise<Key> {
    return this.sdk.getKey(uid);
  }

  createKey(options: Parameters<Meilisearch['createKey']>[0]): Promise<Key> {
    return this.sdk.createKey(options);
  }

  private get sdk(): Meilisearch {
    this.sdkClient ??= new Meilisearch({ host: this.url, apiKey: this.target.apiKey });
    return this.sdkClient;
  }
}
