/**
 * The modern API's rejections end to end: generated data (citations, rejections, office actions)
 * -> one indexer run building both indexes -> real Meilisearch -> the gateway. Answers are checked
 * against the rejection records read straight from Meilisearch (gw.rejections) and the citation
 * records (gw.records), grouped here independently of the routes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { applicationCitationsOut } from '../../src/api/graph.ts';
import { applicationRejectionsOut } from '../../src/api/rejections.ts';
import type { OaRecord } from '../../src/catalog/schema.ts';
import { createLogger } from '../../src/http/log.ts';
import { searchKeyFor } from '../../src/meili/connect.ts';
import { MeiliReader } from '../../src/meili/reader.ts';
import { testAdmin } from '../helpers/meili.ts';
import { startTestGateway, TEST_CONFIG, type TestGateway } from '../helpers/gateway.ts';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ officeActions: 400, seed: 5, rejections: true });
}, 120_000);
afterAll(async () => gw?.cleanup());

const field = (r: OaRecord, f: string) => (r as Record<string, unknown>)[f];
const byApp = (rs: readonly OaRecord[]) => {
  const m = new Map<string, OaRecord[]>();
  for (const r of rs) {
    const a = String(field(r, 'applicationId'));
    (m.get(a) ?? m.set(a, []).get(a)!).push(r);
  }
  return m;
};
/** An application with at least `n` rejections in at least two office actions, and citations. */
function busyApplication(): string {
  const cited = byApp(gw.records);
  for (const [app, rs] of byApp(gw.rejections)) {
    if (rs.length >= 4 && new Set(rs.map((r) => field(r, 'ifwNumber'))).size >= 2 && cited.has(app)) return app;
  }
  throw new Error('the generated data has no application with rejections in two office actions');
}

type RejectionsAnswer = ReturnType<typeof applicationRejectionsOut.parse>;
type CitationsAnswer = ReturnType<typeof applicationCitationsOut.parse>;

async function get(url: string, status = 200): Promise<unknown> {
  const res = await gw.app.request(url);
  const body = await res.json();
  expect(res.status, `${url}: ${JSON.stringify(body).slice(0, 300)}`).toBe(status);
  return body;
}

describe('GET /api/v1/applications/{appId}/rejections', () => {
  it("lists every rejection of the application, grouped by office action, with claims as numbers", async () => {
    const app = busyApplication();
    const written = `${app.slice(0, 2)}/${app.slice(2, 5)},${app.slice(5)}`;
    const body = applicationRejectionsOut.parse(await get(`/api/v1/applications/${encodeURIComponent(written)}/rejections`));
    const expected = byApp(gw.rejections).get(app)!;
    expect(body.applicationId).toBe(app);
    expect(body.totalRejections).toBe(expected.length);
    expect(body.complete).toBe(true);
    const served = body.officeActions.flatMap((oa) => oa.rejections.map((r) => ({ ...r, ifwNumber: oa.ifwNumber })));
    expect(served.map((r) => r.id).sort()).toEqual(expected.map((r) => r.id).sort());
    for (const r of served) {
      const record = expected.find((e) => e.id === r.id)!;
      expect(r.ifwNumber).toBe(field(record, 'ifwNumber'));
      expect(r.actionType).toBe(field(record, 'actionType'));
      expect(r.claimNumbers).toBe(field(record, 'claimNumbers'));
      expect(r.claims).toEqual(String(field(record, 'claimNumbers') ?? '').split(',').filter(Boolean).map(Number));
      for (const f of ['aliceIn', 'bilskiIn', 'mayoIn', 'myriadIn']) expect((r as Record<string, unknown>)[f]).toBe(field(record, f));
    }
    // Office actions by mail date; each group's grounds are its rejections' distinct action types.
    const dates = body.officeActions.map((oa) => oa.mailDate ?? '\uffff');
    expect(dates).toEqual([...dates].sort());
    for (const oa of body.officeActions) {
      expect(oa.rejectionCount).toBe(oa.rejections.length);
      expect(oa.grounds).toEqual([...new Set(oa.rejections.map((r) => r.actionType))].sort());
    }
  });

  it('answers 404 for an application without rejections and 400 for a malformed number', async () => {
    const rejected = new Set(gw.rejections.map((r) => String(field(r, 'applicationId'))));
    const quiet = gw.records.map((r) => String(field(r, 'applicationId'))).find((a) => !rejected.has(a));
    expect(quiet, 'the generated data has an application with citations only').toBeDefined();
    const missing = (await get(`/api/v1/applications/${quiet}/rejections`, 404)) as { error: { code: string; message: string } };
    expect(missing.error.code).toBe('not_found');
    expect(missing.error.message).toContain(quiet);
    const bad = (await get('/api/v1/applications/not-a-number/rejections', 400)) as { error: { code: string } };
    expect(bad.error.code).toBe('invalid_parameter');
  });
});

