/**
 * runIndex against the test run's real Meilisearch: exact documents (checked against the oracle),
 * settings, bad rows, gz/zip, idempotent re-runs, resume after an interrupted run, atomic reindex.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Meilisearch } from 'meilisearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indexSettings } from '../../src/catalog/index-settings.ts';
import { decode, type StoredDoc } from '../../src/catalog/layout.ts';
import { generateDataset, type GeneratedDataset } from '../../tools/generate/dataset.ts';
import { RejectedRowsError, runIndex, type IndexRunOptions, type IndexSummary } from '../../indexer/run.ts';
import { testMeili, uniqueIndex } from '../helpers/meili.ts';
import { expectedIndex, normalized, type Expected } from './oracle.ts';

const dir = mkdtempSync(join(tmpdir(), 'oa-run-'));
const { url, masterKey, client } = testMeili();
const created: string[] = [];
let ds: GeneratedDataset;
let want: Expected;

beforeAll(async () => {
  ds = await generateDataset(join(dir, 'main'), { officeActions: 150, seed: 31, withBadRows: true });
  want = expectedIndex(ds.citations, ds.officeActions);
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

function options(uid: string, extra: Partial<IndexRunOptions> = {}): IndexRunOptions {
  return {
    citations: ds.citations,
    officeActions: ds.officeActions,
    index: uid,
    meili: { url, apiKey: masterKey },
    checkpointDir: join(dir, `cp-${uid}`),
    rejectsFile: join(dir, `rejects-${uid}.ndjson`),
    ...extra,
  };
}

async function allDocuments(c: Meilisearch, uid: string): Promise<Map<string, Record<string, unknown>>> {
  const out = new Map<string, Record<string, unknown>>();
  for (let offset = 0; ; offset += 1000) {
    const page = await c.index(uid).getDocuments<StoredDoc>({ offset, limit: 1000 });
    for (const d of page.results.map(decode)) out.set(d.id, normalized(d));
    if (page.results.length < 1000) break;
  }
  return out;
}

function expectOracle(docs: Map<string, Record<string, unknown>>, expected: Expected) {
  expect(docs.size).toBe(expected.docs.size);
  for (const [id, doc] of expected.docs) expect(docs.get(id), id).toEqual(normalized(doc));
}

describe('runIndex', () => {
  const main = index('idx_main');
  let first: IndexSummary;

  it('indexes a generated data set: exact documents and counts', async () => {
    first = await runIndex(options(main));
    expect(first).toMatchObject({
      index: main,
      rowsRead: ds.counts.citations,
      indexed: want.docs.size,
      rejected: 0,
      orphans: ds.expected.orphanCitations,
      duplicates: ds.expected.duplicateCitations,
      officeActions: { read: ds.counts.officeActions, rejected: 0 },
    });
    expect(want.orphans).toBe(ds.expected.orphanCitations);
    const docs = await allDocuments(client, main);
    expectOracle(docs, want);

    // the three kinds of record, spelled out
    const values = [...docs.values()];
    const joined = values.find((d) => d.ifwNumber && d.mailDate)!;
    expect(joined).toMatchObject({ documentCd: expect.stringMatching(/^CT(NF|FR)$/), mailYear: Number(String(joined.mailDate).slice(0, 4)) });
    expect(joined.techCenter).toBe(`${String(joined.artUnit).slice(0, 2)}00`);
    const formOnly = values.find((d) => !d.ifwNumber)!;
    expect(formOnly.artUnit).toBeDefined();
    expect(formOnly.techCenter).toBeDefined();
    for (const k of ['mailDate', 'mailYear', 'documentCd', 'rejection103', 'cite103Max']) expect(formOnly[k]).toBeUndefined();
    const orphanIds = new Set(readFileSync(ds.officeActions, 'utf8').split('\n').map((l) => l.split(',')[1]));
    const orphan = values.find((d) => d.ifwNumber && !orphanIds.has(String(d.ifwNumber)))!;
    expect(orphan.artUnit).toBeDefined();
    expect(orphan.mailDate).toBeUndefined();
    // no empty strings anywhere
    for (const d of values) for (const v of Object.values(d)) expect(v).not.toBe('');
    // completed runs leave no checkpoint and no rejects file
    expect(readdirSync(join(dir, `cp-${main}`))).toEqual([]);
    expect(existsSync(join(dir, `rejects-${main}.ndjson`))).toBe(false);
  });

  it('applies the catalog settings', async () => {
    const s = await client.index(main).getSettings();
    const want = indexSettings();
    expect(s.filterableAttributes).toEqual(want.filterableAttributes);
    expect(new Set(s.sortableAttributes)).toEqual(new Set(want.sortableAttributes));
    expect(s.searchableAttributes).toEqual(want.searchableAttributes);
    expect(s.rankingRules).toEqual(want.rankingRules);
    expect(s.typoTolerance).toMatchObject(want.typoTolerance!);
    expect(s.pagination).toEqual(want.pagination);
    expect(s.faceting?.maxValuesPerFacet).toBe(want.faceting?.maxValuesPerFacet);
    expect((await client.index(main).fetchInfo()).primaryKey).toBe('id');
    const features = await client.getExperimentalFeatures();
    expect(features.containsFilter).toBe(true);
  });

  it('is idempotent: a second run leaves the same documents', async () => {
    const again = await runIndex(options(main, { payloadBytes: 64 * 1024 }));
    expect(again.indexed).toBe(want.docs.size);
    expect(again.resumedFromLine).toBeUndefined();
    expectOracle(await allDocuments(client, main), want);
  });

  it('reports bad rows by line, keeps their neighbours, and fails a strict run after finishing', async () => {
    const uid = index('idx_bad');
    const bad = expectedIndex(ds.badCitations!, ds.badOfficeActions);
    const err = await runIndex(options(uid, { citations: ds.badCitations!, officeActions: ds.badOfficeActions, strict: true })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RejectedRowsError);
    const s = (err as RejectedRowsError).summary;
    const total = ds.badLines!.length + ds.badOfficeActionLines!.length;
    expect(s.rejected).toBe(total);
    expect(s.officeActions.rejected).toBe(ds.badOfficeActionLines!.length);
    const listed = [
      ...ds.badOfficeActionLines!.map((line) => ({ file: ds.badOfficeActions, line })),
      ...ds.badLines!.map((line) => ({ file: ds.badCitations, line })),
    ];
    expect(s.rejectedLines).toEqual(listed.slice(0, 20));
    expect(s.rejectsFile).toBe(join(dir, `rejects-${uid}.ndjson`));
    const lines = readFileSync(s.rejectsFile!, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { file: string; line: number; reason: string; raw: string });
    expect(lines.map(({ file, line }) => ({ file, line }))).toEqual(listed);
    for (const l of lines) expect(l.reason).not.toBe('');
    expect(s.indexed).toBe(bad.docs.size);
    expectOracle(await allDocuments(client, uid), bad);
  });

  it('reads .csv.gz and .zip into the same documents as .csv', async () => {
    const small: Record<string, GeneratedDataset> = {};
    for (const format of ['csv', 'csv.gz', 'zip'] as const) {
      small[format] = await generateDataset(join(dir, `fmt-${format}`), { officeActions: 30, seed: 9, format });
    }
    const expected = expectedIndex(small.csv!.citations, small.csv!.officeActions);
    for (const format of ['csv.gz', 'zip'] as const) {
      const uid = index(`idx_${format.replace('.', '')}`);
      const s = await runIndex(options(uid, { citations: small[format]!.citations, officeActions: small[format]!.officeActions }));
      expect(s.indexed).toBe(expected.docs.size);
      expectOracle(await allDocuments(client, uid), expected);
    }
  });

  it('resumes an interrupted run without loss or duplicates, waiting for what it had sent', async () => {
    const uid = index('idx_resume');
    const controller = new AbortController();
    const opts = options(uid, { payloadBytes: 96 * 1024 });
    // Stopped part-way through the file, with payloads sent and maybe not yet indexed.
    const aborted = await runIndex({
      ...opts,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase === 'citations' && p.rowsRead >= ds.counts.citations / 2) controller.abort();
      },
    }).catch((e: unknown) => e);
    expect((aborted as Error).name).toBe('AbortError');
    const [cpFile] = readdirSync(opts.checkpointDir!);
    const cp = JSON.parse(readFileSync(join(opts.checkpointDir!, cpFile!), 'utf8')) as { line: number; pending: { mark: { line: number } }[] };
    const covered = Math.max(cp.line, ...cp.pending.map((p) => p.mark.line));
    expect(covered).toBeGreaterThan(2);
    expect(covered).toBeLessThan(ds.counts.citations);

    const logs: string[] = [];
    const resumed = await runIndex({ ...opts, log: (l) => logs.push(l) });
    expect(resumed.resumedFromLine).toBe(covered + 1);
    expect(logs.join('\n')).toMatch(/resuming/);
    if (cp.pending.length) expect(logs.join('\n')).toMatch(/waiting for the payload the interrupted run sent/);
    expect(resumed.rowsRead).toBe(ds.counts.citations);
    expect(resumed.orphans).toBe(ds.expected.orphanCitations);
    expect(resumed.indexed).toBe(want.docs.size);
    expectOracle(await allDocuments(client, uid), want);
    expect(readdirSync(opts.checkpointDir!)).toEqual([]);
  });

  it('--reindex builds aside, resumes into the same build index, swaps atomically; the old index serves until the swap', async () => {
    const uid = index('idx_swap');
    const small = await generateDataset(join(dir, 'swap-old'), { officeActions: 20, seed: 4 });
    const old = await runIndex(options(uid, { citations: small.citations, officeActions: small.officeActions }));
    const during: Promise<{ count: number; hits: number; builds: string[] }>[] = [];
    const look = async () => ({
      count: (await client.index(uid).getStats()).numberOfDocuments,
      hits: (await client.index(uid).search('', { limit: 0 })).estimatedTotalHits ?? -1,
      builds: (await client.getIndexes({ limit: 1000 })).results.map((i) => i.uid).filter((u) => u.startsWith(`${uid}__build_`)),
    });
    const opts = options(uid, { reindex: true, payloadBytes: 96 * 1024 });
    // interrupted half-way: the target still serves the old documents
    const controller = new AbortController();
    const aborted = await runIndex({
      ...opts,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase === 'citations' && p.rowsRead >= ds.counts.citations / 2) controller.abort();
      },
    }).catch((e: unknown) => e);
    expect((aborted as Error).name).toBe('AbortError');
    const mid = await look();
    expect(mid.count).toBe(old.indexed);
    expect(mid.builds).toHaveLength(1);
    // resumed: into the same build index, swapped in at the end
    const s = await runIndex({
      ...opts,
      onProgress: (p) => {
        if (p.phase !== 'office-actions' && during.length < 3) during.push(look());
      },
    });
    expect(s.resumedFromLine).toBeGreaterThan(2);
    expect(s.builtIndex).toBe(mid.builds[0]);
    const seen = await Promise.all(during);
    expect(seen.length).toBeGreaterThan(0);
    for (const v of seen) {
      expect(v.count).toBe(old.indexed);
      expect(v.hits).toBe(old.indexed);
      expect(v.builds).toEqual([s.builtIndex]);
    }
    expect(s.builtIndex).toMatch(new RegExp(`^${uid}__build_`));
    expect(s.indexed).toBe(want.docs.size);
    expectOracle(await allDocuments(client, uid), want);
    const left = (await client.getIndexes({ limit: 1000 })).results.map((i) => i.uid).filter((u) => u.startsWith(`${uid}__`));
    expect(left).toEqual([]);
    expect(new Set((await client.index(uid).getSettings()).sortableAttributes)).toEqual(new Set(indexSettings().sortableAttributes));

    // a reindex into an index that does not exist yet renames the build index
    const fresh = index('idx_fresh');
    const f = await runIndex(options(fresh, { citations: small.citations, officeActions: small.officeActions, reindex: true }));
    expect(f.indexed).toBe(old.indexed);
  });
});
