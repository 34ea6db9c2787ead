/**
 * The legacy /records contract end to end: generated data -> indexer -> real Meilisearch ->
 * gateway. Every criteria form is checked against an independent evaluation in plain JS over
 * the stored records (numFound and the exact set of ids).
 */
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FieldName } from '../src/catalog/fields.ts';
import type { OaRecord } from '../src/catalog/schema.ts';
import { dataSetsOut, fieldsOut, recordsOut } from '../src/legacy/reference.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ officeActions: 300, seed: 11 });
});
afterAll(async () => gw?.cleanup());

interface V1Response {
  responseHeader: { status: number; QTime: number; params: Record<string, string> };
  response: { numFound: number; start: number; docs: Record<string, string | string[]>[] };
}

const BASE = '/ds-api/oa_citations/v1';

async function post(body: Record<string, string>, query = '', headers: Record<string, string> = {}) {
  return gw.app.request(`${BASE}/records${query}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(body).toString(),
  });
}

async function records(criteria: string, start = 0, rows = 1000): Promise<V1Response> {
  const res = await post({ criteria, start: String(start), rows: String(rows) });
  const json = (await res.json()) as V1Response;
  expect(res.status, JSON.stringify(json)).toBe(200);
  return json;
}

/** All ids matching the criteria, paging with start/rows to the end. */
async function allIds(criteria: string): Promise<{ numFound: number; ids: string[] }> {
  const ids: string[] = [];
  let numFound = 0;
  for (let start = 0; ; start += 1000) {
    const page = await records(criteria, start, 1000);
    numFound = page.response.numFound;
    ids.push(...page.response.docs.map((d) => d.id as string));
    if (start + 1000 >= numFound) break;
  }
  return { numFound, ids };
}

const s = (r: OaRecord, f: FieldName) => (r[f] === undefined ? undefined : String(r[f]));
const has = (r: OaRecord, f: FieldName) => r[f] !== undefined;

describe('criteria forms against an independent evaluation', () => {
  // Values picked from the data so that every case matches something.
  const pick = () => {
    const withPub = gw.records.find((r) => String(r.Patent_PGPub).length === 11)!;
    const anyApp = gw.records[Math.floor(gw.records.length / 2)]!;
    return { pubPrefix: String(withPub.Patent_PGPub).slice(0, 4), app: String(anyApp.applicationId) };
  };

  const cases: [string, (r: OaRecord, v: ReturnType<typeof pick>) => boolean][] = [
    ['*:*', () => true],
    ['form892:1', (r) => r.form892 === 1],
    ['form892:1 AND form1449:0', (r) => r.form892 === 1 && r.form1449 === 0],
    ['form892:1 && citationInOA:1', (r) => r.form892 === 1 && r.citationInOA === 1],
    ['actionType:103 OR actionType:102', (r) => s(r, 'actionType') === '103' || s(r, 'actionType') === '102'],
    ['actionType:103 || actionType:102', (r) => s(r, 'actionType') === '103' || s(r, 'actionType') === '102'],
    ['actionType:(102 OR 103)', (r) => ['102', '103'].includes(s(r, 'actionType') ?? '')],
    ['actionType:102 actionType:103', (r) => ['102', '103'].includes(s(r, 'actionType') ?? '')],
    ['NOT form892:1', (r) => r.form892 !== 1],
    ['!form892:1', (r) => r.form892 !== 1],
    ['-form892:1', (r) => r.form892 !== 1],
    ['form1449:1 -citationInOA:1', (r) => r.form1449 === 1 && r.citationInOA !== 1],
    ['+form892:1 +documentCd:CTFR', (r) => r.form892 === 1 && s(r, 'documentCd') === 'CTFR'],
    // Lucene's classic precedence: "a AND b OR c" = +a +b c, "a OR b AND c" = a +b +c.
    ['form892:1 AND form1449:1 OR citationInOA:1', (r) => r.form892 === 1 && r.form1449 === 1],
    ['citationInOA:1 OR form892:1 AND form1449:1', (r) => r.form892 === 1 && r.form1449 === 1],
    ['(citationInOA:1 OR form892:1) AND documentCd:CTNF', (r) => (r.citationInOA === 1 || r.form892 === 1) && s(r, 'documentCd') === 'CTNF'],
    ['artUnit:[2100 TO 2199]', (r) => has(r, 'artUnit') && s(r, 'artUnit')! >= '2100' && s(r, 'artUnit')! <= '2199'],
    ['artUnit:{2100 TO 2199}', (r) => has(r, 'artUnit') && s(r, 'artUnit')! > '2100' && s(r, 'artUnit')! < '2199'],
    ['artUnit:[2100 TO 2199}', (r) => has(r, 'artUnit') && s(r, 'artUnit')! >= '2100' && s(r, 'artUnit')! < '2199'],
    ['mailDate:{20120101 TO 20121231]', (r) => has(r, 'mailDate') && s(r, 'mailDate')! > '2012-01-01' && s(r, 'mailDate')! <= '2012-12-31'],
    ['Patent_PGPub:*123*', (r) => s(r, 'Patent_PGPub')!.includes('123')],
    ['applicationId:(APP OR 00000000) AND -form892:1', (r, v) => s(r, 'applicationId') === v.app && r.form892 !== 1],
    ['artUnit:[2400 TO *]', (r) => has(r, 'artUnit') && s(r, 'artUnit')! >= '2400'],
    ['artUnit:[* TO 1800}', (r) => has(r, 'artUnit') && s(r, 'artUnit')! < '1800'],
    ['mailDate:[20120101 TO 20121231]', (r) => has(r, 'mailDate') && s(r, 'mailDate')! >= '2012-01-01' && s(r, 'mailDate')! <= '2012-12-31'],
    ['mailDate:[20150101 TO *]', (r) => has(r, 'mailDate') && s(r, 'mailDate')! >= '2015-01-01'],
    ['cite103Max:[2 TO 4]', (r) => typeof r.cite103Max === 'number' && r.cite103Max >= 2 && r.cite103Max <= 4],
    ['ifwNumber:*', (r) => has(r, 'ifwNumber')],
    ['-ifwNumber:*', (r) => !has(r, 'ifwNumber')],
    ['actionSubtype:"103(a)"', (r) => s(r, 'actionSubtype') === '103(a)'],
    ['actionSubtype:103\\(a\\)', (r) => s(r, 'actionSubtype') === '103(a)'],
    ['Patent_PGPub:PUBPREFIX*', (r, v) => s(r, 'Patent_PGPub')!.startsWith(v.pubPrefix)],
    ['APP', (r, v) => [s(r, 'applicationId'), s(r, 'Patent_PGPub'), s(r, 'ifwNumber')].includes(v.app)],
    ['applicationId:APP OR form892:0', (r, v) => s(r, 'applicationId') === v.app || r.form892 === 0],
  ];

  it.each(cases)('%s', async (criteria, predicate) => {
    const v = pick();
    const resolved = criteria.replace('PUBPREFIX', v.pubPrefix).replace('APP', v.app);
    const expected = gw.records.filter((r) => predicate(r, v)).map((r) => r.id).sort();
    expect(expected.length, `case "${resolved}" should match something`).toBeGreaterThan(0);
    const got = await allIds(resolved);
    expect(got.numFound).toBe(expected.length);
    expect([...got.ids].sort()).toEqual(expected);
  });
});

describe('paging', () => {
  it('reaches the last record with start/rows, never repeating or skipping one', async () => {
    const total = gw.records.length;
    const seen: string[] = [];
    for (let start = 0; start < total; start += 97) {
      const page = await records('*:*', start, 97);
      expect(page.response.numFound).toBe(total);
      expect(page.response.start).toBe(start);
      seen.push(...page.response.docs.map((d) => d.id as string));
    }
    expect(seen.length).toBe(total);
    expect(new Set(seen).size).toBe(total);
    const past = await records('*:*', total + 5, 10);
    expect(past.response.docs).toEqual([]);
    expect(past.response.numFound).toBe(total);
  });

  it('unaligned windows (start not a multiple of rows) are exact slices of the full order', async () => {
    const full = (await allIds('form892:1')).ids;
    for (const [start, rows] of [[1, 10], [5, 7], [999, 3], [1001, 50], [full.length - 2, 10]] as const) {
      const page = await records('form892:1', start, rows);
      expect(page.response.numFound).toBe(full.length);
      expect(page.response.docs.map((d) => d.id)).toEqual(full.slice(start, start + rows));
    }
  });

  it('rows=0 answers the count only', async () => {
    const page = await records('form892:1', 0, 0);
    expect(page.response.docs).toEqual([]);
    expect(page.response.numFound).toBe(gw.records.filter((r) => r.form892 === 1).length);
  });

  it('sorts by a field when asked, with id as the tie-break', async () => {
    const res = await post({ criteria: 'mailDate:*', rows: '50', sort: 'mailDate desc' });
    const json = (await res.json()) as V1Response;
    const dates = json.response.docs.map((d) => (d.mailDate as string[])[0]!);
    expect(dates).toEqual([...dates].sort().reverse());
  });
});

describe('the v1 envelope and doc shape', () => {
  it('serves one-element string arrays, a plain string id, and v1 dates', async () => {
    const json = await records('citationInOA:1 AND mailDate:*', 0, 5);
    expect(json.responseHeader.status).toBe(0);
    expect(json.responseHeader.params).toEqual({ criteria: 'citationInOA:1 AND mailDate:*', start: '0', rows: '5' });
    const doc = json.response.docs[0]!;
    expect(typeof doc.id).toBe('string');
    expect(doc.citationInOA).toEqual(['1']);
    expect((doc.mailDate as string[])[0]).toMatch(/^\d{4}-\d{2}-\d{2}T00:00:00$/);
    for (const [k, v] of Object.entries(doc)) {
      if (k === 'id') continue;
      expect(Array.isArray(v) && v.length === 1 && typeof v[0] === 'string', k).toBe(true);
    }
    expect(doc).not.toHaveProperty('citationText');
    expect(doc).not.toHaveProperty('formType');
  });

  it('leaves empty fields out of a doc', async () => {
    const json = await records('-ifwNumber:*', 0, 5);
    for (const doc of json.response.docs) {
      expect(doc).not.toHaveProperty('ifwNumber');
      expect(doc).not.toHaveProperty('mailDate');
    }
  });

  it('answers no match with numFound 0 and empty docs (HTTP 200)', async () => {
    const json = await records('applicationId:00000000');
    expect(json.response).toEqual({ numFound: 0, start: 0, docs: [] });
  });
});

describe('real client shapes', () => {
  it('R client: form body with criteria, start and rows', async () => {
    const res = await post({ criteria: 'form892:1', start: '10', rows: '20' });
    const json = (await res.json()) as V1Response;
    expect(json.response.start).toBe(10);
    expect(json.response.docs).toHaveLength(20);
    expect(json.response.numFound).toBe(gw.records.filter((r) => r.form892 === 1).length);
  });

  it('Python client: criteria and fl in the query string of a POST with an empty body', async () => {
    const res = await gw.app.request(`${BASE}/records?criteria=${encodeURIComponent('form1449:1')}&fl=applicationId,Patent_PGPub`, { method: 'POST' });
    const json = (await res.json()) as V1Response;
    expect(res.status).toBe(200);
    expect(json.responseHeader.params.fl).toBe('applicationId,Patent_PGPub');
    expect(json.response.numFound).toBe(gw.records.filter((r) => r.form1449 === 1).length);
    for (const doc of json.response.docs) expect(Object.keys(doc).sort()).toEqual(['Patent_PGPub', 'applicationId']);
  });

  it('the body wins over the query string', async () => {
    const res = await post({ criteria: 'form892:0', rows: '1' }, '?criteria=form892:1');
    const json = (await res.json()) as V1Response;
    expect(json.responseHeader.params.criteria).toBe('form892:0');
    expect(json.response.numFound).toBe(gw.records.filter((r) => r.form892 === 0).length);
  });

  it('JSON bodies work too', async () => {
    const res = await gw.app.request(`${BASE}/records`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ criteria: 'form892:1', rows: 3 }),
    });
    expect(((await res.json()) as V1Response).response.docs).toHaveLength(3);
  });

  it('gzips when asked', async () => {
    const res = await post({ criteria: '*:*', rows: '200' }, '', { 'Accept-Encoding': 'gzip' });
    expect(res.headers.get('content-encoding')).toBe('gzip');
    const json = JSON.parse(gunzipSync(Buffer.from(await res.arrayBuffer())).toString()) as V1Response;
    expect(json.response.docs).toHaveLength(200);
  });

  it('the Open Data Portal prefix serves the same answers', async () => {
    const a = (await (await post({ criteria: 'form892:1', rows: '7' })).json()) as V1Response;
    const res = await gw.app.request('/api/v1/patent/oa/oa_citations/v1/records', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-API-KEY': 'anything' },
      body: 'criteria=form892:1&rows=7',
    });
    const b = (await res.json()) as V1Response;
    expect(b.response).toEqual(a.response);
  });
});

describe('data set list and fields', () => {
  it('lists the data sets', async () => {
    const res = await gw.app.request('/ds-api/');
    const json = (await res.json()) as { total: number; apis: { apiKey: string; apiVersionNumber: string; apiUrl: string }[] };
    expect(json.total).toBe(2);
    expect(json.apis[1]).toMatchObject({ apiKey: 'oa_rejections', apiVersionNumber: 'v1' });
    expect(json.apis[0]).toMatchObject({ apiKey: 'oa_citations', apiVersionNumber: 'v1' });
    expect(json.apis[0]!.apiUrl).toMatch(/\/ds-api\/oa_citations\/v1\/fields$/);
  });

  it('lists the v1 fields from the catalog', async () => {
    const res = await gw.app.request(`${BASE}/fields`);
    const json = (await res.json()) as Record<string, unknown>;
    expect(json).toMatchObject({ apiKey: 'oa_citations', apiVersionNumber: 'v1', apiStatus: 'PUBLISHED' });
    expect(json.fields).toContain('Patent_PGPub');
    expect(json.fields).not.toContain('citationText');
    expect(json.fieldCount).toBe((json.fields as string[]).length);
    expect(json.lastDataUpdatedDate).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d$/);
  });

  it('404s unknown data sets and versions with a JSON message', async () => {
    for (const path of ['/ds-api/nope/v1/fields', '/ds-api/oa_citations/v2/fields', '/ds-api/oa_citations/v9/records']) {
      const res = await gw.app.request(path, { method: path.endsWith('records') ? 'POST' : 'GET' });
      expect(res.status).toBe(404);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/no (data set|version)/);
    }
  });
});

describe('bad input is a 400 that says what and where', () => {
  const bad: [Record<string, string>, string, RegExp, number?][] = [
    [{ criteria: 'nosuchfield:1' }, 'unknown_field', /unknown field "nosuchfield".*applicationId/, 0],
    [{ criteria: 'form892:1 AND (form1449:1' }, 'syntax', /\)/],
    [{ criteria: 'x'.repeat(10_001) }, 'too_long', /10000|10 000/],
    [{ criteria: 'form892:1\u0000' }, 'invalid_value', /NUL/i],
    [{ criteria: '*:*', start: '-1' }, 'invalid_parameter', /start/],
    [{ criteria: '*:*', start: 'abc' }, 'invalid_parameter', /start/],
    [{ criteria: '*:*', rows: '1001' }, 'invalid_parameter', /rows.*1000/],
    [{ criteria: '*:*', sort: 'citationText asc' }, 'invalid_sort', /sortable/],
  ];
  it.each(bad)('%j -> %s', async (body, code, message, position) => {
    const res = await post(body);
    expect(res.status).toBe(400);
    const json = (await res.json()) as { error: { code: string; message: string; position?: number } };
    expect(json.error.code).toBe(code);
    expect(json.error.message).toMatch(message);
    if (position !== undefined) expect(json.error.position).toBe(position);
  });

  it('a syntax error names its position', async () => {
    const res = await post({ criteria: 'form892:1 AND (form1449:1' });
    const json = (await res.json()) as { error: { position?: number } };
    expect(typeof json.error.position).toBe('number');
  });

  it('malformed multipart bodies are a 400', async () => {
    for (const type of ['multipart/form-data', 'multipart/form-data; boundary=xx']) {
      const res = await gw.app.request(`${BASE}/records`, { method: 'POST', headers: { 'Content-Type': type }, body: 'garbage' });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_body');
    }
  });

  it('bad JSON bodies are a 400', async () => {
    const res = await gw.app.request(`${BASE}/records`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{oops' });
    expect(res.status).toBe(400);
  });
});

describe('the legacy routes in the reference', () => {
  it('has examples that run, and the answers fit the documented shapes', async () => {
    const doc = (await (await gw.app.request('/openapi.json')).json()) as {
      paths: Record<string, { post: { requestBody: { content: Record<string, { examples: Record<string, { value: Record<string, string> }> }> } } }>;
    };
    const examples = doc.paths['/ds-api/{dataset}/{version}/records']!.post.requestBody.content['application/x-www-form-urlencoded']!.examples;
    expect(Object.keys(examples).length).toBeGreaterThan(2);
    for (const [name, example] of Object.entries(examples)) {
      const res = await post(example.value);
      const json = (await res.json()) as V1Response;
      expect(res.status, name).toBe(200);
      expect(() => recordsOut.parse(json), name).not.toThrow();
      expect(json.response.numFound, `example ${name} matches records`).toBeGreaterThan(0);
    }
    const fields = (await (await gw.app.request(`${BASE}/fields`)).json()) as { apiDocumentationUrl: string };
    expect(() => fieldsOut.parse(fields)).not.toThrow();
    const list: unknown = await (await gw.app.request('/ds-api/')).json();
    expect(() => dataSetsOut.parse(list)).not.toThrow();
    // /fields names /docs as its documentation: it is there.
    expect(new URL(fields.apiDocumentationUrl).pathname).toBe('/docs');
    expect((await gw.app.request('/docs')).status).toBe(200);
  });
});