describe("the application's citations show each office action's rejections beside them", () => {
  it('attaches exactly that office action\'s rejections to each group', async () => {
    const app = busyApplication();
    const body = applicationCitationsOut.parse(await get(`/api/v1/applications/${app}/citations`)) as CitationsAnswer;
    const rejections = byApp(gw.rejections).get(app)!;
    expect(body.totalRejections).toBe(rejections.length);
    expect(body.officeActions.length).toBeGreaterThan(0);
    for (const oa of body.officeActions) {
      const own = rejections.filter((r) => field(r, 'ifwNumber') === oa.ifwNumber).map((r) => r.id).sort();
      expect(oa.rejections?.map((r) => r.id).sort(), oa.ifwNumber).toEqual(own);
    }
    expect(body.formOnly?.rejections).toBeUndefined();
  });

  it('still answers when the rejections index was never built (rejections absent, not a 503)', async () => {
    // As a deployment's set-up does, the search key covers the rejections index before it exists.
    const never = `${gw.index}_never_built`;
    const admin = testAdmin();
    const reader = new MeiliReader({ url: admin.url, apiKey: await searchKeyFor(admin, [gw.index, never]), index: gw.index, timeoutMs: 10_000 });
    const alone = createApp({
      reader,
      rejections: reader.forIndex(never),
      config: TEST_CONFIG,
      log: createLogger('silent'),
    });
    const app = busyApplication();
    const res = await alone.request(`/api/v1/applications/${app}/citations`);
    const body = (await res.json()) as CitationsAnswer;
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body.totalRejections).toBeUndefined();
    expect(body.officeActions.every((oa) => oa.rejections === undefined)).toBe(true);
    const direct = await alone.request(`/api/v1/applications/${app}/rejections`);
    expect(direct.status).toBe(503);
    expect(((await direct.json()) as { error: { code: string } }).error.code).toBe('index_missing');
  });
});

describe("the web page's record view", () => {
  it("shows the citation's office action's rejections, linked to the application's rejections", async () => {
    const rejected = new Set(gw.rejections.map((r) => String(field(r, 'ifwNumber'))));
    const citation = gw.records.find((r) => r.ifwNumber !== undefined && rejected.has(String(r.ifwNumber)))!;
    expect(citation, 'a citation whose office action has rejections').toBeDefined();
    const res = await gw.app.request(`/record/${citation.id}`);
    const page = await res.text();
    expect(res.status).toBe(200);
    expect(page).toContain('Rejections in this office action');
    const own = gw.rejections.filter((r) => field(r, 'ifwNumber') === citation.ifwNumber);
    const section = page.slice(page.indexOf('h-rejections'));
    expect(section.match(/<li>/g)?.length).toBe(own.length);
    for (const r of own) if (field(r, 'claimNumbers')) expect(section).toContain(`claims ${String(field(r, 'claimNumbers'))}`);
    expect(section).toContain(`/api/v1/applications/${String(citation.applicationId)}/rejections`);

    const quiet = gw.records.find((r) => r.ifwNumber !== undefined && !rejected.has(String(r.ifwNumber)));
    if (quiet) expect(await (await gw.app.request(`/record/${quiet.id}`)).text()).toContain('No rejection recorded for this office action.');
  });
});

/** Records with every given field equal to the given value (as the record holds it). */
const where = (rs: readonly OaRecord[], conds: Record<string, unknown>) => rs.filter((r) => Object.entries(conds).every(([f, v]) => field(r, f) === v));
/** value -> number of records, as a facet counts them (records without the field left out). */
function countsOf(rs: readonly OaRecord[], f: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of rs) {
    const v = field(r, f);
    if (v !== undefined) counts[String(v)] = (counts[String(v)] ?? 0) + 1;
  }
  return counts;
}

interface SearchAnswer {
  totalHits: number;
  hits: OaRecord[];
  facetDistribution: Record<string, Record<string, number>>;
  filter: string | null;
}

