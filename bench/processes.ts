/**
 * The processes the bench starts besides Meilisearch: the gateway (bench/gateway-server.ts), the
 * load generator (bench/load.ts) and the indexer CLI (indexer/cli.ts) under /usr/bin/time.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BENCH_DIR,
  Cleanup,
  ROOT,
  failure,
  killChild,
  lastJsonLine,
  runChild,
  tsNode,
  type MeiliTarget,
} from './lib.ts';
import type { LoadRequest, LoadResult } from './load.ts';

// ---------------------------------------------------------------------------------------------
// Gateway

export interface Gateway {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

export interface GatewayOptions {
  meiliUrl: string;
  searchKey: string;
  index: string;
  /** The rejections index it serves (default: the gateway's own default, `oa_rejections`). */
  rejectionsIndex?: string;
  /** Where its JSON request log goes (stdout of the child). */
  logFile: string;
  logLevel: string;
  /** Write a V8 CPU profile into this dir when the gateway stops. */
  cpuProfDir?: string;
}

export async function startGateway(cleanup: Cleanup, options: GatewayOptions): Promise<Gateway> {
  const [cmd, args] = tsNode(join(BENCH_DIR, 'gateway-server.ts'), [], options.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', join(options.cpuProfDir, `gateway-${options.index}`)] : []);
  const logFd = openSync(options.logFile, 'a');
  const child = spawn(cmd, args, {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      MEILI_URL: options.meiliUrl,
      MEILI_SEARCH_KEY: options.searchKey,
      OA_INDEX: options.index,
      ...(options.rejectionsIndex ? { OA_REJECTIONS_INDEX: options.rejectionsIndex } : {}),
      LOG_LEVEL: options.logLevel,
    },
    stdio: ['ignore', logFd, 'pipe', 'ipc'],
  });
  closeSync(logFd);
  cleanup.track(child, 'gateway');
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-16_384)));
  const port = await new Promise<number>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`gateway did not start in 30 s:\n${stderr}`)), 30_000);
    child.once('message', (m: { port?: number }) => {
      clearTimeout(timer);
      if (typeof m.port === 'number' && m.port > 0) ok(m.port);
      else fail(new Error(`gateway sent ${JSON.stringify(m)}`));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      fail(new Error(`gateway exited (${signal ?? code}) during start:\n${stderr}`));
    });
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    pid: child.pid ?? 0,
    stop: async () => {
      if (child.connected) child.disconnect();
      await killChild(child);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Load generator

export interface LoadOptions {
  url: string;
  requests: LoadRequest[];
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
  /** Where to put the spec file. */
  workDir: string;
  /** Processes whose CPU time the load generator measures over the measured run (name -> pid). */
  cpuOf?: Record<string, number>;
}

let specCounter = 0;

export async function runLoad(cleanup: Cleanup, options: LoadOptions): Promise<LoadResult> {
  const specFile = join(options.workDir, `load-spec-${++specCounter}.json`);
  writeFileSync(
    specFile,
    JSON.stringify({
      url: options.url,
      connections: options.connections,
      durationSeconds: options.durationSeconds,
      warmupSeconds: options.warmupSeconds,
      requests: options.requests,
      cpuOf: options.cpuOf,
    }),
  );
  const [cmd, args] = tsNode(join(BENCH_DIR, 'load.ts'), [specFile]);
  const r = await runChild(cleanup, cmd, args, {
    name: 'load',
    env: { PATH: process.env.PATH ?? '' },
    timeoutMs: (options.durationSeconds + options.warmupSeconds + 60) * 1000,
  });
  const result = lastJsonLine<LoadResult>(r.stdout);
  if (r.code !== 0 || !result) throw failure('load generator', r);
  if (result.ok === 0) throw new Error(`load against ${options.url}: no 2xx answer (status codes ${JSON.stringify(result.statusCodes)}, errors ${result.errors})`);
  return result;
}

/** One request, to check a route answers before loading it (status, body text). */
export async function probe(url: string, req: LoadRequest): Promise<{ status: number; text: string }> {
  const res = await fetch(url + req.path, { method: req.method, headers: req.headers, body: req.body });
  return { status: res.status, text: await res.text() };
}

// ---------------------------------------------------------------------------------------------
// Indexer CLI

export interface MemBreakdown {
  rssMb: number;
  heapTotalMb: number;
  heapUsedMb: number;
  externalMb: number;
  arrayBuffersMb: number;
  maxRssMb: number;
}

export interface CliRun {
  /** Peak RSS of the indexer process, MB (1 MB = 1024 KiB, as `time -f %M` counts). */
  peakRssMb: number;
  /** process.memoryUsage() at the highest sampled RSS (bench/mem-probe.ts). */
  memAtPeak: MemBreakdown | undefined;
  rssSource: string;
  wallSeconds: number;
  summary: Record<string, unknown> | undefined;
}

export const HAS_GNU_TIME = existsSync('/usr/bin/time');

/**
 * `indexer/cli.ts` as its own process (`node --import tsx`, no npx wrapper, so the measured
 * process is the indexer itself), against the bench's Meilisearch through MEILI_URL /
 * MEILI_MASTER_KEY, with a summary as JSON on stdout. Peak RSS from GNU time's %M; when
 * /usr/bin/time is missing, from the summary's own maxRss if the CLI reports one.
 */
export async function runIndexerCli(
  cleanup: Cleanup,
  options: {
    meili: MeiliTarget;
    citations: string;
    officeActions: string;
    index: string;
    /** Which table the build reads (default citations: `citations` is then its file); rejections go to `index` too. */
    rejections?: string;
    workDir: string;
    extraArgs?: string[];
    env?: Record<string, string>;
    cpuProfDir?: string;
  },
): Promise<CliRun> {
  const probeFile = join(options.workDir, `mem-${options.index}.json`);
  const nodeFlags = ['--import', join(BENCH_DIR, 'mem-probe.ts')];
  if (options.cpuProfDir) nodeFlags.push('--cpu-prof', '--cpu-prof-dir', join(options.cpuProfDir, `indexer-cli-${options.index}`));
  const [node, nodeArgs] = tsNode(join(ROOT, 'indexer', 'cli.ts'), [
    ...(options.rejections ? ['--rejections', options.rejections, '--rejections-index', options.index] : ['--citations', options.citations]),
    '--office-actions',
    options.officeActions,
    '--index',
    options.index,
    '--no-resume',
    '--json',
    '--rejects',
    join(options.workDir, `rejects-${options.index}.ndjson`),
    ...(options.extraArgs ?? []),
  ]);
  // tsx first (it loads the .ts probe), then the probe.
  nodeArgs.splice(2, 0, ...nodeFlags);
  const timeFile = join(options.workDir, `time-${options.index}.txt`);
  const [cmd, args] = HAS_GNU_TIME ? ['/usr/bin/time', ['-f', '%M %e', '-o', timeFile, node, ...nodeArgs]] : [node, nodeArgs];
  const r = await runChild(cleanup, cmd, args, {
    name: 'indexer cli',
    env: {
      PATH: process.env.PATH ?? '',
      MEILI_URL: options.meili.url,
      MEILI_MASTER_KEY: options.meili.apiKey,
      DATA_DIR: options.workDir,
      LOG_LEVEL: 'warn',
      BENCH_MEM_PROBE: probeFile,
      ...options.env,
    },
    timeoutMs: 4 * 3_600_000,
  });
  if (r.code !== 0) throw failure(`indexer CLI on ${options.citations}`, r);
  const summary = lastJsonLine(r.stdout);
  let peakRssMb = NaN;
  let rssSource = 'none';
  let wallSeconds = r.seconds;
  if (HAS_GNU_TIME && existsSync(timeFile)) {
    const [kb, elapsed] = readFileSync(timeFile, 'utf8').trim().split(/\s+/).slice(-2).map(Number);
    if (kb !== undefined && Number.isFinite(kb)) {
      peakRssMb = kb / 1024;
      rssSource = '/usr/bin/time %M';
    }
    if (elapsed !== undefined && Number.isFinite(elapsed)) wallSeconds = elapsed;
  }
  if (!Number.isFinite(peakRssMb) && summary) {
    const reported = findNumber(summary, ['maxRssMb', 'peakRssMb', 'maxRSS', 'maxRss']);
    if (reported !== undefined) {
      // process.resourceUsage().maxRSS is in KiB; a *Mb field is already MB.
      peakRssMb = reported.key.endsWith('Mb') ? reported.value : reported.value / 1024;
      rssSource = `cli summary ${reported.key}`;
    }
  }
  let memAtPeak: MemBreakdown | undefined;
  try {
    memAtPeak = JSON.parse(readFileSync(probeFile, 'utf8')) as MemBreakdown;
  } catch {
    memAtPeak = undefined;
  }
  if (!Number.isFinite(peakRssMb) && memAtPeak) {
    peakRssMb = memAtPeak.maxRssMb;
    rssSource = 'process.resourceUsage().maxRSS';
  }
  return { peakRssMb, memAtPeak, rssSource, wallSeconds, summary };
}

function findNumber(obj: Record<string, unknown>, keys: readonly string[]): { key: string; value: number } | undefined {
  for (const key of keys) {
    const v = obj[key];
    if (typeof v === 'number') return { key, value: v };
  }
  for (const v of Object.values(obj)) {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const found = findNumber(v as Record<string, unknown>, keys);
      if (found) return found;
    }
  }
  return undefined;
}
