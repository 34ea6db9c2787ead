/**
 * Phase `reindex`: the indexer CLI rebuilds the largest index with --reindex while it is live
 * (the build goes into a fresh index beside it, then swaps in): its time, and the peak extra disk
 * while both indexes are on disk - what a server must have free to rebuild without downtime.
 */
import type { BenchContext } from '../context.ts';
import { documentCount, fmtInt, say } from '../lib.ts';
import { measuredBuild, type BuildFigures } from './rss.ts';

export interface ReindexFigures extends BuildFigures {
  /** The live index's database size before the rebuild, MB. */
  liveDatabaseMb: number;
}

export async function reindexPhase(ctx: BenchContext, index: string, rows: number): Promise<void> {
  const live = await documentCount(ctx.target, index);
  const before = ctx.figures.rss?.find((r) => r.rows >= rows)?.meili.databaseSizeMb ?? 0;
  const f = await measuredBuild(ctx, rows, index, ['--reindex']);
  if (f.documents !== live) throw new Error(`the rebuilt index holds ${f.documents} documents, the live one held ${live}`);
  ctx.figures.reindex = { ...f, liveDatabaseMb: before };
  say(
    `  --reindex of ${fmtInt(f.rows)} rows beside the live index: ${f.buildSeconds.toFixed(1)} s (${f.usPerRow} us/row), ` +
      `peak extra disk ${f.disk.peakMb.toFixed(0)} MB (database directory at most ${f.disk.peakDirMb.toFixed(0)} MB, ${f.disk.dirBeforeMb.toFixed(0)} MB before)`,
  );
}
