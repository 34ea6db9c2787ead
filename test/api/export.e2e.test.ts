/**
 * The export end to end on a real Meilisearch: exactly the filtered rows in CSV and NDJSON, by
 * application number then index order; bounded memory on a large set (measured as documents
 * fetched but not yet consumed, from the page sizes the reader sees: RSS would be flaky); the
 * work stops when the client cancels.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CITATIONS } from '../../src/catalog/citations.ts';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIELDS, type FieldName } from '../../src/catalog/fields.ts';
import type { OaRecord } from '../../src/catalog/schema.ts';
import { MeiliReader, type SearchBody, type SearchResult } from '../../src/meili/reader.ts';
import { RecordStore } from '../../src/store/records.ts';
import type { TestGateway } from '../helpers/gateway.ts';
import { duckdbRead } from '../helpers/duckdb.ts';
import { pyarrowPython, pyarrowRead } from '../helpers/pyarrow.ts';
import { testMeili } from '../helpers/meili.ts';
import { apiApp, filterQuery, matches, parseCsv, startApiGateway, topValues, valuesOf, type OracleFilter } from './support.ts';

let gw: TestGateway;
const scratch = mkdtempSync(join(tmpdir(), 'oa-export-'));
beforeAll(async () => {
  gw = await startApiGateway({ officeActions: 500, seed: 23 });
});
afterAll(async () => {
  rmSync(scratch, { recursive: true, force: true });
  await gw?.cleanup();
});

/** A reader that records every search: its page size, how many documents came back, its signal. */
class SpyReader extends MeiliReader {
  readonly fetches: { limit: number; returned: number; signal: AbortSignal | undefined }[] = [];
  override async search<T>(body: SearchBody, signal?: AbortSignal): Promise<SearchResult<T>> {
    const page = await super.search<T>(body, signal);
    this.fetches.push({ limit: body.hitsPerPage ?? body.limit ?? 20, returned: page.hits.length, signal });
    return page;
  }
  get fetched(): number {
    return this.fetches.reduce((n, f) => n + f.returned, 0);
  }
}

function spyApp(pageSize: number) {
  const { url, masterKey } = testMeili();
  const reader = new SpyReader({ url, apiKey: masterKey, index: gw.index, timeoutMs: 10_000 });
  return { reader, app: apiApp({ store: new RecordStore(CITATIONS, reader), exportPageSize: pageSize }) };
}

/** Index order: gw.records were read through the documents route, which walks it. */
const position = (r: OaRecord) => indexPosition.get(r.id)!;
let indexPosition: Map<string, number>;
beforeAll(() => {
  indexPosition = new Map(gw.records.map((r, i) => [r.id, i]));
});
/** The order of an export without a sort: application number, then index order. */
const byApplication = (a: OaRecord, b: OaRecord) => {
  const [x, y] = [String(a.applicationId), String(b.applicationId)];
  return x < y ? -1 : x > y ? 1 : position(a) - position(b);
};
const CATALOG = FIELDS.map((f) => f.name);

function pickFilter(): OracleFilter {
  const tc = topValues(gw.records, 'techCenter', 1)[0]!;
  return { values: { techCenter: [tc], form892: ['1'] }, mailDateFrom: '20090101' };
}

