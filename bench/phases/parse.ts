/** Phase `parse`: read + validate + join + derive on one pinned core (buildRecords, no upload): bench/parse.ts. */
import type { BenchContext } from '../context.ts';
import { measureParse } from '../parse.ts';

export async function parsePhase(ctx: BenchContext): Promise<void> {
  const ds = await ctx.dataset(ctx.largest);
  ctx.figures.parse = await measureParse(ctx.cleanup, {
    citations: ds.citations,
    officeActions: ds.officeActions,
    passes: ctx.plan.parsePasses,
    cpuProfDir: ctx.profileDir,
  });
}
