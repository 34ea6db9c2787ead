/**
 * The indexer's programmatic API: `runIndex` (OARD CSVs -> Meilisearch index) and `buildRecords`
 * (the same records without uploading, for benchmarks). The CLI (cli.ts), the gateway's sample
 * load (src/sample.ts), the benchmarks and the tests all come through here.
 *
 * A run is a pipeline:
 *
 *   citations file --rows--> RecordBuilder --records--> layout.encode --documents--> PayloadUploader
 *                                  ^ office-action map                                 | payloads -> tasks
 *                                                                       checkpoint <----+ (posted, acknowledged)
 *
 * in this order:
 * 1. check the input files and the citations header (clear errors before anything is written);
 * 2. resume: find the checkpoint of an interrupted run with the same arguments (unless resume:
 *    false) and wait for the payloads it sent whose tasks had not finished;
 * 3. create the index (or, with reindex, a fresh build index), apply the catalog's settings;
 * 4. load the office actions into the compact map;
 * 5. stream the citations: row -> record -> stored document -> payload (payloads.ts: one per run
 *    unless the server's payload limit says otherwise), saving a checkpoint whenever a payload is
 *    posted or acknowledged;
 * 6. wait for every task; with reindex swap the build index in atomically and delete the old one;
 *    remove the checkpoint; count the documents.
 */
import { encode } from '../src/catalog/layout.ts';
import type { OaRecord } from '../src/catalog/schema.ts';
import { CheckpointStore, identify, type Checkpoint, type CheckpointCounters, type FileIdentity, type Mark, type PendingPayload } from './checkpoint.ts';
import { DEFAULT_DUPLICATE_WINDOW } from './duplicates.ts';
import { loadOfficeActions, type OfficeActionMap } from './office-actions.ts';
import { PayloadUploader, type PostedPayload } from './payloads.ts';
import type { IndexProgress } from './progress.ts';
import { RecordBuilder } from './records.ts';
import { RejectsFile, type Rejection } from './rejects.ts';
import { bindHeader, checkRecord } from './rules.ts';
import { checkReadable, openCsv, rawText, type CsvReader } from './sources.ts';
import { MeiliAdmin } from './uploader.ts';

export type { IndexProgress } from './progress.ts';
export type { Rejection } from './rejects.ts';
export { InputError } from './sources.ts';
export { MeiliError } from './uploader.ts';

export interface IndexRunOptions {
  /** citations table: .csv, .csv.gz or .zip */
  citations: string;
  /** office_actions table; without it records carry only the citation fields */
  officeActions?: string;
  /** target index uid */
  index: string;
  meili: { url: string; apiKey?: string };
  /**
   * Largest upload payload, in NDJSON bytes; 0 (the default) sends the whole run as one payload,
   * which builds the smallest index in the least time. Set it under the server's payload limit
   * (Meilisearch's MEILI_HTTP_PAYLOAD_SIZE_LIMIT, 100 MB unless raised).
   */
  payloadBytes?: number;
  /** where rejected rows go (NDJSON); none written when unset */
  rejectsFile?: string;
  /** where checkpoints go; the run is not resumable when unset */
  checkpointDir?: string;
  /** resume from a checkpoint of an interrupted run with the same arguments (default true) */
  resume?: boolean;
  /** build into a fresh index and swap it in atomically at the end */
  reindex?: boolean;
  /** finish the run, then reject with a RejectedRowsError (carrying the summary) if any row was rejected */
  strict?: boolean;
  onProgress?: (p: IndexProgress) => void;
  log?: (line: string) => void;
  /** stops reading; payloads already sent stay (and are waited for by a resumed run); the run rejects with signal.reason */
  signal?: AbortSignal;
}

