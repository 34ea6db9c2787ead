/**
 * The indexer's programmatic API: `runIndex` (OARD CSVs -> Meilisearch index) and `buildRecords`
 * (the same records without uploading, for benchmarks). The CLI (cli.ts), the gateway's sample
 * load (src/main.ts), the benchmarks and the tests all come through here.
 *
 * A run, in order:
 * 1. check the input files and the citations header (clear errors before anything is written);
 * 2. find a checkpoint of an interrupted run with the same arguments (unless resume: false);
 * 3. create the index (or, with reindex, a fresh build index), apply the catalog's settings;
 * 4. load the office actions into the compact map;
 * 5. stream the citations: row -> record -> NDJSON batch -> upload (bounded, in order), saving a
 *    checkpoint whenever the acknowledged prefix grows;
 * 6. wait for every task; with reindex swap the build index in atomically and delete the old one;
 *    remove the checkpoint; count the documents.
 */
import type { OaRecord } from '../src/catalog/schema.ts';
import { NdjsonBatcher } from './batches.ts';
import { CheckpointStore, identify, type Checkpoint, type CheckpointCounters, type FileIdentity } from './checkpoint.ts';
import { DEFAULT_DUPLICATE_WINDOW } from './duplicates.ts';
import { loadOfficeActions, type OfficeActionMap } from './office-actions.ts';
import type { IndexProgress } from './progress.ts';
import { RecordBuilder } from './records.ts';
import { RejectsFile, type Rejection } from './rejects.ts';
import { bindHeader, checkRecord } from './rules.ts';
import { checkReadable, openCsv, rawText, type RawRow } from './sources.ts';
import { BatchUploader, MeiliAdmin, type UploadBatch } from './uploader.ts';

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
  /** NDJSON bytes per upload batch (default 32 MiB) */
  batchBytes?: number;
  /** batches in flight (default 2) */
  concurrency?: number;
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
  /** stops reading; batches in flight finish, the checkpoint stays; the run rejects with signal.reason */
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
  elapsedMs: number;
  /** Citation rows read by this run per second of its elapsed time (office-action load and final waits included). */
  rowsPerSecond: number;
  /** First citations line read by this run, when it resumed from a checkpoint. */
  resumedFromLine?: number;
  /** With reindex: the build index that was swapped in. */
  builtIndex?: string;
}

export const DEFAULT_BATCH_BYTES = 32 * 1024 * 1024;
export const DEFAULT_CONCURRENCY = 2;
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

