/**
 * Phase `rejections`: the rejections of the largest data set (generated with its citations, about
 * 0.15 rejection rows per citation) built into an index of their own by the indexer CLI, and its
 * disk per row set beside the citations index's, and held to the citations' per-row budget. Both figures are the index's own directory ÷ its documents, measured in this
 * run, so the ratio holds whatever else the database keeps.
 */
import type { BenchContext } from '../context.ts';
import { deleteIndex, fmtInt, round, say } from '../lib.ts';
import { measuredBuild } from './rss.ts';

export interface RejectionsFigures {
  rows: number;
  documents: number;
  buildSeconds: number;
  usPerRow: number;
  indexBytesPerRow: number | null;
  /** The citations index of the same data set, from the builds phase (null when it did not run). */
  citationsIndexBytesPerRow: number | null;
  /** rejections B/row ÷ citations B/row (the budget itself is the citations' 1,000 B/row target). */
  ratio: number | null;
}

export async function rejectionsPhase(ctx: BenchContext, citationsRows: number): Promise<void> {
  const index = `bench_rejections_${citationsRows}`;
  await deleteIndex(ctx.target, index);
  const f = await measuredBuild(ctx, citationsRows, index, [], 'rejections');
  // The builds phase builds the sizes in order: its last is this data set's citations.
  const citations = ctx.figures.rss?.at(-1)?.indexBytesPerRow ?? null;
  const ratio = f.indexBytesPerRow !== null && citations ? round(f.indexBytesPerRow / citations, 3) : null;
  ctx.figures.rejections = {
    rows: f.rows,
    documents: f.documents,
    buildSeconds: f.buildSeconds,
    usPerRow: f.usPerRow,
    indexBytesPerRow: f.indexBytesPerRow,
    citationsIndexBytesPerRow: citations,
    ratio,
  };
  say(
    `  ${fmtInt(f.rows)} rejection rows: build ${f.buildSeconds.toFixed(1)} s (${f.usPerRow} us/row), ${fmtInt(f.documents)} documents, ` +
      `index dir ${f.indexBytesPerRow ?? 'n/a'} B/row against ${citations ?? 'n/a'} B/row for the citations (ratio ${ratio ?? 'n/a'})`,
  );
  await deleteIndex(ctx.target, index);
}
