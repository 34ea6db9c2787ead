/**
 * The stored layout end to end, on a real Meilisearch, with the records where it could differ:
 * flags that are 0 or missing while their office action is there, citations without an office
 * action, code fields with unusual values, citation texts absent / equal to the reference /
 * written otherwise, art units that give no tech center. Every answer - legacy numFound and docs,
 * modern totals, facet counts (derived ones included) and stats, sorts, facet values, exports,
 * id lookups - is checked against a plain-JS reading of the records themselves.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordId } from '../../indexer/records.ts';
import { CITATIONS, REJECTIONS } from '../../src/catalog/datasets.ts';
import { createApp } from '../../src/app.ts';
import { indexSettings, PRIMARY_KEY } from '../../src/catalog/index-settings.ts';
import { decode, encode } from '../../src/catalog/layout.ts';
import type { FieldName } from '../../src/catalog/fields.ts';
import type { OaRecord } from '../../src/catalog/schema.ts';
import { createLogger } from '../../src/http/log.ts';
import { searchKeyFor } from '../../src/meili/connect.ts';
import { MeiliReader } from '../../src/meili/reader.ts';
import { TEST_CONFIG } from '../helpers/config.ts';
import { testAdmin, testMeili, uniqueIndex } from '../helpers/meili.ts';

const OA_FLAGS = [
  'headerMissing', 'formParagraphMissing', 'rejectFpMisMatch', 'closingMissing', 'rejection101', 'rejection102', 'rejection103',
  'rejection112', 'rejectionDp', 'objection', 'allowedClaims', 'cite102Gt1', 'cite103Gt3', 'cite103Eq1',
] as const;

/** 240 records cycling through the shapes above (deterministic). */
function records(): OaRecord[] {
  const out: OaRecord[] = [];
  for (let i = 0; i < 240; i++) {
    const r: Record<string, unknown> = {
      applicationId: String(12_000_000 + (i % 30)).padStart(8, '0'),
      Patent_PGPub: i % 11 === 0 ? `EP${1_000_000 + i}` : String(7_000_000 + i),
      form892: i % 2,
      form1449: (i >> 1) % 2,
      citationInOA: i % 3 === 0 ? 1 : 0,
      artUnit: i % 17 === 0 ? '21A' : String([2154, 2100, 1700, 3600, 2199][i % 5]),
      uspcClass: String(700 + (i % 7)),
      uspcSubClass: `${i % 9}.5`,
    };
    // Citation text: absent, the reference itself, or written otherwise.
    if (i % 4 === 1) r.citationText = r.Patent_PGPub;
    else if (i % 4 === 2) r.citationText = `US ${String(r.Patent_PGPub)} B2`;
    else if (i % 4 === 3) r.citationText = 'U.S. Pat. No. 7,000,001';
    if (i % 5 === 0) {
      r.actionType = ['103', '102', '101'][i % 3];
      r.actionSubtype = ['103(a)', '102(b)', '112(b)'][i % 3];
    }
    // Two citations in three have an office action of their own.
    if (i % 3 !== 2) {
      r.ifwNumber = `IFW${String(i % 40).padStart(10, '0')}`;
      r.mailDate = `${2008 + (i % 10)}-0${1 + (i % 9)}-1${i % 10}`;
      r.documentCd = ['CTNF', 'CTFR', 'NOA', 'ctnf'][i % 4];
      r.signatureType = ['1', '2', 'X'][i % 3];
      r.cite103Max = i % 6;
      OA_FLAGS.forEach((f, k) => {
        // Every 7th office action lacks rejection103 (an empty cell), every 13th its documentCd.
        if (f === 'rejection103' && i % 7 === 0) return;
        r[f] = (i >> k) % 2;
      });
      if (i % 13 === 0) delete r.documentCd;
    }
    // The id is the hash of the fields it names, as the indexer makes it.
    r.id = recordId(String(r.applicationId), String(r.ifwNumber ?? ''), String(r.Patent_PGPub));
    out.push(decode(encode(r as OaRecord)));
  }
  return out;
}

const admin = testAdmin();
const uid = uniqueIndex('layout');
let app: ReturnType<typeof createApp>;
let all: OaRecord[];

