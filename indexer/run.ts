/**
 * The indexer's programmatic API: `runIndex` (OARD CSVs -> Meilisearch index) and `buildRecords`
 * (the same records without uploading, for benchmarks and tests). The CLI (cli.ts), the sample
 * load (sample.ts), the benchmarks and the tests all come through here.
 *
 * A run is a pipeline of stages, each a module with one job:
 *
 *   inputs.ts          arguments and input files checked (clear errors before anything is written)
 *   resume.ts          fresh start, or the interrupted run's checkpoint continued
 *   MeiliAdmin         the index (or a --reindex build index) created, the catalog's settings applied
 *   office-action-load the office actions into the compact map
 *   record-stream.ts   citation rows -> records (validated, joined, derived; rejects reported)
 *   upload.ts          records -> stored documents -> payloads, the checkpoint kept as they are acknowledged
 *   summary.ts         with --reindex the swap, then the summary
 *
 * The counters (counters.ts) and the checkpoint's bookkeeping (checkpoint.ts, CheckpointBook)
 * are objects of their own that the stages share.
 */
import { MeiliAdmin } from '../src/meili/admin.ts';
import type { Catalog } from '../src/catalog/catalog.ts';
import { CITATIONS, REJECTIONS } from '../src/catalog/datasets.ts';
import type { OaRecord } from '../src/catalog/schema.ts';
import type { CheckpointBook } from './checkpoint.ts';
import { RunCounters } from './counters.ts';
import { checkArguments, checkInputs, type CheckedInputs } from './inputs.ts';
import { loadOfficeActionStage, type OfficeActionCounts } from './office-action-load.ts';
import { loadOfficeActions, type OfficeActionMap } from './office-actions.ts';
import type { IndexProgress } from './progress.ts';
import { RecordStream } from './record-stream.ts';
import { bindHeader } from './rules.ts';
import { RejectsFile, type Rejection } from './rejects.ts';
import { startOrResume } from './resume.ts';
import { openTable } from './table-reader.ts';
import { RejectedRowsError, summarize, type IndexSummary, type TableSummary } from './summary.ts';
import { TableProgress, uploadRecords } from './upload.ts';

export type { IndexProgress } from './progress.ts';
export type { Rejection } from './rejects.ts';
export { InputError } from './sources.ts';
export { MeiliError } from '../src/meili/admin.ts';
export { RejectedRowsError, type IndexSummary, type TableSummary } from './summary.ts';

export interface IndexRunOptions {
  /** citations table: .csv, .csv.gz or .zip (builds `index`) */
  citations?: string;
  /** rejections table: .csv, .csv.gz or .zip (builds `rejectionsIndex`); one run may build both */
  rejections?: string;
  /** office_actions table, read once for both; without it records carry only their own table's fields */
  officeActions?: string;
  /** target index uid of the citations */
  index: string;
  /** target index uid of the rejections (default `oa_rejections`) */
  rejectionsIndex?: string;
  meili: { url: string; apiKey?: string };
  /**
   * Largest upload payload, in NDJSON bytes; 0 (the default) sends the whole run as one payload,
   * which builds the smallest index in the least time. Set it under the server's payload limit
   * (Meilisearch's MEILI_HTTP_PAYLOAD_SIZE_LIMIT, 100 MB unless raised).
   */
  payloadBytes?: number;
  /** where rejected rows of the citations and office actions go (NDJSON); none written when unset */
  rejectsFile?: string;
  /** where rejected rows of the rejections table go (default: beside rejectsFile, `<name>.rejections.ndjson`) */
  rejectionsRejectsFile?: string;
  /** where checkpoints go; the run is not resumable when unset */
  checkpointDir?: string;
  /** resume from a checkpoint of an interrupted run with the same arguments (default true) */
  resume?: boolean;
  /** build into a fresh index and swap it in atomically at the end (each data set's) */
  reindex?: boolean;
  /** finish the run, then reject with a RejectedRowsError (carrying the summary) if any row was rejected */
  strict?: boolean;
  onProgress?: (p: IndexProgress) => void;
  log?: (line: string) => void;
  /** stops reading; payloads already sent stay (and are waited for by a resumed run); the run rejects with signal.reason */
  signal?: AbortSignal;
}

