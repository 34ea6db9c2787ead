/**
 * `oa_rejections` v1 end to end: generated data (citations, rejections, office actions) -> one
 * indexer run building both indexes -> real Meilisearch -> the gateway. Answers are checked
 * against the Solr oracle (test/helpers/solr-oracle.ts) over the rejections read straight from
 * Meilisearch, and the join against the generated office actions.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REJECTIONS } from '../src/catalog/datasets.ts';
import { parseDate } from '../src/catalog/values.ts';
import { lex } from '../src/legacy/criteria/lexer.ts';
import { parse } from '../src/legacy/criteria/parser.ts';
import { createApp } from '../src/app.ts';
import { createLogger } from '../src/http/log.ts';
import { MeiliReader } from '../src/meili/reader.ts';
import { testMeili } from './helpers/meili.ts';
import { startTestGateway, TEST_CONFIG, type TestGateway } from './helpers/gateway.ts';
import { solrMatches } from './helpers/solr-oracle.ts';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ officeActions: 400, seed: 5, rejections: true });
}, 120_000);
afterAll(async () => gw?.cleanup());

type Doc = Record<string, string | string[]>;
interface V1Response {
  responseHeader: { status: number; params: Record<string, string> };
  response: { numFound: number; start: number; docs: Doc[] };
}

const BASE = '/ds-api/oa_rejections/v1';
const REJECTION_DEFAULTS = ['applicationId', 'ifwNumber'];

async function post(body: Record<string, string>, base = BASE) {
  return gw.app.request(`${base}/records`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(body).toString(),
  });
}

async function records(body: Record<string, string>, base = BASE): Promise<V1Response> {
  const res = await post(body, base);
  const json = (await res.json()) as V1Response;
  expect(res.status, JSON.stringify(json)).toBe(200);
  return json;
}

async function answer(criteria: string): Promise<{ numFound: number; ids: string[] }> {
  const page = await records({ criteria, rows: '1000', fl: 'id' });
  return { numFound: page.response.numFound, ids: page.response.docs.map((d) => d.id as string).sort() };
}

function solrAnswer(criteria: string): { numFound: number; ids: string[] } {
  const tree = parse(lex(criteria), { maxDepth: 50 });
  const ids = gw.rejections.filter((r) => solrMatches(tree, r, true, REJECTION_DEFAULTS)).map((r) => r.id).sort();
  return { numFound: ids.length, ids };
}

/** The generated office actions, by ifw_number (the join's independent side). */
function officeActions(): Map<string, Record<string, string>> {
  const [header, ...lines] = readFileSync(gw.data.officeActions, 'utf8').trim().split('\n');
  const cols = header!.split(',');
  return new Map(
    lines.map((l) => {
      const row = Object.fromEntries(l.split(',').map((v, i) => [cols[i]!, v]));
      return [row.ifw_number!, row];
    }),
  );
}

describe('the indexer builds oa_rejections beside oa_citations in one run', () => {
  it('counts the rejections in its summary', () => {
    const s = gw.summary.rejections!;
    expect(s.dataset).toBe('oa_rejections');
    expect(s.rowsRead).toBe(gw.data.counts.rejections);
    expect(s.rejected).toBe(0);
    expect(s.orphans).toBe(gw.data.expected.orphanRejections);
    expect(s.duplicates).toBe(gw.data.expected.duplicateRejections);
    expect(s.indexed).toBe(gw.data.counts.rejections - gw.data.expected.duplicateRejections);
    expect(gw.rejections.length).toBe(s.indexed);
    expect(gw.summary.dataset).toBe('oa_citations');
    expect(gw.summary.indexed).toBe(gw.records.length);
  });

  it('joins each rejection with its office action as a citation is joined', () => {
    const oas = officeActions();
    let joined = 0;
    for (const r of gw.rejections) {
      const oa = oas.get(String(r.ifwNumber));
      if (!oa) {
        // An orphan: no document-level traits.
        expect(r.mailDate).toBeUndefined();
        expect(r.documentCd).toBeUndefined();
        continue;
      }
      joined++;
      expect(r.mailDate).toBe(parseDate(oa.mail_dt!));
      expect(r.documentCd).toBe(oa.document_cd);
      expect(r.artUnit).toBe(oa.art_unit);
      expect(r.techCenter).toBe(`${oa.art_unit!.slice(0, 2)}00`);
    }
    expect(joined).toBeGreaterThan(gw.rejections.length * 0.9);
  });
});

