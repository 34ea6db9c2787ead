/**
 * The upload stage: documents stream into Meilisearch as few, large document-addition payloads.
 *
 * Why few: Meilisearch indexes each batch of tasks in one write transaction, and every later
 * batch rewrites the pages of the databases it inserts into at random (the words, the id map, the
 * values of the many-valued facets) - old pages that LMDB keeps in its file as free space. Built
 * from 32 MB batches, an index took 1.4 times its used size on disk and its build slowed as it
 * grew; built from one payload, the file is its used size and the build time per row is flat
 * (bench: `npm run bench -- --only rss`). So by default a run is ONE payload, as large as the
 * server accepts (`maxPayloadBytes`, 0 = no limit: the embedded Meilisearch is started with a
 * limit that allows it); with a limit, payloads are cut at it and posted back to back, without
 * waiting for their tasks, so Meilisearch batches what has arrived.
 *
 * A payload is one streamed HTTP request (chunked), written as the records are made, with
 * backpressure from the socket: memory stays at a chunk, whatever the payload's size. Meilisearch
 * writes it to an update file as it arrives and enqueues its task when it ends.
 *
 * Each ended payload carries a caller's `mark` (the checkpoint state at its last line). Tasks are
 * awaited in order; `onPosted` tells when a payload's task exists (a killed run can wait for it
 * instead of sending it again), `onAcknowledged` when it and every earlier one succeeded.
 */
import http from 'node:http';
import https from 'node:https';
import { PRIMARY_KEY } from '../src/catalog/fields.ts';
import { explain, MeiliError, type MeiliAdmin, type TaskView } from '../src/meili/admin.ts';

export interface PostedPayload<M> {
  /** 0-based position in the run. */
  readonly seq: number;
  readonly taskUid: number;
  readonly documents: number;
  readonly bytes: number;
  /** Input lines it covers, for messages. */
  readonly firstLine: number;
  readonly lastLine: number;
  readonly mark: M;
}

export interface PayloadOptions<M> {
  /** Largest payload in bytes; 0 = no limit (the whole run is one payload). */
  maxPayloadBytes: number;
  onPosted?: (p: PostedPayload<M>) => void;
  /** In payload order, once a payload's task and every earlier one succeeded. */
  onAcknowledged?: (p: PostedPayload<M>) => void;
  /** While waiting for a task: Meilisearch's progress of the batch processing it (0-100). */
  onIndexing?: (percent: number | undefined) => void;
}

/** Text written to the socket at a time. */
const CHUNK_CHARS = 1 << 18;

/** One streamed request: lines in, the task uid out. */
class OpenPayload {
  private readonly req: http.ClientRequest;
  private readonly answer: Promise<{ status: number; text: string }>;
  private pending: string[] = [];
  private pendingChars = 0;
  private failure: Error | undefined;
  bytes = 0;
  documents = 0;

  constructor(admin: MeiliAdmin, index: string) {
    const url = new URL(`${admin.url}/indexes/${encodeURIComponent(index)}/documents?primaryKey=${PRIMARY_KEY}`);
    const lib = url.protocol === 'https:' ? https : http;
    this.req = lib.request(url, {
      method: 'POST',
      headers: { ...admin.authHeaders, 'Content-Type': 'application/x-ndjson' },
    });
    this.answer = new Promise((resolve, reject) => {
      this.req.on('response', (res) => {
        const parts: Buffer[] = [];
        res.on('data', (d: Buffer) => parts.push(d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(parts).toString('utf8') }));
        res.on('error', reject);
      });
      this.req.on('error', (err) => {
        this.failure ??= err;
        reject(err);
      });
    });
    // Awaited in end(); a failure seen earlier surfaces from add().
    this.answer.catch(() => undefined);
  }

  /** Appends an NDJSON line (newline included); resolves when the socket can take more. */
  async add(line: string, byteLength: number): Promise<void> {
    if (this.failure) throw this.failure;
    this.pending.push(line);
    this.pendingChars += line.length;
    this.bytes += byteLength;
    this.documents++;
    if (this.pendingChars >= CHUNK_CHARS) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const text = this.pending.join('');
    this.pending = [];
    this.pendingChars = 0;
    if (!this.req.write(text)) {
      await new Promise<void>((ok, fail) => {
        const done = () => {
          this.req.off('drain', done);
          this.req.off('error', done);
          if (this.failure) fail(this.failure);
          else ok();
        };
        this.req.on('drain', done);
        this.req.on('error', done);
      });
    }
  }

  /** Ends the request; the enqueued task's uid. */
  async end(what: string): Promise<number> {
    let answer: { status: number; text: string };
    try {
      await this.flush();
      this.req.end();
      answer = await this.answer;
    } catch (err) {
      // Meilisearch may refuse (413, 401) and close the connection while the body is still
      // being written: its answer says why better than the broken pipe does.
      const early = await Promise.race([this.answer, new Promise<undefined>((ok) => setTimeout(() => ok(undefined), 200))]).catch(() => undefined);
      if (!early) {
        const e = err as NodeJS.ErrnoException;
        throw new MeiliError(`${what}: the upload to Meilisearch broke off (${e.code ?? e.message}); re-run the same command to resume`, {
          code: e.code,
          transient: true,
        });
      }
      answer = early;
    }
    let body: { taskUid?: number; message?: string; code?: string } = {};
    try {
      body = JSON.parse(answer.text) as typeof body;
    } catch {
      // not JSON: keep the status
    }
    if (answer.status < 200 || answer.status > 299 || typeof body.taskUid !== 'number') {
      throw new MeiliError(`${what}: Meilisearch answered HTTP ${answer.status}: ${explain(body.code, body.message ?? answer.text.slice(0, 300), answer.status)}`, {
        status: answer.status,
        code: body.code,
        transient: answer.status >= 500 || answer.status === 429,
      });
    }
    return body.taskUid;
  }

  abort(): void {
    this.req.destroy(new Error('upload aborted'));
  }
}

