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
const timing = uniqueIndex('kills-timing');
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  for (const index of [uid, timing]) await client.deleteIndex(index).waitTask().catch(() => {});
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
    // How long a whole run takes on this machine (1-3 s), timed into an index of its own: the
    // kills fall at random moments inside it - start-up, settings, office-action load, uploads -
    // so that most runs are killed however fast the machine is.
    const t0 = performance.now();
    const timed = await run(args.map((a) => (a === uid ? timing : a)));
    expect(timed.code, timed.stderr).toBe(0);
    const whole = performance.now() - t0;
    let killed = 0;
    for (let i = 0; i < 4; i++) {
      const r = await run(args, 200 + Math.floor(Math.random() * Math.max(100, 0.8 * whole - 200)));
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
