/**
 * Figure 1, parse_rows_per_s: bench/parse-worker.ts in a child process pinned to one CPU
 * (`taskset -c 0` when available), so the rate is what one core does - GC and libuv helper threads
 * included, on the same core.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH_DIR, Cleanup, failure, lastJsonLine, median, runChild, tsNode } from './lib.ts';

export interface ParseFigures {
  rows: number;
  rowsPerSecond: number;
  passes: { seconds: number; rowsPerSecond: number }[];
  pinned: boolean;
  ndjsonBytesPerRow: number | null;
  cpuProfile?: string;
}

export const HAS_TASKSET = existsSync('/usr/bin/taskset') || existsSync('/bin/taskset');

export async function measureParse(
  cleanup: Cleanup,
  options: { citations: string; officeActions: string; passes: number; cpuProfDir?: string },
): Promise<ParseFigures> {
  const flags = options.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', join(options.cpuProfDir, 'parse')] : [];
  const [node, args] = tsNode(join(BENCH_DIR, 'parse-worker.ts'), [options.citations, options.officeActions, String(options.passes)], flags);
  const [cmd, cmdArgs] = HAS_TASKSET ? ['taskset', ['-c', '0', node, ...args]] : [node, args];
  const r = await runChild(cleanup, cmd, cmdArgs, { name: 'parse worker', env: { PATH: process.env.PATH ?? '' }, timeoutMs: 1_800_000 });
  const out = lastJsonLine<{ rows: number; passes: { seconds: number; rowsPerSecond: number }[]; ndjsonBytesPerRow: number | null }>(r.stdout);
  if (r.code !== 0 || !out) throw failure('parse worker', r);
  return {
    rows: out.rows,
    rowsPerSecond: median(out.passes.map((p) => p.rowsPerSecond)),
    passes: out.passes,
    pinned: HAS_TASKSET,
    ndjsonBytesPerRow: out.ndjsonBytesPerRow,
    cpuProfile: options.cpuProfDir ? join(options.cpuProfDir, 'parse') : undefined,
  };
}