describe('/ready', () => {
  it('reports both data sets; a missing rejections index is reported without making the gateway unready', async () => {
    const res = await gw.app.request('/ready');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ready: true, datasets: { oa_citations: 'ready', oa_rejections: 'ready' } });

    // A key allowed on every index (the gateway's key names its two: another is unauthorized to it).
    const { url, masterKey } = testMeili();
    const reader = new MeiliReader({ url, apiKey: masterKey, index: gw.index, timeoutMs: 10_000 });
    const partial = createApp({ reader, rejections: reader.forIndex(`${gw.index}_never_built`), config: TEST_CONFIG, log: createLogger('silent') });
    const ready = await partial.request('/ready');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, datasets: { oa_citations: 'ready', oa_rejections: 'index_missing' } });
    const records = await partial.request('/ds-api/oa_rejections/v1/records', { method: 'POST', body: new URLSearchParams({ criteria: '*:*' }) });
    expect(records.status).toBe(503);
    expect(((await records.json()) as { error: { message: string } }).error.message).toMatch(/does not exist yet/);
    const citations = await partial.request('/ds-api/oa_citations/v1/records', { method: 'POST', body: new URLSearchParams({ criteria: 'form892:1', rows: '1' }) });
    expect(citations.status).toBe(200);
  });
});

describe('GET /ds-api/ and /fields', () => {
  it('lists both data sets', async () => {
    const res = await gw.app.request('/ds-api/');
    const body = (await res.json()) as { total: number; apis: { apiKey: string; apiVersionNumber: string; apiUrl: string }[] };
    expect(body.total).toBe(2);
    expect(body.apis.map((a) => a.apiKey)).toEqual(['oa_citations', 'oa_rejections']);
    expect(body.apis[1]!.apiUrl).toMatch(/\/ds-api\/oa_rejections\/v1\/fields$/);
  });

  it.each(['/ds-api', '/api/v1/patent/oa'])('serves the rejections fields under %s', async (prefix) => {
    const res = await gw.app.request(`${prefix}/oa_rejections/v1/fields`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { apiKey: string; fields: string[]; fieldCount: number; lastDataUpdatedDate: string | null };
    expect(body.apiKey).toBe('oa_rejections');
    expect(body.fields).toEqual(REJECTIONS.legacy.map((f) => f.name));
    expect(body.fields).toEqual(expect.arrayContaining(['id', 'applicationId', 'ifwNumber', 'actionType', 'actionSubtype', 'claimNumbers', 'aliceIn', 'bilskiIn', 'mayoIn', 'myriadIn', 'documentCd', 'mailDate', 'artUnit', 'cite103Max']));
    expect(body.fields).not.toContain('Patent_PGPub');
    expect(body.fieldCount).toBe(body.fields.length);
    expect(body.lastDataUpdatedDate).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d$/);
  });

  it('answers 404 for an unknown version of it', async () => {
    const res = await gw.app.request('/ds-api/oa_rejections/v2/fields');
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain('available: v1');
  });
});