export interface IndexSummary {
  /** Index written (the target uid). */
  index: string;
  /** Data rows of the citations file (header and blank lines excluded; a resumed prefix included). */
  rowsRead: number;
  /** Documents in the index at the end (from its stats). */
  indexed: number;
  /** Rejected rows of both files. */
  rejected: number;
  /** First 20 rejected rows, by file and physical line. */
  rejectedLines: { file: string; line: number }[];
  /** The rejects file, when rows were rejected and one was configured. */
  rejectsFile?: string;
  /** Citations whose non-empty ifw_number matches no office action. */
  orphans: number;
  /** Rows repeating an (app_id, ifw_number, parsed) triple seen within the duplicate window. */
  duplicates: number;
  /** How far apart a duplicate may be from its original and still be counted (rows, at least). */
  duplicateWindow: number;
  officeActions: { read: number; rejected: number; duplicates: number };
  /** Upload payloads sent (by this run and the one it resumed). */
  payloads: number;
  elapsedMs: number;
  /** Citation rows read by this run per second of its elapsed time (office-action load and final waits included). */
  rowsPerSecond: number;
  /** First citations line read by this run, when it resumed from a checkpoint. */
  resumedFromLine?: number;
  /** With reindex: the build index that was swapped in. */
  builtIndex?: string;
}

const MAX_REJECTED_LINES = 20;
/** Built records checked against the zod record schema: the first ones, then one in this many. */
const SCHEMA_SAMPLE_EVERY = 10_000;

const INDEX_UID = /^[A-Za-z0-9_-]{1,400}$/;

function buildIndexName(index: string): string {
  const t = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
  return `${index}__build_${t}${Math.floor(Math.random() * 0x10000).toString(16).padStart(4, '0')}`;
}

/** Thrown by a strict run that completed with rejected rows; the index is complete all the same. */
export class RejectedRowsError extends Error {
  constructor(readonly summary: IndexSummary) {
    super(`${summary.rejected} row${summary.rejected === 1 ? ' was' : 's were'} rejected (strict mode)`);
    this.name = 'RejectedRowsError';
  }
}

/** Opens a file just to check its header against the catalog (InputError when it lacks columns). */
async function checkHeader(path: string, table: 'citations' | 'office_actions', what: string): Promise<void> {
  const reader = await openCsv(path, { what });
  try {
    bindHeader(table, reader.header, path, what);
  } finally {
    reader.close();
  }
}

async function inputIdentity(path: string, what: string): Promise<FileIdentity> {
  await checkReadable(path, what);
  return identify(path);
}

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The run was aborted', 'AbortError');
}

/** Counters of the citations pass, and the first rejected lines (both files). */
class RunCounters {
  constructor(readonly c: CheckpointCounters) {}

  static fresh(): RunCounters {
    return new RunCounters({ rowsRead: 0, rejected: 0, orphans: 0, duplicates: 0, rejectedLines: [] });
  }

  noteRejected(file: string, line: number): void {
    if (this.c.rejectedLines.length < MAX_REJECTED_LINES) this.c.rejectedLines.push({ file, line });
  }

  /** A copy as of now, with the builder's counts as they were before the current row. */
  snapshot(orphans: number, duplicates: number): CheckpointCounters {
    return { ...this.c, orphans, duplicates, rejectedLines: [...this.c.rejectedLines] };
  }
}

/**
 * The checkpoint file's bookkeeping: the acknowledged prefix and the payloads posted after it.
 * Payloads are acknowledged in order, so the prefix only grows.
 */
class Progress {
  private cp: Checkpoint;

  constructor(
    private readonly store: CheckpointStore | undefined,
    writeIndex: string,
    start: Checkpoint | undefined,
    rejectsFile: string | undefined,
  ) {
    this.cp = start ?? {
      version: 2,
      key: store?.key ?? { index: writeIndex, reindex: false, citations: { path: '', size: 0, mtimeMs: 0 } },
      writeIndex,
      line: 1,
      bytesRead: 0,
      counters: RunCounters.fresh().c,
      rejectsBytes: 0,
      payloads: 0,
      documents: 0,
      pending: [],
      rejectsFile,
      updatedAt: new Date().toISOString(),
    };
  }

  get acknowledged(): Checkpoint {
    return this.cp;
  }

