/**
 * The OARD as users have it (issue: BigQuery exports, pandas copies): one generated data set
 * rewritten as sharded gzipped CSV (a folder, a glob), BigQuery's newline-delimited JSON, Parquet
 * (hyparquet-writer's, and DuckDB's in ZSTD, SNAPPY and GZIP) and a pandas round trip
 * (tools/generate/variants.ts) yields exactly the same records - same ids, same
 * values - for all three tables, and the same index in a real Meilisearch; the normalisations are
 * counted; rows are reported by shard file and line; a resumed read skips exactly what it read.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CITATIONS, REJECTIONS } from '../../src/catalog/datasets.ts';
import type { StoredDoc } from '../../src/catalog/layout.ts';
import type { OaRecord } from '../../src/catalog/schema.ts';
import { InputError } from '../../indexer/byte-source.ts';
import type { Rejection } from '../../indexer/rejects.ts';
import { buildRecords, runIndex } from '../../indexer/run.ts';
import { openTable } from '../../indexer/table-reader.ts';
import { generateDataset, type GeneratedDataset } from '../../tools/generate/dataset.ts';
import { writeNdjson, writePandas, writeParquet, writeShards } from '../../tools/generate/variants.ts';
import { duckdbParquet } from '../helpers/duckdb.ts';
import { testMeili, uniqueIndex } from '../helpers/meili.ts';
import { runScript } from '../helpers/run-script.ts';

const dir = mkdtempSync(join(tmpdir(), 'oa-variants-'));
const { url, masterKey, client } = testMeili();
const created: string[] = [];
let ds: GeneratedDataset;

type Tables = { citations: string; rejections: string; officeActions: string };
let forms: Record<'csv' | 'shards' | 'glob' | 'ndjson' | 'parquet' | 'duckdb' | 'pandas' | 'mixed', Tables>;

beforeAll(async () => {
  ds = await generateDataset(join(dir, 'csv'), { officeActions: 150, seed: 17 });
  const t = { citations: ds.citations, rejections: ds.rejections!, officeActions: ds.officeActions };
  const each = (f: (csv: string, name: string) => string): Tables => ({
    citations: f(t.citations, 'citations'),
    rejections: f(t.rejections, 'rejections'),
    officeActions: f(t.officeActions, 'office_actions'),
  });
  const shards = each((csv, name) => writeShards(csv, join(dir, 'bq-csv', name), name, 3));
  const ndjson = each((csv, name) => writeNdjson(csv, join(dir, `${name}.ndjson.gz`), { gzip: true }));
  const pandas = each((csv, name) => writePandas(csv, join(dir, `${name}.pandas.csv`)));
  forms = {
    csv: t,
    shards,
    glob: each((_, name) => join(dir, 'bq-csv', name, `${name}-*.csv.gz`)),
    ndjson,
    parquet: each((csv, name) => writeParquet(csv, join(dir, `${name}.parquet`))),
    // Another writer, in each of BigQuery's Parquet codecs (groups of 2,048 rows: several per table).
    duckdb: {
      citations: await duckdbParquet(t.citations, join(dir, 'citations.duckdb.parquet'), { codec: 'zstd', rowGroupSize: 2048 }),
      rejections: await duckdbParquet(t.rejections, join(dir, 'rejections.duckdb.parquet'), { codec: 'snappy', rowGroupSize: 2048 }),
      officeActions: await duckdbParquet(t.officeActions, join(dir, 'office_actions.duckdb.parquet'), { codec: 'gzip', rowGroupSize: 2048 }),
    },
    pandas,
    mixed: { citations: shards.citations, rejections: ndjson.rejections, officeActions: pandas.officeActions },
  };
}, 60_000);

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  for (const uid of created) await client.deleteIndex(uid).waitTask().catch(() => {});
});

const byId = (a: OaRecord, b: OaRecord) => (a.id < b.id ? -1 : 1);
async function records(t: Tables, table: 'citations' | 'rejections', onReject?: (r: Rejection) => void): Promise<OaRecord[]> {
  const out: OaRecord[] = [];
  for await (const batch of buildRecords({ [table]: t[table], officeActions: t.officeActions, onReject })) out.push(...batch);
  return out.sort(byId);
}

describe('every form of the same data is the same records', () => {
  it.each(['shards', 'glob', 'ndjson', 'parquet', 'duckdb', 'pandas', 'mixed'] as const)('%s', async (form) => {
    for (const table of ['citations', 'rejections'] as const) {
      const rejected: Rejection[] = [];
      const expected = await records(forms.csv, table);
      const got = await records(forms[form], table, (r) => rejected.push(r));
      expect(rejected, `${form} ${table}`).toEqual([]);
      expect(got.length, `${form} ${table}`).toBe(expected.length);
      expect(got, `${form} ${table}`).toEqual(expected);
    }
  });
});

async function storedDocs(uid: string): Promise<StoredDoc[]> {
  const out: StoredDoc[] = [];
  for (let offset = 0; ; offset += 1000) {
    const page = await client.index(uid).getDocuments<StoredDoc>({ offset, limit: 1000 });
    out.push(...page.results);
    if (page.results.length < 1000) break;
  }
  return out.sort((a, b) => (String(a.id) < String(b.id) ? -1 : 1));
}

describe('the same index in Meilisearch', () => {
  it('from the published CSVs and from shards + NDJSON + a pandas copy, with the pandas readings counted', async () => {
    const run = async (t: Tables) => {
      const index = uniqueIndex('var_cit');
      const rejectionsIndex = uniqueIndex('var_rej');
      created.push(index, rejectionsIndex);
      const summary = await runIndex({ ...t, index, rejectionsIndex, meili: { url, apiKey: masterKey }, checkpointDir: join(dir, `cp-${index}`) });
      return { index, rejectionsIndex, summary };
    };
    const plain = await run(forms.csv);
    const other = await run({ citations: forms.pandas.citations, rejections: forms.parquet.rejections, officeActions: forms.shards.officeActions });
    expect(await storedDocs(other.index)).toEqual(await storedDocs(plain.index));
    expect(await storedDocs(other.rejectionsIndex)).toEqual(await storedDocs(plain.rejectionsIndex));
    expect(other.summary.rejected).toBe(0);
    // The published files need no reading; the pandas copy of the citations needed each kind.
    expect(Object.values(plain.summary.normalised).every((n) => n === 0)).toBe(true);
    const n = other.summary.normalised;
    const rows = readFileSync(forms.csv.citations, 'utf8').trim().split('\n').length - 1;
    expect(n.indexColumn).toBe(rows);
    expect(n.nan).toBeGreaterThan(0);
    expect(n.appIdPadded).toBe(readFileSync(forms.csv.citations, 'utf8').split('\n').filter((l) => l.startsWith('0')).length);
    expect(n.flagDecimal + n.numberDecimal).toBeGreaterThan(0);
    expect(other.summary.rowsRead).toBe(plain.summary.rowsRead);
  }, 120_000);
});

describe('npm run index on a glob and a pandas copy', () => {
  it('prints the pandas readings in its summary, and --json counts them', async () => {
    const index = uniqueIndex('var_cli');
    created.push(index);
    const r = await runScript(
      'indexer/cli.ts',
      ['--citations', forms.pandas.citations, '--office-actions', forms.glob.officeActions, '--index', index, '--json'],
      { ...process.env, MEILI_URL: url, MEILI_MASTER_KEY: masterKey, DATA_DIR: join(dir, 'data') },
    );
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { rejected: number; normalised: Record<string, number>; officeActions: { normalised: Record<string, number> } };
    expect(summary.rejected).toBe(0);
    expect(summary.normalised.indexColumn).toBeGreaterThan(0);
    expect(summary.normalised.appIdPadded).toBeGreaterThan(0);
    expect(Object.values(summary.officeActions.normalised).every((n) => n === 0)).toBe(true);
    expect(r.stderr).toMatch(/pandas forms {2}pandas index column dropped \(rows\) [\d,]+, NaN read as empty [\d,]+/);
  }, 120_000);
});

describe('shards and JSON lines report their own file and line', () => {
  it('a bad row in the second shard, a bad JSON line: rejected by file:line, every valid row kept', async () => {
    const shards = join(dir, 'bad-shards');
    mkdirSync(shards, { recursive: true });
    const [header, ...rows] = readFileSync(forms.csv.citations, 'utf8').trim().split('\n');
    const half = Math.floor(rows.length / 2);
    const second = [header, ...rows.slice(half, half + 3), 'not,a,valid,row', ...rows.slice(half + 3)];
    writeFileSync(join(shards, 'c-000.csv.gz'), gzipSync([header, ...rows.slice(0, half)].join('\n') + '\n'));
    writeFileSync(join(shards, 'c-001.csv'), second.join('\n') + '\n');
    const rejected: Rejection[] = [];
    const got = await records({ ...forms.csv, citations: shards }, 'citations', (r) => rejected.push(r));
    expect(rejected.map((r) => `${r.file}:${r.line}`)).toEqual([`${join(shards, 'c-001.csv')}:5`]);
    expect(got).toEqual(await records(forms.csv, 'citations'));

    const json = join(dir, 'bad.ndjson');
    const objects = gunzipSync(readFileSync(forms.ndjson.rejections)).toString('utf8').trim().split('\n');
    writeFileSync(json, [objects[0], '{"app_id": [1]}', 'not json', '', ...objects.slice(1)].join('\n') + '\n');
    const jsonRejected: Rejection[] = [];
    const rej = await records({ ...forms.csv, rejections: json }, 'rejections', (r) => jsonRejected.push(r));
    expect(jsonRejected.map((r) => [r.file, r.line, r.reason.split(':')[0]])).toEqual([
      [json, 2, 'app_id'],
      [json, 3, 'not a JSON object'],
    ]);
    expect(rej).toEqual(await records(forms.csv, 'rejections'));

    // A Parquet row is reported by its row number, from 1.
    const csv = join(dir, 'bad-rows.csv');
    writeFileSync(csv, [header, ...rows.slice(0, 4), header!.split(',').map(() => 'x').join(','), ...rows.slice(4)].join('\n') + '\n');
    const parquet = writeParquet(csv, join(dir, 'bad-rows.parquet'), 3);
    const parquetRejected: Rejection[] = [];
    const fromParquet = await records({ ...forms.csv, citations: parquet }, 'citations', (r) => parquetRejected.push(r));
    expect(parquetRejected.map((r) => `${r.file}:${r.line}`)).toEqual([`${parquet}:5`]);
    expect(fromParquet).toEqual(await records(forms.csv, 'citations'));
  });
});

describe('shards that differ', () => {
  it('a shard with its columns in another order reads the same; a row of the wrong width is rejected, not reshaped', async () => {
    const shards = join(dir, 'OARD (2017) reordered');
    mkdirSync(shards, { recursive: true });
    const [header, ...rows] = parseCsv(readFileSync(forms.csv.rejections)) as string[][];
    const line = (cells: string[]) => cells.map((c) => (/[",]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c)).join(',');
    const half = Math.floor(rows.length / 2);
    writeFileSync(join(shards, 'r-0.csv'), [header!, ...rows.slice(0, half)].map(line).join('\n') + '\n');
    // The second shard: the columns reversed, and one short row.
    const reverse = (cells: string[]) => line([...cells].reverse());
    writeFileSync(join(shards, 'r-1.csv'), [reverse(header!), '1,2', ...rows.slice(half).map(reverse)].join('\n') + '\n');
    const rejected: Rejection[] = [];
    const got = await records({ ...forms.csv, rejections: shards }, 'rejections', (r) => rejected.push(r));
    expect(rejected.map((r) => [`${r.file}:${r.line}`, r.reason])).toEqual([[`${join(shards, 'r-1.csv')}:2`, expect.stringMatching(/^expected \d+ columns, found 2$/)]]);
    expect(got).toEqual(await records(forms.csv, 'rejections'));
  });
});

describe('resuming a sharded table', () => {
  it.each(['shards', 'parquet'] as const)('skips exactly the rows up to a position (%s)', async (form) => {
    const read = async (skipThroughLine?: number) => {
      const reader = await openTable(forms[form].citations, { what: 'citations', table: 'citations', catalog: CITATIONS, skipThroughLine });
      const out: { pos: number; at: string; first: string }[] = [];
      for await (const chunk of reader.chunks()) for (const r of chunk.rows) out.push({ pos: r.line, at: `${chunk.source!.file}:${r.line - chunk.source!.lineOffset}`, first: r.fields![0]! });
      return out;
    };
    const all = await read();
    expect(new Set(all.map((r) => r.at.split(':')[0])).size).toBe(form === 'shards' ? 3 : 1);
    // Each file's first row where it stands in that file: a CSV shard's line 2, a Parquet file's row 1.
    const firstOf = new Map<string, string>();
    for (const r of all) if (!firstOf.has(r.at.split(':')[0]!)) firstOf.set(r.at.split(':')[0]!, r.at);
    expect([...firstOf.values()]).toEqual([...firstOf.keys()].map((f) => `${f}:${form === 'shards' ? 2 : 1}`));
    expect(all.every((r, i) => i === 0 || r.pos > all[i - 1]!.pos)).toBe(true);
    for (const cut of [0, 5, Math.floor(all.length / 2), all.length - 2]) {
      expect(await read(all[cut]!.pos)).toEqual(all.slice(cut + 1));
    }
  });
});

describe('what cannot be read is refused, naming it', () => {
  it('a glob matching nothing, a folder of nothing readable, a glob over folders, shards that disagree, JSON of another table', async () => {
    const open = (spec: string) => openTable(spec, { what: 'rejections', table: 'rejections', catalog: REJECTIONS });
    await expect(open(join(dir, 'nothing-*.csv'))).rejects.toThrow(/no file matches .*nothing-\*\.csv/);
    const empty = join(dir, 'empty');
    mkdirSync(empty, { recursive: true });
    writeFileSync(join(empty, 'README.txt'), 'x');
    await expect(open(empty)).rejects.toThrow(/holds no file of a known format/);
    await expect(open(join(dir, '*', 'x.csv'))).rejects.toThrow(/file names only/);
    const mismatch = join(dir, 'mismatch');
    mkdirSync(mismatch, { recursive: true });
    writeFileSync(join(mismatch, 'a.csv'), readFileSync(forms.csv.rejections));
    writeFileSync(join(mismatch, 'b.csv'), 'app_id,ifw_number\n1,2\n');
    const reader = await open(mismatch);
    await expect((async () => {
      for await (const _ of reader.chunks()) void _;
    })()).rejects.toThrow(/b\.csv: its header lacks/);
    const other = join(dir, 'other.ndjson');
    writeFileSync(other, '{"foo": "1"}\n');
    await expect(open(other)).rejects.toThrow(InputError);
    await expect(open(other)).rejects.toThrow(/line 1 is not an object of this table \(it lacks app_id/);
    // A Parquet file of another table (the office actions given as rejections), and no Parquet at all.
    await expect(open(forms.parquet.officeActions)).rejects.toThrow(/its columns are not this table's \(none of its columns/);
    const fake = join(dir, 'fake.parquet');
    writeFileSync(fake, 'app_id,ifw_number\n');
    await expect(open(fake)).rejects.toThrow(/not a readable Parquet file/);
  });
});
