/**
 * The legacy /records route answers criteria as Solr's standard parser over string fields did
 * (../shared/reference/legacy-contract.md, "How Solr answered criteria"), end to end on a real
 * Meilisearch: every answer - numFound and the exact ids - is checked against the Solr oracle
 * (test/helpers/solr-oracle.ts) over the records themselves. The records are written to hold the
 * values where Solr and a typed or trimmed reading part ways: codes with spaces and lower case,
 * foreign references, counts from 0 to 12, dates across years.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordId } from '../indexer/records.ts';
import { createApp } from '../src/app.ts';
import { indexSettings, PRIMARY_KEY } from '../src/catalog/index-settings.ts';
import { decode, encode } from '../src/catalog/layout.ts';
import type { OaRecord } from '../src/catalog/schema.ts';
import { pattern } from '../src/filter/ast.ts';
import { ApiError } from '../src/http/errors.ts';
import { lex } from '../src/legacy/criteria/lexer.ts';
import { parse } from '../src/legacy/criteria/parser.ts';
import { createLogger } from '../src/http/log.ts';
import { searchKeyFor } from '../src/meili/connect.ts';
import { MeiliReader } from '../src/meili/reader.ts';
import { answerFromValues } from '../src/store/values.ts';
import { TEST_CONFIG } from './helpers/config.ts';
import { testAdmin, testMeili, uniqueIndex } from './helpers/meili.ts';
import { solrMatches } from './helpers/solr-oracle.ts';

const pick = <T>(values: readonly T[], i: number): T => values[i % values.length]!;

/** 300 records (deterministic), cycling through the values below at different strides. */
function records(): OaRecord[] {
  const out: OaRecord[] = [];
  for (let i = 0; i < 300; i++) {
    const r: Record<string, unknown> = {
      applicationId: String(1_200_000 + (i % 37)).padStart(8, '0'),
      Patent_PGPub: pick(['7000123', '20050123456', 'EP1000011', 'ep1000022', 'WO 2005/012345', 'RE12345', 'D512345', String(6_000_000 + i)], i),
      form892: i % 2,
      form1449: (i >> 1) % 2,
      citationInOA: i % 3 === 0 ? 1 : 0,
      artUnit: pick(['2154', '2100', '1700', '3600', '2199', '21A', '0999', '2164'], i),
      uspcClass: pick(['700', '701', '702', 'D14', '4 28', '435'], i),
      uspcSubClass: pick(['5.5', '12', '123.45', '1'], i),
    };
    if (i % 6 !== 5) {
      r.actionType = pick(['103', '102', '101', '35 USC 103'], i);
      r.actionSubtype = pick(['103(a)', '102(b)', '112(b)', '102 (e)', '103'], i);
    }
    if (i % 5 !== 4) {
      r.ifwNumber = `IFW${String(i % 41).padStart(6, '0')}`;
      r.mailDate = `${2008 + (i % 9)}-${String(1 + (i % 11)).padStart(2, '0')}-${String(1 + ((i * 7) % 28)).padStart(2, '0')}`;
      r.documentCd = pick(['CTNF', 'CTFR', 'NOA', 'ctnf'], i);
      r.signatureType = pick(['1', '2', 'X', '10', '0'], i);
      r.cite103Max = i % 13;
      for (const [k, f] of ['rejection101', 'rejection102', 'rejection103', 'rejection112', 'objection'].entries()) r[f] = (i >> k) % 2;
    }
    r.id = recordId(String(r.applicationId), String(r.ifwNumber ?? ''), String(r.Patent_PGPub));
    out.push(decode(encode(r as OaRecord)));
  }
  return out;
}

const admin = testAdmin();
const uid = uniqueIndex('solr');
let app: ReturnType<typeof createApp>;
let reader: MeiliReader;
let all: OaRecord[];

beforeAll(async () => {
  all = records();
  const { client } = admin;
  await client.createIndex(uid, { primaryKey: PRIMARY_KEY }).waitTask();
  await client.index(uid).updateSettings(indexSettings()).waitTask();
  await client.index(uid).addDocuments(all.map(encode)).waitTask();
  const key = await searchKeyFor(admin, uid);
  reader = new MeiliReader({ url: testMeili().url, apiKey: key, index: uid, timeoutMs: 10_000 });
  app = createApp({ reader, config: TEST_CONFIG, log: createLogger('silent') });
});
afterAll(async () => {
  await admin.client.deleteIndex(uid).waitTask();
});

async function post(params: Record<string, string>) {
  return app.request('/ds-api/oa_citations/v1/records', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params).toString(),
  });
}

