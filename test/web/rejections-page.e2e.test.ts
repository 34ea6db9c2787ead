/**
 * The web page over both data sets (generator -> one indexer run -> Meilisearch -> app.request):
 * the rejections search page shows what /api/v1/rejections/search answers, its legacy criteria
 * select on /ds-api/oa_rejections the records its filters do (the claim filter's four wildcards
 * included), the data-set switch keeps the shared filters, and an office action's page lists its
 * citations and its rejections together, linked both ways with the record pages.
 */
import { parquetReadObjects } from 'hyparquet';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import type { OaRecord } from '../../src/catalog/schema.ts';
import { createLogger } from '../../src/http/log.ts';
import { searchKeyFor } from '../../src/meili/connect.ts';
import { MeiliReader } from '../../src/meili/reader.ts';
import { testAdmin } from '../helpers/meili.ts';
import { legacyNumFound, shownCount, shownCriteria, shownTotal, unescapeHtml } from '../helpers/page.ts';
import { startTestGateway, TEST_CONFIG, type TestGateway } from '../helpers/gateway.ts';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ officeActions: 300, seed: 41, rejections: true });
}, 120_000);
afterAll(async () => gw?.cleanup());

const numFound = (criteria: string) => legacyNumFound(gw.app, 'oa_rejections', criteria);

const field = (r: OaRecord, f: string) => (r as Record<string, unknown>)[f];
const page = async (path: string) => {
  const res = await gw.app.request(path);
  return { res, html: await res.text() };
};
const hrefs = (html: string) => [...html.matchAll(/href="([^"]*)"/g)].map((m) => unescapeHtml(m[1]!));

/** The claims a rejection lists, as the claim filter reads them (whole numbers, leading zeros dropped). */
const claimsOf = (r: OaRecord) =>
  String(field(r, 'claimNumbers') ?? '')
    .split(',')
    .filter((s) => /^\d+$/.test(s))
    .map((s) => String(Number(s)));

/** The claim listed by most rejections, and in the middle of some list ("6,7,8": 7). */
function commonClaim(): string {
  const per = new Map<string, number>();
  for (const r of gw.rejections) for (const c of new Set(claimsOf(r))) per.set(c, (per.get(c) ?? 0) + 1);
  return [...per].sort((a, b) => b[1] - a[1])[0]![0];
}