export async function runIndex(options: IndexRunOptions): Promise<IndexSummary> {
  const started = performance.now();
  const log = options.log ?? (() => {});
  const { signal } = options;
  const batchBytes = options.batchBytes ?? DEFAULT_BATCH_BYTES;
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  if (!INDEX_UID.test(options.index)) throw new RangeError(`invalid index uid ${JSON.stringify(options.index)} (letters, digits, - and _ only)`);
  if (!Number.isSafeInteger(concurrency) || concurrency < 1) throw new RangeError(`concurrency must be a whole number >= 1, got ${concurrency}`);
  if (!Number.isSafeInteger(batchBytes) || batchBytes < 1024) throw new RangeError(`batchBytes must be a whole number >= 1024, got ${batchBytes}`);

  // 1. inputs
  const citationsId = await inputIdentity(options.citations, 'citations');
  const officeActionsId = options.officeActions ? await inputIdentity(options.officeActions, 'office actions') : undefined;

  // 2. checkpoint
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
  if (cp) {
    log(`resuming: lines 2-${cp.line} of ${options.citations} were indexed by an earlier run (${cp.documents} documents); skipping them`);
  }

  if (options.officeActions) await checkHeader(options.officeActions, 'office_actions', 'office actions');
  const reader = await openCsv(options.citations, { what: 'citations', skipThroughLine: cp?.line });
  const rejects = options.rejectsFile ? new RejectsFile(options.rejectsFile, cp ? cp.rejectsBytes : undefined) : undefined;
  try {
    const binding = bindHeader('citations', reader.header, options.citations, 'citations');
    const counters: CheckpointCounters = cp
      ? structuredClone(cp.counters)
      : { rowsRead: 0, rejected: 0, orphans: 0, duplicates: 0, rejectedLines: [] };
    const noteLine = (file: string, line: number) => {
      if (counters.rejectedLines.length < MAX_REJECTED_LINES) counters.rejectedLines.push({ file, line });
    };

    // 3. index and settings
    log(`preparing index ${writeIndex}${reindex ? ` (to replace ${options.index})` : ''}: settings and features`);
    await admin.prepareIndex(writeIndex);

    // 4. office actions
    let map: OfficeActionMap | undefined;
    const oa = { read: 0, rejected: 0, duplicates: 0 };
    if (options.officeActions) {
      const file = options.officeActions;
      const t0 = performance.now();
      const res = await loadOfficeActions(file, {
        signal,
        onReject: (r) => {
          // A resumed run's checkpoint already covers these (they precede every batch).
          if (cp) return;
          rejects?.write(r);
          noteLine(r.file, r.line);
        },
        onChunk: (p) => {
          const elapsedMs = performance.now() - t0;
          options.onProgress?.({
            phase: 'office-actions',
            file,
            rowsRead: p.rowsRead,
            rejected: p.rejected + counters.rejected,
            bytesRead: p.bytesRead,
            bytesTotal: p.bytesTotal,
            documentsAcknowledged: 0,
            elapsedMs,
            rowsPerSecond: p.rowsRead / Math.max(elapsedMs / 1000, 1e-3),
            etaSeconds: p.bytesRead > 0 ? ((p.bytesTotal - p.bytesRead) * elapsedMs) / p.bytesRead / 1000 : undefined,
          });
        },
      });
      map = res.map;
      Object.assign(oa, { read: res.read, rejected: res.rejected, duplicates: res.duplicates });
      log(
        `office actions: ${res.map.size} loaded (${res.rejected} rejected, ${res.duplicates} repeated ifw_number) ` +
          `for ${res.map.applications} applications in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
      );
    }

    // 5. citations
    const builder = new RecordBuilder(binding, map);
    builder.orphans = counters.orphans;
    builder.duplicates = counters.duplicates;
    const batcher = new NdjsonBatcher(batchBytes, concurrency + 2);
    const pending = new Map<number, Omit<Checkpoint, 'version' | 'key' | 'writeIndex' | 'batches' | 'documents' | 'updatedAt'>>();
    const priorDocuments = cp?.documents ?? 0;
    const priorBatches = cp?.batches ?? 0;
    let progress: (phase: IndexProgress['phase']) => void = () => {};
    let phase: IndexProgress['phase'] = 'citations';
    const uploader = new BatchUploader(admin, writeIndex, {
      concurrency,
      onAcknowledged: (batch: UploadBatch) => {
        progress(phase);
        const snap = pending.get(batch.seq)!;
        pending.delete(batch.seq);
        store?.save({
          version: 1,
          key: store.key,
          writeIndex,
          ...snap,
          batches: priorBatches + uploader.acknowledged,
          documents: priorDocuments + uploader.documentsAcknowledged,
          updatedAt: new Date().toISOString(),
        });
      },
    });

    const startRows = counters.rowsRead;
    const startLine = cp ? cp.line + 1 : 2;
    let seq = 0;
    let batchFirstLine = startLine;
    let lastLine = cp?.line ?? 1;
    let bytesRead = cp?.bytesRead ?? 0;
    const t0 = performance.now();
    const reject = (row: RawRow, reason: string) => {
      counters.rejected++;
      rejects?.write({ file: options.citations, line: row.line, reason, raw: rawText(row) });
      noteLine(options.citations, row.line);
    };
    /** Cuts the batch after `endLine`, with the counters as of that line, and queues it. */
    const cut = async (endLine: number, orphans: number, duplicates: number) => {
      const { body, documents, release } = batcher.take();
      rejects?.flush();
      pending.set(seq, {
        line: endLine,
        bytesRead,
        counters: { ...counters, orphans, duplicates, rejectedLines: [...counters.rejectedLines] },
        rejectsFile: options.rejectsFile,
        rejectsBytes: rejects?.bytes ?? 0,
      });
      const batch: UploadBatch = { seq: seq++, body, documents, firstLine: batchFirstLine, lastLine: endLine, release };
      batchFirstLine = endLine + 1;
      await uploader.submit(batch);
    };
    progress = (phase: IndexProgress['phase']) => {
      if (!options.onProgress) return;
      const elapsedMs = performance.now() - t0;
      const rate = (counters.rowsRead - startRows) / Math.max(elapsedMs / 1000, 1e-3);
      const byteRate = (bytesRead - (cp?.bytesRead ?? 0)) / Math.max(elapsedMs / 1000, 1e-3);
      options.onProgress({
        phase,
        file: options.citations,
        rowsRead: counters.rowsRead,
        rejected: counters.rejected + oa.rejected,
        bytesRead,
        bytesTotal: reader.size,
        documentsAcknowledged: uploader.documentsAcknowledged,
        elapsedMs,
        rowsPerSecond: rate,
        etaSeconds: byteRate > 0 ? (reader.size - bytesRead) / byteRate : undefined,
      });
    };

    const checked = { n: 0 };
    try {
      for await (const chunk of reader.chunks()) {
        if (signal?.aborted) throw abortError(signal);
        for (const row of chunk.rows) {
          if (signal?.aborted) throw abortError(signal);
          const orphans = builder.orphans;
          const duplicates = builder.duplicates;
          const rec = row.fields ? builder.build(row.fields) : (row.error ?? 'unparseable row');
          if (typeof rec === 'string') reject(row, rec);
          else {
            if (checked.n++ < 100 || checked.n % SCHEMA_SAMPLE_EVERY === 0) checkRecord(rec);
            const line = JSON.stringify(rec) + '\n';
            if (!batcher.fits(line)) await cut(lastLine, orphans, duplicates);
            batcher.add(line);
          }
          counters.rowsRead++;
          lastLine = row.end ?? row.line;
        }
        lastLine = Math.max(lastLine, chunk.endLine);
        bytesRead = chunk.bytesRead;
        progress('citations');
      }
      counters.orphans = builder.orphans;
      counters.duplicates = builder.duplicates;
      if (batcher.documents > 0 || lastLine >= batchFirstLine) await cut(lastLine, builder.orphans, builder.duplicates);
      phase = 'finishing';
      progress(phase);
      await uploader.drain();
    } catch (err) {
      // Let the batches in flight finish, so the checkpoint covers as much as possible.
      await uploader.settle();
      throw uploader.failed ?? err;
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
    const rejected = counters.rejected + oa.rejected;
    const summary: IndexSummary = {
      index: options.index,
      rowsRead: counters.rowsRead,
      indexed,
      rejected,
      rejectedLines: counters.rejectedLines,
      orphans: builder.orphans,
      duplicates: builder.duplicates,
      duplicateWindow: DEFAULT_DUPLICATE_WINDOW,
      officeActions: oa,
      elapsedMs,
      rowsPerSecond: (counters.rowsRead - startRows) / Math.max(elapsedMs / 1000, 1e-3),
    };
    if (rejected > 0 && options.rejectsFile) summary.rejectsFile = options.rejectsFile;
    if (cp) summary.resumedFromLine = startLine;
    if (reindex) summary.builtIndex = writeIndex;
    if (options.strict && rejected > 0) throw new RejectedRowsError(summary);
    return summary;
  } finally {
    reader.close();
    rejects?.close();
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