  posted(p: PostedPayload<Mark>): void {
    this.cp = { ...this.cp, pending: [...this.cp.pending, { seq: p.seq, taskUid: p.taskUid, documents: p.documents, firstLine: p.firstLine, mark: p.mark }] };
    this.save();
  }

  acknowledge(seq: number, documents: number, mark: Mark): void {
    this.cp = {
      ...this.cp,
      ...mark,
      payloads: this.cp.payloads + 1,
      documents: this.cp.documents + documents,
      pending: this.cp.pending.filter((p) => p.seq !== seq),
    };
    this.save();
  }

  /** Moves the prefix over lines that sent nothing (rejected rows only). */
  advance(mark: Mark): void {
    this.cp = { ...this.cp, ...mark };
    this.save();
  }

  /** Forgets payloads that will not be acknowledged (their task failed): they are sent again. */
  dropPending(): void {
    this.cp = { ...this.cp, pending: [] };
    // Nothing acknowledged and nothing pending: there is nothing to resume from.
    if (this.cp.payloads === 0 && this.cp.line <= 1) this.store?.remove();
    else this.save();
  }

  private save(): void {
    this.store?.save({ ...this.cp, updatedAt: new Date().toISOString() });
  }
}

export async function runIndex(options: IndexRunOptions): Promise<IndexSummary> {
  const started = performance.now();
  const log = options.log ?? (() => {});
  const { signal } = options;
  const payloadBytes = options.payloadBytes ?? 0;
  if (!INDEX_UID.test(options.index)) throw new RangeError(`invalid index uid ${JSON.stringify(options.index)} (letters, digits, - and _ only)`);
  if (!Number.isSafeInteger(payloadBytes) || (payloadBytes !== 0 && payloadBytes < 1024)) {
    throw new RangeError(`payloadBytes must be 0 (one payload) or a whole number >= 1024, got ${payloadBytes}`);
  }

  // 1. inputs
  const citationsId = await inputIdentity(options.citations, 'citations');
  const officeActionsId = options.officeActions ? await inputIdentity(options.officeActions, 'office actions') : undefined;
  if (options.officeActions) await checkHeader(options.officeActions, 'office_actions', 'office actions');
  await checkHeader(options.citations, 'citations', 'citations');

  // 2. resume
  const reindex = options.reindex ?? false;
  const store = options.checkpointDir
    ? new CheckpointStore(options.checkpointDir, { index: options.index, reindex, citations: citationsId, officeActions: officeActionsId })
    : undefined;
  const admin = new MeiliAdmin(options.meili, { log });
  const earlier = store?.load();
  let cp: Checkpoint | undefined = options.resume === false ? undefined : earlier;
  if (earlier && !cp && earlier.writeIndex !== options.index) {
    log(`ignoring the checkpoint of an interrupted --reindex run: deleting its build index ${earlier.writeIndex}`);
    await admin.deleteIndex(earlier.writeIndex);
  }
  if (cp && !(await admin.indexExists(cp.writeIndex))) {
    log(`the checkpoint's index ${cp.writeIndex} no longer exists: starting from the beginning`);
    cp = undefined;
  }
  const writeIndex = cp?.writeIndex ?? (reindex ? buildIndexName(options.index) : options.index);
  const progress = new Progress(store, writeIndex, cp, options.rejectsFile);
  if (cp?.pending.length) await awaitPending(admin, progress, cp.pending, options, log);
  const resumeAt = cp ? progress.acknowledged : undefined;
  if (resumeAt && resumeAt.line > 1) {
    log(`resuming: lines 2-${resumeAt.line} of ${options.citations} were indexed by an earlier run (${resumeAt.documents} documents); skipping them`);
  }

  // 3. index and settings
  log(`preparing index ${writeIndex}${reindex ? ` (to replace ${options.index})` : ''}: settings and features`);
  await admin.prepareIndex(writeIndex);

  const rejects = options.rejectsFile ? new RejectsFile(options.rejectsFile, resumeAt ? resumeAt.rejectsBytes : undefined) : undefined;
  try {
    const counters = new RunCounters(resumeAt ? structuredClone(resumeAt.counters) : RunCounters.fresh().c);

    // 4. office actions
    const oa = { read: 0, rejected: 0, duplicates: 0 };
    let map: OfficeActionMap | undefined;
    if (options.officeActions) {
      map = await loadOfficeActionsWithProgress(options.officeActions, options, {
        // A resumed run's counters already cover these (they precede every payload).
        onReject: resumeAt
          ? undefined
          : (r) => {
              rejects?.write(r);
              counters.noteRejected(r.file, r.line);
            },
        rejectedSoFar: () => counters.c.rejected,
        done: (res) => Object.assign(oa, res),
        log,
      });
    }

    // 5. citations
    const reader = await openCsv(options.citations, { what: 'citations', skipThroughLine: resumeAt?.line });
    try {
      await streamCitations(reader, map, counters, progress, rejects, { ...options, payloadBytes, writeIndex, resumeAt, admin, oaRejected: oa.rejected });
    } finally {
      reader.close();
    }

    // 6. swap, clean up, count
    if (reindex) {
      log(`swapping ${writeIndex} in as ${options.index}`);
      await admin.swapIn(options.index, writeIndex);
    }
    store?.remove();
    rejects?.close();
    const indexed = await admin.documentCount(options.index);
    const elapsedMs = performance.now() - started;
    const rejected = counters.c.rejected + oa.rejected;
    const summary: IndexSummary = {
      index: options.index,
      rowsRead: counters.c.rowsRead,
      indexed,
      rejected,
      rejectedLines: counters.c.rejectedLines,
      orphans: counters.c.orphans,
      duplicates: counters.c.duplicates,
      duplicateWindow: DEFAULT_DUPLICATE_WINDOW,
      officeActions: oa,
      payloads: progress.acknowledged.payloads,
      elapsedMs,
      rowsPerSecond: (counters.c.rowsRead - (resumeAt?.counters.rowsRead ?? 0)) / Math.max(elapsedMs / 1000, 1e-3),
    };
    if (rejected > 0 && options.rejectsFile) summary.rejectsFile = options.rejectsFile;
    if (resumeAt) summary.resumedFromLine = resumeAt.line + 1;
    if (reindex) summary.builtIndex = writeIndex;
    if (options.strict && rejected > 0) throw new RejectedRowsError(summary);
    return summary;
  } finally {
    rejects?.close();
  }
}