/** One data set's pass of a run: its table file into its index. */
interface Pass {
  catalog: Catalog;
  file: string;
  index: string;
  rejectsFile: string | undefined;
}

/** The rejections' rejects file beside the citations' (`rejects/x.ndjson` -> `rejects/x.rejections.ndjson`). */
const besides = (file: string | undefined) => file && file.replace(/(\.ndjson)?$/, '.rejections.ndjson');

export async function runIndex(options: IndexRunOptions): Promise<IndexSummary> {
  const startedMs = performance.now();
  const log = options.log ?? (() => {});
  const payloadBytes = options.payloadBytes ?? 0;
  const reindex = options.reindex ?? false;
  const passes: Pass[] = [];
  if (options.citations) passes.push({ catalog: CITATIONS, file: options.citations, index: options.index, rejectsFile: options.rejectsFile });
  if (options.rejections) {
    const rejectsFile = options.rejectionsRejectsFile ?? (options.citations ? besides(options.rejectsFile) : options.rejectsFile);
    passes.push({ catalog: REJECTIONS, file: options.rejections, index: options.rejectionsIndex ?? REJECTIONS.dataset, rejectsFile });
  }
  checkArguments(
    passes.map((p) => p.index),
    payloadBytes,
  );
  const inputs = await checkInputs(options);
  const admin = new MeiliAdmin(options.meili, { log });

  // The office actions are read once, by the first pass, after it knows whether it resumes: a
  // resumed run's counters already cover their rejected rows (they precede every payload).
  let officeActions: { map: OfficeActionMap; counts: OfficeActionCounts } | undefined;
  const loadOnce = async (reject: ((r: Rejection) => void) | undefined, rejectedBefore: () => number) => {
    if (!options.officeActions) return undefined;
    officeActions ??= await loadOfficeActionStage(options.officeActions, { signal: options.signal, onProgress: options.onProgress, onReject: reject, rejectedBefore, log });
    return officeActions;
  };

  const summaries: TableSummary[] = [];
  const books: CheckpointBook[] = [];
  for (const [i, pass] of passes.entries()) {
    const result = await indexPass(pass, { admin, inputs, options, reindex, payloadBytes, log, first: i === 0, last: i === passes.length - 1, loadOfficeActions: loadOnce });
    summaries.push(result.summary);
    books.push(result.book);
  }
  // Every pass complete: no checkpoint is left behind.
  for (const book of books) book.remove();
  const [first, second] = summaries as [TableSummary, TableSummary | undefined];
  const summary: IndexSummary = { ...first, elapsedMs: performance.now() - startedMs, ...(second ? { rejections: second } : {}) };
  if (options.strict && summaries.some((s) => s.rejected > 0)) throw new RejectedRowsError(summary);
  return summary;
}

