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
import { Cleanup, say } from './lib.ts';
import { atScalePhase } from './phases/atscale.ts';
import { gatewayPhase } from './phases/gateway.ts';
import { ingestPhase } from './phases/ingest.ts';
import { parsePhase } from './phases/parse.ts';
import { rejectionsPhase } from './phases/rejections.ts';
import { reindexPhase } from './phases/reindex.ts';
import { rssPhase } from './phases/rss.ts';
import { searchPhase } from './phases/search.ts';
import { readPlan, type PhaseName, type Plan } from './plan.ts';
import { BenchContext, type BuiltIndex } from './context.ts';
import { report } from './report.ts';

interface PhaseEntry {
  name: PhaseName;
  title: string;
  /** Runs on the largest index, which the builds make first. */
  onIndex?: (ctx: BenchContext, big: BuiltIndex) => Promise<void>;
  run?: (ctx: BenchContext) => Promise<void>;
}

/** The phases, in the order they run; each runs when the plan names it (bench/plan.ts). */
const PHASES: readonly PhaseEntry[] = [
  { name: 'parse', title: 'parse (buildRecords, one core)', run: parsePhase },
  { name: 'ingest', title: 'ingest (runIndex vs raw NDJSON upload)', run: ingestPhase },
  { name: 'rss', title: 'indexer CLI builds (disk, time, memory per size)', run: (ctx) => rssPhase(ctx, ctx.plan.sizes) },
  { name: 'rejections', title: 'rejections index beside the citations (disk per row)', run: (ctx) => rejectionsPhase(ctx, ctx.largest) },
  { name: 'gateway', title: 'legacy queries: gateway vs direct Meilisearch', onIndex: (ctx, big) => gatewayPhase(ctx, big.index) },
  { name: 'search', title: 'modern faceted search', onIndex: (ctx, big) => searchPhase(ctx, big.index) },
  { name: 'atscale', title: 'queries, deep pages and an export at the largest size', onIndex: (ctx, big) => atScalePhase(ctx, big.index) },
  { name: 'reindex', title: '--reindex beside the live largest index', onIndex: (ctx, big) => reindexPhase(ctx, big.index, big.rows) },
];

async function runPhases(ctx: BenchContext): Promise<void> {
  const chosen = PHASES.filter((p) => ctx.plan.only.has(p.name));
  for (const p of chosen) if (p.run) await ctx.phase(p.title, () => p.run!(ctx));
  const onIndex = chosen.filter((p) => p.onIndex);
  if (!onIndex.length) return;
  // The index phases need the largest index: built here unless the builds phase made it.
  if (!ctx.big) await ctx.phase('indexer CLI build of the largest size', () => rssPhase(ctx, [ctx.largest]));
  const big = ctx.big;
  if (!big) return;
  for (const p of onIndex) await ctx.phase(p.title, () => p.onIndex!(ctx, big));
}

async function main(): Promise<void> {
  const plan: Plan = readPlan(process.argv.slice(2));
  const cleanup = new Cleanup();
  process.on('exit', () => cleanup.killAllSync());
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
    await runPhases(ctx);
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
}

await main();
