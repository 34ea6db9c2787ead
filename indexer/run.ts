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
import type { OaRecord } from '../src/catalog/schema.ts';
import { RunCounters } from './counters.ts';
import { checkArguments, checkInputs } from './inputs.ts';
import { loadOfficeActionStage, type OfficeActionCounts } from './office-action-load.ts';
import { loadOfficeActions, type OfficeActionMap } from './office-actions.ts';
import type { IndexProgress } from './progress.ts';
import { RecordStream } from './record-stream.ts';
import { bindHeader } from './rules.ts';
import { RejectsFile, type Rejection } from './rejects.ts';
import { startOrResume } from './resume.ts';
import { openCsv } from './sources.ts';
import { RejectedRowsError, summarize, type IndexSummary } from './summary.ts';
import { CitationProgress, uploadRecords } from './upload.ts';

export type { IndexProgress } from './progress.ts';
export type { Rejection } from './rejects.ts';
export { InputError } from './sources.ts';
export { MeiliError } from '../src/meili/admin.ts';
export { RejectedRowsError, type IndexSummary } from './summary.ts';

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

export async function runIndex(options: IndexRunOptions): Promise<IndexSummary> {
  const startedMs = performance.now();
  const log = options.log ?? (() => {});
  const { signal, onProgress } = options;
  const payloadBytes = options.payloadBytes ?? 0;
  const reindex = options.reindex ?? false;
  checkArguments(options.index, payloadBytes);
  const inputs = await checkInputs(options);

  const admin = new MeiliAdmin(options.meili, { log });
  const { writeIndex, book, resumeAt } = await startOrResume(admin, inputs, { ...options, reindex, resume: options.resume !== false, log });
  log(`preparing index ${writeIndex}${reindex ? ` (to replace ${options.index})` : ''}: settings and features`);
  await admin.prepareIndex(writeIndex);

  const rejects = options.rejectsFile ? new RejectsFile(options.rejectsFile, resumeAt ? resumeAt.rejectsBytes : undefined) : undefined;
  try {
    const counters = RunCounters.from(resumeAt?.counters);
    const reject = (r: Rejection) => {
      rejects?.write(r);
      counters.noteRejected(r.file, r.line);
    };
    let map: OfficeActionMap | undefined;
    let officeActions: OfficeActionCounts = { read: 0, rejected: 0, duplicates: 0 };
    if (options.officeActions) {
      // A resumed run's counters already cover these rejects (they precede every payload).
      ({ map, counts: officeActions } = await loadOfficeActionStage(options.officeActions, {
        signal,
        onProgress,
        onReject: resumeAt ? undefined : reject,
        rejectedBefore: () => counters.c.rejected,
        log,
      }));
    }

    const reader = await openCsv(options.citations, { what: 'citations', skipThroughLine: resumeAt?.line });
    try {
      const stream = new RecordStream(reader, map, counters, (r) => rejects?.write(r));
      const progress = new CitationProgress({ file: options.citations, bytesTotal: reader.size, counters, book, otherRejected: officeActions.rejected, resumeAt, onProgress });
      await uploadRecords(stream, { admin, writeIndex, payloadBytes, book, counters, rejects, resumeAt, progress, signal });
    } finally {
      reader.close();
    }

    if (reindex) {
      log(`swapping ${writeIndex} in as ${options.index}`);
      await admin.swapIn(options.index, writeIndex);
    }
    book.finish();
    rejects?.close();
    const summary = summarize({
      index: options.index,
      indexed: await admin.documentCount(options.index),
      counters,
      officeActions,
      payloads: book.acknowledged.payloads,
      startedMs,
      resumeAt,
      rejectsFile: options.rejectsFile,
      builtIndex: reindex ? writeIndex : undefined,
    });
    if (options.strict && summary.rejected > 0) throw new RejectedRowsError(summary);
    return summary;
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
  citations: string;
  officeActions?: string;
  onReject?: (r: Rejection) => void;
}): AsyncGenerator<OaRecord[]> {
  const reader = await openCsv(options.citations, { what: 'citations' });
  try {
    // The header first, so that a wrong citations file is refused before the office actions load.
    bindHeader('citations', reader.header, options.citations, 'citations');
    const map = options.officeActions ? (await loadOfficeActions(options.officeActions, { onReject: options.onReject })).map : undefined;
    const stream = new RecordStream(reader, map, RunCounters.from(), options.onReject);
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