/**
 * Waits for the payloads an interrupted run sent: Meilisearch kept their tasks, so their lines are
 * not sent again. Stops at the first that did not succeed (its lines, and later ones, are sent again).
 */
async function awaitPending(admin: MeiliAdmin, progress: Progress, pending: readonly PendingPayload[], options: IndexRunOptions, log: (line: string) => void): Promise<void> {
  for (const p of pending) {
    const known = await admin.task(p.taskUid);
    if (!known) {
      log(`the payload sent by the interrupted run (task ${p.taskUid}) is unknown to Meilisearch: sending lines ${p.firstLine}-${p.mark.line} again`);
      break;
    }
    log(`waiting for the payload the interrupted run sent (lines ${p.firstLine}-${p.mark.line}, Meilisearch task ${p.taskUid}, ${known.status})`);
    const t0 = performance.now();
    const task = await admin.waitTask(p.taskUid, (percent) => options.onProgress?.(indexingProgress(options.citations, p.mark, progress.acknowledged.documents, t0, percent)));
    if (task.status !== 'succeeded') {
      log(`${admin.taskError(task, `the payload of lines ${p.firstLine}-${p.mark.line}`).message}: sending those lines again`);
      break;
    }
    progress.acknowledge(p.seq, p.documents, p.mark);
  }
  progress.dropPending();
}

