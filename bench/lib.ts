/**
 * Small helpers shared by the bench modules: a cleanup stack (everything started or created is
 * registered here and undone in reverse order, also on failure or Ctrl-C), child processes that
 * answer with one JSON line, Meilisearch calls over plain fetch, and statistics.
 */
import { MeiliAdmin, type MeiliTarget } from '../src/meili/admin.ts';
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root (bench/..). */
export const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
export const BENCH_DIR = join(ROOT, 'bench');

// ---------------------------------------------------------------------------------------------
// Cleanup

type Undo = () => void | Promise<void>;

/**
 * LIFO list of undo steps. `run()` executes each once, never throwing; `killAllSync()` is the
 * last-resort path for `process.on('exit')`, where nothing async can run.
 */
export class Cleanup {
  private readonly steps: { name: string; undo: Undo }[] = [];
  private readonly children = new Set<ChildProcess>();

  add(name: string, undo: Undo): void {
    this.steps.push({ name, undo });
  }

  /** A fresh temp dir, removed on cleanup. */
  tempDir(prefix: string): string {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    this.add(`rm ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
    return dir;
  }

  /** Tracks a child so it is killed on cleanup if still running. */
  track(child: ChildProcess, name: string): void {
    this.children.add(child);
    child.once('exit', () => this.children.delete(child));
    this.add(`kill ${name}`, () => killChild(child));
  }

  async run(): Promise<void> {
    while (this.steps.length) {
      const step = this.steps.pop()!;
      try {
        await step.undo();
      } catch (err) {
        process.stderr.write(`bench: cleanup "${step.name}" failed: ${String(err)}\n`);
      }
    }
  }

  killAllSync(): void {
    for (const child of this.children) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  }
}

/** SIGTERM, then SIGKILL after a grace period; resolves when the child is gone. */
export async function killChild(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((ok) => child.once('exit', () => ok()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await gone;
  clearTimeout(timer);
}

// ---------------------------------------------------------------------------------------------
// Child processes

/** `node --import tsx <script>`: one node process (no npx/tsx wrapper), so its RSS is its own. */
export function tsNode(script: string, args: readonly string[] = [], nodeFlags: readonly string[] = []): [string, string[]] {
  return [process.execPath, [...nodeFlags, '--import', 'tsx', script, ...args]];
}

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  seconds: number;
}

/**
 * Runs a command to completion, collecting its output. It is tracked by `cleanup`, so an
 * interrupted bench does not leave it behind; `timeoutMs` kills it.
 */
export async function runChild(
  cleanup: Cleanup,
  cmd: string,
  args: readonly string[],
  options: SpawnOptions & { timeoutMs?: number; name?: string } = {},
): Promise<ChildResult> {
  const started = performance.now();
  const child = spawn(cmd, args, { cwd: ROOT, ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  cleanup.track(child, options.name ?? cmd);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    // Keep only the tail: a chatty child must not grow the bench's memory.
    stderr = (stderr + d).slice(-64 * 1024);
  });
  const timer = options.timeoutMs ? setTimeout(() => void killChild(child), options.timeoutMs) : undefined;
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((ok, fail) => {
    child.once('error', fail);
    child.once('close', (c, s) => ok([c, s]));
  });
  if (timer) clearTimeout(timer);
  return { code, signal, stdout, stderr, seconds: (performance.now() - started) / 1000 };
}

/** The last line of `text` that parses as a JSON object. */
export function lastJsonLine<T = Record<string, unknown>>(text: string): T | undefined {
  const lines = text.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!.trim();
    if (!line.startsWith('{')) continue;
    try {
      return JSON.parse(line) as T;
    } catch {
      // not JSON after all
    }
  }
  return undefined;
}

export function failure(what: string, r: ChildResult): Error {
  return new Error(`${what} failed (${r.signal ?? `exit ${r.code}`}):\n${r.stderr.trim().split('\n').slice(-25).join('\n')}`);
}

// ---------------------------------------------------------------------------------------------
// Meilisearch through the project's admin client (src/meili/admin.ts), without its retries: a
// bench that meets a fault should fail, not wait it out.

export type { MeiliTarget } from '../src/meili/admin.ts';

const adminOf = (target: MeiliTarget, pollMs?: number) => new MeiliAdmin(target, { retries: 0, ...(pollMs ? { pollMs } : {}) });

export function meili<T = unknown>(target: MeiliTarget, method: string, path: string, body?: unknown): Promise<T> {
  return adminOf(target).request<T>(method, path, body);
}

/** Polls a task until it is finished; throws when it did not succeed. */
export async function waitTask(target: MeiliTarget, taskUid: number, intervalMs = 25): Promise<void> {
  const admin = adminOf(target, intervalMs);
  const task = await admin.waitTask(taskUid);
  if (task.status !== 'succeeded') throw admin.taskError(task, `Meilisearch task ${taskUid}`);
}

export async function deleteIndex(target: MeiliTarget, uid: string): Promise<void> {
  // No such index, or Meilisearch already gone: nothing to delete.
  await adminOf(target)
    .deleteIndex(uid)
    .catch(() => undefined);
}

export function documentCount(target: MeiliTarget, uid: string): Promise<number> {
  return adminOf(target).documentCount(uid);
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// Statistics and formatting

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Nearest-rank percentile of an ascending array (p in 0..100). */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export const round = (x: number, digits = 2): number => {
  if (!Number.isFinite(x)) return x;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

export const fmtInt = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : String(n));

/** Rows of [label, value, note] as an aligned text table. */
export function table(title: string, rows: readonly (readonly [string, string, string?])[]): string {
  const w0 = Math.max(...rows.map((r) => r[0].length), 6);
  const w1 = Math.max(...rows.map((r) => r[1].length), 5);
  const line = '-'.repeat(w0 + w1 + 5);
  const body = rows.map(([a, b, c]) => `${a.padEnd(w0)}  ${b.padStart(w1)}  ${c ?? ''}`.trimEnd());
  return [title, line, ...body, line].join('\n');
}

/** Progress lines go to stderr, so stdout carries only the table and the JSON line. */
export function say(msg: string): void {
  const t = new Date().toISOString().slice(11, 19);
  process.stderr.write(`[bench ${t}] ${msg}\n`);
}
