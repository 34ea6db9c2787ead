/** Phase `ingest`: runIndex against a raw NDJSON upload of the same records, in pairs: bench/ingest.ts. */
import type { BenchContext } from '../context.ts';
import { measureIngest } from '../ingest.ts';

export async function ingestPhase(ctx: BenchContext): Promise<void> {
  const ds = await ctx.dataset(ctx.plan.ingestRows);
  ctx.figures.ingest = await measureIngest({ target: ctx.target, citations: ds.citations, officeActions: ds.officeActions, pairs: ctx.plan.ingestPairs, workDir: ctx.work });
}