async function answer(criteria: string): Promise<{ numFound: number; ids: string[] }> {
  const res = await post({ criteria, rows: '1000', fl: 'id' });
  const body = (await res.json()) as { response: { numFound: number; docs: { id: string }[] } };
  expect(res.status, `${criteria}: ${JSON.stringify(body)}`).toBe(200);
  return { numFound: body.response.numFound, ids: body.response.docs.map((d) => d.id).sort() };
}

function solrAnswer(criteria: string): { numFound: number; ids: string[] } {
  const tree = parse(lex(criteria), { maxDepth: 50 });
  const ids = all.filter((r) => solrMatches(tree, r)).map((r) => String(r.id)).sort();
  return { numFound: ids.length, ids };
}

async function expectSolr(criteria: string): Promise<number> {
  const expected = solrAnswer(criteria);
  expect(await answer(criteria), criteria).toEqual(expected);
  return expected.numFound;
}

describe('criteria answered as Solr did', () => {
  // [criteria, Solr's numFound is 0 (true) or not (false)]: each class of the issue, with cases
  // that must be empty and cases that must not, so a wrong reading cannot pass as "both empty".
  const cases: [string, boolean][] = [
    // Nested groups of negative clauses only match nothing; the top one is completed with *:*.
    ['citationInOA:1 AND (-form892:1)', true],
    ['citationInOA:1 OR (-form892:1)', false],
    ['documentCd:CTFR AND artUnit:(-2154)', true],
    ['artUnit:(-2154)', false],
    ['-(-form892:1)', false],
    ['(-form892:1)', false],
    ['+(-form892:1)', true],
    ['NOT (-form892:1)', false],
    ['citationInOA:1 AND (*:* -form892:1)', false],
    ['form892:1 OR (-form1449:1 -citationInOA:1)', false],
    ['-form892:1 -form1449:1', false],
    // Range bounds fold case as equality does.
    ['documentCd:[CTFR TO CTNF]', false],
    ['documentCd:{CTFR TO *]', false],
    ['documentCd:[ctfr TO ctfr]', false],
    ['Patent_PGPub:[A TO Z]', false],
    ['Patent_PGPub:{EP TO F}', false],
    ['uspcClass:[D TO E]', false],
    ['actionSubtype:[102 TO 103]', false],
    ['signatureType:[1 TO 2]', false],
    // Values as text: "2" > "10", `true` and `03` are values no record holds.
    ['cite103Max:[2 TO 10]', true],
    ['cite103Max:[2 TO 4]', false],
    ['cite103Max:[10 TO 9]', false],
    ['cite103Max:{* TO 3]', false],
    ['cite103Max:1*', false],
    ['cite103Max:?', false],
    ['cite103Max:3', false],
    ['cite103Max:03', true],
    ['form892:true', true],
    ['form892:2', true],
    ['form892:2 OR form1449:1', false],
    ['form892:1*', false],
    ['form892:?', false],
    ['rejection103:[1 TO 2]', false],
    ['rejection103:{0 TO *]', false],
    ['signatureType:1*', false],
    ['mailDate:20120315 OR mailDate:foo OR form892:1', false],
    ['mailDate:[2012 TO 2013]', false],
    ['mailDate:{2012 TO 20130101]', false],
    ['mailDate:2012*', false],
    ['mailDate:201203*', false],
    ['mailDate:2012??1?', false],
    ['mailDate:*15', false],
    ['mailDate:20*0?', false],
    // Wildcards of every shape, and texts with spaces.
    ['actionType:*\\ *', false],
    ['uspcClass:*\\ *', false],
    ['actionSubtype:*\\ *', false],
    ['artUnit:*\\ *', true],
    ['actionSubtype:10?\\(?\\)', false],
    ['artUnit:21?4', false],
    ['artUnit:*54', false],
    ['artUnit:2*4', false],
    ['artUnit:21*', false],
    ['documentCd:c?nf', false],
    ['Patent_PGPub:*45', false],
    ['Patent_PGPub:ep*2', false],
    ['Patent_PGPub:WO\\ *', false],
    ['Patent_PGPub:*\\ 2005*', false],
    ['uspcSubClass:1*5', false],
    ['ifwNumber:IFW00001?', false],
    ['0120000? AND form892:1', false],
    ['*12345', false],
  ];

  it.each(cases)('%s', async (criteria, empty) => {
    const numFound = await expectSolr(criteria);
    if (empty) expect(numFound, 'Solr finds nothing').toBe(0);
    else expect(numFound, 'Solr finds something').toBeGreaterThan(0);
  });

  it('answers random criteria as Solr did', async () => {
    const leaf = fc.constantFrom(
      'form892:1', 'form892:0', 'form1449:1', 'citationInOA:1', 'form892:true', 'rejection103:[1 TO 2]', 'rejection101:*',
      'documentCd:CTNF', 'documentCd:[CTFR TO CTNF]', 'documentCd:N*', 'signatureType:X', 'signatureType:1?',
      'artUnit:2154', 'artUnit:21?4', 'artUnit:[2100 TO 2199]', 'artUnit:*', 'uspcClass:*\\ *', 'uspcClass:D*',
      'cite103Max:[2 TO 10]', 'cite103Max:1*', 'cite103Max:3', 'mailDate:2012*', 'mailDate:[2010 TO 2013]', 'mailDate:*1?',
      'actionType:103', 'actionType:*\\ *', 'Patent_PGPub:EP*', 'Patent_PGPub:*5', '*:*',
    );
    const { criteria } = fc.letrec<{ criteria: string; clause: string }>((tie) => ({
      clause: fc.oneof({ depthSize: 'small' }, leaf, tie('criteria').map((c) => `(${c})`)),
      criteria: fc
        .array(fc.tuple(fc.constantFrom('', 'AND ', 'OR '), fc.constantFrom('', '', '+', '-', 'NOT '), tie('clause')), { minLength: 1, maxLength: 3 })
        .map((items) => items.map(([conj, mod, clause], i) => `${i === 0 ? '' : conj}${mod}${clause}`).join(' ')),
    }));
    await fc.assert(
      fc.asyncProperty(criteria, async (c) => {
        expect(await answer(c), c).toEqual(solrAnswer(c));
      }),
      { numRuns: 150 },
    );
  }, 120_000);

  it('refuses, with 400 too_broad, a wildcard whose values cannot all be listed', async () => {
    // The listing limit is Meilisearch's maxValuesPerFacet (10,000); lowered here to the few values this index holds.
    const filter = pattern('Patent_PGPub', [{ kind: 'anyChar' }, { kind: 'anyString' }]);
    const attempt = answerFromValues(filter, reader, { maxValues: 5 });
    await expect(attempt).rejects.toBeInstanceOf(ApiError);
    await expect(attempt).rejects.toMatchObject({ status: 400, code: 'too_broad' });
    await expect(attempt).rejects.toThrow(/Patent_PGPub MATCHES "\?\*".*begin the wildcard with more literal characters/);
    // A wildcard narrowed by its literal start lists few values, and is answered.
    expect(await answerFromValues(pattern('Patent_PGPub', [{ kind: 'literal', text: 'EP' }, { kind: 'anyChar' }, { kind: 'anyString' }]), reader, { maxValues: 5 })).toEqual({
      op: 'cond',
      cond: { kind: 'in', field: 'Patent_PGPub', values: expect.arrayContaining(['EP1000011', 'ep1000022']) as unknown as string[] },
    });
  });
});

