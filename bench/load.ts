/**
 * The load generator, run as its own process (never inside the gateway's): autocannon against
 * one base URL with a fixed, cycling mix of requests.
 *
 *   node --import tsx bench/load.ts <spec.json>
 *
 * spec: { url, connections, durationSeconds, warmupSeconds, requests: [{method, path, headers, body}] }
 *
 * A warm-up run (not measured) comes first, so JIT and connection set-up on both sides are done.
 * Latencies of the measured run are taken from every response at full (sub-millisecond)
 * resolution - autocannon's own histogram rounds to whole milliseconds. Prints one JSON line:
 * { qps, p50_ms, p99_ms, mean_ms, requests, ok, non2xx, errors, timeouts, seconds }.
 */
import autocannon from 'autocannon';
import { readFileSync } from 'node:fs';

export interface LoadRequest {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface LoadSpec {
  url: string;
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
  requests: LoadRequest[];
  /** Processes whose CPU time (user + system) is measured over the measured run, by name -> pid. */
  cpuOf?: Record<string, number>;
}

export interface LoadResult {
  qps: number;
  p50_ms: number;
  p99_ms: number;
  mean_ms: number;
  requests: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  seconds: number;
  statusCodes: Record<string, number>;
  /** CPU seconds (user + system, all threads) of each `cpuOf` process over the measured run. */
  cpuSeconds?: Record<string, number>;
}

/**
 * Linux's USER_HZ: /proc/<pid>/stat counts CPU time in these ticks. 100 on every Linux ABI Node
 * runs on (the kernel fixes it for user space whatever its internal HZ).
 */
const CLOCK_TICKS = 100;

/** utime + stime of each process, in ticks (fields 14 and 15 of /proc/<pid>/stat, after the command name). */
function cpuTicks(pids: Record<string, number> | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, pid] of Object.entries(pids ?? {})) {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After "pid (comm) ", the state is field 3: utime (14) and stime (15) are at 11 and 12 here.
    out[name] = Number(fields[11]) + Number(fields[12]);
  }
  return out;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file) throw new Error('usage: load.ts <spec.json>');
  const spec = JSON.parse(readFileSync(file, 'utf8')) as LoadSpec;
  const base = {
    url: spec.url,
    connections: spec.connections,
    pipelining: 1,
    timeout: 30,
    requests: spec.requests.map((r) => ({ method: r.method, path: r.path, headers: r.headers ?? {}, body: r.body })),
  };
  if (spec.warmupSeconds > 0) await autocannon({ ...base, duration: spec.warmupSeconds });

  let latencies = new Float64Array(1 << 16);
  let n = 0;
  const cpuBefore = cpuTicks(spec.cpuOf);
  const run = autocannon({ ...base, duration: spec.durationSeconds });
  run.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
    if (statusCode < 200 || statusCode >= 300) return;
    if (n === latencies.length) {
      const grown = new Float64Array(latencies.length * 2);
      grown.set(latencies);
      latencies = grown;
    }
    latencies[n++] = responseTime;
  });
  const result = await run;
  const cpuAfter = cpuTicks(spec.cpuOf);
  const sorted = latencies.subarray(0, n).sort();
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i]!;
  const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([k, v]) => [k, Number(v.count)]));
  const total = Object.values(statusCodes).reduce((a, b) => a + b, 0);
  const out: LoadResult = {
    qps: n / result.duration,
    p50_ms: percentile(sorted, 50),
    p99_ms: percentile(sorted, 99),
    mean_ms: n ? sum / n : NaN,
    requests: total,
    ok: n,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    seconds: result.duration,
    statusCodes,
    ...(spec.cpuOf ? { cpuSeconds: Object.fromEntries(Object.keys(spec.cpuOf).map((k) => [k, ((cpuAfter[k] ?? 0) - (cpuBefore[k] ?? 0)) / CLOCK_TICKS])) } : {}),
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`load: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
