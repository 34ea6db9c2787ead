/**
 * The indexer killed with SIGKILL at random moments, several times in a row, each run resuming
 * from the last checkpoint; then a final run to the end. The index must hold exactly one document
 * per valid unique row (the oracle of test/indexer/oracle.ts) - nothing lost, nothing doubled.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateDataset } from '../../tools/generate/dataset.ts';
import { expectedIndex } from '../indexer/oracle.ts';
import { testMeili, uniqueIndex } from '../helpers/meili.ts';
import { runScript } from '../helpers/run-script.ts';
import { publicId } from '../../src/catalog/layout.ts';

const dir = mkdtempSync(join(tmpdir(), 'oa-kills-'));
const { url, masterKey, client } = testMeili();
const uid = uniqueIndex('kills');
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await client.deleteIndex(uid).waitTask().catch(() => {});
});

/** Runs the CLI; kills it after `killAfterMs` when given. Resolves with how it ended. */
function run(args: string[], killAfterMs?: number) {
  let timer: NodeJS.Timeout | undefined;
  const env = { PATH: process.env.PATH ?? '', MEILI_URL: url, MEILI_MASTER_KEY: masterKey, DATA_DIR: join(dir, 'data') };
  return runScript('indexer/cli.ts', args, env, (kill) => {
    if (killAfterMs !== undefined) timer = setTimeout(kill, killAfterMs);
  }).finally(() => clearTimeout(timer));
}

describe('indexer killed at random points', () => {
  it('ends, after several SIGKILLs and a final run, with exactly the valid rows and no duplicates', async () => {
    const ds = await generateDataset(join(dir, 'ds'), { officeActions: 400, seed: 5 });
    const args = ['--citations', ds.citations, '--office-actions', ds.officeActions, '--index', uid, '--batch-mb', '0.2'];
    let killed = 0;
    for (let i = 0; i < 4; i++) {
      // Random moments across start-up, settings, office-action load and uploads (a whole run
      // takes about 1.5-3 s here; the window stays inside it, so that most runs are killed).
      const r = await run(args, 300 + Math.floor(Math.random() * 1200));
      if (r.signal === 'SIGKILL') killed++;
      else expect(r.code, r.stderr).toBe(0); // finished before the kill: fine
    }
    expect(killed).toBeGreaterThan(0);
    const last = await run(args);
    expect(last.code, last.stderr).toBe(0);

    const want = expectedIndex(ds.citations, ds.officeActions);
    const ids: string[] = [];
    for (let offset = 0; ; offset += 1000) {
      const page = await client.index(uid).getDocuments({ offset, limit: 1000, fields: ['id'] });
      ids.push(...page.results.map((d) => publicId(String(d.id))));
      if (page.results.length < 1000) break;
    }
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(want.docs.size);
    expect([...ids].sort()).toEqual([...want.docs.keys()].sort());
  }, 240_000);
});