beforeAll(async () => {
  all = records();
  const { client } = admin;
  await client.createIndex(uid, { primaryKey: PRIMARY_KEY }).waitTask();
  await client.index(uid).updateSettings(indexSettings()).waitTask();
  await client.index(uid).addDocuments(all.map(encode)).waitTask();
  const key = await searchKeyFor(admin, uid);
  const reader = new MeiliReader({ url: testMeili().url, apiKey: key, index: uid, timeoutMs: 10_000 });
  app = createApp({ reader, config: TEST_CONFIG, log: createLogger('silent') });
});
afterAll(async () => {
  await admin.client.deleteIndex(uid).waitTask();
});

const s = (r: OaRecord, f: FieldName) => (r[f] === undefined ? undefined : String(r[f]));
const ids = (rs: OaRecord[]) => rs.map((r) => r.id).sort();

async function legacy(criteria: string, extra: Record<string, string> = {}) {
  const res = await app.request('/ds-api/oa_citations/v1/records', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ criteria, rows: '1000', ...extra }).toString(),
  });
  const body = (await res.json()) as { response: { numFound: number; docs: Record<string, string | string[]>[] } };
  expect(res.status, JSON.stringify(body)).toBe(200);
  return body.response;
}

async function modern(path: string) {
  const res = await app.request(path);
  const body = (await res.json()) as Record<string, unknown>;
  expect(res.status, JSON.stringify(body)).toBe(200);
  return body;
}

