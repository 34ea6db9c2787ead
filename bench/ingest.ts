/**
 * Figure 2, indexer_vs_raw_ratio: end-to-end `runIndex` against the best a plain client could do
 * with the same data.
 *
 * - raw: the records are built beforehand (buildRecords, not timed) and serialised exactly as
 *   runIndex sends them (the stored layout's `encode`, the same JSON.stringify) into one NDJSON
 *   body. Timed: create the index, enable the same experimental feature and apply indexSettings()
 *   (as runIndex's prepareIndex does), then POST the body to /indexes/{uid}/documents?primaryKey=id
 *   (application/x-ndjson) with plain fetch - one payload, as runIndex sends a run - polling the
 *   task every 25 ms until it has succeeded.
 * - indexer: `runIndex` on the CSV files (defaults: one payload) into a fresh index, timed around
 *   the call (it reads, validates, joins, serialises, streams and waits itself).
 *
 * Runs alternate between the two sides in ABBA order (raw, indexer, indexer, raw, raw, ...), each
 * into a fresh index (deleted afterwards, not timed); the ratio of each pair is t_raw / t_indexer (= indexer rows/s / raw rows/s) and the
 * median ratio is reported. Each run's timeline (from Meilisearch's task timestamps) shows where
 * the time went, and how many indexing batches Meilisearch made of the payloads.
 */
import { join } from 'node:path';
import { buildRecords, runIndex } from '../indexer/run.ts';
import { indexSettings, PRIMARY_KEY } from '../src/catalog/index-settings.ts';
import { encode } from '../src/catalog/layout.ts';
import { deleteIndex, documentCount, median, meili, say, sleep, type MeiliTarget } from './lib.ts';

export interface IngestRun {
  kind: 'raw' | 'indexer';
  seconds: number;
  rowsPerSecond: number;
  documents: number;
  /**
   * Where the time went, from Meilisearch's own task timestamps: start -> first document batch
   * enqueued (`lead`), first enqueued -> last finished (`meili`), last finished -> the run returned
   * (`tail`: noticing the end, final calls). `idle`: time inside `meili` with no document task
   * processing (Meilisearch waiting for the client).
   */
  timeline: { lead: number; meili: number; tail: number; idle: number; meiliBatches: number } | null;
}

interface TaskTimes {
  batchUid?: number | null;
  enqueuedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

/** The document tasks of an index -> lead / meili / tail / idle seconds (see IngestRun). */
async function timeline(target: MeiliTarget, index: string, startMs: number, endMs: number): Promise<IngestRun['timeline']> {
  try {
    const { results } = await meili<{ results: TaskTimes[] }>(target, 'GET', `/tasks?indexUids=${index}&types=documentAdditionOrUpdate&limit=1000`);
    if (!results.length) return null;
    const ms = (t: string | null) => (t ? Date.parse(t) + (Number(/\.\d{3}(\d*)/.exec(t)?.[1]?.padEnd(3, '0').slice(0, 3) ?? 0) / 1000) : NaN);
    const spans = results.map((t) => ({ q: ms(t.enqueuedAt), s: ms(t.startedAt), f: ms(t.finishedAt) })).sort((a, b) => a.s - b.s);
    const firstEnqueued = Math.min(...spans.map((x) => x.q));
    const lastFinished = Math.max(...spans.map((x) => x.f));
    // Union of processing intervals (tasks autobatched together share start/finish).
    let busy = 0;
    let curS = -Infinity;
    let curF = -Infinity;
    for (const x of spans) {
      if (x.s > curF) {
        if (curF > curS) busy += curF - curS;
        curS = x.s;
        curF = x.f;
      } else curF = Math.max(curF, x.f);
    }
    if (curF > curS) busy += curF - curS;
    return {
      lead: (firstEnqueued - startMs) / 1000,
      meili: (lastFinished - firstEnqueued) / 1000,
      tail: (endMs - lastFinished) / 1000,
      idle: (lastFinished - firstEnqueued - busy) / 1000,
      // How many indexing batches Meilisearch made of the payloads (it autobatches enqueued tasks).
      meiliBatches: new Set(results.map((t) => t.batchUid ?? -1)).size,
    };
  } catch {
    return null;
  }
}

export interface IngestFigures {
  rows: number;
  documents: number;
  /** The one payload's size. */
  payloadMb: number;
  ratio: number;
  ratios: number[];
  rawRowsPerSecond: number;
  indexerRowsPerSecond: number;
  runs: IngestRun[];
}

interface Task {
  status: string;
  error?: { message: string } | null;
}

async function waitTaskFixed(target: MeiliTarget, uid: number): Promise<void> {
  for (;;) {
    const task = await meili<Task>(target, 'GET', `/tasks/${uid}`);
    if (task.status === 'succeeded') return;
    if (task.status === 'failed' || task.status === 'canceled') throw new Error(`task ${uid} ${task.status}: ${task.error?.message ?? ''}`);
    await sleep(25);
  }
}

/** The plain-fetch upload (deliberately not the project's client: the baseline is what any HTTP client sends); returns its wall time in seconds. */
async function rawUpload(target: MeiliTarget, index: string, body: Uint8Array<ArrayBuffer>): Promise<number> {
  const t0 = performance.now();
  const created = await meili<{ taskUid: number }>(target, 'POST', '/indexes', { uid: index, primaryKey: PRIMARY_KEY });
  await waitTaskFixed(target, created.taskUid);
  await meili(target, 'PATCH', '/experimental-features', { containsFilter: true });
  const settings = await meili<{ taskUid: number }>(target, 'PATCH', `/indexes/${index}/settings`, indexSettings());
  await waitTaskFixed(target, settings.taskUid);

  const res = await fetch(`${target.url}/indexes/${index}/documents?primaryKey=${PRIMARY_KEY}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${target.apiKey}`, 'Content-Type': 'application/x-ndjson' },
    body,
  });
  if (!res.ok) throw new Error(`raw upload: HTTP ${res.status} ${(await res.text()).slice(0, 300)}`);
  const { taskUid } = (await res.json()) as { taskUid: number };
  await waitTaskFixed(target, taskUid);
  return (performance.now() - t0) / 1000;
}