describe('GET /api/v1/rejections/search', () => {
  it('filters on the ground and a case-law flag, with disjunctive facet counts of every rejection facet', async () => {
    const facets = ['actionType', 'actionSubtype', 'aliceIn', 'bilskiIn', 'mayoIn', 'myriadIn', 'artUnit', 'techCenter', 'documentCd', 'mailYear'];
    const body = (await get(`/api/v1/rejections/search?actionType=101&aliceIn=1&facets=${facets.join(',')}&pageSize=1000`)) as SearchAnswer;
    const expected = where(gw.rejections, { actionType: '101', aliceIn: 1 });
    expect(expected.length, 'the generated data has 101 rejections citing Alice').toBeGreaterThan(0);
    expect(body.totalHits).toBe(expected.length);
    expect(body.hits.map((r) => r.id).sort()).toEqual(expected.map((r) => r.id).sort());
    // A filtered facet counts under the other filters only; the others under all of them.
    expect(body.facetDistribution.actionType).toEqual(countsOf(where(gw.rejections, { aliceIn: 1 }), 'actionType'));
    expect(body.facetDistribution.aliceIn).toEqual(countsOf(where(gw.rejections, { actionType: '101' }), 'aliceIn'));
    for (const f of ['actionSubtype', 'bilskiIn', 'artUnit', 'techCenter', 'documentCd', 'mailYear']) {
      expect(body.facetDistribution[f], f).toEqual(countsOf(expected, f));
    }
  });

  it('takes the office-action filters, a date range and a sort, and refuses a keyword query (nothing is full-text searchable)', async () => {
    const art = String(field(gw.rejections.find((r) => field(r, 'artUnit'))!, 'artUnit'));
    const body = (await get(`/api/v1/rejections/search?artUnit=${art}&mailDateFrom=2010-01-01&sort=mailDate:desc&pageSize=1000&facets=`)) as SearchAnswer;
    const expected = gw.rejections.filter((r) => field(r, 'artUnit') === art && String(field(r, 'mailDate') ?? '') >= '2010-01-01');
    expect(body.totalHits).toBe(expected.length);
    const dates = body.hits.map((r) => String(field(r, 'mailDate')));
    expect(dates).toEqual([...dates].sort().reverse());
    const refused = (await get('/api/v1/rejections/search?q=sensor', 400)) as { error: { details: { param: string }[] } };
    expect(refused.error.details.map((d) => d.param)).toContain('q');
    const badFacet = (await get('/api/v1/rejections/search?facets=formType', 400)) as { error: { details: { message: string }[] } };
    expect(badFacet.error.details[0]?.message).toContain('actionType');
  });
});

describe('the claim filter', () => {
  const claimsOf = (r: OaRecord) => String(field(r, 'claimNumbers') ?? '').split(',');
  it('keeps the rejections listing a claim, wherever it stands in the list, and only whole claims', async () => {
    // A claim that stands last in some list and first in another, and a number that is a part of others (7 in 17).
    const counts = new Map<string, number>();
    for (const r of gw.rejections) for (const c of new Set(claimsOf(r))) counts.set(c, (counts.get(c) ?? 0) + 1);
    const claim = [...counts.keys()].find((c) => gw.rejections.some((r) => claimsOf(r).at(-1) === c && claimsOf(r).length > 1) && gw.rejections.some((r) => claimsOf(r)[0] === c) && [...counts.keys()].some((o) => o !== c && o.includes(c)))!;
    expect(claim, 'the generated claims have such a claim').toBeDefined();
    const body = (await get(`/api/v1/rejections/search?claim=${claim}&pageSize=1000&facets=actionType`)) as SearchAnswer;
    const expected = gw.rejections.filter((r) => claimsOf(r).includes(claim));
    expect(body.totalHits).toBe(expected.length);
    expect(body.hits.map((r) => r.id).sort()).toEqual(expected.map((r) => r.id).sort());
    expect(body.facetDistribution.actionType).toEqual(countsOf(expected, 'actionType'));
    expect(body.filter).toBe(`claimNumbers LISTS "${claim}"`);

    // Several claims: any of them; with another filter: both.
    const other = [...counts.keys()].find((c) => c !== claim)!;
    const either = (await get(`/api/v1/rejections/search?claim=${claim},0${other}&actionType=103&pageSize=1000&facets=`)) as SearchAnswer;
    const both = gw.rejections.filter((r) => (claimsOf(r).includes(claim) || claimsOf(r).includes(other)) && field(r, 'actionType') === '103');
    expect(either.totalHits).toBe(both.length);

    // The export takes it too.
    const nd = await gw.app.request(`/api/v1/rejections/export?format=ndjson&claim=${claim}`);
    expect(nd.headers.get('x-total-count')).toBe(String(expected.length));
  });

  it('refuses a claim that is no whole number, saying so', async () => {
    const body = (await get('/api/v1/rejections/search?claim=7a', 400)) as { error: { details: { param: string; message: string }[] } };
    expect(body.error.details[0]).toMatchObject({ param: 'claim' });
    expect(body.error.details[0]!.message).toContain('claim number');
    const fields = (await get('/api/v1/rejections/fields')) as { fields: { name: string; filter: string[] }[] };
    expect(fields.fields.find((f) => f.name === 'claimNumbers')?.filter).toEqual(['claimNumbers', 'claim']);
  });
});

