/**
 * `npm run index` as a user runs it: a child process against the test Meilisearch (MEILI_URL).
 * Exit codes and messages for input errors, --strict, --json, and a run killed with SIGKILL
 * then re-run with the same arguments.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDataset, type GeneratedDataset } from '../../tools/generate/dataset.ts';
import type { IndexSummary } from '../../indexer/run.ts';
import { testMeili, uniqueIndex } from '../helpers/meili.ts';
import { runScript } from '../helpers/run-script.ts';
import { expectedIndex } from './oracle.ts';
import { publicId } from '../../src/catalog/layout.ts';

const dir = mkdtempSync(join(tmpdir(), 'oa-cli-'));
const { url, masterKey, client } = testMeili();
const created: string[] = [];
let ds: GeneratedDataset;

beforeAll(async () => {
  ds = await generateDataset(join(dir, 'ds'), { officeActions: 120, seed: 77, withBadRows: true });
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  for (const uid of created) await client.deleteIndex(uid).waitTask().catch(() => {});
});

interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: Record<string, string> = {}, onSpawn?: (kill: () => void) => void): Promise<Result> {
  return runScript('indexer/cli.ts', args, { ...process.env, MEILI_URL: url, MEILI_MASTER_KEY: masterKey, DATA_DIR: join(dir, 'data'), ...env }, onSpawn);
}

const noStack = (s: string) => expect(s).not.toMatch(/\n\s+at .+:\d+:\d+/);

describe('npm run index', () => {
  it('exits 2 naming a missing file, before touching Meilisearch', async () => {
    const r = await cli(['--citations', join(dir, 'missing.csv')], { MEILI_URL: 'http://127.0.0.1:9' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot read citations file .*missing\.csv: no such file/);
    noStack(r.stderr);
  });

  it('exits 2 on a bad flag or value, with the usage', async () => {
    for (const args of [['--citations', ds.citations, '--bogus'], ['--citations', ds.citations, '--batch-mb', '-1'], []]) {
      const r = await cli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/usage: npm run index/);
      noStack(r.stderr);
    }
  });

  it('exits 2 when a header lacks required columns, naming the file', async () => {
    const bad = join(dir, 'office_actions_short.csv');
    writeFileSync(bad, 'app_id,ifw_number,mail_dt\n1,2,2012-01-01\n');
    const uid = uniqueIndex('cli_hdr');
    const r = await cli(['--citations', ds.citations, '--office-actions', bad, '--index', uid]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/office_actions_short\.csv: the header lacks required columns document_cd/);
    noStack(r.stderr);
    expect((await client.getIndexes({ limit: 1000 })).results.some((i) => i.uid === uid)).toBe(false);
  });

  it('--strict exits 3 with rejected rows, after indexing the valid ones; --json prints the summary', async () => {
    const uid = uniqueIndex('cli_strict');
    created.push(uid);
    const rejects = join(dir, 'rejects.ndjson');
    const r = await cli(['--citations', ds.badCitations!, '--office-actions', ds.badOfficeActions!, '--index', uid, '--strict', '--json', '--rejects', rejects]);
    expect(r.code, r.stderr).toBe(3);
    const summary = JSON.parse(r.stdout) as IndexSummary;
    expect(summary.rejected).toBe(ds.badLines!.length + ds.badOfficeActionLines!.length);
    expect(summary.indexed).toBe(expectedIndex(ds.badCitations!, ds.badOfficeActions).docs.size);
    expect(r.stderr).toMatch(/rejects file\s+.*rejects\.ndjson/);
    expect(r.stderr).toContain(`${ds.badOfficeActions}:${ds.badOfficeActionLines![0]}`);
    expect(readFileSync(rejects, 'utf8').trim().split('\n')).toHaveLength(summary.rejected);
    // without --strict the same run exits 0
    const ok = await cli(['--citations', ds.badCitations!, '--office-actions', ds.badOfficeActions!, '--index', uid, '--rejects', rejects]);
    expect(ok.code).toBe(0);
  });

  it('exits 2 on a bad rejections flag: a missing file, a bad index uid, one index for both data sets', async () => {
    const missing = await cli(['--rejections', join(dir, 'missing-rej.csv')], { MEILI_URL: 'http://127.0.0.1:9' });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read rejections file .*missing-rej\.csv: no such file/);
    noStack(missing.stderr);
    const badUid = await cli(['--rejections', ds.rejections, '--rejections-index', 'no/slash']);
    expect(badUid.code).toBe(2);
    expect(badUid.stderr).toMatch(/--rejections-index must be letters, digits, - and _ only, got "no\/slash"/);
    const same = await cli(['--citations', ds.citations, '--rejections', ds.rejections, '--index', 'x', '--rejections-index', 'x']);
    expect(same.code).toBe(2);
    expect(same.stderr).toMatch(/need indexes of their own, not both "x"/);
    for (const r of [badUid, same]) {
      expect(r.stderr).toMatch(/usage: npm run index/);
      noStack(r.stderr);
    }
  });

  it('--rejections with bad rows: exit 3 under --strict, valid rows indexed, rejects listed by file and line', async () => {
    const uid = uniqueIndex('cli_rej');
    created.push(uid);
    const r = await cli(['--rejections', ds.badRejections!, '--office-actions', ds.officeActions, '--rejections-index', uid, '--strict', '--json']);
    expect(r.code, r.stderr).toBe(3);
    const summary = JSON.parse(r.stdout) as IndexSummary;
    expect(summary.dataset).toBe('oa_rejections');
    expect(summary.rejected).toBe(ds.badRejectionLines!.length);
    expect(summary.rejectsFile).toBe(join(dir, 'data', 'rejects', `${uid}.ndjson`));
    expect(r.stderr).toContain(`${ds.badRejections}:${ds.badRejectionLines![0]}`);
    expect(r.stderr).toMatch(/rows read\s+[\d,]+ rejections/);
    expect((await client.index(uid).getStats()).numberOfDocuments).toBe(summary.indexed);
    expect(summary.indexed).toBeGreaterThan(0);
  });

  it('resumes after being killed, with no loss and no duplicates', async () => {
    const uid = uniqueIndex('cli_kill');
    created.push(uid);
    const args = ['--citations', ds.citations, '--office-actions', ds.officeActions, '--index', uid, '--batch-mb', '0.1'];
    const cpDir = join(dir, 'data', 'checkpoints');
    type Cp = { line: number; payloads: number; pending: { mark: { line: number } }[] };
    const covered = (cp: Cp) => Math.max(cp.line, ...cp.pending.map((p) => p.mark.line));
    let atKill: Cp | undefined;
    // Killed once two payloads are sent (acknowledged or not), before the end of the file.
    const killed = await cli(args, {}, (kill) => {
      const timer = setInterval(() => {
        const f = existsSync(cpDir) ? readdirSync(cpDir).find((n) => n.startsWith(uid) && n.endsWith('.json')) : undefined;
        if (!f) return;
        try {
          const cp = JSON.parse(readFileSync(join(cpDir, f), 'utf8')) as Cp;
          if (cp.payloads + cp.pending.length >= 2) {
            clearInterval(timer);
            atKill = cp;
            kill();
          }
        } catch {
          // being renamed into place
        }
      }, 20);
    });
    expect(killed.signal).toBe('SIGKILL');
    const want = expectedIndex(ds.citations, ds.officeActions);
    expect(covered(atKill!)).toBeLessThan(ds.counts.citations);

    const again = await cli([...args, '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/resuming: lines 2-\d+ .* skipping them/);
    if (atKill!.pending.length) expect(again.stderr).toMatch(/waiting for the payload the interrupted run sent/);
    const summary = JSON.parse(again.stdout) as IndexSummary;
    expect(summary.resumedFromLine).toBeGreaterThan(2);
    expect(summary.rowsRead).toBe(ds.counts.citations);
    expect(summary.indexed).toBe(want.docs.size);
    const ids = new Set<string>();
    for (let offset = 0; ; offset += 1000) {
      const page = await client.index(uid).getDocuments({ offset, limit: 1000, fields: ['id'] });
      for (const d of page.results) ids.add(publicId(String(d.id)));
      if (page.results.length < 1000) break;
    }
    expect([...ids].sort()).toEqual([...want.docs.keys()].sort());
    expect(readdirSync(cpDir).filter((n) => n.startsWith(uid))).toEqual([]);
  });
});
