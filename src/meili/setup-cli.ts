/**
 * node --import tsx src/meili/setup-cli.ts --key-file <path> [--load-sample] [--wait <s>]
 *
 * Prepares an external Meilisearch for a gateway that holds no master key; docker-compose.yml
 * runs it as the one-shot `setup` service before the gateway starts:
 *
 * 1. waits for Meilisearch's /health (MEILI_URL), up to --wait seconds;
 * 2. enables the experimental features the queries rely on (containsFilter, for `*infix*`);
 * 3. with --load-sample (or LOAD_SAMPLE=true in the environment; unset means no, unlike
 *    `npm start`): loads the bundled sample into OA_INDEX if that index is empty or missing;
 * 4. ensures the gateway's read-only key (`searchKeyFor`: actions search, documents.get,
 *    indexes.get, stats.get on OA_INDEX only, under a fixed uid, so re-runs reuse it; its value is
 *    HMAC-SHA256(master key, uid), so it is the same on every run and every Meilisearch started
 *    with the same master key) and checks its rights;
 * 5. writes the key's value to --key-file (mode 0600, atomically), which the gateway reads
 *    through MEILI_SEARCH_KEY_FILE.
 *
 * Needs MEILI_URL and MEILI_MASTER_KEY. No key is ever printed. Exit codes: 0 done; 1 failed
 * (Meilisearch unreachable, a request refused, a key with other rights under the gateway's uid);
 * 2 usage or configuration error.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config.ts';
import { createLogger } from '../http/log.ts';
import { loadSampleIfEmpty } from '../sample.ts';
import { adminOn, enableFeatures, GATEWAY_KEY_ACTIONS, gatewayKeyUid, searchKeyFor } from './connect.ts';

const USAGE = `usage: node --import tsx src/meili/setup-cli.ts --key-file <path> [--load-sample] [--wait <seconds>]

  --key-file <path>   where to write the gateway's search key (mode 0600); required
  --load-sample       load the bundled sample into OA_INDEX if it is empty (also: LOAD_SAMPLE=true)
  --wait <seconds>    how long to wait for Meilisearch to answer /health (default 60)

Environment: MEILI_URL, MEILI_MASTER_KEY (both required), OA_INDEX, OA_REJECTIONS_INDEX, LOG_LEVEL.
Exit codes: 0 done, 1 failed, 2 usage or configuration error.`;

class UsageError extends Error {}

function parse() {
  try {
    const { values } = parseArgs({
      options: {
        'key-file': { type: 'string' },
        'load-sample': { type: 'boolean' },
        wait: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    });
    return values;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

async function waitHealthy(url: string, seconds: number): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  let last = 'no answer';
  for (;;) {
    try {
      const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
      last = `HTTP ${res.status}`;
    } catch (e) {
      last = (e as Error).message;
    }
    if (Date.now() > deadline) throw new Error(`Meilisearch at ${url} did not answer /health within ${seconds} s (${last})`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Writes the key so that a reader never sees a half-written file. */
function writeKeyFile(path: string, key: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${key}\n`, { mode: 0o600 });
  renameSync(tmp, path);
}

async function main(): Promise<number> {
  const values = parse();
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (!values['key-file']) throw new UsageError('--key-file <path> is required');
  const wait = values.wait === undefined ? 60 : Number(values.wait);
  if (!Number.isFinite(wait) || wait < 0) throw new UsageError(`--wait must be a number of seconds, got ${JSON.stringify(values.wait)}`);
  const config = loadConfig();
  if (!config.MEILI_URL || !config.MEILI_MASTER_KEY) throw new ConfigError('MEILI_URL and MEILI_MASTER_KEY are required');
  const loadSample = values['load-sample'] ?? (process.env.LOAD_SAMPLE !== undefined && process.env.LOAD_SAMPLE !== '' && config.LOAD_SAMPLE);
  const keyFile = resolve(values['key-file']);
  const index = config.OA_INDEX;
  const log = createLogger(config.LOG_LEVEL === 'debug' ? 'debug' : 'info');

  const url = config.MEILI_URL.replace(/\/+$/, '');
  await waitHealthy(url, wait);
  const admin = adminOn(url, config.MEILI_MASTER_KEY);
  await enableFeatures(admin);
  log.info('setup: experimental features enabled', { url });

  if (loadSample) {
    const loaded = await loadSampleIfEmpty(admin, { citations: index, rejections: config.OA_REJECTIONS_INDEX }, log);
    if (loaded === 0) log.info('setup: the index holds documents already: sample not loaded', { index });
  }

  // One key for both data sets' indexes.
  const indexes = [index, config.OA_REJECTIONS_INDEX];
  const key = await searchKeyFor(admin, indexes);
  if (!key) throw new Error('no search key was created');
  const uid = gatewayKeyUid(indexes);
  const stored = await admin.admin.getKey(uid);
  const sameRights =
    [...stored.actions].sort().join() === [...GATEWAY_KEY_ACTIONS].sort().join() && stored.indexes.join() === indexes.join();
  if (!sameRights) {
    throw new Error(
      `the key ${uid} has other rights (actions ${stored.actions.join(', ')}; indexes ${stored.indexes.join(', ')}) than the gateway's; ` +
        `delete it (DELETE /keys/${uid} with the master key) and run the setup again`,
    );
  }
  writeKeyFile(keyFile, key);
  log.info('setup: the gateway search key is ready', { index, keyUid: uid, actions: stored.actions, keyFile });
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (e instanceof UsageError) {
      process.stderr.write(`setup: ${e.message}\n\n${USAGE}\n`);
      process.exit(2);
    }
    if (e instanceof ConfigError) {
      process.stderr.write(`setup: ${e.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`setup: failed: ${(e as Error)?.message ?? String(e)}\n`);
    process.exit(1);
  },
);