describe('GET /api/v1/rejections/facets/{facet}', () => {
  it('lists the values of a rejections facet starting with q, counted under the other filters', async () => {
    const body = (await get('/api/v1/rejections/facets/actionSubtype?actionType=102')) as { values: { value: string; count: number }[] };
    const expected = countsOf(where(gw.rejections, { actionType: '102' }), 'actionSubtype');
    expect(Object.fromEntries(body.values.map((v) => [v.value, v.count]))).toEqual(expected);
    const years = (await get('/api/v1/rejections/facets/mailYear?q=201')) as { values: { value: string; count: number }[] };
    const yearCounts = Object.fromEntries(Object.entries(countsOf(gw.rejections, 'mailYear')).filter(([y]) => y.startsWith('201')));
    expect(Object.fromEntries(years.values.map((v) => [v.value, v.count]))).toEqual(yearCounts);
  });
});

describe('GET /api/v1/rejections/export', () => {
  it('streams the matching rejections as NDJSON and as CSV', async () => {
    const expected = where(gw.rejections, { actionType: '103' });
    expect(expected.length).toBeGreaterThan(1);
    const nd = await gw.app.request('/api/v1/rejections/export?format=ndjson&actionType=103');
    expect(nd.status).toBe(200);
    expect(nd.headers.get('content-disposition')).toContain('oa-rejections.ndjson');
    expect(nd.headers.get('x-total-count')).toBe(String(expected.length));
    const lines = (await nd.text()).trim().split('\n').map((l) => JSON.parse(l) as OaRecord);
    expect(lines.map((r) => r.id).sort()).toEqual(expected.map((r) => r.id).sort());
    for (const r of lines) expect(r).toEqual(expected.find((e) => e.id === r.id));

    const csv = await gw.app.request('/api/v1/rejections/export?fields=id,claimNumbers,aliceIn&actionType=103');
    const rows = (await csv.text()).trim().split('\r\n');
    expect(rows[0]).toBe('id,claimNumbers,aliceIn');
    expect(rows.length - 1).toBe(expected.length);
    const first = expected.find((e) => e.id === rows[1]!.split(',')[0])!;
    const claims = String(field(first, 'claimNumbers') ?? '');
    expect(rows[1]).toBe(`${first.id},${claims.includes(',') ? `"${claims}"` : claims},${String(field(first, 'aliceIn') ?? '')}`);
  });
});

describe('/openapi.json', () => {
  it('documents the rejections route and the rejections beside the citations', async () => {
    const doc = (await get('/openapi.json')) as { paths: Record<string, { get?: { operationId: string } }>; components: { schemas: Record<string, { properties?: Record<string, unknown> }> } };
    expect(doc.paths['/api/v1/applications/{appId}/rejections']?.get?.operationId).toBe('applicationRejections');
    expect(Object.keys(doc.components.schemas.ApplicationRejectionsResponse?.properties ?? {})).toContain('officeActions');
    expect(JSON.stringify(doc.components.schemas.ApplicationCitationsResponse)).toContain('totalRejections');
    for (const [path, op] of [
      ['/api/v1/rejections/search', 'rejectionsSearch'],
      ['/api/v1/rejections/facets/{facet}', 'rejectionsFacetValues'],
      ['/api/v1/rejections/export', 'rejectionsExport'],
      ['/api/v1/rejections/fields', 'rejectionsFields'],
    ]) {
      expect(doc.paths[path!]?.get?.operationId, path).toBe(op);
    }
    expect(JSON.stringify(doc.components.schemas.RejectionsSearchResponse)).toContain('RejectionRecord');
  });
});

export type { RejectionsAnswer };
