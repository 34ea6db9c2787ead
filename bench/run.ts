/**
 * npm run bench [-- --quick] [--only parse,ingest,rss,gateway,search] [--sizes 100000,...] [--profile] [--seed N]
 *
 * Generates OARD-format data with the project's generator, starts its own Meilisearch (fresh temp
 * data dir) and its own gateway process, measures the figures described in bench/README.md,
 * prints a table and, as the very last line of stdout, one JSON object with every figure.
 * Progress goes to stderr. Everything started or written is stopped / removed at the end, also
 * when a phase fails or the run is interrupted. A phase that fails is reported (its figures null,
 * `errors` in the JSON) and the others still run; the exit code is then 1.
 */
import { readFileSync, mkdirSync, openSync, readSync, closeSync } from 'node:fs';
import { totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateDataset, type GeneratedDataset } from '../indexer/generate.ts';
import { adminOn, enableFeatures, searchKeyFor, type AdminConnection } from '../src/meili/connect.ts';
import { startEmbeddedMeili } from '../src/meili/embedded.ts';
import { measureIngest, type IngestFigures } from './ingest.ts';
import { BENCH_DIR, Cleanup, deleteIndex, documentCount, fmtInt, median, round, say, table, type MeiliTarget } from './lib.ts';
import type { LoadResult } from './load.ts';
import { beginBuild, endBuild, type MeiliUsage } from './meili-usage.ts';
import { measureParse, type ParseFigures } from './parse.ts';
import { HAS_GNU_TIME, probe, runIndexerCli, runLoad, startGateway, type CliRun, type Gateway, type MemBreakdown } from './processes.ts';
import { MODERN_SEARCH_PATH, directRequests, expectedFilter, gatewayRequests, legacyMix } from './queries.ts';
import { startRecorder, type RecordedRequest } from './recorder.ts';

// ---------------------------------------------------------------------------------------------
// Plan

const PHASES = ['parse', 'ingest', 'rss', 'gateway', 'search'] as const;
type Phase = (typeof PHASES)[number];

const USAGE = 'usage: npm run bench -- [--quick] [--only parse,ingest,rss,gateway,search] [--sizes 100000,400000,...] [--profile] [--seed N] [--gateway-log-level info|silent]\n';

/** A bad flag: one line saying which, the usage, exit 2 (no stack trace). */
function usageError(message: string): never {
  process.stderr.write(`bench: ${message}\n${USAGE}`);
  process.exit(2);
}

