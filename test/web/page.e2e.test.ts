/**
 * The web page over a real index (generator -> indexer -> Meilisearch -> app.request): what it
 * renders must be what the JSON API answers, its legacy criteria must select the same records as
 * its filters, and bad input must come back as a readable page, never a 500.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FieldName } from '../../src/catalog/fields.ts';
import type { OaRecord } from '../../src/catalog/schema.ts';
import { createApp } from '../../src/app.ts';
import { createLogger } from '../../src/http/log.ts';
import { legacyNumFound, shownCount, shownCriteria, shownTotal } from '../helpers/page.ts';
import { startTestGateway, TEST_CONFIG, type TestGateway } from '../helpers/gateway.ts';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ officeActions: 300, seed: 23 });
});
afterAll(async () => gw?.cleanup());

const numFound = (criteria: string) => legacyNumFound(gw.app, 'oa_citations', criteria);

const page = async (path: string) => {
  const res = await gw.app.request(path);
  return { res, html: await res.text() };
};
const api = async <T>(path: string) => {
  const res = await gw.app.request(path);
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
};

interface Search {
  totalHits: number;
  facetDistribution: Record<string, Record<string, number>>;
  hits: OaRecord[];
}

describe('the search page shows what the API answers', () => {
  it('renders totals, facet counts and hits of /api/v1/search', async () => {
    const { res, html } = await page('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const api0 = await api<Search>('/api/v1/search?facets=formType,artUnit,techCenter,actionType,documentCd,mailYear');
    expect(shownTotal(html)).toBe(gw.records.length);
    expect(shownTotal(html)).toBe(api0.totalHits);
    for (const [value, n] of Object.entries(api0.facetDistribution.formType!)) expect(shownCount(html, 'formType', value)).toBe(n);
    for (const id of api0.hits.map((h) => h.id)) expect(html).toContain(`href="/record/${id}"`);
    // The rejections index was never built here: its page says so (the switch still leads there).
    const rejections = await page('/rejections');
    expect(rejections.res.status).toBe(503);
    expect(rejections.html).toContain('No rejections to search yet');
    expect(rejections.html).toContain('npm run index -- --rejections &lt;file&gt;');
  });

  it('filters from the URL, with disjunctive counts, chips that remove them, and paging', async () => {
    // The two art units with most 892 citations: both sure to be listed in the panel's top values.
    const per = new Map<string, number>();
    for (const r of gw.records) if (r.artUnit && (r.formType as string[]).includes('892')) per.set(String(r.artUnit), (per.get(String(r.artUnit)) ?? 0) + 1);
    const [a1, a2] = [...per].sort((x, y) => y[1] - x[1]).map(([unit]) => unit);
    const expected = gw.records.filter((r) => r.artUnit === a1 && (r.formType as string[]).includes('892')).length;
    const { html } = await page(`/?artUnit=${a1}&formType=892`);
    expect(shownTotal(html)).toBe(expected);
    // A chosen art unit's panel still counts the others under the remaining filter (formType only).
    const other = gw.records.filter((r) => r.artUnit === a2 && (r.formType as string[]).includes('892')).length;
    expect(other).toBeGreaterThan(0);
    expect(shownCount(html, 'artUnit', a2!)).toBe(other);
    expect(html).toMatch(new RegExp(`name="artUnit" value="${a1}" checked`));
    // The chip for the art unit links to the same search without it.
    expect(html).toContain(`href="/?formType=892"><span class="visually-hidden">Remove </span>Art unit: ${a1} `);

    const all = await page('/?formType=892');
    const total = shownTotal(all.html);
    const lastPage = Math.ceil(total / 20);
    expect(all.html).toContain(`href="/?formType=892&amp;page=2" rel="next"`);
    const last = await page(`/?formType=892&page=${lastPage}`);
    expect(last.html.match(/class="hit"/g)?.length).toBe(total - (lastPage - 1) * 20);
    expect(last.html).toContain(`<span aria-current="page">${lastPage}</span>`);
  });

  it('keeps filters it has no control for (application, dates) as hidden fields and chips', async () => {
    const app = String(gw.records[0]!.applicationId);
    const { html } = await page(`/?applicationId=${app}&mailDateFrom=2010-01-01`);
    expect(html).toContain(`<input type="hidden" name="applicationId" value="${app}">`);
    expect(html).toContain(`<input type="hidden" name="mailDateFrom" value="2010-01-01">`);
    expect(html).toContain(`Application: ${app}`);
    expect(shownTotal(html)).toBe(gw.records.filter((r) => r.applicationId === app && String(r.mailDate ?? '') >= '2010-01-01').length);
  });

  it('links the export to the same parameters, and the export holds exactly the result set', async () => {
    const hit = gw.records.find((r) => r.citationText && /\d{7}/.test(String(r.citationText)))!;
    const q = String(hit.Patent_PGPub);
    const { html } = await page(`/?q=${encodeURIComponent(q)}&sort=mailDate:desc`);
    const href = /id="export-csv" href="([^"]+)"/.exec(html)![1]!.replaceAll('&amp;', '&');
    expect(href).toBe(`/api/v1/export?q=${q}&sort=mailDate%3Adesc&format=csv`);
    const res = await gw.app.request(href);
    expect(res.status).toBe(200);
    const lines = (await res.text()).trim().split('\n');
    const search = await api<Search>(`/api/v1/search?q=${q}&sort=mailDate:desc&pageSize=1000&facets=`);
    expect(Number(res.headers.get('x-total-count'))).toBe(search.totalHits);
    expect(lines.length - 1).toBe(search.totalHits);
    // Same order as the search: the id column of the CSV, row by row.
    const idCol = lines[0]!.split(',').indexOf('id');
    expect(lines.slice(1).map((l) => l.split(',')[idCol])).toEqual(search.hits.map((h) => h.id));
  });

  it('reads repeated parameters as the API does: the last q, every sort', async () => {
    const { html } = await page('/?q=first&q=Pat');
    expect(html).toContain('value="Pat"');
    const search = await api<Search>('/api/v1/search?q=first&q=Pat&pageSize=0&facets=');
    expect(shownTotal(html)).toBe(search.totalHits);
    expect(/id="export-csv" href="([^"]+)"/.exec(html)![1]).toBe('/api/v1/export?q=Pat&amp;format=csv');

    const sorted = await page('/?sort=mailDate:desc&sort=applicationId:asc');
    expect(sorted.html).toContain('href="/?sort=mailDate%3Adesc&amp;sort=applicationId%3Aasc&amp;page=2" rel="next"');
    expect(sorted.html).toContain('<option value="mailDate:desc,applicationId:asc" selected>Custom: mailDate:desc,applicationId:asc</option>');
  });

  it('says so when the page is past the last one', async () => {
    const { res, html } = await page('/?formType=892&page=100000');
    expect(res.status).toBe(200);
    const last = Math.ceil(gw.records.filter((r) => (r.formType as string[]).includes('892')).length / 20);
    expect(html).toContain(`There is no page 100,000: the last page is <a href="/?formType=892&amp;page=${last}">`);
  });

  it('escapes what the user typed', async () => {
    const { res, html } = await page(`/?q=${encodeURIComponent('<script>alert(1)</script>"')}`);
    expect(res.status).toBe(200);
    expect(html).not.toContain('<script>alert(1)');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&quot;');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
  });
});

describe('the legacy criteria shown selects the same records as the filters', () => {
  const combos = (): string[] => {
    const r = gw.records;
    const withAll = r.filter((x) => x.artUnit && x.mailYear && x.documentCd && x.actionType);
    const a = withAll[3]!;
    const b = withAll[withAll.length - 5]!;
    const pub = r.find((x) => String(x.Patent_PGPub).length === 7)!;
    const withSub = r.find((x) => x.actionSubtype)!;
    return [
      '',
      'formType=892',
      'formType=892&formType=oa-text',
      `formType=1449&artUnit=${a.artUnit}&artUnit=${b.artUnit}`,
      `techCenter=${a.techCenter}`,
      `techCenter=${a.techCenter}&techCenter=${b.techCenter}&mailYear=${a.mailYear}`,
      `mailYear=${a.mailYear}&mailYear=${b.mailYear}&documentCd=${a.documentCd}`,
      `actionType=${a.actionType}&formType=oa-text`,
      `actionSubtype=${encodeURIComponent(String(withSub.actionSubtype))}`,
      `applicationId=${a.applicationId}`,
      // A written number: the criteria must use the stored form(s) it stands for.
      `Patent_PGPub=${encodeURIComponent(`US ${Number(pub.Patent_PGPub).toLocaleString('en-US')} B2`)}`,
      `mailDateFrom=2010-03-01&mailDateTo=2012-12-31&formType=892`,
      `mailDateTo=20110615`,
      `rejection103=1&cite103Max=2`,
    ];
  };

  it('for facets, derived fields, written numbers and date ranges', async () => {
    for (const query of combos()) {
      const { res, html } = await page(`/?${query}`);
      expect(res.status, query).toBe(200);
      const criteria = shownCriteria(html);
      const total = shownTotal(html);
      expect(await numFound(criteria), `${query} -> ${criteria}`).toBe(total);
      if (query) expect(criteria).not.toBe('*:*');
    }
  });
});

describe('the legacy criteria, property-based', () => {
  it('random filter combinations, tricky strings included, select what the page shows', async () => {
    const valuesOf = (f: FieldName) => [...new Set(gw.records.map((r) => r[f]).filter((v) => v !== undefined).map(String))].slice(0, 6);
    const tricky = fc.constantFrom('OR', 'AND', 'not', 'TO', 'a b', 'x"y', 'back\\slash', '102(b)', '*', '-1', 'A:B', '(x)', 'é');
    const stringValue = (f: FieldName) => fc.oneof(fc.constantFrom(...valuesOf(f)), tricky);
    const param = fc.oneof(
      fc.constantFrom('892', '1449', 'oa-text').map((v) => ['formType', v] as const),
      fc.constantFrom(...valuesOf('artUnit')).map((v) => ['artUnit', v] as const),
      fc.constantFrom(...valuesOf('techCenter')).map((v) => ['techCenter', v] as const),
      fc.constantFrom(...valuesOf('mailYear')).map((v) => ['mailYear', v] as const),
      fc.constantFrom(...valuesOf('documentCd')).map((v) => ['documentCd', v] as const),
      stringValue('actionSubtype').map((v) => ['actionSubtype', v] as const),
      stringValue('uspcClass').map((v) => ['uspcClass', v] as const),
      stringValue('signatureType').map((v) => ['signatureType', v] as const),
      fc.constantFrom('0', '1').map((v) => ['rejection102', v] as const),
      fc.constantFrom(...valuesOf('cite103Max')).map((v) => ['cite103Max', v] as const),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(param, { minLength: 1, maxLength: 4 }), async (params) => {
        const { res, html } = await page(`/?${new URLSearchParams(params.map(([k, v]) => [k, v]))}`);
        expect(res.status).toBe(200);
        expect(await numFound(shownCriteria(html))).toBe(shownTotal(html));
      }),
      { numRuns: 60, seed: 7 },
    );
  });
});

describe('the record page', () => {
  it('shows a record with its office-action traits and links to the related lists', async () => {
    const rec = gw.records.find((r) => r.ifwNumber && r.rejection103 !== undefined)!;
    const { res, html } = await page(`/record/${rec.id}`);
    expect(res.status).toBe(200);
    const app = String(rec.applicationId);
    const appCount = gw.records.filter((r) => r.applicationId === app).length;
    const refCount = gw.records.filter((r) => r.Patent_PGPub === rec.Patent_PGPub).length;
    expect(html).toContain(`href="/?applicationId=${app}">All ${appCount} citation`);
    expect(html).toContain(`href="/?Patent_PGPub=${encodeURIComponent(String(rec.Patent_PGPub))}">All ${refCount} citation`);
    expect(html).toContain(`<dd>${rec.mailDate}</dd>`);
    expect(html).toMatch(new RegExp(`class="${rec.rejection103 === 1 ? 'yes' : 'no'}"><span class="mark" aria-hidden="true">[^<]*</span> 103 rejection`));
  });

  it('answers 404 for an unknown id, and keeps the way back to the search it came from', async () => {
    const { res, html } = await page('/record/no-such-record');
    expect(res.status).toBe(404);
    expect(html).toContain('No citation record has the id');
    const rec = gw.records[0]!;
    const back = await gw.app.request(`/record/${rec.id}`, { headers: { Referer: 'http://localhost/?formType=892&page=3' } });
    expect(await back.text()).toContain('href="/?formType=892&amp;page=3" class="back"');
  });
});

describe('bad input is a readable page, not a 500', () => {
  it.each([
    ['/?page=0', 'page: must be at least 1'],
    ['/?formType=999', 'formType: must be one of 892, 1449, oa-text'],
    ['/?mailDateFrom=2012-13-45', 'mailDateFrom'],
    ['/?sort=nope', 'cannot sort by'],
    ['/?artunit=2100', 'did you mean &quot;artUnit&quot;'],
  ])('%s', async (path, message) => {
    const { res, html } = await page(path);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(html).toContain('This search cannot run');
    expect(html).toContain(message);
  });

  it('unknown facet panels and assets are 404s, object property names included', async () => {
    expect((await gw.app.request('/facet-values/id')).status).toBe(404);
    for (const name of ['constructor', '__proto__', 'toString', 'app.jsx', '..%2F..%2Fpackage.json']) {
      expect((await gw.app.request(`/assets/${name}`)).status, name).toBe(404);
    }
    expect((await gw.app.request('/assets/app.js')).status).toBe(200);
  });

  it('a value named like an object property is just a value', async () => {
    const { res, html } = await page('/?documentCd=constructor');
    expect(res.status).toBe(200);
    expect(html).toContain('Document code: constructor');
    expect(html).not.toContain('native code');
  });

  it('values that match nothing and could not be written as criteria are refused', async () => {
    for (const [path, message] of [
      ['/?techCenter=16', 'techCenter: must be a technology center'],
      ['/?mailYear=99', 'mailYear: must be a 4-digit year'],
    ]) {
      const { res, html } = await page(path!);
      expect(res.status, path).toBe(400);
      expect(html).toContain(message);
    }
  });

  it('the error page shows the filters as chips and drops the refused one from the form', async () => {
    const app = String(gw.records[0]!.applicationId);
    const { html } = await page(`/?formType=999&applicationId=${app}`);
    expect(html).toContain(`<input type="hidden" name="applicationId" value="${app}">`);
    expect(html).not.toContain('name="formType" value="999"');
    // Its chip removes it.
    expect(html).toContain(`href="/?applicationId=${app}"><span class="visually-hidden">Remove </span>Form type: 999`);
  });

  it('answers a Referer that is no URL', async () => {
    const res = await gw.app.request(`/record/${gw.records[0]!.id}`, { headers: { Referer: 'http://[' } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('href="/" class="back"');
  });
});

describe('the art-unit finder', () => {
  it('lists the art units starting with what was typed, counted under the other filters', async () => {
    const unit = String(gw.records.find((r) => r.artUnit)!.artUnit);
    const prefix = unit.slice(0, 2);
    const res = await gw.app.request(`/facet-values/artUnit?facetQuery=${prefix}&formType=1449`);
    expect(res.status).toBe(200);
    const html = await res.text();
    const listed = [...html.matchAll(/value="(\d+)"[^>]*>\s*<label[^>]*>[^<]*<span class="count">([\d,]+)/g)].map((m) => [m[1]!, Number(m[2]!.replaceAll(',', ''))]);
    expect(listed.length).toBeGreaterThan(0);
    for (const [value, n] of listed) {
      expect(String(value).startsWith(prefix)).toBe(true);
      expect(n).toBe(gw.records.filter((r) => r.artUnit === value && (r.formType as string[]).includes('1449')).length);
    }
  });
});

describe('the art-unit finder keeps chosen values', () => {
  it('lists a chosen art unit (checked) even when it does not start with what was typed', async () => {
    const unit = String(gw.records.find((r) => r.artUnit)!.artUnit);
    const html = await (await gw.app.request(`/facet-values/artUnit?facetQuery=99&artUnit=${unit}`)).text();
    expect(html).toMatch(new RegExp(`name="artUnit" value="${unit}" checked`));
  });
});

describe('the art-unit finder refuses bad input', () => {
  it('a 400 naming the parameter, never a 500', async () => {
    for (const [query, message] of [
      [`facetQuery=${'2'.repeat(101)}`, 'facetQuery: must be at most 100 characters'],
      ['facetQuery=21&formType=999', 'formType: must be one of'],
      ['facetQuery=21&nope=1', 'nope: unknown parameter'],
    ]) {
      const res = await gw.app.request(`/facet-values/artUnit?${query}`);
      expect(res.status, query).toBe(400);
      expect(((await res.json()) as { error: { message: string } }).error.message).toContain(message);
    }
  });
});

describe('WEB_UI=false', () => {
  it('leaves / unserved while the APIs answer', async () => {
    const app = createApp({ reader: gw.reader, config: { ...TEST_CONFIG, WEB_UI: false }, log: createLogger('silent') });
    expect((await app.request('/')).status).toBe(404);
    expect((await app.request('/rejections')).status).toBe(404);
    expect((await app.request('/office-action/1')).status).toBe(404);
    expect((await app.request('/api/v1/search?pageSize=0')).status).toBe(200);
  });
});
