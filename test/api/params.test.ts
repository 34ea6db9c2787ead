/**
 * Parameters and filters of the modern API, without Meilisearch: validation answers before any
 * search is made, and filter compilation is pure. The reader points at a closed port, so a
 * request that got past validation would be a 503, never a 200.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { filterClauses, filterOf, filterShape, VALUE_FILTER_FIELDS } from '../../src/api/filters.ts';
import { NOTHING } from '../../src/catalog/layout.ts';
import { quote, render } from '../../src/filter/render.ts';
import type { Filter } from '../../src/filter/ast.ts';

const text = (f: Filter | undefined) => (f === undefined ? undefined : render(f, NOTHING).text);
import { searchQuery } from '../../src/api/search.ts';
import { FACET_FIELDS, FIELDS } from '../../src/catalog/fields.ts';
import { offlineApp } from './support.ts';

const app = offlineApp();

async function errorOf(url: string) {
  const res = await app.request(url);
  const body = (await res.json()) as { error: { code: string; message: string; details: { param: string; message: string }[] } };
  return { status: res.status, ...body.error };
}

describe('filter parameters come from the catalog', () => {
  it('has one parameter per filterable field, and a From/To pair per date field', () => {
    const expected = FIELDS.filter((f) => f.filter && f.name !== 'id').flatMap((f) => (f.type === 'date' ? [`${f.name}From`, `${f.name}To`] : [f.name]));
    expect(Object.keys(filterShape).sort()).toEqual(expected.sort());
    for (const name of ['formType', 'artUnit', 'techCenter', 'actionType', 'documentCd', 'mailYear', 'mailDateFrom', 'mailDateTo', 'applicationId', 'form892', 'rejection103']) {
      expect(Object.keys(filterShape)).toContain(name);
    }
  });
});

describe('filter compilation', () => {
  const clausesOf = (query: Record<string, unknown>) => filterClauses(searchQuery.parse(query));

  it('ORs values within a field and ANDs fields', () => {
    const clauses = clausesOf({ artUnit: ['2154', '2155'], form892: ['1'], mailYear: ['2012'] });
    // Clauses come in catalog order.
    expect(text(filterOf(clauses))).toBe('form892 = 1 AND artUnit IN ["2154", "2155"] AND mailYear = 2012');
    expect(text(filterOf(clauses, 'artUnit'))).toBe('form892 = 1 AND mailYear = 2012');
  });

  it('turns date bounds in either form into an inclusive ISO range', () => {
    const clauses = clausesOf({ mailDateFrom: '20120101', mailDateTo: '2012-12-31' });
    expect(text(clauses.get('mailDate'))).toBe('mailDate >= "2012-01-01" AND mailDate <= "2012-12-31"');
  });

  it('reads number filters in any written form', () => {
    expect(text(clausesOf({ Patent_PGPub: ['US 7,123,456 B2'] }).get('Patent_PGPub'))).toBe('Patent_PGPub IN ["7123456", "07123456"]');
    expect(text(clausesOf({ applicationId: ['12/345,678'] }).get('applicationId'))).toBe('applicationId = "12345678"');
  });

  it('never lets a value out of its string literal', () => {
    /** Reads a double-quoted literal the way Meilisearch does; returns the value and where it ended. */
    const readLiteral = (text: string) => {
      let value = '';
      for (let i = 1; i < text.length; i++) {
        if (text[i] === '\\') value += text[++i];
        else if (text[i] === '"') return { value, end: i };
        else value += text[i];
      }
      throw new Error('unterminated');
    };
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', '"', '\\', ' ', "'", ']', ')') }), (s) => {
        const literal = quote(s);
        expect(readLiteral(literal)).toEqual({ value: s, end: literal.length - 1 });
      }),
    );
  });
});