/** One pass: start or resume, the index prepared, rows -> records -> upload, the swap, its summary. */
async function indexPass(
  pass: Pass,
  run: {
    admin: MeiliAdmin;
    inputs: CheckedInputs;
    options: IndexRunOptions;
    reindex: boolean;
    payloadBytes: number;
    log: (line: string) => void;
    /** The first pass reads (and reports) the office actions. */
    first: boolean;
    /** No pass follows: a completed pass's checkpoint goes at once. */
    last: boolean;
    loadOfficeActions: (
      reject: ((r: Rejection) => void) | undefined,
      rejectedBefore: () => number,
    ) => Promise<{ map: OfficeActionMap; counts: OfficeActionCounts } | undefined>;
  },
): Promise<{ summary: TableSummary; book: CheckpointBook }> {
  const { admin, options, log, reindex } = run;
  const { catalog } = pass;
  const startedMs = performance.now();
  const table = catalog.table;
  const start = await startOrResume(admin, run.inputs, {
    index: pass.index,
    table,
    file: pass.file,
    reindex,
    resume: options.resume !== false,
    checkpointDir: options.checkpointDir,
    rejectsFile: pass.rejectsFile,
    onProgress: options.onProgress,
    log,
  });
  const { writeIndex, book, resumeAt } = start;
  const counters = RunCounters.from(resumeAt?.counters);
  const rejects = !start.done && pass.rejectsFile ? new RejectsFile(pass.rejectsFile, resumeAt ? resumeAt.rejectsBytes : undefined) : undefined;
  const reject = (r: Rejection) => {
    rejects?.write(r);
    counters.noteRejected(r.file, r.line);
  };
  try {
    const loaded = await run.loadOfficeActions(run.first && !resumeAt ? reject : undefined, () => counters.c.rejected);
    const officeActions = run.first ? loaded?.counts : undefined;
    if (!start.done) {
      log(`preparing index ${writeIndex}${reindex ? ` (to replace ${pass.index})` : ''}: settings and features`);
      await admin.prepareIndex(writeIndex, catalog);
      const reader = await openTable(pass.file, { what: table, table, catalog, skipThroughLine: resumeAt?.line, normalised: counters.c.normalised });
      try {
        const stream = new RecordStream(reader, loaded?.map, counters, (r) => rejects?.write(r), catalog);
        const progress = new TableProgress({
          table,
          file: pass.file,
          bytesTotal: reader.size,
          counters,
          book,
          otherRejected: officeActions?.rejected ?? 0,
          resumeAt,
          onProgress: options.onProgress,
        });
        await uploadRecords(stream, { catalog, admin, writeIndex, payloadBytes: run.payloadBytes, book, counters, rejects, resumeAt, progress, signal: options.signal });
      } finally {
        reader.close();
      }
      if (reindex) {
        log(`swapping ${writeIndex} in as ${pass.index}`);
        await admin.swapIn(pass.index, writeIndex);
      }
      book.finish({ keepUntilRunEnds: !run.last });
    }
    rejects?.close();
    const summary = summarize({
      dataset: catalog.dataset,
      index: pass.index,
      indexed: await admin.documentCount(pass.index),
      counters,
      officeActions: officeActions ?? loaded?.counts ?? { read: 0, rejected: 0, duplicates: 0 },
      officeActionRejectsHere: run.first,
      payloads: book.acknowledged.payloads,
      startedMs,
      resumeAt: start.done ? undefined : resumeAt,
      rejectsFile: pass.rejectsFile,
      builtIndex: reindex && !start.done ? writeIndex : undefined,
    });
    return { summary, book };
  } finally {
    rejects?.close();
  }
}

/** Records per array yielded by buildRecords: bounded, so that an array the caller drops dies
 * young in V8 (arrays of ~22 k records outgrew the young generation: 30 % slower). */
const YIELD_RECORDS = 2048;

/**
 * Read + validate + join + derive without uploading (benchmarks, tests): the run's record stream,
 * in arrays of up to 2048 records, in file order.
 */
export async function* buildRecords(options: {
  /** The table read: citations, or else rejections. */
  citations?: string;
  rejections?: string;
  officeActions?: string;
  onReject?: (r: Rejection) => void;
}): AsyncGenerator<OaRecord[]> {
  const catalog = options.citations ? CITATIONS : REJECTIONS;
  const file = options.citations ?? options.rejections;
  if (!file) throw new RangeError('buildRecords needs a citations or a rejections file');
  const reader = await openTable(file, { what: catalog.table, table: catalog.table, catalog });
  try {
    // The header first, so that a wrong table file is refused before the office actions load.
    bindHeader(catalog.table, reader.header, file, catalog.table, catalog);
    const map = options.officeActions ? (await loadOfficeActions(options.officeActions, { onReject: options.onReject })).map : undefined;
    const stream = new RecordStream(reader, map, RunCounters.from(), options.onReject, catalog);
    let out: OaRecord[] = [];
    for await (const chunk of stream.chunks()) {
      for (const row of chunk.rows) {
        if (!row.record) continue;
        out.push(row.record);
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