describe('fl and the echoed parameters, as Solr read them', () => {
  async function docs(params: Record<string, string>) {
    const res = await post({ criteria: 'documentCd:NOA', rows: '3', ...params });
    expect(res.status).toBe(200);
    return (await res.json()) as { responseHeader: { params: Record<string, string> }; response: { docs: Record<string, unknown>[] } };
  }

  it('ignores names that are no field', async () => {
    const body = await docs({ fl: 'applicationId,noSuchField' });
    for (const d of body.response.docs) expect(Object.keys(d)).toEqual(['applicationId']);
    const none = await docs({ fl: 'noSuchField score' });
    expect(none.response.docs.length).toBeGreaterThan(0);
    for (const d of none.response.docs) expect(d).toEqual({});
  });

  it('expands globs to the fields they match', async () => {
    const body = await docs({ fl: 'applicationId,form*' });
    for (const d of body.response.docs) expect(Object.keys(d).sort()).toEqual(['applicationId', 'form1449', 'form892']);
    const rejections = await docs({ fl: 'rejection10?' });
    for (const d of rejections.response.docs) expect(Object.keys(d).sort()).toEqual(['rejection101', 'rejection102', 'rejection103']);
    const every = await docs({ fl: 'id,*' });
    expect(Object.keys(every.response.docs[0]!)).toContain('mailDate');
  });

  it('echoes every parameter as given, unknown ones included', async () => {
    const body = await docs({ fl: ' applicationId, form* ', start: '0', version: 'v1', dataset: 'oa_citations', wt: 'json' });
    expect(body.responseHeader.params).toEqual({
      criteria: 'documentCd:NOA',
      rows: '3',
      fl: ' applicationId, form* ',
      start: '0',
      version: 'v1',
      dataset: 'oa_citations',
      wt: 'json',
    });
    // What was used for criteria, start and rows is there when they were not given.
    const res = await app.request('/ds-api/oa_citations/v1/records', { method: 'POST' });
    expect(((await res.json()) as { responseHeader: { params: Record<string, string> } }).responseHeader.params).toEqual({ criteria: '*:*', start: '0', rows: '100' });
  });
});
