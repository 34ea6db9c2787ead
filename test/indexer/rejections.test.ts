/**
 * The rejections pass of runIndex against the real Meilisearch: every valid row kept and bad rows
 * reported by file and line, one run building both data sets with the office actions read once,
 * and a run killed in its rejections pass resumed without redoing the finished citations pass.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REJECTIONS } from '../../src/catalog/datasets.ts';
import { indexSettings } from '../../src/catalog/index-settings.ts';
import type { StoredDoc } from '../../src/catalog/layout.ts';
import type { OaRecord } from '../../src/catalog/schema.ts';
import { recordId } from '../../indexer/records.ts';
import { RejectedRowsError, runIndex, type IndexRunOptions } from '../../indexer/run.ts';
import { generateDataset, type GeneratedDataset } from '../../tools/generate/dataset.ts';
import { testMeili, uniqueIndex } from '../helpers/meili.ts';

const dir = mkdtempSync(join(tmpdir(), 'oa-rej-'));
const { url, masterKey, client } = testMeili();
const created: string[] = [];
let ds: GeneratedDataset;

beforeAll(async () => {
  ds = await generateDataset(join(dir, 'main'), { officeActions: 150, seed: 41, withBadRows: true });
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  for (const uid of created) await client.deleteIndex(uid).waitTask().catch(() => {});
});

function index(prefix: string): string {
  const uid = uniqueIndex(prefix);
  created.push(uid);
  return uid;
}

function options(extra: Partial<IndexRunOptions> = {}): IndexRunOptions & { index: string; rejectionsIndex: string } {
  const uid = index('rj_cit');
  return {
    officeActions: ds.officeActions,
    index: uid,
    rejectionsIndex: index('rj_rej'),
    meili: { url, apiKey: masterKey },
    checkpointDir: join(dir, `cp-${uid}`),
    rejectsFile: join(dir, `rejects-${uid}.ndjson`),
    ...extra,
  };
}

async function allRecords(uid: string): Promise<OaRecord[]> {
  const out: OaRecord[] = [];
  for (let offset = 0; ; offset += 1000) {
    const page = await client.index(uid).getDocuments<StoredDoc>({ offset, limit: 1000 });
    out.push(...page.results.map(REJECTIONS.layout.decode));
    if (page.results.length < 1000) break;
  }
  return out;
}

/** The ids of the valid rows of a rejections file, worked out from its cells (not by the indexer). */
function expectedIds(file: string, badLines: readonly number[] = []): Set<string> {
  const rows = parseCsv(readFileSync(file), { columns: true, info: true, skip_empty_lines: true, relax_column_count: true }) as { record: Record<string, string>; info: { lines: number } }[];
  const bad = new Set(badLines);
  return new Set(
    rows
      .filter((r) => !bad.has(r.info.lines))
      .map(({ record: c }) => recordId(...[c.app_id, c.ifw_number, c.action_type, c.action_subtype, c.claim_numbers].map((v) => (v ?? '').trim()))),
  );
}

