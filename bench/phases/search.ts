/**
 * Phase `search`: the modern faceted search through the gateway (two facets, one filter), one
 * connection, on the largest index (bench/README.md, figure 5).
 */
import type { BenchContext } from '../context.ts';
import type { LoadResult } from '../load.ts';
import { probe, runLoad } from '../processes.ts';
import { MODERN_SEARCH_PATH } from '../queries.ts';

export interface SearchFigures {
  status: string;
  result: LoadResult | null;
}

export async function searchPhase(ctx: BenchContext, index: string): Promise<void> {
  await ctx.withGateway(index, async (gw) => {
    const req = { method: 'GET' as const, path: MODERN_SEARCH_PATH };
    const first = await probe(gw.url, req);
    if (first.status !== 200) {
      ctx.figures.search = { status: `GET ${MODERN_SEARCH_PATH} answered ${first.status}: ${first.text.slice(0, 200)}`, result: null };
      return;
    }
    const result = await runLoad(ctx.cleanup, {
      url: gw.url,
      requests: [req],
      connections: 1,
      durationSeconds: ctx.plan.searchSeconds,
      warmupSeconds: ctx.plan.warmupSeconds,
      workDir: ctx.work,
    });
    ctx.figures.search = { status: 'ok', result };
  });
}