function parseFlags() {
  try {
    return parseArgs({
      options: {
        quick: { type: 'boolean', default: false },
        only: { type: 'string' },
        profile: { type: 'boolean', default: false },
        seed: { type: 'string', default: '1' },
        sizes: { type: 'string' },
        'gateway-log-level': { type: 'string', default: 'info' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    });
  } catch (e) {
    usageError((e as Error).message);
  }
}
const { values: argv } = parseFlags();
if (argv.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const quick = argv.quick ?? false;
const only = new Set<Phase>(
  argv.only
    ? argv.only.split(',').map((p) => {
        if (!(PHASES as readonly string[]).includes(p)) usageError(`--only: unknown phase "${p}" (phases: ${PHASES.join(', ')})`);
        return p as Phase;
      })
    : PHASES,
);
const seed = Number(argv.seed);
/** --sizes: citation row counts to build instead of the plan's (e.g. a larger point for the sizing curve). */
const sizesArg = argv.sizes?.split(',').map((s) => {
  const n = Number(s.trim().replace(/_/g, ''));
  if (!Number.isSafeInteger(n) || n < 1000) usageError(`--sizes: "${s}" is not a row count >= 1000`);
  return n;
});

const BASE_PLAN = quick
  ? {
      sizes: [100_000, 400_000],
      // 80 k rows = 2 upload batches of the default 32 MiB (the pipeline still overlaps); ~9 s a run.
      ingestRows: 80_000,
      ingestPairs: 2,
      parsePasses: 3,
      connections: 32,
      loadSeconds: 3,
      warmupSeconds: 1,
      loadPairs: 2,
      searchSeconds: 3,
      c1Seconds: 2,
      scale: false,
    }
  : {
      sizes: [100_000, 400_000, 1_000_000],
      ingestRows: 400_000,
      ingestPairs: 3,
      parsePasses: 3,
      connections: 32,
      loadSeconds: 10,
      warmupSeconds: 2,
      loadPairs: 3,
      searchSeconds: 10,
      c1Seconds: 8,
      scale: true,
    };
const PLAN = sizesArg ? { ...BASE_PLAN, sizes: [...new Set(sizesArg)].sort((a, b) => a - b) } : BASE_PLAN;

/** The generator writes ~13.1-13.2 citation rows per office action; 13.0 keeps every size at or above its nominal row count. */
const ROWS_PER_OFFICE_ACTION = 13.0;

const TARGETS = {
  parse_rows_per_s: 250_000,
  indexer_vs_raw_ratio: 0.9,
  indexer_peak_rss_ratio: 1.2,
  gateway_vs_direct_qps_ratio: 0.9,
  gateway_overhead_p50_ms: 2,
};

// ---------------------------------------------------------------------------------------------

interface Figures {
  mode: 'quick' | 'full';
  machine: { cpus: number; node: string };
  datasets: Record<string, { citations: number; officeActions: number; csvMb: number }>;
  parse: ParseFigures | null;
  ingest: IngestFigures | null;
  rss: {
    rows: number;
    peakRssMb: number;
    buildSeconds: number;
    wallSeconds: number;
    documents: number;
    memAtPeak: MemBreakdown | undefined;
    /** Meilisearch's side of the build: index disk size, database size, peak RSS. */
    meili: MeiliUsage;
  }[] | null;
  gateway: {
    rows: number;
    /** Meilisearch requests the gateway makes per legacy query (averaged over the mix). */
    meiliRequestsPerQuery: number;
    upstream: string[];
    upstreamAcceptEncoding: string | null;
    gateway: LoadResult[];
    direct: LoadResult[];
    gatewayC1?: LoadResult;
    directC1?: LoadResult;
  } | null;
  search: { status: string; result: LoadResult | null } | null;
  scale: { rows: number; buildSeconds: number; legacy: LoadResult | null }[] | null;
  errors: string[];
}

const cleanup = new Cleanup();
process.on('exit', () => cleanup.killAllSync());

const figures: Figures = {
  mode: quick ? 'quick' : 'full',
  machine: { cpus: (await import('node:os')).availableParallelism(), node: process.version },
  datasets: {},
  parse: null,
  ingest: null,
  rss: null,
  gateway: null,
  search: null,
  scale: null,
  errors: [],
};

let interrupted = false;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    interrupted = true;
    figures.errors.push(`interrupted by ${sig}: figures are incomplete`);
    say(`${sig}: stopping and cleaning up`);
    void cleanup.run().finally(() => process.exit(130));
  });
}