describe('legacy criteria on the packed fields', () => {
  const cases: [string, (r: OaRecord) => boolean][] = [
    ['rejection103:0', (r) => r.rejection103 === 0],
    ['rejection103:1', (r) => r.rejection103 === 1],
    ['rejection103:*', (r) => r.rejection103 !== undefined],
    ['-rejection103:*', (r) => r.rejection103 === undefined],
    ['form892:1 AND -headerMissing:*', (r) => r.form892 === 1 && r.headerMissing === undefined],
    ['documentCd:CTNF', (r) => s(r, 'documentCd')?.toUpperCase() === 'CTNF'],
    ['documentCd:NOA', (r) => s(r, 'documentCd') === 'NOA'],
    ['documentCd:*', (r) => r.documentCd !== undefined],
    ['-documentCd:*', (r) => r.documentCd === undefined],
    ['documentCd:CT*', (r) => s(r, 'documentCd')?.toLowerCase().startsWith('ct') ?? false],
    ['documentCd:[CTFR TO CTNF]', (r) => ['ctfr', 'ctnf'].includes(s(r, 'documentCd')?.toLowerCase() ?? '')],
    ['signatureType:X OR signatureType:1', (r) => ['X', '1'].includes(s(r, 'signatureType') ?? '')],
    ['actionType:101', (r) => s(r, 'actionType') === '101'],
    ['actionType:* AND -actionType:103', (r) => r.actionType !== undefined && r.actionType !== '103'],
    ['actionSubtype:112*', (r) => s(r, 'actionSubtype')?.startsWith('112') ?? false],
    ['form892:1 AND citationInOA:0', (r) => r.form892 === 1 && r.citationInOA === 0],
    ['cite103Max:[2 TO 4]', (r) => typeof r.cite103Max === 'number' && r.cite103Max >= 2 && r.cite103Max <= 4],
    ['mailDate:[20120101 TO 20131231]', (r) => (s(r, 'mailDate') ?? '') >= '2012-01-01' && (s(r, 'mailDate') ?? '') <= '2013-12-31'],
    ['artUnit:[2100 TO 2199]', (r) => (s(r, 'artUnit') ?? '') >= '2100' && (s(r, 'artUnit') ?? '') <= '2199'],
  ];
  it.each(cases)('%s', async (criteria, predicate) => {
    const expected = all.filter(predicate);
    expect(expected.length, 'the case matches something').toBeGreaterThan(0);
    const got = await legacy(criteria);
    expect(got.numFound).toBe(expected.length);
    expect(got.docs.map((d) => d.id as string).sort()).toEqual(ids(expected));
  });

  it('serves v1 values: a 0 flag as ["0"], a missing one left out, unusual codes as written', async () => {
    const zero = all.find((r) => r.rejection103 === 0 && r.documentCd === 'NOA')!;
    const missing = all.find((r) => r.ifwNumber !== undefined && r.rejection103 === undefined)!;
    const got = await legacy(`id:${zero.id} OR id:${missing.id}`, { fl: 'id,rejection103,documentCd' });
    const byId = new Map(got.docs.map((d) => [d.id, d]));
    expect(byId.get(zero.id)).toMatchObject({ rejection103: ['0'], documentCd: ['NOA'] });
    expect(byId.get(missing.id)).not.toHaveProperty('rejection103');
    expect(got.numFound).toBe(2);
  });

  it('looks records up by id (exact values; id:* is every record)', async () => {
    const r = all[17]!;
    expect((await legacy(`id:${r.id}`)).docs.map((d) => d.id)).toEqual([r.id]);
    expect((await legacy(`id:${r.id.toUpperCase()}`)).numFound).toBe(1);
    expect((await legacy('id:000000000000000000000bad')).numFound).toBe(0);
    expect((await legacy(`id:* AND form892:1`)).numFound).toBe(all.filter((x) => x.form892 === 1).length);
    const res = await app.request('/ds-api/oa_citations/v1/records', { method: 'POST', body: new URLSearchParams({ criteria: 'id:abc*' }) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/looked up by whole value/);
  });
});

describe('modern API on the packed and derived fields', () => {
  const countBy = (rs: OaRecord[], f: FieldName) => {
    const out: Record<string, number> = {};
    for (const r of rs) {
      const v = r[f];
      for (const x of v === undefined ? [] : Array.isArray(v) ? v : [v]) out[String(x)] = (out[String(x)] ?? 0) + 1;
    }
    return out;
  };

  it('counts every facet, derived and packed ones included, as the records do', async () => {
    const facets: FieldName[] = ['formType', 'techCenter', 'mailYear', 'documentCd', 'actionType', 'actionSubtype', 'signatureType', 'rejection103', 'headerMissing', 'cite103Max'];
    const body = (await modern(`/api/v1/search?facets=${facets.join(',')}&pageSize=0`)) as { facetDistribution: Record<string, Record<string, number>>; facetStats: Record<string, { min: number; max: number }> };
    for (const f of facets) {
      const expected = countBy(all, f);
      // Meilisearch counts "ctnf" and "CTNF" as one value, under one of its spellings.
      if (f === 'documentCd') {
        expected.CTNF = (expected.CTNF ?? 0) + (expected.ctnf ?? 0);
        delete expected.ctnf;
      }
      expect(body.facetDistribution[f], f).toEqual(expected);
    }
    const years = all.flatMap((r) => (typeof r.mailYear === 'number' ? [r.mailYear] : []));
    expect(body.facetStats.mailYear).toEqual({ min: Math.min(...years), max: Math.max(...years) });
    expect(body.facetStats.rejection103).toEqual({ min: 0, max: 1 });
  });

  it.each([
    ['techCenter=2100', (r: OaRecord) => r.techCenter === '2100'],
    ['mailYear=2012&mailYear=2016', (r: OaRecord) => r.mailYear === 2012 || r.mailYear === 2016],
    ['formType=oa-text', (r: OaRecord) => r.citationInOA === 1],
    ['documentCd=NOA', (r: OaRecord) => r.documentCd === 'NOA'],
    ['rejection103=0&formType=892', (r: OaRecord) => r.rejection103 === 0 && r.form892 === 1],
    ['actionType=101&actionType=103', (r: OaRecord) => ['101', '103'].includes(String(r.actionType))],
  ])('filters %s exactly', async (query, predicate) => {
    const expected = all.filter(predicate);
    const body = (await modern(`/api/v1/search?${query}&pageSize=1000&facets=`)) as { totalHits: number; hits: OaRecord[] };
    expect(body.totalHits).toBe(expected.length);
    expect(ids(body.hits)).toEqual(ids(expected));
    // Hits are whole records, derived fields included, exactly as stored.
    const byId = new Map(all.map((r) => [r.id, r]));
    for (const h of body.hits) expect(h).toEqual(byId.get(h.id));
  });

  it('sorts by a derived field through the field it comes from (records without one last)', async () => {
    const body = (await modern('/api/v1/search?sort=mailYear:desc&pageSize=1000&facets=')) as { hits: OaRecord[] };
    const years = body.hits.map((h) => (h.mailYear as number | undefined) ?? -1);
    expect(years).toEqual([...years].sort((a, b) => (a === -1 ? 1 : b === -1 ? -1 : b - a)));
    expect(body.hits).toHaveLength(all.length);
  });

  it('lists the values of a packed facet by prefix, with counts', async () => {
    const body = (await modern('/api/v1/facets/documentCd?q=ct')) as { values: { value: string; count: number }[] };
    const ctnf = all.filter((r) => String(r.documentCd).toLowerCase() === 'ctnf').length;
    const ctfr = all.filter((r) => r.documentCd === 'CTFR').length;
    expect(body.values).toEqual(
      [
        { value: 'CTNF', count: ctnf },
        { value: 'CTFR', count: ctfr },
      ].sort((a, b) => b.count - a.count),
    );
  });

  it('exports whole records, derived fields included', async () => {
    const res = await app.request('/api/v1/export?format=ndjson&techCenter=2100');
    const lines = (await res.text()).trim().split('\n').map((l) => JSON.parse(l) as OaRecord);
    const expected = all.filter((r) => r.techCenter === '2100');
    expect(ids(lines)).toEqual(ids(expected));
    const byId = new Map(all.map((r) => [r.id, r]));
    for (const l of lines) expect(l).toEqual(byId.get(l.id));
  });
});

describe('an index built with another layout', () => {
  it('is not ready, and says to rebuild it with --reindex', async () => {
    const old = uniqueIndex('old_layout');
    const { client } = admin;
    await client.createIndex(old, { primaryKey: PRIMARY_KEY }).waitTask();
    // The earlier layout: every field filterable as itself, no layout marker.
    await client.index(old).updateSettings({ filterableAttributes: ['form892', 'artUnit', 'id'], sortableAttributes: ['id'] }).waitTask();
    await client.index(old).addDocuments([{ id: 'x', form892: 1 }]).waitTask();
    try {
      const key = await searchKeyFor(admin, old);
      const reader = new MeiliReader({ url: testMeili().url, apiKey: key, index: old, timeoutMs: 10_000 });
      const oldApp = createApp({ reader, config: TEST_CONFIG, log: createLogger('silent') });
      const res = await oldApp.request('/ready');
      expect(res.status).toBe(503);
      const body = (await res.json()) as { ready: boolean; reason: string };
      expect(body.ready).toBe(false);
      expect(body.reason).toMatch(/earlier layout.*npm run index -- --reindex/);
      expect(body.reason).not.toContain(old);
    } finally {
      await client.deleteIndex(old).waitTask();
    }
    expect((await app.request('/ready')).status).toBe(200);
  });

  it("tells a data set's layout from the other's: a rejections index of the citations' layout version is old", async () => {
    // Before claimNumbers was stored fenced, the rejections index carried the citations' marker.
    const [cit, rej] = [uniqueIndex('cit_marker'), uniqueIndex('rej_marker')];
    const { client } = admin;
    const markers: [string, string][] = [
      [cit, CITATIONS.layout.marker],
      [rej, CITATIONS.layout.marker],
    ];
    for (const [index, marker] of markers) {
      await client.createIndex(index, { primaryKey: PRIMARY_KEY }).waitTask();
      await client.index(index).updateSettings({ filterableAttributes: [marker, 'applicationId'] }).waitTask();
    }
    try {
      expect(REJECTIONS.layout.marker).not.toBe(CITATIONS.layout.marker);
      const reader = new MeiliReader({ url: testMeili().url, apiKey: await searchKeyFor(admin, [cit, rej]), index: cit, timeoutMs: 10_000 });
      const both = createApp({ reader, rejections: reader.forIndex(rej), config: TEST_CONFIG, log: createLogger('silent') });
      const body = (await (await both.request('/ready')).json()) as { ready: boolean; datasets: Record<string, string> };
      expect(body).toMatchObject({ ready: true, datasets: { oa_citations: 'ready', oa_rejections: 'old_layout' } });
    } finally {
      for (const index of [cit, rej]) await client.deleteIndex(index).waitTask();
    }
  });

  it('a missing index is not ready either', async () => {
    const reader = new MeiliReader({ url: testMeili().url, apiKey: testMeili().masterKey, index: uniqueIndex('nothing'), timeoutMs: 10_000 });
    const res = await createApp({ reader, config: TEST_CONFIG, log: createLogger('silent') }).request('/ready');
    expect(res.status).toBe(503);
    expect(((await res.json()) as { reason: string }).reason).toMatch(/does not exist yet/);
  });
});