describe('GET /api/v1/export', () => {
  it('CSV: a catalog header, then exactly the filtered rows by application then index order, RFC 4180', async () => {
    const filter = pickFilter();
    const expected = gw.records.filter((r) => matches(r, filter)).sort(byApplication);
    expect(expected.length).toBeGreaterThan(100);
    const q = filterQuery(filter);
    q.set('format', 'csv');
    const res = await gw.app.request(`/api/v1/export?${q}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('x-total-count')).toBe(String(expected.length));
    const [header, ...rows] = parseCsv(await res.text());
    expect(header).toEqual(CATALOG);
    expect(rows).toEqual(expected.map((r) => CATALOG.map((f) => valuesOf(r, f).join('|'))));
    // The free-text column really needed quoting somewhere (commas in "US 7,123,456 B2").
    expect(expected.some((r) => String(r.citationText ?? '').includes(','))).toBe(true);
  });

  it('NDJSON: one stored record per line, the same rows', async () => {
    const filter = pickFilter();
    const expected = gw.records.filter((r) => matches(r, filter)).sort(byApplication);
    const q = filterQuery(filter);
    q.set('format', 'ndjson');
    const res = await gw.app.request(`/api/v1/export?${q}`);
    expect(res.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    const lines = (await res.text()).split('\n');
    expect(lines.pop()).toBe('');
    const records = lines.map((l) => JSON.parse(l) as OaRecord);
    // Same values; key order follows the catalog.
    expect(records).toEqual(expected);
    expect(Object.keys(records[0]!)).toEqual(CATALOG.filter((f) => records[0]![f] !== undefined));
  });

  /** A stored record as its Parquet row reads back: typed by the catalog, absent values null. */
  function parquetRow(r: OaRecord): Record<string, unknown> {
    const row: Record<string, unknown> = {};
    for (const f of FIELDS) {
      const v = r[f.name];
      if (v === undefined) row[f.name] = null;
      else if (f.type === 'flag') row[f.name] = v === 1;
      else if (f.type === 'int') row[f.name] = v;
      else if (f.type === 'date') row[f.name] = new Date(`${String(v)}T00:00:00Z`);
      else row[f.name] = v;
    }
    return row;
  }

  it('Parquet: typed columns, one row group per page, the same rows; readable back', async () => {
    const filter = pickFilter();
    const expected = gw.records.filter((r) => matches(r, filter)).sort(byApplication);
    const pageSize = 37;
    const { app } = spyApp(pageSize);
    const q = filterQuery(filter);
    q.set('format', 'parquet');
    const res = await app.request(`/api/v1/export?${q}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.apache.parquet');
    expect(res.headers.get('content-disposition')).toMatch(/\.parquet"$/);
    expect(res.headers.get('x-total-count')).toBe(String(expected.length));
    const file = await res.arrayBuffer();
    const metadata = parquetMetadata(file);
    expect(Number(metadata.num_rows)).toBe(expected.length);
    expect(metadata.row_groups.length).toBe(Math.ceil(expected.length / pageSize));
    const types = Object.fromEntries(metadata.schema.slice(1).map((e) => [e.name, e.converted_type ?? e.type]));
    expect(types).toMatchObject({ applicationId: 'UTF8', form892: 'BOOLEAN', mailDate: 'DATE', cite103Max: 'INT32', formType: 'LIST' });
    const rows = await parquetReadObjects({ file });
    expect(rows).toEqual(expected.map(parquetRow));
    // Some values really were absent, and some dates present, so both readings were tested.
    expect(rows.some((r) => Object.values(r).includes(null))).toBe(true);
  });

  /** The picked filter's export as a Parquet file in the scratch folder, and the records it must hold. */
  async function exportedParquet(pageSize: number, name: string): Promise<{ path: string; expected: OaRecord[] }> {
    const filter = pickFilter();
    const expected = gw.records.filter((r) => matches(r, filter)).sort(byApplication);
    const q = filterQuery(filter);
    q.set('format', 'parquet');
    const res = await spyApp(pageSize).app.request(`/api/v1/export?${q}`);
    expect(res.status).toBe(200);
    const path = join(scratch, name);
    writeFileSync(path, Buffer.from(await res.arrayBuffer()));
    return { path, expected };
  }
  /** A record's Parquet row as another reader hands it over as JSON: a date as 'YYYY-MM-DD'. */
  const asJsonRow = (r: OaRecord) => Object.fromEntries(Object.entries(parquetRow(r)).map(([k, v]) => [k, v instanceof Date ? v.toISOString().slice(0, 10) : v]));

  it('Parquet: DuckDB reads the export as the same typed rows', async () => {
    const { path, expected } = await exportedParquet(53, 'export.parquet');
    const { types, rows } = await duckdbRead(path);
    expect(types).toMatchObject({ applicationId: 'VARCHAR', form892: 'BOOLEAN', mailDate: 'DATE', cite103Max: 'INTEGER', formType: 'VARCHAR[]', mailYear: 'INTEGER' });
    expect(Object.keys(types)).toEqual(CATALOG);
    expect(rows).toEqual(expected.map(asJsonRow));

    const empty = join(scratch, 'empty.parquet');
    writeFileSync(empty, Buffer.from(await (await gw.app.request('/api/v1/export?format=parquet&fields=applicationId,mailDate&applicationId=00000000')).arrayBuffer()));
    expect(await duckdbRead(empty)).toEqual({ types: { applicationId: 'VARCHAR', mailDate: 'DATE' }, rows: [] });
  });

  const python = pyarrowPython();
  it.skipIf(!python)(`Parquet: pyarrow and pandas read the export as the same typed rows${python ? '' : ' (skipped: no Python with pyarrow and pandas; see test/helpers/pyarrow.ts)'}`, async () => {
    const { path, expected } = await exportedParquet(41, 'export-pyarrow.parquet');
    const { types, rows, pandasRows } = pyarrowRead(python!, path);
    expect(types).toMatchObject({ applicationId: 'string', form892: 'bool', mailDate: 'date32[day]', cite103Max: 'int32', formType: 'list<element: string not null>', mailYear: 'int32' });
    expect(Object.keys(types)).toEqual(CATALOG);
    expect(rows).toEqual(expected.map(asJsonRow));
    // pandas reads through pyarrow: the same values, a missing one as None/NaN/NaT (all null here).
    expect(pandasRows).toEqual(expected.map(asJsonRow));
  });

  it('Parquet: an empty selection is a valid file with the columns and no rows', async () => {
    const res = await gw.app.request('/api/v1/export?format=parquet&fields=applicationId,mailDate&applicationId=00000000');
    expect(res.status).toBe(200);
    const file = await res.arrayBuffer();
    expect(Number(parquetMetadata(file).num_rows)).toBe(0);
    expect(parquetMetadata(file).schema.map((e) => e.name)).toEqual(['root', 'applicationId', 'mailDate']);
    expect(await parquetReadObjects({ file })).toEqual([]);
  });

  it('exports chosen fields only', async () => {
    const res = await gw.app.request('/api/v1/export?format=csv&fields=applicationId,formType&formType=1449');
    const [header, ...rows] = parseCsv(await res.text());
    expect(header).toEqual(['applicationId', 'formType']);
    const expected = gw.records.filter((r) => valuesOf(r, 'formType').includes('1449')).sort(byApplication);
    expect(rows).toEqual(expected.map((r) => [String(r.applicationId), valuesOf(r, 'formType').join('|')]));
  });

  /**
   * The oracle of an export's sort: keys in order (then application number), records lacking a key
   * after all that have it, index order last.
   */
  function sortOracle(sort: string[]) {
    const tail = sort.some((s) => s.startsWith('applicationId:')) ? [] : ['applicationId:asc'];
    const keys = [...sort, ...tail].map((s) => s.split(':') as [FieldName, 'asc' | 'desc']);
    return (a: OaRecord, b: OaRecord) => {
      for (const [field, dir] of keys) {
        const x = a[field] as string | number | undefined;
        const y = b[field] as string | number | undefined;
        if (x === y) continue;
        if (x === undefined) return 1;
        if (y === undefined) return -1;
        return (x < y ? -1 : 1) * (dir === 'desc' ? -1 : 1);
      }
      return position(a) - position(b);
    };
  }

  it.each([
    [['mailDate:desc']],
    [['mailDate:asc']],
    [['artUnit:asc', 'mailDate:desc']],
    [['cite103Max:desc', 'applicationId:asc']],
  ])('with sort %j: every record once, in the sort order, across many keyset pages', async (sort) => {
    const pageSize = 37;
    const { app } = spyApp(pageSize);
    const res = await app.request(`/api/v1/export?format=ndjson&fields=id&sort=${sort.join(',')}&formType=892`);
    expect(res.status).toBe(200);
    const ids = (await res.text()).trim().split('\n').map((l) => (JSON.parse(l) as { id: string }).id);
    const chosen = gw.records.filter((r) => valuesOf(r, 'formType').includes('892'));
    expect(ids.length).toBeGreaterThan(10 * pageSize);
    // The sort keys really have gaps, so the "missing last" rule is exercised.
    expect(sort.some((key) => chosen.some((r) => r[key.split(':')[0] as FieldName] === undefined))).toBe(true);
    expect(Number(res.headers.get('x-total-count'))).toBe(chosen.length);
    expect(ids).toEqual(chosen.sort(sortOracle(sort)).map((r) => r.id));
  });

  it('with q: the records of /api/v1/search, in its order', async () => {
    const { app } = spyApp(7);
    // Words of the written citations ("U.S. Pat. No. 4,332,875"): many hits, ranked, over many pages of 7.
    const q = 'Pat';
    const res = await app.request(`/api/v1/export?format=ndjson&fields=id&q=${q}`);
    const ids = (await res.text()).trim().split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { id: string }).id);
    const search = (await (await gw.app.request(`/api/v1/search?q=${q}&pageSize=1000&facets=`)).json()) as { totalHits: number; hits: { id: string }[] };
    expect(search.totalHits).toBeGreaterThan(3 * 7);
    expect(search.totalHits).toBeLessThan(1000);
    expect(ids).toEqual(search.hits.map((h) => h.id));
    expect(Number(res.headers.get('x-total-count'))).toBe(search.totalHits);
  });

  it('streams a large set with a bounded number of documents in memory, every record once', async () => {
    const pageSize = 100;
    const { reader, app } = spyApp(pageSize);
    const res = await app.request('/api/v1/export?format=ndjson&fields=id');
    const stream = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    const ids: string[] = [];
    let maxHeld = 0;
    let partial = '';
    for (;;) {
      const { done, value } = await stream.read();
      if (done) break;
      const lines = (partial + value).split('\n');
      partial = lines.pop()!;
      ids.push(...lines.map((l) => (JSON.parse(l) as { id: string }).id));
      // Fetched but not yet handed to this (deliberately slow) client.
      maxHeld = Math.max(maxHeld, reader.fetched - ids.length);
      await new Promise((r) => setTimeout(r, 2));
    }
    expect(ids).toEqual([...gw.records].sort(byApplication).map((r) => r.id));
    expect(gw.records.length).toBeGreaterThan(20 * pageSize);
    expect(reader.fetches.every((f) => f.limit === pageSize)).toBe(true);
    expect(reader.fetches.length).toBe(Math.ceil((gw.records.length + 1) / pageSize));
    // At most one page read ahead of the client, whatever the size of the export.
    expect(maxHeld).toBeLessThanOrEqual(pageSize);
  });

  it('stops reading when the client cancels the body', async () => {
    const { reader, app } = spyApp(50);
    const res = await app.request('/api/v1/export?format=csv');
    const body = res.body!.getReader();
    await body.read();
    await body.read();
    await body.cancel();
    const after = reader.fetches.length;
    await new Promise((r) => setTimeout(r, 200));
    expect(reader.fetches.length).toBe(after);
    expect(after).toBeLessThan(5);
  });

  it('stops reading when the request is aborted (client disconnect)', async () => {
    const { reader, app } = spyApp(50);
    const abort = new AbortController();
    const res = await app.request('/api/v1/export?format=ndjson', { signal: abort.signal });
    const body = res.body!.getReader();
    await body.read();
    abort.abort();
    const next = await body.read().catch(() => ({ done: true }));
    expect(next.done).toBe(true);
    const after = reader.fetches.length;
    await new Promise((r) => setTimeout(r, 200));
    expect(reader.fetches.length).toBe(after);
    expect(after).toBeLessThanOrEqual(2);
  });

  it.each([
    ['sort=nope', 'sort: cannot sort by "nope"'],
    [`q=${'x'.repeat(501)}`, 'q: must be at most 500 characters'],
  ])('refuses a bad %s with a 400 naming it', async (query, message) => {
    const res = await gw.app.request(`/api/v1/export?format=csv&${query}`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain(message);
  });

  it('answers a JSON error, not a broken stream, when the filter is bad', async () => {
    const res = await gw.app.request('/api/v1/export?mailDateFrom=2012-02-30');
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { details: unknown[] } }).error.details).toEqual([{ param: 'mailDateFrom', message: 'is not a calendar date: "2012-02-30"' }]);
  });
});