export class PayloadUploader<M> {
  private open: OpenPayload | undefined;
  private firstLine = 0;
  private lastLine = 0;
  private seq = 0;
  private waiting: Promise<void> = Promise.resolve();
  private failure: Error | undefined;
  private stopped = false;
  /** Payloads whose tasks succeeded, and their documents. */
  acknowledged = 0;
  documentsAcknowledged = 0;
  /** Documents sent so far (all payloads). */
  documentsSent = 0;

  constructor(
    private readonly admin: MeiliAdmin,
    private readonly index: string,
    private readonly options: PayloadOptions<M>,
  ) {}

  /** The first failure of a task or an upload, if any. */
  get failed(): Error | undefined {
    return this.failure;
  }

  /** Bytes of the payload being written. */
  get bytes(): number {
    return this.open?.bytes ?? 0;
  }

  /** Whether a line of `byteLength` bytes still fits the payload being written (always, when it is empty). */
  fits(byteLength: number): boolean {
    const max = this.options.maxPayloadBytes;
    return max === 0 || !this.open || this.open.documents === 0 || this.open.bytes + byteLength <= max;
  }

  /** Adds a document (its NDJSON line) read from input line `line`. */
  async add(line: string, byteLength: number, inputLine: number): Promise<void> {
    if (this.failure) throw this.failure;
    const max = this.options.maxPayloadBytes;
    if (max > 0 && byteLength > max) {
      throw new RangeError(`a document of ${byteLength} bytes is larger than the largest payload (${max} bytes): raise --batch-mb`);
    }
    if (!this.open) {
      this.open = new OpenPayload(this.admin, this.index);
      this.firstLine = inputLine;
    }
    this.lastLine = inputLine;
    this.documentsSent++;
    await this.open.add(line, byteLength);
  }

  /**
   * Ends the payload being written (if it holds documents) with the caller's mark - the state as
   * of its last line - and starts waiting for its task.
   */
  async cut(mark: M): Promise<PostedPayload<M> | undefined> {
    const open = this.open;
    this.open = undefined;
    if (!open || open.documents === 0) {
      open?.abort();
      return undefined;
    }
    const seq = this.seq++;
    const what = `payload ${seq + 1} (input lines ${this.firstLine}-${this.lastLine}, ${open.documents} documents)`;
    let taskUid: number;
    try {
      taskUid = await open.end(what);
    } catch (err) {
      this.failure ??= err as Error;
      throw this.failure;
    }
    const posted: PostedPayload<M> = { seq, taskUid, documents: open.documents, bytes: open.bytes, firstLine: this.firstLine, lastLine: this.lastLine, mark };
    this.options.onPosted?.(posted);
    this.waiting = this.waiting.then(() => this.await(posted, what));
    return posted;
  }

  /** Waits for an already enqueued task (a resumed run's) as if this uploader had posted it. */
  adopt(posted: PostedPayload<M>): void {
    this.seq = Math.max(this.seq, posted.seq + 1);
    this.waiting = this.waiting.then(() => this.await(posted, `payload ${posted.seq + 1} (input lines ${posted.firstLine}-${posted.lastLine}, sent by an earlier run)`));
  }

  private async await(posted: PostedPayload<M>, what: string): Promise<void> {
    if (this.failure || this.stopped) return;
    let task: TaskView;
    try {
      task = await this.admin.waitTask(posted.taskUid, (percent) => {
        if (!this.stopped) this.options.onIndexing?.(percent);
      });
    } catch (err) {
      this.failure ??= err as Error;
      return;
    }
    if (this.stopped) return;
    if (task.status !== 'succeeded') {
      this.failure ??= this.admin.taskError(task, what);
      return;
    }
    this.acknowledged++;
    this.documentsAcknowledged += posted.documents;
    this.options.onAcknowledged?.(posted);
  }

  /** Waits for every task; throws the first failure. */
  async drain(): Promise<void> {
    await this.waiting;
    if (this.failure) throw this.failure;
  }

  /**
   * Stops (an interrupted or failed run): the payload being written is dropped; posted ones stay
   * enqueued in Meilisearch, and are no longer waited for - the checkpoint lists them, so a resumed
   * run waits for them instead.
   */
  abort(): void {
    this.stopped = true;
    this.open?.abort();
    this.open = undefined;
  }
}
