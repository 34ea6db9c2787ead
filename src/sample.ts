/**
 * The bundled sample (`samples/`, OARD format): loaded into an empty index by `npm start` and by
 * the compose `setup` service (LOAD_SAMPLE), never over an index that holds documents.
 *
 * The indexer program loads it (`indexer/cli.ts`, run as a child process, exactly as
 * `npm run index` runs): the gateway and the indexer are two programs, and no gateway code
 * imports the indexer's. The master key reaches the child through its environment, never its
 * command line.
 */
import { spawn } from 'node:child_process';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from './http/log.ts';
import type { AdminConnection } from './meili/connect.ts';

/** The project root (where package.json is), for `--import tsx` to resolve. */
const ROOT = dirname(fileURLToPath(new URL('../package.json', import.meta.url)));
const INDEXER_CLI = fileURLToPath(new URL('../indexer/cli.ts', import.meta.url));

export const SAMPLE = {
  citations: fileURLToPath(new URL('../samples/citations.csv.gz', import.meta.url)),
  officeActions: fileURLToPath(new URL('../samples/office_actions.csv.gz', import.meta.url)),
  rejections: fileURLToPath(new URL('../samples/rejections.csv.gz', import.meta.url)),
};

/** The indexes the sample fills: the citations' and the rejections'. */
export interface SampleIndexes {
  citations: string;
  rejections: string;
}

async function documentCount(admin: AdminConnection, index: string): Promise<number> {
  try {
    return await admin.admin.documentCount(index);
  } catch {
    return 0; // no such index yet
  }
}

/**
 * Loads the sample into each of the indexes that is empty or missing (both in one indexer run,
 * which reads the office actions once); the number of documents loaded, 0 when none was empty.
 */
export async function loadSampleIfEmpty(admin: AdminConnection, indexes: SampleIndexes, log: Logger): Promise<number> {
  const args = ['--office-actions', SAMPLE.officeActions, '--index', indexes.citations, '--rejections-index', indexes.rejections, '--no-resume', '--json'];
  if ((await documentCount(admin, indexes.citations)) === 0) args.push('--citations', SAMPLE.citations);
  if ((await documentCount(admin, indexes.rejections)) === 0) args.push('--rejections', SAMPLE.rejections);
  if (!args.includes('--citations') && !args.includes('--rejections')) return 0;
  log.info('loading the bundled sample into the empty indexes', { ...indexes });
  const env: NodeJS.ProcessEnv = { ...process.env, MEILI_URL: admin.url, LOAD_SAMPLE: 'false' };
  if (admin.masterKey) env.MEILI_MASTER_KEY = admin.masterKey;
  else delete env.MEILI_MASTER_KEY;
  const { code, stdout, stderr } = await run(args, env);
  for (const line of stderr.split('\n').filter(Boolean)) log.debug(line);
  type Summary = { dataset: string; indexed: number; rejected: number; elapsedMs: number };
  const summary = lastJson(stdout) as (Summary & { rejections?: Summary }) | undefined;
  if (code !== 0 || !summary) {
    throw new Error(`loading the sample failed (indexer exit ${code}): ${stderr.trim().split('\n').slice(-3).join(' | ')}`);
  }
  let loaded = 0;
  for (const s of [summary, ...(summary.rejections ? [summary.rejections] : [])]) {
    log.info('sample loaded', { dataset: s.dataset, documents: s.indexed, rejected: s.rejected });
    loaded += s.indexed;
  }
  return loaded;
}

/** The summary line `--json` prints last, or undefined. */
function lastJson(stdout: string): unknown {
  try {
    return JSON.parse(stdout.trim().split('\n').at(-1) ?? '');
  } catch {
    return undefined;
  }
}

function run(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', INDEXER_CLI, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