export async function measureIngest(options: {
  target: MeiliTarget;
  citations: string;
  officeActions: string;
  pairs: number;
  workDir: string;
}): Promise<IngestFigures> {
  const { target } = options;

  // Pre-build the raw side's payload (not timed).
  const lines: string[] = [];
  let rows = 0;
  let rejected = 0;
  for await (const records of buildRecords({ citations: options.citations, officeActions: options.officeActions, onReject: () => void rejected++ })) {
    for (const rec of records) {
      lines.push(JSON.stringify(encode(rec)) + '\n');
      rows++;
    }
  }
  const body = new Uint8Array(Buffer.from(lines.join(''), 'utf8'));
  rows += rejected;
  say(`  one NDJSON payload of ${(body.length / 1e6).toFixed(0)} MB for ${rows} rows`);

  const runs: IngestRun[] = [];
  const ratios: number[] = [];
  let documents = 0;
  for (let pair = 0; pair < options.pairs; pair++) {
    const rawIndex = `bench_raw_${pair}`;
    const idxIndex = `bench_idx_${pair}`;
    await deleteIndex(target, rawIndex);
    await deleteIndex(target, idxIndex);

    const doRaw = async () => {
      const start = Date.now();
      const seconds = await rawUpload(target, rawIndex, body);
      const tl = await timeline(target, rawIndex, start, start + seconds * 1000);
      const docs = await documentCount(target, rawIndex);
      await deleteIndex(target, rawIndex);
      return { seconds, tl, docs };
    };
    const doIndexer = async () => {
      const start = Date.now();
      const t0 = performance.now();
      const summary = await runIndex({
        citations: options.citations,
        officeActions: options.officeActions,
        index: idxIndex,
        meili: target,
        resume: false,
        rejectsFile: join(options.workDir, `rejects-${idxIndex}.ndjson`),
      });
      const seconds = (performance.now() - t0) / 1000;
      const tl = await timeline(target, idxIndex, start, start + seconds * 1000);
      await deleteIndex(target, idxIndex);
      return { seconds, tl, summary };
    };
    // ABBA order (raw first in even pairs, indexer first in odd ones): whatever the first run after
    // an index deletion pays, both sides pay it equally often.
    const rawFirst = pair % 2 === 0;
    let raw: Awaited<ReturnType<typeof doRaw>>;
    let idx: Awaited<ReturnType<typeof doIndexer>>;
    if (rawFirst) {
      raw = await doRaw();
      idx = await doIndexer();
    } else {
      idx = await doIndexer();
      raw = await doRaw();
    }
    const { seconds: rawSeconds, tl: rawTimeline, docs: rawDocs } = raw;
    const { seconds: idxSeconds, tl: idxTimeline, summary } = idx;

    if (rawDocs !== summary.indexed) throw new Error(`raw upload stored ${rawDocs} documents, runIndex ${summary.indexed}`);
    documents = rawDocs;
    runs.push({ kind: 'raw', seconds: rawSeconds, rowsPerSecond: rows / rawSeconds, documents: rawDocs, timeline: rawTimeline });
    runs.push({ kind: 'indexer', seconds: idxSeconds, rowsPerSecond: rows / idxSeconds, documents: summary.indexed, timeline: idxTimeline });
    ratios.push(rawSeconds / idxSeconds);
    const tl = (t: IngestRun['timeline']) => (t ? ` [lead ${t.lead.toFixed(2)} meili ${t.meili.toFixed(2)} (idle ${t.idle.toFixed(2)}, ${t.meiliBatches} batch${t.meiliBatches === 1 ? '' : 'es'}) tail ${t.tail.toFixed(2)}]` : '');
    say(`  pair ${pair + 1} (${rawFirst ? 'raw first' : 'runIndex first'}): raw ${rawSeconds.toFixed(2)} s${tl(rawTimeline)}, runIndex ${idxSeconds.toFixed(2)} s${tl(idxTimeline)}, ratio ${(rawSeconds / idxSeconds).toFixed(3)}`);
  }
  return {
    rows,
    documents,
    payloadMb: body.length / 1e6,
    ratio: median(ratios),
    ratios,
    rawRowsPerSecond: median(runs.filter((r) => r.kind === 'raw').map((r) => r.rowsPerSecond)),
    indexerRowsPerSecond: median(runs.filter((r) => r.kind === 'indexer').map((r) => r.rowsPerSecond)),
    runs,
  };
}