describe('the rejections pass', () => {
  it('builds the rejections index with its catalog settings, every row kept', async () => {
    const opts = options({ rejections: ds.rejections });
    const s = await runIndex(opts);
    // A rejections-only run: its summary is the rejections'.
    expect(s.dataset).toBe('oa_rejections');
    expect(s.index).toBe(opts.rejectionsIndex);
    expect(s.rowsRead).toBe(ds.counts.rejections);
    expect(s.orphans).toBe(ds.expected.orphanRejections);
    expect(s.duplicates).toBe(ds.expected.duplicateRejections);
    const records = await allRecords(opts.rejectionsIndex);
    expect(new Set(records.map((r) => r.id))).toEqual(expectedIds(ds.rejections));
    for (const r of records) expect(REJECTIONS.recordSchema.safeParse(r).success, JSON.stringify(r)).toBe(true);
    const settings = await client.index(opts.rejectionsIndex).getSettings();
    expect(settings.filterableAttributes).toEqual(indexSettings(REJECTIONS).filterableAttributes);
    expect(settings.sortableAttributes?.sort()).toEqual(indexSettings(REJECTIONS).sortableAttributes?.sort());
  });

  it('reports bad rows by file and line, keeps every valid one, and fails a strict run after finishing', async () => {
    const opts = options({ rejections: ds.badRejections!, strict: true });
    const err = await runIndex(opts).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RejectedRowsError);
    const s = (err as RejectedRowsError).summary;
    expect(s.rejected).toBe(ds.badRejectionLines!.length);
    expect(s.rejectedLines).toEqual(ds.badRejectionLines!.slice(0, 20).map((line) => ({ file: ds.badRejections, line })));
    const lines = readFileSync(s.rejectsFile!, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { file: string; line: number; reason: string });
    expect(lines.map((l) => l.line)).toEqual(ds.badRejectionLines);
    for (const l of lines) expect(l.reason).toMatch(/\w/);
    const records = await allRecords(opts.rejectionsIndex);
    expect(new Set(records.map((r) => r.id))).toEqual(expectedIds(ds.badRejections!, ds.badRejectionLines));
  });

  it('builds both data sets in one run, reading the office actions once, and resumes a run killed in its rejections pass', async () => {
    // Large enough that the rejections file is read in several chunks (the run stops between two).
    const big = await generateDataset(join(dir, 'big'), { officeActions: 2_500, seed: 43 });
    const opts = options({ citations: big.citations, rejections: big.rejections, officeActions: big.officeActions, payloadBytes: 16 * 1024 });
    const controller = new AbortController();
    const phases = new Set<string>();
    const aborted = await runIndex({
      ...opts,
      signal: controller.signal,
      onProgress: (p) => {
        phases.add(p.phase);
        if (p.phase === 'rejections' && p.rowsRead >= big.counts.rejections / 2) controller.abort();
      },
    }).catch((e: unknown) => e);
    expect((aborted as Error).name).toBe('AbortError');
    expect(phases).toEqual(new Set(['office-actions', 'citations', 'indexing', 'rejections']));
    // Two checkpoints: the finished citations pass (done) and the interrupted rejections pass.
    const cps = readdirSync(opts.checkpointDir!).map((f) => JSON.parse(readFileSync(join(opts.checkpointDir!, f), 'utf8')) as { done?: boolean; writeIndex: string });
    expect(cps.map((c) => [c.writeIndex, Boolean(c.done)]).sort()).toEqual([[opts.index, true], [opts.rejectionsIndex, false]].sort());

    const logs: string[] = [];
    const s = await runIndex({ ...opts, log: (l) => logs.push(l) });
    expect(logs.join('\n')).toContain(`${big.citations} was indexed completely by the interrupted run`);
    expect(logs.join('\n')).toMatch(/resuming: lines 2-\d+ of .*rejections/);
    expect(s.dataset).toBe('oa_citations');
    expect(s.indexed).toBe(big.counts.citations - big.expected.duplicateCitations);
    expect(s.rejections!.rowsRead).toBe(big.counts.rejections);
    expect(s.rejections!.indexed).toBe(big.counts.rejections - big.expected.duplicateRejections);
    expect(s.rejections!.resumedFromLine).toBeGreaterThan(2);
    expect(new Set((await allRecords(opts.rejectionsIndex)).map((r) => r.id))).toEqual(expectedIds(big.rejections));
    expect(readdirSync(opts.checkpointDir!)).toEqual([]);
  });

  it('refuses a rejections file without the rejections columns before writing anything', async () => {
    const opts = options({ rejections: ds.citations });
    await expect(runIndex(opts)).rejects.toThrow(/rejections file .*lacks required columns? .*claim_numbers/);
    expect(await client.index(opts.rejectionsIndex).getStats().catch(() => 'missing')).toBe('missing');
  });
});