describe('POST /ds-api/oa_rejections/v1/records', () => {
  it('answers the 2017 client: applicationId, keep actionType 103, split claimNumbers', async () => {
    const app = gw.rejections.find((r) => r.actionType === '103' && r.mailDate)!.applicationId!;
    const page = await records({ criteria: `applicationId:${app}` });
    const expected = gw.rejections.filter((r) => r.applicationId === app);
    expect(page.response.numFound).toBe(expected.length);
    expect(page.responseHeader.params.criteria).toBe(`applicationId:${app}`);
    const kept = page.response.docs.filter((d) => JSON.stringify(d.actionType) === JSON.stringify(['103']));
    expect(kept.length).toBe(expected.filter((r) => r.actionType === '103').length);
    for (const doc of page.response.docs) {
      expect(typeof doc.id).toBe('string');
      expect(doc.applicationId).toEqual([app]);
      // One string, as v1 served it: the client splits it itself.
      expect(doc.claimNumbers).toHaveLength(1);
      expect((doc.claimNumbers as string[])[0]).toMatch(/^\d+(,\d+)*$/);
      expect(doc.aliceIn).toEqual([expect.stringMatching(/^[01]$/)]);
      if (doc.mailDate) expect((doc.mailDate as string[])[0]).toMatch(/^\d{4}-\d{2}-\d{2}T00:00:00$/);
      const r = expected.find((x) => x.id === doc.id)!;
      expect((doc.claimNumbers as string[])[0]!.split(',')).toEqual(String(r.claimNumbers).split(','));
    }
  });

  it('pages with start/rows through every record exactly once (the backfill tool)', async () => {
    const ids: string[] = [];
    let numFound = -1;
    for (let start = 0; numFound < 0 || start < numFound; start += 100) {
      const page = await records({ criteria: '*:*', start: String(start), rows: '100', version: 'v1', dataset: 'oa_rejections' });
      numFound = page.response.numFound;
      expect(page.response.start).toBe(start);
      ids.push(...page.response.docs.map((d) => d.id as string));
    }
    expect(numFound).toBe(gw.rejections.length);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.sort()).toEqual(gw.rejections.map((r) => r.id).sort());
  });

  it('answers under the Open Data Portal prefix as under /ds-api', async () => {
    const a = await records({ criteria: 'actionType:101', rows: '1000', fl: 'id' });
    const b = await records({ criteria: 'actionType:101', rows: '1000', fl: 'id' }, '/api/v1/patent/oa/oa_rejections/v1');
    expect(b).toMatchObject({ response: a.response });
  });

  const pickApp = () => String(gw.rejections[7]!.applicationId);
  const pickIfw = () => String(gw.rejections.find((r) => r.ifwNumber)!.ifwNumber);
  const pickClaims = () => String(gw.rejections.find((r) => String(r.claimNumbers).includes(','))!.claimNumbers);
  const cases: (() => string)[] = [
    () => 'actionType:103',
    () => 'actionType:"nonstatutory double patenting"',
    () => 'actionType:102 AND actionSubtype:b',
    () => 'aliceIn:1',
    () => 'actionType:101 AND -aliceIn:1',
    () => 'bilskiIn:1 OR mayoIn:1 OR myriadIn:1',
    () => '-actionType:103',
    () => 'actionType:(101 OR 112)',
    () => 'rejection101:1 AND aliceIn:0',
    () => 'mailDate:[20120101 TO 20141231] AND actionType:103',
    () => 'artUnit:21*',
    () => 'claimNumbers:1*',
    () => `claimNumbers:"${pickClaims()}"`,
    () => 'claimNumbers:[1 TO 2]',
    // claimNumbers is stored fenced by commas (",6,7,8,"): text at a comma, ranges through a
    // prefix, a list's last claim.
    () => 'claimNumbers:1,*',
    () => 'claimNumbers:*,1*',
    () => 'claimNumbers:*,2',
    () => 'claimNumbers:*2,3*',
    () => 'claimNumbers:[1,2 TO 3}',
    () => 'claimNumbers:{1 TO 1,5]',
    () => 'claimNumbers:{2 TO *]',
    () => 'actionSubtype:*',
    () => `${pickApp()}`,
    () => `${pickIfw()}`,
    () => `applicationId:${pickApp()} AND (*:* -actionType:103)`,
    () => 'documentCd:CTFR AND (-actionType:103)',
  ];
  it.each(cases.map((c, i) => [i, c] as const))('criteria case %i matches the Solr oracle', async (_, make) => {
    const criteria = make();
    const expected = solrAnswer(criteria);
    expect(await answer(criteria), criteria).toEqual(expected);
  });

  it('keeps the cases meaningful: most match something, none match everything', () => {
    const counts = cases.map((c) => solrAnswer(c()).numFound);
    expect(counts.filter((n) => n > 0).length).toBeGreaterThanOrEqual(cases.length - 2);
    expect(counts.every((n) => n < gw.rejections.length)).toBe(true);
  });

  it('returns the fields of fl and sorts on its sortable fields', async () => {
    const page = await records({ criteria: 'actionType:103', fl: 'claimNumbers,action*', rows: '50', sort: 'mailDate desc' });
    for (const doc of page.response.docs) expect(Object.keys(doc).sort()).toEqual(expect.arrayContaining(['actionType', 'claimNumbers']));
    for (const doc of page.response.docs) for (const k of Object.keys(doc)) expect(['actionType', 'actionSubtype', 'claimNumbers']).toContain(k);
    const dated = await records({ criteria: 'actionType:103', fl: 'mailDate', rows: '200', sort: 'mailDate desc' });
    const dates = dated.response.docs.flatMap((d) => (d.mailDate ? [(d.mailDate as string[])[0]!] : []));
    expect(dates.length).toBeGreaterThan(1);
    expect([...dates].sort().reverse()).toEqual(dates);
  });

  it('refuses a citations-only field or sort with a clear 400', async () => {
    const bad = await post({ criteria: 'form892:1' });
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { error: { code: string; message: string; position: number } };
    expect(body.error.code).toBe('unknown_field');
    expect(body.error.position).toBe(0);
    expect(body.error.message).toContain('claimNumbers');
    const sort = await post({ criteria: '*:*', sort: 'Patent_PGPub asc' });
    expect(sort.status).toBe(400);
    expect(((await sort.json()) as { error: { message: string } }).error.message).toMatch(/sortable fields: applicationId, mailDate/);
  });

  it('looks records up by id, as citations are', async () => {
    const r = gw.rejections[3]!;
    expect(await answer(`id:${r.id}`)).toEqual({ numFound: 1, ids: [r.id] });
  });
});