function indexingProgress(file: string, mark: Mark, documents: number, t0: number, percent: number | undefined): IndexProgress {
  const elapsedMs = performance.now() - t0;
  return {
    phase: 'indexing',
    file,
    rowsRead: mark.counters.rowsRead,
    rejected: mark.counters.rejected,
    bytesRead: mark.bytesRead,
    bytesTotal: mark.bytesRead,
    documentsAcknowledged: documents,
    elapsedMs,
    rowsPerSecond: 0,
    indexingPercent: percent,
    etaSeconds: percent && percent > 0 ? (elapsedMs / 1000) * ((100 - percent) / percent) : undefined,
  };
}

async function loadOfficeActionsWithProgress(
  file: string,
  options: IndexRunOptions,
  hooks: {
    onReject?: (r: Rejection) => void;
    rejectedSoFar: () => number;
    done: (r: { read: number; rejected: number; duplicates: number }) => void;
    log: (line: string) => void;
  },
): Promise<OfficeActionMap> {
  const t0 = performance.now();
  const res = await loadOfficeActions(file, {
    signal: options.signal,
    onReject: hooks.onReject,
    onChunk: (p) => {
      const elapsedMs = performance.now() - t0;
      options.onProgress?.({
        phase: 'office-actions',
        file,
        rowsRead: p.rowsRead,
        rejected: p.rejected + hooks.rejectedSoFar(),
        bytesRead: p.bytesRead,
        bytesTotal: p.bytesTotal,
        documentsAcknowledged: 0,
        elapsedMs,
        rowsPerSecond: p.rowsRead / Math.max(elapsedMs / 1000, 1e-3),
        etaSeconds: p.bytesRead > 0 ? ((p.bytesTotal - p.bytesRead) * elapsedMs) / p.bytesRead / 1000 : undefined,
      });
    },
  });
  hooks.done({ read: res.read, rejected: res.rejected, duplicates: res.duplicates });
  hooks.log(
    `office actions: ${res.map.size} loaded (${res.rejected} rejected, ${res.duplicates} repeated ifw_number) ` +
      `for ${res.map.applications} applications in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  return res.map;
}

/** Step 5: every citation row after the resume point -> a stored document in a payload; then waits for the tasks. */
async function streamCitations(
  reader: CsvReader,
  map: OfficeActionMap | undefined,
  counters: RunCounters,
  progress: Progress,
  rejects: RejectsFile | undefined,
  run: IndexRunOptions & { payloadBytes: number; writeIndex: string; resumeAt: Checkpoint | undefined; admin: MeiliAdmin; oaRejected: number },
): Promise<void> {
  const { signal, resumeAt } = run;
  const binding = bindHeader('citations', reader.header, run.citations, 'citations');
  const builder = new RecordBuilder(binding, map);
  builder.orphans = counters.c.orphans;
  builder.duplicates = counters.c.duplicates;

  let phase: IndexProgress['phase'] = 'citations';
  let indexingPercent: number | undefined;
  const t0 = performance.now();
  const startRows = counters.c.rowsRead;
  let lastLine = resumeAt?.line ?? 1;
  let bytesRead = resumeAt?.bytesRead ?? 0;
  const report = () => {
    if (!run.onProgress) return;
    const elapsedMs = performance.now() - t0;
    const byteRate = (bytesRead - (resumeAt?.bytesRead ?? 0)) / Math.max(elapsedMs / 1000, 1e-3);
    run.onProgress({
      phase,
      file: run.citations,
      rowsRead: counters.c.rowsRead,
      rejected: counters.c.rejected + run.oaRejected,
      bytesRead,
      bytesTotal: reader.size,
      documentsAcknowledged: progress.acknowledged.documents,
      elapsedMs,
      rowsPerSecond: (counters.c.rowsRead - startRows) / Math.max(elapsedMs / 1000, 1e-3),
      ...(phase === 'indexing' ? { indexingPercent } : {}),
      etaSeconds: phase === 'citations' && byteRate > 0 ? (reader.size - bytesRead) / byteRate : undefined,
    });
  };
  const uploader = new PayloadUploader<Mark>(run.admin, run.writeIndex, {
    maxPayloadBytes: run.payloadBytes,
    onPosted: (p) => progress.posted(p),
    onAcknowledged: (p) => {
      progress.acknowledge(p.seq, p.documents, p.mark);
      report();
    },
    onIndexing: (percent) => {
      indexingPercent = percent;
      report();
    },
  });
  /** The state as of `lastLine`, with the builder's counts as they were before the current row. */
  const markAt = (orphans: number, duplicates: number): Mark => {
    rejects?.flush();
    return { line: lastLine, bytesRead, counters: counters.snapshot(orphans, duplicates), rejectsBytes: rejects?.bytes ?? 0 };
  };

  let checked = 0;
  try {
    for await (const chunk of reader.chunks()) {
      if (signal?.aborted) throw abortError(signal);
      for (const row of chunk.rows) {
        const orphans = builder.orphans;
        const duplicates = builder.duplicates;
        const rec = row.fields ? builder.build(row.fields) : (row.error ?? 'unparseable row');
        if (typeof rec === 'string') {
          counters.c.rejected++;
          rejects?.write({ file: run.citations, line: row.line, reason: rec, raw: rawText(row) });
          counters.noteRejected(run.citations, row.line);
        } else {
          if (checked++ < 100 || checked % SCHEMA_SAMPLE_EVERY === 0) checkRecord(rec);
          const line = JSON.stringify(encode(rec)) + '\n';
          const bytes = Buffer.byteLength(line, 'utf8');
          if (!uploader.fits(bytes)) await uploader.cut(markAt(orphans, duplicates));
          await uploader.add(line, bytes, row.line);
        }
        counters.c.rowsRead++;
        lastLine = row.end ?? row.line;
      }
      lastLine = Math.max(lastLine, chunk.endLine);
      bytesRead = chunk.bytesRead;
      report();
    }
    counters.c.orphans = builder.orphans;
    counters.c.duplicates = builder.duplicates;
    const final = markAt(builder.orphans, builder.duplicates);
    const posted = await uploader.cut(final);
    // Nothing left to send (every row rejected, or all covered by the resumed run): the mark still advances.
    if (!posted && final.line > progress.acknowledged.line) progress.advance(final);
    phase = 'indexing';
    report();
    await uploader.drain();
  } catch (err) {
    // Payloads already sent stay enqueued in Meilisearch; the checkpoint lists them, unless one
    // failed: then the lines from the first unacknowledged one on are sent again by a new run.
    uploader.abort();
    if (uploader.failed) progress.dropPending();
    throw uploader.failed ?? err;
  }
}

/** Records per array yielded by buildRecords: bounded, so that an array the caller drops dies
 * young in V8 (arrays of ~22 k records outgrew the young generation: 30 % slower). */
const YIELD_RECORDS = 2048;

/**
 * Read + validate + join + derive without uploading (benchmarks, tests). Yields the records in
 * arrays of up to 2048, in file order.
 */
export async function* buildRecords(options: {
  citations: string;
  officeActions?: string;
  onReject?: (r: Rejection) => void;
}): AsyncGenerator<OaRecord[]> {
  const reader = await openCsv(options.citations, { what: 'citations' });
  try {
    const binding = bindHeader('citations', reader.header, options.citations, 'citations');
    const map = options.officeActions ? (await loadOfficeActions(options.officeActions, { onReject: options.onReject })).map : undefined;
    const builder = new RecordBuilder(binding, map);
    let built = 0;
    let out: OaRecord[] = [];
    for await (const chunk of reader.chunks()) {
      for (const row of chunk.rows) {
        const rec = row.fields ? builder.build(row.fields) : (row.error ?? 'unparseable row');
        if (typeof rec === 'string') {
          options.onReject?.({ file: options.citations, line: row.line, reason: rec, raw: rawText(row) });
          continue;
        }
        if (built++ < 100 || built % SCHEMA_SAMPLE_EVERY === 0) checkRecord(rec);
        out.push(rec);
        if (out.length === YIELD_RECORDS) {
          yield out;
          out = [];
        }
      }
    }
    if (out.length > 0) yield out;
  } finally {
    reader.close();
  }
}
