/**
 * Hostile input over HTTP against a real Meilisearch: whatever the parameters, the gateway answers
 * 2xx or 4xx (never 5xx), and every 4xx says what was wrong. FUZZ_RUNS raises the case count
 * (CI: 10 000; the documented long run: FUZZ_RUNS=100000 npx vitest run test/resilience/fuzz).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { CRITERIA_FIELDS } from '../../src/legacy/criteria/index.ts';
import { createLogger } from '../../src/http/log.ts';
import { searchKeyFor } from '../../src/meili/connect.ts';
import { MeiliReader } from '../../src/meili/reader.ts';
import { TEST_CONFIG } from '../helpers/config.ts';
import { testAdmin, uniqueIndex } from '../helpers/meili.ts';
import { createSmallIndex } from '../helpers/small-index.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
const index = uniqueIndex('fuzz');
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  const admin = testAdmin();
  await createSmallIndex(admin.client, index, 300);
  const reader = new MeiliReader({ url: admin.url, apiKey: await searchKeyFor(admin, index), index, timeoutMs: 10_000 });
  app = createApp({ reader, config: TEST_CONFIG, log: createLogger('silent') });
});
afterAll(async () => {
  await testAdmin().client.deleteIndex(index).waitTask();
});

const fieldNames = [...CRITERIA_FIELDS.keys()];
const atom = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.constantFrom('AND', 'OR', 'NOT', '&&', '||', '!', '+', '-', '(', ')', '[', ']', '{', '}', 'TO', '*', '?', ':', '"', '\\', '^2', '~', '*:*', ' ', 'EXISTS', '= "x" OR id EXISTS', '\u0000'),
  fc.constantFrom(...fieldNames).map((f) => `${f}:`),
  fc.integer().map(String),
);
const criteria = fc.array(atom, { maxLength: 12 }).map((parts) => parts.join(''));
const param = fc.oneof(fc.constant(undefined), fc.string(), fc.integer({ min: -5, max: 5000 }).map(String));

describe('fuzzing /records', () => {
  it(`never answers 5xx, and every 4xx carries a message (${RUNS} cases)`, async () => {
    await fc.assert(
      fc.asyncProperty(criteria, param, param, fc.oneof(fc.constant(undefined), fc.string()), async (c, start, rows, fl) => {
        const body = new URLSearchParams({ criteria: c });
        if (start !== undefined) body.set('start', start);
        if (rows !== undefined) body.set('rows', rows);
        if (fl !== undefined) body.set('fl', fl);
        const res = await app.request('/ds-api/oa_citations/v1/records', { method: 'POST', body });
        expect(res.status).toBeLessThan(500);
        const json = (await res.json()) as { error?: { message?: string }; response?: { numFound: number } };
        if (res.status >= 400) expect(json.error?.message).toBeTruthy();
        else expect(typeof json.response?.numFound).toBe('number');
      }),
      { numRuns: RUNS },
    );
  }, 600_000);

  it('values with quotes, backslashes, keywords and unicode cannot change the filter', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'grapheme' }), async (value) => {
        fc.pre(!value.includes('\u0000'));
        const escaped = value.replace(/[\\"]/g, (ch) => `\\${ch}`);
        const res = await app.request('/ds-api/oa_citations/v1/records', {
          method: 'POST',
          body: new URLSearchParams({ criteria: `applicationId:"${escaped}"` }),
        });
        expect(res.status).toBeLessThan(500);
        if (res.status === 200) {
          const json = (await res.json()) as { response: { numFound: number } };
          // No stored applicationId is anything but 8 digits, so a hostile value matches nothing
          // unless it is such a number itself.
          if (!/^\s*\d{8}\s*$/.test(value)) expect(json.response.numFound).toBe(0);
        }
      }),
      { numRuns: Math.min(RUNS, 2000) },
    );
  }, 600_000);
});

const searchParams = ['q', 'formType', 'artUnit', 'techCenter', 'actionType', 'documentCd', 'mailYear', 'mailDateFrom', 'mailDateTo', 'applicationId', 'form892', 'facets', 'page', 'pageSize', 'sort', 'bogus'];
const hostile = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.constantFrom('"', '\\', '" OR id EXISTS', 'NOT', '2100,2154', '-1', '99999999', '20121301', 'formType,artUnit', 'mailDate:desc', '\u0000'));

describe('fuzzing /records bodies and content types', () => {
  const types = fc.constantFrom(
    'application/x-www-form-urlencoded',
    'application/json',
    'multipart/form-data',
    'multipart/form-data; boundary=xx',
    'text/plain',
    'application/octet-stream',
    'application/json; charset=latin1',
  );
  it(`never answers 5xx whatever the body and its declared type (${Math.min(RUNS, 2000)} cases)`, async () => {
    await fc.assert(
      fc.asyncProperty(types, fc.oneof(fc.string(), fc.json(), fc.string({ unit: 'binary' })), async (type, body) => {
        const res = await app.request('/ds-api/oa_citations/v1/records', { method: 'POST', headers: { 'Content-Type': type }, body });
        expect(res.status).toBeLessThan(500);
        if (res.status >= 400) expect(((await res.json()) as { error?: { message?: string } }).error?.message).toBeTruthy();
      }),
      { numRuns: Math.min(RUNS, 2000) },
    );
  }, 600_000);
});

describe('fuzzing /api/v1/search', () => {
  it(`never answers 5xx, and every 4xx carries a message (${RUNS} cases)`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.constantFrom(...searchParams), hostile), { maxLength: 6 }), async (pairs) => {
        const res = await app.request(`/api/v1/search?${new URLSearchParams(pairs).toString()}`);
        expect(res.status).toBeLessThan(500);
        const json = (await res.json()) as { error?: { message?: string }; totalHits?: number };
        if (res.status >= 400) expect(json.error?.message).toBeTruthy();
        else expect(typeof json.totalHits).toBe('number');
      }),
      { numRuns: RUNS },
    );
  }, 600_000);
});