describe('the rejections search page shows what the API answers', () => {
  it('renders totals, facet counts and hits of /api/v1/rejections/search, each hit linked to its office action', async () => {
    const { res, html } = await page('/rejections');
    expect(res.status).toBe(200);
    const facets = 'actionType,actionSubtype,aliceIn,bilskiIn,mayoIn,myriadIn,artUnit,techCenter,documentCd,mailYear';
    const api = (await (await gw.app.request(`/api/v1/rejections/search?facets=${facets}`)).json()) as {
      totalHits: number;
      facetDistribution: Record<string, Record<string, number>>;
      hits: OaRecord[];
    };
    expect(shownTotal(html)).toBe(gw.rejections.length);
    expect(api.totalHits).toBe(gw.rejections.length);
    for (const f of ['actionType', 'aliceIn', 'documentCd']) {
      const counts = Object.entries(api.facetDistribution[f]!).sort((a, b) => b[1] - a[1]).slice(0, 8);
      expect(counts.length, f).toBeGreaterThan(0);
      for (const [value, n] of counts) expect(shownCount(html, f, value), `${f}=${value}`).toBe(n);
    }
    // The case-law flags read Yes / No.
    expect(html).toMatch(/name="aliceIn" value="0"[^>]*>\s*<label[^>]*>No /);
    expect(html).toContain('<nav class="datasets" id="datasets" aria-label="Data set">');
    expect(html).toContain('<span class="dataset" aria-current="page">Rejections</span>');
    for (const hit of api.hits) expect(html).toContain(`href="/office-action/${encodeURIComponent(String(field(hit, 'ifwNumber')))}"`);
    // No keyword box here: the search bar is the application and the claim.
    expect(html).toMatch(/<input id="q" name="applicationId"/);
    expect(html).toMatch(/name="claim"[^>]*data-live/);
  });

  it('filters by ground and claim, with disjunctive counts, labelled chips and an export of the same rejections', async () => {
    const claim = commonClaim();
    const expected = gw.rejections.filter((r) => field(r, 'actionType') === '103' && claimsOf(r).includes(claim));
    expect(expected.length).toBeGreaterThan(0);
    const { html } = await page(`/rejections?actionType=103&claim=${claim}`);
    expect(shownTotal(html)).toBe(expected.length);
    // The ground's panel counts the other grounds under the claim filter alone.
    const other = gw.rejections.filter((r) => field(r, 'actionType') === '102' && claimsOf(r).includes(claim)).length;
    if (other) expect(shownCount(html, 'actionType', '102')).toBe(other);
    expect(html).toContain('Claim number: ' + claim);
    expect(html).toContain('Ground: § 103');
    const exportHref = hrefs(html).find((h) => h.startsWith('/api/v1/rejections/export?') && h.endsWith('format=ndjson'))!;
    expect(exportHref).toBeDefined();
    const res = await gw.app.request(exportHref);
    expect(res.status).toBe(200);
    const ids = (await res.text()).trim().split('\n').map((l) => (JSON.parse(l) as { id: string }).id);
    expect(ids.sort()).toEqual(expected.map((r) => r.id).sort());
    // The Parquet button beside it: the same rejections, typed (the case-law flags as booleans).
    const parquetHref = hrefs(html).find((h) => h.startsWith('/api/v1/rejections/export?') && h.endsWith('format=parquet'))!;
    const file = await (await gw.app.request(parquetHref)).arrayBuffer();
    const rows = await parquetReadObjects({ file, columns: ['id', 'claimNumbers', 'aliceIn'] });
    expect(rows.map((r) => r.id as string).sort()).toEqual(expected.map((r) => r.id).sort());
    const byId = new Map(expected.map((r) => [r.id, r]));
    for (const r of rows) {
      const stored = byId.get(r.id as string)!;
      expect(r.claimNumbers).toBe(field(stored, 'claimNumbers') ?? null);
      expect(r.aliceIn).toBe(field(stored, 'aliceIn') === undefined ? null : field(stored, 'aliceIn') === 1);
    }
  });

  it('an exact claimNumbers value keeps its commas (one list, not three values)', async () => {
    const list = gw.rejections.map((r) => String(field(r, 'claimNumbers') ?? '')).find((c) => c.split(',').length >= 3)!;
    const res = await gw.app.request(`/api/v1/rejections/search?claimNumbers=${encodeURIComponent(list)}&pageSize=0&facets=`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { totalHits: number };
    expect(body.totalHits).toBe(gw.rejections.filter((r) => field(r, 'claimNumbers') === list).length);
  });

  it('the art-unit finder of the rejections page counts rejections under the other filters', async () => {
    const units = gw.rejections.filter((r) => field(r, 'actionType') === '103').map((r) => String(field(r, 'artUnit')));
    const start = units[0]!.slice(0, 2);
    const res = await gw.app.request(`/rejections/facet-values/artUnit?actionType=103&facetQuery=${start}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    const wanted = new Map<string, number>();
    for (const u of units) if (u.startsWith(start)) wanted.set(u, (wanted.get(u) ?? 0) + 1);
    for (const [unit, n] of wanted) expect(shownCount(html, 'artUnit', unit), unit).toBe(n);
    expect((await gw.app.request('/rejections/facet-values/formType')).status).toBe(404);
  });

  it('bad input is a readable 400 page naming the parameter', async () => {
    for (const [path, message] of [
      ['/rejections?claim=7a', 'claim'],
      ['/rejections?q=sensor', 'q: unknown parameter'],
      ['/rejections?aliceIn=2', 'aliceIn'],
    ] as const) {
      const { res, html } = await page(path);
      expect(res.status, path).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
      expect(html, path).toContain(message);
      expect(html).toContain('This search cannot run');
    }
  });
});

describe('the legacy criteria of the rejections page select the same records on /ds-api/oa_rejections', () => {
  it('for a claim in any place of the list, grounds, flags and dates', async () => {
    const claim = commonClaim();
    for (const query of [`claim=${claim}`, `claim=${claim}&claim=1&actionType=103`, 'aliceIn=1&mailYear=2012', 'mailDateFrom=2011-01-01&mailDateTo=2013-06-30&documentCd=CTNF']) {
      const { html } = await page(`/rejections?${query}`);
      const criteria = shownCriteria(html);
      expect(await numFound(criteria), `${query} -> ${criteria}`).toBe(shownTotal(html));
    }
  });

  it('random combinations, property-based', async () => {
    const claims = [...new Set(gw.rejections.flatMap(claimsOf))].slice(0, 30);
    const grounds = [...new Set(gw.rejections.map((r) => String(field(r, 'actionType'))))];
    const param = fc.oneof(
      fc.constantFrom(...claims).map((v) => ['claim', v] as const),
      fc.constantFrom(...grounds).map((v) => ['actionType', v] as const),
      fc.constantFrom('0', '1').map((v) => ['mayoIn', v] as const),
      fc.constantFrom('2010', '2012', '2014').map((v) => ['mailYear', v] as const),
      fc.constantFrom('CTNF', 'CTFR').map((v) => ['documentCd', v] as const),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(param, { minLength: 1, maxLength: 4 }), async (pairs) => {
        const { res, html } = await page(`/rejections?${new URLSearchParams(pairs.map(([k, v]) => [k, v])).toString()}`);
        expect(res.status).toBe(200);
        expect(await numFound(shownCriteria(html))).toBe(shownTotal(html));
      }),
      { numRuns: 25 },
    );
  });
});

describe('the data-set switch', () => {
  it('carries the filters both data sets take and drops the others', async () => {
    const app = String(gw.rejections[0]!.applicationId);
    const { html } = await page(`/?q=sensor&applicationId=${app}&formType=892&artUnit=2154&sort=mailDate:desc`);
    expect(html).toContain(`<a class="dataset" href="/rejections?applicationId=${app}&amp;artUnit=2154">Rejections</a>`);
    const back = await page(`/rejections?applicationId=${app}&actionType=103&claim=1&sort=mailDate:asc`);
    // A citation has a ground too (the rejection it supports): it carries over.
    expect(back.html).toContain(`<a class="dataset" href="/?applicationId=${app}&amp;actionType=103">Citations</a>`);
    expect(shownTotal(back.html)).toBe(gw.rejections.filter((r) => r.applicationId === app && field(r, 'actionType') === '103' && claimsOf(r).includes('1')).length);
  });
});

describe("an office action's page", () => {
  /** An office action with citations and rejections both. */
  function busyOfficeAction(): string {
    const rejected = new Map<string, number>();
    for (const r of gw.rejections) rejected.set(String(r.ifwNumber), (rejected.get(String(r.ifwNumber)) ?? 0) + 1);
    const cited = new Map<string, number>();
    for (const r of gw.records) if (r.ifwNumber !== undefined && rejected.has(String(r.ifwNumber))) cited.set(String(r.ifwNumber), (cited.get(String(r.ifwNumber)) ?? 0) + 1);
    return [...cited].sort((a, b) => b[1] - a[1])[0]![0];
  }

  it('lists its citations and its rejections, each citation linked to its record page and back', async () => {
    const ifw = busyOfficeAction();
    const citations = gw.records.filter((r) => r.ifwNumber === ifw);
    const rejections = gw.rejections.filter((r) => r.ifwNumber === ifw);
    const { res, html } = await page(`/office-action/${encodeURIComponent(ifw)}`);
    expect(res.status).toBe(200);
    expect(html).toContain(`Citations (${citations.length})`);
    expect(html).toContain(`Rejections (${rejections.length})`);
    const links = hrefs(html);
    for (const c of citations) expect(links).toContain(`/record/${encodeURIComponent(c.id)}`);
    const section = html.slice(html.indexOf('id="rejections"'), html.indexOf('h-traits'));
    expect(section.match(/<li>/g)?.length).toBe(rejections.length);
    for (const r of rejections) if (field(r, 'claimNumbers')) expect(section).toContain(`claims ${String(field(r, 'claimNumbers'))}`);
    const app = String(citations[0]!.applicationId);
    expect(links).toContain(`/rejections?applicationId=${app}`);
    expect(links).toContain(`/?applicationId=${app}`);
    expect(links).toContain(`/rejections?ifwNumber=${ifw}`);
    expect(html).toContain(`<dd>${String(citations[0]!.mailDate)}</dd>`);

    // Both ways: a citation's record page links here, and the rejections search of this office
    // action lists exactly its rejections, each linking here.
    const record = await page(`/record/${citations[0]!.id}`);
    expect(hrefs(record.html)).toContain(`/office-action/${encodeURIComponent(ifw)}`);
    const search = await page(`/rejections?ifwNumber=${encodeURIComponent(ifw)}`);
    expect(shownTotal(search.html)).toBe(rejections.length);
    expect(hrefs(search.html).filter((h) => h === `/office-action/${encodeURIComponent(ifw)}`).length).toBe(rejections.length);
  });

  it('shows an office action with rejections only, and answers 404 for an unknown one', async () => {
    const cited = new Set(gw.records.map((r) => String(r.ifwNumber)));
    const lone = gw.rejections.find((r) => !cited.has(String(r.ifwNumber)));
    if (lone) {
      const { res, html } = await page(`/office-action/${encodeURIComponent(String(lone.ifwNumber))}`);
      expect(res.status).toBe(200);
      expect(html).toContain('Citations (0)');
      expect(html).toContain('No citation recorded for this office action.');
    }
    const missing = await page('/office-action/NO-SUCH-%22ACTION%22');
    expect(missing.res.status).toBe(404);
    expect(missing.html).toContain('No office action has the document id &quot;NO-SUCH-&quot;ACTION&quot;&quot;');
  });

  it('shows what one index holds when the other is not built, and 503 when neither is', async () => {
    const ifw = String(gw.rejections[0]!.ifwNumber);
    const admin = testAdmin();
    // A search key that may read the indexes never built (they are absent, not forbidden).
    const apiKey = await searchKeyFor(admin, ['no_such_citations', 'no_such_rejections', gw.rejectionsIndex]);
    const app = (citations: string, rejections: string) => {
      const reader = new MeiliReader({ url: admin.url, apiKey, index: citations, timeoutMs: 10_000 });
      return createApp({ reader, rejections: reader.forIndex(rejections), config: TEST_CONFIG, log: createLogger('silent') });
    };
    const onlyRejections = await app('no_such_citations', gw.rejectionsIndex).request(`/office-action/${ifw}`);
    const html = await onlyRejections.text();
    expect(onlyRejections.status).toBe(200);
    expect(html).toContain(`Rejections (${gw.rejections.filter((r) => r.ifwNumber === ifw).length})`);
    expect(html).not.toContain('h-citations');
    const neither = await app('no_such_citations', 'no_such_rejections').request(`/office-action/${ifw}`);
    expect(neither.status).toBe(503);
    expect(await neither.text()).toContain('Search is unavailable');
  });
});