async function phase(name: string, fn: () => Promise<void>): Promise<void> {
  if (interrupted) return;
  const started = performance.now();
  say(`${name} ...`);
  try {
    await fn();
    say(`${name} done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    figures.errors.push(`${name}: ${msg}`);
    say(`${name} FAILED: ${msg}`);
  }
}

function firstAppId(citationsCsv: string): string {
  const fd = openSync(citationsCsv, 'r');
  try {
    const buf = Buffer.alloc(4096);
    const n = readSync(fd, buf, 0, buf.length, 0);
    const line = buf.subarray(0, n).toString('utf8').split('\n')[1] ?? '';
    return line.split(',')[0] ?? '00000000';
  } finally {
    closeSync(fd);
  }
}

async function main(): Promise<void> {
  const root = cleanup.tempDir('oa-bench-');
  const work = join(root, 'work');
  mkdirSync(work);
  const profileDir = join(BENCH_DIR, 'profiles');
  if (argv.profile) mkdirSync(profileDir, { recursive: true });

  // Meilisearch: our own, fresh data dir (inside `root`, removed with it).
  say('starting Meilisearch');
  const embedded = await startEmbeddedMeili({ dataDir: join(root, 'meili') });
  cleanup.add('stop Meilisearch', () => embedded.stop());
  const target: MeiliTarget = { url: embedded.url, key: embedded.masterKey };
  const admin = adminOn(embedded.url, embedded.masterKey);
  await enableFeatures(admin);

  // Data: one generated data set per size (seeded, so every run indexes the same rows).
  const needed = new Set<number>();
  if (only.has('parse') || only.has('rss') || only.has('gateway') || only.has('search')) for (const s of PLAN.sizes) needed.add(s);
  if (only.has('ingest')) needed.add(PLAN.ingestRows);
  if (!only.has('rss') && (only.has('gateway') || only.has('search'))) {
    needed.clear();
    needed.add(Math.max(...PLAN.sizes));
    if (only.has('ingest')) needed.add(PLAN.ingestRows);
  }
  const data = new Map<number, GeneratedDataset>();
  for (const rows of [...needed].sort((a, b) => a - b)) {
    const t = performance.now();
    const ds = await generateDataset(join(root, `data-${rows}`), { officeActions: Math.ceil(rows / ROWS_PER_OFFICE_ACTION), seed });
    data.set(rows, ds);
    const bytes = readFileSync(ds.citations).length + readFileSync(ds.officeActions).length;
    figures.datasets[String(rows)] = { citations: ds.counts.citations, officeActions: ds.counts.officeActions, csvMb: round(bytes / 1e6, 1) };
    say(`generated ${fmtInt(ds.counts.citations)} citation rows (${fmtInt(ds.counts.officeActions)} office actions) in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
  const largest = Math.max(...PLAN.sizes);

  // 1. Parse-only throughput.
  if (only.has('parse')) {
    await phase('parse (buildRecords, one core)', async () => {
      const ds = data.get(largest)!;
      figures.parse = await measureParse(cleanup, {
        citations: ds.citations,
        officeActions: ds.officeActions,
        passes: PLAN.parsePasses,
        cpuProfDir: argv.profile ? profileDir : undefined,
      });
    });
  }

  // 2. Indexer vs raw upload.
  if (only.has('ingest')) {
    await phase('ingest (runIndex vs raw NDJSON upload)', async () => {
      const ds = data.get(PLAN.ingestRows)!;
      figures.ingest = await measureIngest({
        target,
        citations: ds.citations,
        officeActions: ds.officeActions,
        pairs: PLAN.ingestPairs,
        workDir: work,
      });
    });
  }

  // 3. Indexer CLI peak RSS per size (+ build time; + legacy query p50 on the full run's scale curve).
  const builtIndexes: { rows: number; index: string; cli: CliRun }[] = [];
  const sizesToBuild = only.has('rss') ? PLAN.sizes : only.has('gateway') || only.has('search') ? [largest] : [];
  if (sizesToBuild.length) {
    await phase('indexer CLI runs (peak RSS, build time)', async () => {
      figures.rss = [];
      if (PLAN.scale && only.has('gateway')) figures.scale = [];
      for (const rows of sizesToBuild) {
        const ds = data.get(rows)!;
        const index = `bench_cli_${rows}`;
        await deleteIndex(target, index);
        const meiliPid = embedded.process.pid ?? 0;
        const meiliDb = join(embedded.dataDir, 'meili');
        const usageStart = beginBuild(meiliPid, meiliDb);
        const cli = await runIndexerCli(cleanup, {
          meili: target,
          citations: ds.citations,
          officeActions: ds.officeActions,
          index,
          workDir: work,
          cpuProfDir: argv.profile ? profileDir : undefined,
        });
        const count = await documentCount(target, index);
        const usage = await endBuild(usageStart, meiliPid, meiliDb, target, index);
        // Build time: runIndex's own elapsedMs (index set-up to last task done), else the wall time.
        const elapsedMs = cli.summary?.elapsedMs;
        const buildSeconds = typeof elapsedMs === 'number' ? elapsedMs / 1000 : cli.wallSeconds;
        figures.rss.push({
          rows: ds.counts.citations,
          peakRssMb: round(cli.peakRssMb, 1),
          buildSeconds: round(buildSeconds, 2),
          wallSeconds: round(cli.wallSeconds, 2),
          documents: count,
          memAtPeak: cli.memAtPeak,
          meili: usage,
        });
        const m = cli.memAtPeak;
        say(
          `  ${fmtInt(ds.counts.citations)} rows: ${round(cli.peakRssMb, 1)} MB peak RSS (${cli.rssSource})` +
            (m ? ` [at peak: heap ${m.heapTotalMb} MB, array buffers ${m.arrayBuffersMb} MB]` : '') +
            `, build ${buildSeconds.toFixed(1)} s, ${fmtInt(count)} documents`,
        );
        say(
          `  Meilisearch: index on disk ${fmtMb(usage.indexDiskMb)} (database ${fmtMb(usage.databaseSizeMb)}, used ${fmtMb(usage.usedDatabaseSizeMb)}, ` +
            `raw documents ${fmtMb(usage.rawDocumentsMb)}), peak RSS ${fmtMb(usage.peakRssMb)}${usage.peakRssReset ? '' : ' (since start: reset refused)'} ` +
            `(sampled peaks: anon ${fmtMb(usage.peakRssAnonMb)}, file ${fmtMb(usage.peakRssFileMb)}), RSS before ${fmtMb(usage.rssBeforeMb)}, after ${fmtMb(usage.rssAfterMb)}`,
        );
        builtIndexes.push({ rows, index, cli });
        if (figures.scale) {
          const legacy = await withGateway(target, admin, index, work, async (gw) => {
            const mix = legacyMix(firstAppId(ds.citations), count);
            return runLoad(cleanup, {
              url: gw.url,
              requests: gatewayRequests(mix),
              connections: PLAN.connections,
              durationSeconds: PLAN.loadSeconds,
              warmupSeconds: PLAN.warmupSeconds,
              workDir: work,
            });
          });
          figures.scale.push({ rows: ds.counts.citations, buildSeconds: round(buildSeconds, 2), legacy });
          say(`  scale ${fmtInt(ds.counts.citations)}: legacy p50 ${legacy.p50_ms.toFixed(2)} ms, ${legacy.qps.toFixed(0)} qps`);
        }
        if (rows !== largest) await deleteIndex(target, index);
      }
    });
  }

  const big = builtIndexes.find((b) => b.rows === largest);

  // 4. Gateway vs direct, alternating, on the largest index.
  if (only.has('gateway') && big) {
    await phase('legacy queries: gateway vs direct Meilisearch', async () => {
      const ds = data.get(largest)!;
      const count = await documentCount(target, big.index);
      const mix = legacyMix(firstAppId(ds.citations), count);
      const viaGateway = gatewayRequests(mix);

      // Learn what the gateway sends Meilisearch for each query: a gateway pointed at a
      // recording proxy answers each query once.
      const recorder = await startRecorder(target.url);
      cleanup.add('recorder', () => recorder.close());
      const recorded: RecordedRequest[] = [];
      const perQuery: number[] = [];
      await withGateway({ url: recorder.url, key: target.key }, admin, big.index, work, async (gw) => {
        recorder.take();
        for (const [i, q] of mix.entries()) {
          const g = await probe(gw.url, viaGateway[i]!);
          if (g.status !== 200) throw new Error(`gateway answered ${g.status} to ${q.criteria}: ${g.text.slice(0, 300)}`);
          const reqs = recorder.take().filter((r) => !r.path.startsWith('/health'));
          if (reqs.length === 0) throw new Error(`the gateway made no Meilisearch request for ${q.criteria}`);
          const filter = expectedFilter(q);
          if (filter !== undefined && !reqs.some((r) => r.body.includes(JSON.stringify(filter).slice(1, -1)))) {
            say(`  warning: the recorded request for ${q.criteria} does not carry compileCriteria's filter ${filter}`);
          }
          recorded.push(...reqs);
          perQuery.push(reqs.length);
        }
      });
      await recorder.close();
      const upstream = [...new Set(recorded.map((r) => `${r.method} ${r.path.replace(big.index, '{uid}')}`))];
      const acceptEncoding = recorded.find((r) => r.headers['accept-encoding'])?.headers['accept-encoding'];
      say(`  the gateway sends ${recorded.length} Meilisearch request(s) for the ${mix.length} queries: ${upstream.join(', ')}${acceptEncoding ? ` (Accept-Encoding: ${String(acceptEncoding)})` : ''}`);
      const direct = directRequests(recorded);

      const results: NonNullable<Figures['gateway']> = {
        rows: ds.counts.citations,
        meiliRequestsPerQuery: recorded.length / mix.length,
        upstream,
        upstreamAcceptEncoding: acceptEncoding === undefined ? null : String(acceptEncoding),
        gateway: [],
        direct: [],
      };
      await withGateway(target, admin, big.index, work, async (gw) => {
        // Both sides answer every request, with the same totals.
        for (const [i, q] of mix.entries()) {
          const g = await probe(gw.url, viaGateway[i]!);
          if (g.status !== 200) throw new Error(`gateway answered ${g.status} to ${q.criteria}: ${g.text.slice(0, 300)}`);
        }
        for (const r of direct) {
          const d = await probe(target.url, r);
          if (d.status !== 200) throw new Error(`Meilisearch answered ${d.status} to ${r.path} ${r.body ?? ''}: ${d.text.slice(0, 300)}`);
        }
        for (let pair = 0; pair < PLAN.loadPairs; pair++) {
          const common = { connections: PLAN.connections, durationSeconds: PLAN.loadSeconds, warmupSeconds: PLAN.warmupSeconds, workDir: work };
          // ABBA order: direct first in even pairs, gateway first in odd ones.
          const runDirect = () => runLoad(cleanup, { url: target.url, requests: direct, ...common });
          const runGateway = () => runLoad(cleanup, { url: gw.url, requests: viaGateway, ...common });
          let d: LoadResult;
          let g: LoadResult;
          if (pair % 2 === 0) {
            d = await runDirect();
            g = await runGateway();
          } else {
            g = await runGateway();
            d = await runDirect();
          }
          // Direct qps in legacy queries: one legacy query = meiliRequestsPerQuery Meilisearch requests.
          d.qps /= results.meiliRequestsPerQuery;
          results.direct.push(d);
          results.gateway.push(g);
          say(`  pair ${pair + 1}: direct ${d.qps.toFixed(0)} qps p50 ${d.p50_ms.toFixed(2)} ms | gateway ${g.qps.toFixed(0)} qps p50 ${g.p50_ms.toFixed(2)} ms`);
        }
        // Unloaded: one connection each, so the p50 difference is the gateway's own latency, not queueing.
        const one = { connections: 1, durationSeconds: PLAN.c1Seconds, warmupSeconds: PLAN.warmupSeconds, workDir: work };
        results.directC1 = await runLoad(cleanup, { url: target.url, requests: direct, ...one });
        results.gatewayC1 = await runLoad(cleanup, { url: gw.url, requests: viaGateway, ...one });
        say(`  c=1: direct p50 ${results.directC1.p50_ms.toFixed(2)} ms | gateway p50 ${results.gatewayC1.p50_ms.toFixed(2)} ms`);
      }, argv.profile ? profileDir : undefined);
      figures.gateway = results;
    });
  }

  // 5. Modern faceted search, through the gateway.
  if (only.has('search') && big) {
    await phase('modern faceted search', async () => {
      await withGateway(target, admin, big.index, work, async (gw) => {
        const req = { method: 'GET' as const, path: MODERN_SEARCH_PATH };
        const first = await probe(gw.url, req);
        if (first.status === 404) {
          figures.search = { status: `not available: GET ${MODERN_SEARCH_PATH} answered 404 (the modern API has no such route yet)`, result: null };
          return;
        }
        if (first.status !== 200) {
          figures.search = { status: `GET ${MODERN_SEARCH_PATH} answered ${first.status}: ${first.text.slice(0, 200)}`, result: null };
          return;
        }
        const result = await runLoad(cleanup, {
          url: gw.url,
          requests: [req],
          connections: 1,
          durationSeconds: PLAN.searchSeconds,
          warmupSeconds: PLAN.warmupSeconds,
          workDir: work,
        });
        figures.search = { status: 'ok', result };
      });
    });
  }
}

function fmtMb(x: number | null): string {
  return x === null ? 'n/a' : `${x.toFixed(1)} MB`;
}

async function withGateway<T>(target: MeiliTarget, admin: AdminConnection, index: string, work: string, fn: (gw: Gateway) => Promise<T>, cpuProfDir?: string): Promise<T> {
  const searchKey = await searchKeyFor(admin, index);
  if (!searchKey) throw new Error('no search key');
  const gw = await startGateway(cleanup, {
    meiliUrl: target.url,
    searchKey,
    index,
    logFile: join(work, `gateway-${index}.log`),
    logLevel: argv['gateway-log-level'] ?? 'info',
    cpuProfDir,
  });
  try {
    return await fn(gw);
  } finally {
    await gw.stop();
  }
}

// ---------------------------------------------------------------------------------------------
// Report

function report(f: Figures): void {
  const n = (x: number | null | undefined, d = 2) => (x === null || x === undefined || !Number.isFinite(x) ? null : round(x, d));
  const verdict = (ok: boolean | null) => (ok === null ? 'n/a' : ok ? 'PASS' : 'MISS');

  const parseRate = f.parse?.rowsPerSecond ?? null;
  const ingestRatio = f.ingest?.ratio ?? null;
  const rss = f.rss ?? [];
  const rssFirst = rss[0];
  const rssLast = rss.length > 1 ? rss[rss.length - 1] : undefined;
  const rssRatio = rssFirst && rssLast ? rssLast.peakRssMb / rssFirst.peakRssMb : null;
  const gwQps = f.gateway ? median(f.gateway.gateway.map((r) => r.qps)) : null;
  const dQps = f.gateway ? median(f.gateway.direct.map((r) => r.qps)) : null;
  const qpsRatio = f.gateway ? median(f.gateway.gateway.map((g, i) => g.qps / f.gateway!.direct[i]!.qps)) : null;
  const gwP50 = f.gateway ? median(f.gateway.gateway.map((r) => r.p50_ms)) : null;
  const gwP99 = f.gateway ? median(f.gateway.gateway.map((r) => r.p99_ms)) : null;
  const dP50 = f.gateway ? median(f.gateway.direct.map((r) => r.p50_ms)) : null;
  const dP99 = f.gateway ? median(f.gateway.direct.map((r) => r.p99_ms)) : null;
  const overhead = f.gateway ? median(f.gateway.gateway.map((g, i) => g.p50_ms - f.gateway!.direct[i]!.p50_ms)) : null;
  const search = f.search?.result ?? null;

  const rows: [string, string, string?][] = [];
  const v = (x: number | null, unit = '', d = 2) => (x === null || !Number.isFinite(x) ? 'null' : `${x.toLocaleString('en-US', { maximumFractionDigits: d })}${unit}`);
  rows.push(['data sets (citation rows)', Object.values(f.datasets).map((d) => fmtInt(d.citations)).join(' / ')]);
  rows.push([
    `parse_rows_per_s (${f.parse ? fmtInt(f.parse.rows) : '-'} rows, 1 core)`,
    v(parseRate, '', 0),
    `target >= 250,000  ${verdict(parseRate === null ? null : parseRate >= TARGETS.parse_rows_per_s)}`,
  ]);
  if (f.ingest) {
    rows.push([`raw NDJSON upload rows/s (${fmtInt(f.ingest.rows)} rows)`, v(f.ingest.rawRowsPerSecond, '', 0), `median of ${f.ingest.runs.filter((r) => r.kind === 'raw').length} runs`]);
    rows.push(['runIndex rows/s', v(f.ingest.indexerRowsPerSecond, '', 0), `median of ${f.ingest.runs.filter((r) => r.kind === 'indexer').length} runs`]);
  }
  rows.push(['indexer_vs_raw_ratio', v(ingestRatio, '', 3), `target >= 0.90  ${verdict(ingestRatio === null ? null : ingestRatio >= TARGETS.indexer_vs_raw_ratio)}`]);
  for (const r of rss) rows.push([`indexer_peak_rss_mb @ ${fmtInt(r.rows)} rows`, v(r.peakRssMb, ' MB', 1), `build ${r.buildSeconds.toFixed(1)} s`]);
  for (const r of rss) {
    rows.push([
      `meili_index_disk_mb @ ${fmtInt(r.rows)} rows`,
      v(r.meili.indexDiskMb, ' MB', 1),
      `database ${v(r.meili.databaseSizeMb, ' MB', 1)}; meili_peak_rss_mb ${v(r.meili.peakRssMb, ' MB', 0)}${r.meili.peakRssReset ? '' : ' (since start)'} (anon ${v(r.meili.peakRssAnonMb, ' MB', 0)})`,
    ]);
  }
  rows.push(['indexer peak RSS ratio (largest / smallest)', v(rssRatio, '', 3), `target <= 1.20  ${verdict(rssRatio === null ? null : rssRatio <= TARGETS.indexer_peak_rss_ratio)}`]);
  if (f.gateway) {
    rows.push([`legacy /records via gateway qps (${fmtInt(f.gateway.rows)} rows, c=${PLAN.connections})`, v(gwQps, '', 0), `p50 ${v(gwP50, ' ms')}  p99 ${v(gwP99, ' ms')}`]);
    rows.push([`same Meilisearch requests direct (${f.gateway.upstream.join(', ')}) qps`, v(dQps, '', 0), `p50 ${v(dP50, ' ms')}  p99 ${v(dP99, ' ms')}`]);
  }
  rows.push(['gateway_vs_direct_qps_ratio', v(qpsRatio, '', 3), `target >= 0.90  ${verdict(qpsRatio === null ? null : qpsRatio >= TARGETS.gateway_vs_direct_qps_ratio)}`]);
  rows.push(['gateway_overhead_p50_ms', v(overhead, ' ms'), `target <= 2 ms  ${verdict(overhead === null ? null : overhead <= TARGETS.gateway_overhead_p50_ms)}`]);
  if (f.gateway?.gatewayC1 && f.gateway.directC1) {
    const g1 = f.gateway.gatewayC1.p50_ms;
    const d1 = f.gateway.directC1.p50_ms;
    rows.push(['  same, unloaded (c=1): gateway p50 - direct p50', v(g1 - d1, ' ms'), `gateway ${v(g1, ' ms')}, direct ${v(d1, ' ms')} (diagnostic)`]);
  }
  rows.push(['search_p50_ms / search_p99_ms (c=1)', search ? `${v(search.p50_ms, ' ms')} / ${v(search.p99_ms, ' ms')}` : 'null', f.search && f.search.status !== 'ok' ? f.search.status : search ? `${search.qps.toFixed(0)} qps` : '']);
  for (const s of f.scale ?? []) {
    rows.push([`scale ${fmtInt(s.rows)} rows`, `build ${s.buildSeconds.toFixed(1)} s`, s.legacy ? `legacy p50 ${s.legacy.p50_ms.toFixed(2)} ms, ${s.legacy.qps.toFixed(0)} qps` : '']);
  }
  for (const e of f.errors) rows.push(['ERROR', '', e.split('\n')[0]!]);

  process.stdout.write(`${table(`oa-citations bench (${f.mode}; ${f.machine.cpus} cpus, node ${f.machine.node})`, rows)}\n`);

  const rssByRows = Object.fromEntries(rss.map((r) => [String(r.rows), r.peakRssMb]));
  const json = {
    mode: f.mode,
    cpus: f.machine.cpus,
    datasets: f.datasets,
    parse_rows_per_s: n(parseRate, 0),
    parse_rows: f.parse?.rows ?? null,
    parse_passes_rows_per_s: f.parse ? f.parse.passes.map((p) => Math.round(p.rowsPerSecond)) : null,
    parse_pinned_one_cpu: f.parse?.pinned ?? null,
    indexer_vs_raw_ratio: n(ingestRatio, 3),
    indexer_rows_per_s: n(f.ingest?.indexerRowsPerSecond, 0),
    raw_rows_per_s: n(f.ingest?.rawRowsPerSecond, 0),
    ingest_rows: f.ingest?.rows ?? null,
    ingest_batches: f.ingest?.batches ?? null,
    ingest_runs: f.ingest?.runs ?? null,
    indexer_peak_rss_mb: rss.length ? rssByRows : null,
    indexer_peak_rss_ratio: n(rssRatio, 3),
    indexer_rss_source: HAS_GNU_TIME ? '/usr/bin/time %M' : 'cli summary',
    indexer_build_s: rss.length ? Object.fromEntries(rss.map((r) => [String(r.rows), r.buildSeconds])) : null,
    indexer_mem_at_peak: rss.length ? Object.fromEntries(rss.map((r) => [String(r.rows), r.memAtPeak ?? null])) : null,
    meili_index_disk_mb: rss.length ? Object.fromEntries(rss.map((r) => [String(r.rows), n(r.meili.indexDiskMb, 1)])) : null,
    meili_database_size_mb: rss.length ? Object.fromEntries(rss.map((r) => [String(r.rows), n(r.meili.databaseSizeMb, 1)])) : null,
    meili_used_database_size_mb: rss.length ? Object.fromEntries(rss.map((r) => [String(r.rows), n(r.meili.usedDatabaseSizeMb, 1)])) : null,
    meili_raw_documents_mb: rss.length ? Object.fromEntries(rss.map((r) => [String(r.rows), n(r.meili.rawDocumentsMb, 1)])) : null,
    meili_peak_rss_mb: rss.length ? Object.fromEntries(rss.map((r) => [String(r.rows), n(r.meili.peakRssMb, 0)])) : null,
    meili_peak_rss_anon_mb: rss.length ? Object.fromEntries(rss.map((r) => [String(r.rows), n(r.meili.peakRssAnonMb, 0)])) : null,
    meili_peak_rss_file_mb: rss.length ? Object.fromEntries(rss.map((r) => [String(r.rows), n(r.meili.peakRssFileMb, 0)])) : null,
    meili_rss_before_mb: rss.length ? Object.fromEntries(rss.map((r) => [String(r.rows), n(r.meili.rssBeforeMb, 0)])) : null,
    meili_peak_rss_reset: rss.length ? rss.every((r) => r.meili.peakRssReset) : null,
    // Meilisearch's indexing memory budget defaults to 2/3 of the machine's RAM: peak RSS depends on it.
    machine_mem_gb: round(totalmem() / 1024 ** 3, 1),
    gateway_vs_direct_qps_ratio: n(qpsRatio, 3),
    gateway_qps: n(gwQps, 0),
    direct_qps: n(dQps, 0),
    gateway_p50_ms: n(gwP50, 3),
    gateway_p99_ms: n(gwP99, 3),
    direct_p50_ms: n(dP50, 3),
    direct_p99_ms: n(dP99, 3),
    gateway_overhead_p50_ms: n(overhead, 3),
    gateway_c1_p50_ms: n(f.gateway?.gatewayC1?.p50_ms, 3),
    direct_c1_p50_ms: n(f.gateway?.directC1?.p50_ms, 3),
    gateway_overhead_p50_ms_c1: f.gateway?.gatewayC1 && f.gateway.directC1 ? n(f.gateway.gatewayC1.p50_ms - f.gateway.directC1.p50_ms, 3) : null,
    gateway_rows: f.gateway?.rows ?? null,
    gateway_upstream: f.gateway?.upstream ?? null,
    gateway_upstream_accept_encoding: f.gateway?.upstreamAcceptEncoding ?? null,
    gateway_meili_requests_per_query: f.gateway ? round(f.gateway.meiliRequestsPerQuery, 2) : null,
    gateway_connections: PLAN.connections,
    gateway_log_level: argv['gateway-log-level'],
    search_p50_ms: n(search?.p50_ms, 3),
    search_p99_ms: n(search?.p99_ms, 3),
    search_status: f.search?.status ?? null,
    scale: f.scale
      ? f.scale.map((s) => ({ rows: s.rows, build_s: s.buildSeconds, legacy_p50_ms: n(s.legacy?.p50_ms, 3), legacy_qps: n(s.legacy?.qps, 0) }))
      : null,
    errors: f.errors,
  };
  process.stdout.write(`${JSON.stringify(json)}\n`);
}

let exitCode = 0;
try {
  await main();
} catch (err) {
  figures.errors.push(`setup: ${err instanceof Error ? err.message : String(err)}`);
} finally {
  say('cleaning up');
  await cleanup.run();
}
if (figures.errors.length) exitCode = 1;
report(figures);
process.exitCode = exitCode;
