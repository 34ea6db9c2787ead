/**
 * npm run bench [-- --quick | --plan quick|full|scale] [--only ...] [--sizes ...] [--profile] [--seed N]
 *
 * Generates OARD-format data with the project's generator, starts its own Meilisearch (fresh temp
 * data dir) and its own gateway processes, runs the plan's phases (bench/plan.ts), prints a table
 * and, as the very last line of stdout, one JSON object with every figure (bench/README.md says
 * how each is taken). Progress goes to stderr. Everything started or written is stopped / removed
 * at the end, also when a phase fails or the run is interrupted. A phase that fails is reported
 * (its figures null, `errors` in the JSON) and the others still run; the exit code is then 1.
 */
import { measureIngest } from './ingest.ts';
import { Cleanup, say } from './lib.ts';
import { measureParse } from './parse.ts';
import { atScalePhase } from './phases/atscale.ts';
import { gatewayPhase } from './phases/gateway.ts';
import { reindexPhase } from './phases/reindex.ts';
import { rssPhase } from './phases/rss.ts';
import { searchPhase } from './phases/search.ts';
import { readPlan, type Plan } from './plan.ts';
import { BenchContext } from './context.ts';
import { report } from './report.ts';

const plan: Plan = readPlan(process.argv.slice(2));
const cleanup = new Cleanup();
process.on('exit', () => cleanup.killAllSync());

/** The phases, in order: each runs when the plan names it; the query phases need the largest index built first. */
async function phases(ctx: BenchContext): Promise<void> {
  const { only } = plan;
  if (only.has('parse')) {
    await ctx.phase('parse (buildRecords, one core)', async () => {
      const ds = await ctx.dataset(ctx.largest);
      ctx.figures.parse = await measureParse(cleanup, { citations: ds.citations, officeActions: ds.officeActions, passes: plan.parsePasses, cpuProfDir: ctx.profileDir });
    });
  }
  if (only.has('ingest')) {
    await ctx.phase('ingest (runIndex vs raw NDJSON upload)', async () => {
      const ds = await ctx.dataset(plan.ingestRows);
      ctx.figures.ingest = await measureIngest({ target: ctx.target, citations: ds.citations, officeActions: ds.officeActions, pairs: plan.ingestPairs, workDir: ctx.work });
    });
  }
  const needsIndex = (['gateway', 'search', 'atscale', 'reindex'] as const).some((p) => only.has(p));
  const sizes = only.has('rss') ? plan.sizes : needsIndex ? [ctx.largest] : [];
  if (sizes.length) await ctx.phase('indexer CLI builds (disk, time, memory per size)', () => rssPhase(ctx, sizes));
  const big = ctx.big;
  if (!big) return;
  if (only.has('gateway')) await ctx.phase('legacy queries: gateway vs direct Meilisearch', () => gatewayPhase(ctx, big.index));
  if (only.has('search')) await ctx.phase('modern faceted search', () => searchPhase(ctx, big.index));
  if (only.has('atscale')) await ctx.phase('queries, deep pages and an export at the largest size', () => atScalePhase(ctx, big.index));
  if (only.has('reindex')) await ctx.phase('--reindex beside the live largest index', () => reindexPhase(ctx, big.index, big.rows));
}

let ctx: BenchContext | undefined;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    if (ctx) {
      ctx.interrupted = true;
      ctx.figures.errors.push(`interrupted by ${sig}: figures are incomplete`);
    }
    say(`${sig}: stopping and cleaning up`);
    void cleanup.run().finally(() => process.exit(130));
  });
}

let setupError: string | undefined;
try {
  ctx = await BenchContext.start(plan, cleanup);
  await phases(ctx);
} catch (err) {
  setupError = `setup: ${err instanceof Error ? err.message : String(err)}`;
} finally {
  say('cleaning up');
  await cleanup.run();
}
if (ctx) {
  if (setupError) ctx.figures.errors.push(setupError);
  report(ctx.figures, plan);
  process.exitCode = ctx.figures.errors.length ? 1 : 0;
} else {
  process.stderr.write(`bench: ${setupError}\n`);
  process.exitCode = 1;
}