describe('bad parameters -> 400 with one message per parameter', () => {
  it('names each bad parameter', async () => {
    const err = await errorOf('/api/v1/search?mailDateFrom=2012-13-01&mailDateTo=yesterday&pageSize=5000&page=0&form892=2&sort=citationText:asc');
    expect(err.status).toBe(400);
    expect(err.code).toBe('invalid_parameter');
    const params = err.details.map((d) => d.param).sort();
    expect(params).toEqual(['form892', 'mailDateFrom', 'mailDateTo', 'page', 'pageSize', 'sort']);
    expect(err.details.find((d) => d.param === 'mailDateTo')!.message).toMatch(/yyyy-MM-dd or yyyyMMdd/);
    expect(err.details.find((d) => d.param === 'pageSize')!.message).toBe('must be at most 1000');
    expect(err.message).toContain('mailDateFrom:');
  });

  it('lists the valid facets for an unknown one', async () => {
    const err = await errorOf('/api/v1/search?facets=formType,bogus');
    expect(err.status).toBe(400);
    expect(err.details).toEqual([{ param: 'facets', message: expect.stringContaining('unknown facet "bogus"') }]);
    for (const f of FACET_FIELDS) expect(err.details[0]!.message).toContain(f.name);
    expect((await errorOf('/api/v1/facets/bogus')).details[0]).toMatchObject({ param: 'facet', message: expect.stringContaining('valid facets: ') });
  });

  it('refuses unknown parameters, suggesting the right spelling', async () => {
    const err = await errorOf('/api/v1/search?artunit=2154');
    expect(err.details).toEqual([{ param: 'artunit', message: 'unknown parameter; did you mean "artUnit"?' }]);
  });

  it('refuses a date range that ends before it starts', async () => {
    const err = await errorOf('/api/v1/export?mailDateFrom=2013-01-01&mailDateTo=20120101');
    expect(err.details).toEqual([{ param: 'mailDateFrom', message: 'is after mailDateTo (2013-01-01 > 2012-01-01)' }]);
  });

  it('checks enums of every route', async () => {
    expect((await errorOf('/api/v1/export?format=xml')).details).toEqual([{ param: 'format', message: 'must be csv, ndjson or parquet' }]);
    expect((await errorOf('/api/v1/export?fields=id,nope')).details[0]!.message).toContain('unknown field "nope"');
    expect((await errorOf('/api/v1/search?formType=893')).details[0]).toMatchObject({ param: 'formType', message: expect.stringContaining('892, 1449, oa-text') });
    expect((await errorOf('/api/v1/lookup')).details).toEqual([{ param: 'number', message: 'is required' }]);
    expect((await errorOf('/api/v1/lookup?number=abc')).details).toEqual([{ param: 'number', message: 'must be a number, got "abc"' }]);
    expect((await errorOf('/api/v1/stats/top-references?limit=0')).details).toEqual([{ param: 'limit', message: 'must be at least 1' }]);
  });

  it('gets past validation with good parameters (then fails on the missing Meilisearch)', async () => {
    const res = await app.request('/api/v1/search?artUnit=2154&artUnit=2155&mailDateFrom=20120101&facets=artUnit,mailYear&sort=mailDate:desc');
    expect(res.status).toBe(503);
  });

  it('accepts every value filter of the catalog', async () => {
    for (const f of VALUE_FILTER_FIELDS) {
      const special: Record<string, string> = { formType: '892', techCenter: '2100', mailYear: '2012' };
      const value = special[f.name] ?? (f.type === 'flag' ? '1' : f.type === 'int' ? '3' : '2154');
      const res = await app.request(`/api/v1/search?${f.name}=${value}`);
      expect(res.status, f.name).toBe(503);
    }
  });
});

describe('derived values of a fixed shape', () => {
  it.each([
    ['techCenter=2154', 'techCenter: must be a technology center: 4 digits ending in 00, e.g. 2100, got "2154"'],
    ['techCenter=21', 'techCenter: must be a technology center'],
    ['mailYear=12', 'mailYear: must be a 4-digit year, got "12"'],
  ])('%s -> 400', async (query, message) => {
    const res = await app.request(`/api/v1/search?${query}`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain(message);
  });
});

describe('GET /api/v1/fields', () => {
  it('lists every catalog field with the parameters that filter on it', async () => {
    const res = await app.request('/api/v1/fields');
    const body = (await res.json()) as { fields: { name: string; filter: string[]; facet: boolean }[] };
    expect(body.fields.map((f) => f.name)).toEqual(FIELDS.map((f) => f.name));
    expect(body.fields.find((f) => f.name === 'mailDate')!.filter).toEqual(['mailDateFrom', 'mailDateTo']);
    expect(body.fields.find((f) => f.name === 'artUnit')).toMatchObject({ filter: ['artUnit'], facet: true });
    expect(body.fields.find((f) => f.name === 'citationText')!.filter).toEqual([]);
  });
});
