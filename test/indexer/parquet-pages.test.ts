/**
 * The fast Parquet decoder (indexer/parquet-pages.ts) against hyparquet's reading of the same
 * files: every column chunk the writer makes in BigQuery's form - PLAIN or dictionary values,
 * nulls, empty and non-ASCII strings, several pages and row groups, any codec - gives hyparquet's
 * values, and openParquet's rows (the fast path, or hyparquet where it declines) are hyparquet's
 * rows, from any resume position. Version 1 data pages, which the writer does not make, are
 * built by hand; files of another writer (DuckDB: its dictionaries, page sizes and every codec
 * BigQuery offers, ZSTD among them) are read by the fast path too.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects, type ColumnMetaData } from 'hyparquet';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { compressors } from 'hyparquet-compressors';
import { afterAll, describe, expect, it } from 'vitest';
import { openParquet } from '../../indexer/parquet.ts';
import { chunkStart, decodeChunk, Declined } from '../../indexer/parquet-pages.ts';
import { duckdbParquet } from '../helpers/duckdb.ts';

const COLUMNS = ['app_id', 'ifw_number', 'form892', 'citation_pto'];
const dir = mkdtempSync(join(tmpdir(), 'oa-parquet-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cell = fc.oneof(
  fc.constant(null),
  fc.constant(''),
  fc.string({ maxLength: 14 }),
  fc.string({ unit: fc.constantFrom('a', '7', 'é', '漢', '\u0000', '😀', '\ufeff'), maxLength: 5 }),
  fc.constantFrom('09123456', 'IFW1234', '1', '0'),
);
const table = fc.array(fc.tuple(cell, cell, cell, cell), { minLength: 1, maxLength: 120 });
const writing = fc.record({
  codec: fc.constantFrom('SNAPPY' as const, 'UNCOMPRESSED' as const, 'GZIP' as const),
  dictionary: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
  rowGroupSize: fc.integer({ min: 1, max: 60 }),
  pageSize: fc.constantFrom(64, 256, 1 << 20),
});

type WritingOptions = typeof writing extends fc.Arbitrary<infer T> ? T : never;
let files = 0;
function write(rows: (string | null)[][], w: WritingOptions): string {
  const path = join(dir, `t${files++}.parquet`);
  const columnData = COLUMNS.map((name, i) => ({
    name,
    type: 'STRING' as const,
    data: rows.map((r) => r[i]!),
    ...(w.dictionary[i] ? { encoding: 'RLE_DICTIONARY' as const } : { encoding: 'PLAIN' as const }),
  }));
  const bytes = parquetWriteBuffer({ columnData, codec: w.codec, compressors: { GZIP: (b: Uint8Array) => gzipSync(b) }, rowGroupSize: w.rowGroupSize, pageSize: w.pageSize });
  writeFileSync(path, Buffer.from(bytes));
  return path;
}

describe('the fast Parquet decoder', () => {
  it("decodes every column chunk as hyparquet does, and openParquet's rows are hyparquet's, from any position", async () => {
    await fc.assert(
      fc.asyncProperty(table, writing, fc.nat(), async (rows, w, at) => {
        const path = write(rows, w);
        const file = await asyncBufferFromFile(path);
        const metadata = await parquetMetadataAsync(file);
        const want = ((await parquetReadObjects({ file, metadata, compressors: { GZIP: (b: Uint8Array) => gunzipSync(b) } })) as Record<string, string | null>[]).map((o) => COLUMNS.map((c) => o[c] ?? ''));

        // Each chunk by the fast decoder itself: no declining on what the writer makes.
        let start = 0;
        for (const group of metadata.row_groups) {
          const count = Number(group.num_rows);
          for (const chunk of group.columns) {
            const meta = chunk.meta_data!;
            const from = chunkStart(meta);
            const bytes = new Uint8Array(await file.slice(from, from + Number(meta.total_compressed_size)));
            const values = decodeChunk(bytes, meta, 1, count);
            const got = Array.from({ length: count }, (_, r) => values.get(r));
            const c = COLUMNS.indexOf(meta.path_in_schema[0]!);
            expect(got).toEqual(want.slice(start, start + count).map((r) => r[c]));
          }
          start += count;
        }

        // The reader, resumed after any row.
        const skip = at % (rows.length + 1);
        const reader = await openParquet(path, { columns: COLUMNS, keys: ['app_id'], skipThroughLine: skip });
        const read: [number, string[]][] = [];
        for await (const chunk of reader.chunks()) for (const r of chunk.rows) read.push([r.line, r.fields!]);
        expect(read).toEqual(want.slice(skip).map((cells, i) => [skip + i + 1, cells]));
        expect(reader.declinedGroups).toBe(0);
      }),
      { numRuns: 150 },
    );
  });

  it('reads dictionary indexes wider than a byte, and a large dictionary, through the fast path', async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => [`0${9_000_000 + (i % 700)}`, i % 3 ? `IFW${i}` : null, '1', `c${i % 300}é`]);
    const path = write(rows, { codec: 'SNAPPY', dictionary: [true, true, true, true], rowGroupSize: 3000, pageSize: 4096 });
    const file = await asyncBufferFromFile(path);
    const metadata = await parquetMetadataAsync(file);
    expect(metadata.row_groups[0]!.columns.every((c) => c.meta_data!.encodings.includes('RLE_DICTIONARY'))).toBe(true);
    const reader = await openParquet(path, { columns: COLUMNS, keys: ['app_id'] });
    const read: string[][] = [];
    for await (const chunk of reader.chunks()) for (const r of chunk.rows) read.push(r.fields!);
    expect(read).toEqual(rows.map((r) => r.map((v) => v ?? '')));
    expect(reader.declinedGroups).toBe(0);
  });

  it.each(['zstd', 'snappy', 'gzip', 'uncompressed'] as const)("reads DuckDB's Parquet (%s) through the fast path, as hyparquet reads it", async (codec) => {
    // Long, short, repeated (dictionary) and unique values, nulls, empties, non-ASCII; several groups.
    const cells = (i: number) => [
      `0${9_000_000 + (i % 900)}`,
      i % 7 === 0 ? '' : `IFW${i}${'x'.repeat(i % 150)}`,
      i % 5 === 0 ? '' : String(i % 2),
      i % 11 === 0 ? '漢😀 é' : `c${i % 40}`,
    ];
    const rows = Array.from({ length: 12_000 }, (_, i) => cells(i));
    const csv = join(dir, `duck-${codec}.csv`);
    writeFileSync(csv, [COLUMNS, ...rows].map((r) => r.map((v) => `"${v}"`).join(',')).join('\n') + '\n');
    const path = await duckdbParquet(csv, join(dir, `duck-${codec}.parquet`), { codec, rowGroupSize: 4096 });
    const file = await asyncBufferFromFile(path);
    const metadata = await parquetMetadataAsync(file);
    expect(metadata.row_groups.length).toBeGreaterThan(1);
    expect(metadata.row_groups[0]!.columns[0]!.meta_data!.codec).toBe(codec.toUpperCase());
    const objects = (await parquetReadObjects({ file, metadata, compressors })) as Record<string, string | null>[];
    // DuckDB wrote the empty cells as NULLs, so the decoder's definition levels were read too.
    expect(objects.some((o) => Object.values(o).includes(null))).toBe(true);
    const want = objects.map((o) => COLUMNS.map((c) => o[c] ?? ''));
    expect(want).toEqual(rows);
    const reader = await openParquet(path, { columns: COLUMNS, keys: ['app_id'] });
    const read: string[][] = [];
    for await (const chunk of reader.chunks()) for (const r of chunk.rows) read.push(r.fields!);
    expect(read).toEqual(want);
    expect(reader.declinedGroups).toBe(0);
  });

  it('a damaged page: declined, and hyparquet names the file and the rows it cannot read', async () => {
    const rows = Array.from({ length: 40 }, (_, i) => [`0${9_000_000 + i}`, `IFW${i}`, '1', 'x']);
    const path = write(rows, { codec: 'UNCOMPRESSED', dictionary: [false, false, false, false], rowGroupSize: 20, pageSize: 1 << 20 });
    const file = await asyncBufferFromFile(path);
    const metadata = await parquetMetadataAsync(file);
    // The second group's app_id page: its first value's length made far larger than the page.
    const meta = metadata.row_groups[1]!.columns[0]!.meta_data!;
    const bytes = readFileSync(path);
    const page = bytes.subarray(chunkStart(meta), chunkStart(meta) + Number(meta.total_compressed_size));
    const first = page.indexOf(Buffer.from('09000020'));
    page.writeUInt32LE(0x7fffffff, first - 4);
    writeFileSync(path, bytes);
    const reader = await openParquet(path, { what: 'citations', columns: COLUMNS, keys: ['app_id'] });
    const read: string[][] = [];
    await expect(
      (async () => {
        for await (const chunk of reader.chunks()) for (const r of chunk.rows) read.push(r.fields!);
      })(),
    ).rejects.toThrow(new RegExp(`cannot read citations file ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: rows 21-40`));
    // The first group, whole, came before the error; the damaged one went to hyparquet.
    expect(read).toEqual(rows.slice(0, 20));
    expect(reader.declinedGroups).toBe(1);
  });

  it('a SNAPPY or ZSTD page that holds other than its header says is refused, never read short or padded', async () => {
    const plain = (values: string[]) => Buffer.concat(values.map((v) => Buffer.concat([u32(Buffer.byteLength(v)), Buffer.from(v)])));
    // Every row a value (a run of four 1s in the levels), PLAIN.
    const levels = Buffer.from([4 << 1, 1]);
    const page = Buffer.concat([u32(levels.length), levels, plain(['ab', 'cd', 'ef', 'gh'])]);
    // SNAPPY: a varint of the length, then one literal (tag (n - 1) << 2) of all of it.
    const snappy = (bytes: Buffer, declared = bytes.length) => Buffer.concat([Buffer.from([declared]), Buffer.from([(bytes.length - 1) << 2]), bytes]);
    // ZSTD: one frame (single segment, a one-byte content size, no checksum) of one raw block.
    const zstd = (bytes: Buffer) => {
      const block = 1 | (bytes.length << 3);
      return Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x20, bytes.length, block & 0xff, (block >> 8) & 0xff, block >> 16]), bytes]);
    };
    const chunk = (codec: string, body: Buffer, size: number) => {
      const meta = { type: 'BYTE_ARRAY', codec, encodings: ['PLAIN', 'RLE'] } as unknown as ColumnMetaData;
      return () => decodeChunk(Buffer.concat([pageHeader(0, size, [5, [1, 4], [2, 0], [3, 3], [4, 3]], false, body.length), body]), meta, 1, 4);
    };
    const read = (decode: () => ReturnType<typeof decodeChunk>) => {
      const values = decode();
      return Array.from({ length: 4 }, (_, r) => values.get(r));
    };
    // Read right when whole (the hand-made streams are real ones)...
    expect(read(chunk('SNAPPY', snappy(page), page.length))).toEqual(['ab', 'cd', 'ef', 'gh']);
    expect(read(chunk('ZSTD', zstd(page), page.length))).toEqual(['ab', 'cd', 'ef', 'gh']);
    // ...and refused when the stream holds fewer bytes than the header says (hysnappy would answer
    // the last page's bytes, fzstd zeros: empty values), or declares more than it holds.
    const short = page.subarray(0, page.length - 2);
    expect(() => chunk('SNAPPY', snappy(short), page.length)()).toThrow(/snappy: the page holds 28 bytes, its header says 30/);
    expect(() => chunk('SNAPPY', snappy(page, page.length + 5), page.length)()).toThrow(/snappy/);
    expect(() => chunk('ZSTD', zstd(short), page.length)()).toThrow(/zstd: the page holds 28 bytes, its header says 30/);
  });

  it('leaves columns of other types to hyparquet: a number or a boolean is read as its text', async () => {
    const path = join(dir, 'typed.parquet');
    const columnData = [
      { name: 'app_id', type: 'STRING' as const, data: ['09123456', '09123457', null] },
      { name: 'form892', type: 'INT32' as const, data: [1, null, 0] },
      { name: 'citation_pto', type: 'BOOLEAN' as const, data: [true, false, null] },
    ];
    writeFileSync(path, Buffer.from(parquetWriteBuffer({ columnData })));
    const reader = await openParquet(path, { columns: COLUMNS, keys: ['app_id'] });
    const read: string[][] = [];
    for await (const chunk of reader.chunks()) for (const r of chunk.rows) read.push(r.fields!);
    expect(reader.declinedGroups).toBe(1);
    expect(read).toEqual([
      ['09123456', '', '1', 'true'],
      ['09123457', '', '', 'false'],
      ['', '', '0', ''],
    ]);
  });

  it('reads version 1 data pages: PLAIN and from a dictionary, levels in runs and bit-packed; declines what it does not read', () => {
    const meta = { type: 'BYTE_ARRAY', codec: 'UNCOMPRESSED', encodings: ['PLAIN', 'RLE', 'RLE_DICTIONARY'] } as unknown as ColumnMetaData;
    const plain = (values: string[]) => Buffer.concat(values.map((v) => Buffer.concat([u32(Buffer.byteLength(v)), Buffer.from(v)])));
    // Rows 1-8: values at rows 0, 2, 3, 7 (levels 1,0,1,1,0,0,0,1: bit-packed, one group of 8).
    const levels1 = Buffer.from([0x03, 0b10001101]);
    const page1 = Buffer.concat([u32(levels1.length), levels1, plain(['a', 'bé', '', 'zz'])]);
    // Rows 9-12: all values (a run of four 1s), from the dictionary ['x', 'y'], indexes 1,0,1,1 bit-packed in 1 bit.
    const levels2 = Buffer.from([4 << 1, 1]);
    const page2 = Buffer.concat([u32(levels2.length), levels2, Buffer.from([1, 0x03, 0b1101])]);
    const dictionary = plain(['x', 'y']);
    const chunk = Buffer.concat([
      pageHeader(2, dictionary.length, [7, [1, 2], [2, 0]]),
      dictionary,
      pageHeader(0, page1.length, [5, [1, 8], [2, 0], [3, 3], [4, 3]], true),
      page1,
      pageHeader(0, page2.length, [5, [1, 4], [2, 8], [3, 3], [4, 3]]),
      page2,
    ]);
    const values = decodeChunk(chunk, meta, 1, 12);
    expect(Array.from({ length: 12 }, (_, r) => values.get(r))).toEqual(['a', '', 'bé', '', '', '', '', 'zz', 'y', 'x', 'y', 'y']);

    // Values in an encoding it does not read (DELTA_BYTE_ARRAY = 7): declined, for hyparquet.
    const other = Buffer.concat([pageHeader(0, page1.length, [5, [1, 8], [2, 7], [3, 3], [4, 3]]), page1]);
    expect(() => decodeChunk(other, meta, 1, 8)).toThrow(Declined);
  });
});

const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
};

/** A PageHeader in thrift's compact protocol: type, sizes, and one header struct of i32 fields (field id, value). */
function pageHeader(type: number, size: number, [id, ...fields]: [number, ...[number, number][]], withStatistics = false, compressedSize = size): Buffer {
  const out: number[] = [];
  const varint = (n: number) => {
    for (; n >= 0x80; n >>>= 7) out.push((n & 0x7f) | 0x80);
    out.push(n);
  };
  const i32 = (delta: number, v: number) => {
    out.push((delta << 4) | 5);
    varint(v >= 0 ? v * 2 : -v * 2 - 1);
  };
  i32(1, type);
  i32(1, size);
  i32(1, compressedSize);
  i32(1, 12345); // crc: read past
  out.push(((id - 4) << 4) | 12);
  let last = 0;
  for (const [f, v] of fields) {
    i32(f - last, v);
    last = f;
  }
  if (withStatistics) {
    // statistics (field 5): a struct holding a binary, read past
    out.push(((5 - last) << 4) | 12, (1 << 4) | 8, 2, 0x41, 0x42, 0);
  }
  out.push(0, 0);
  return Buffer.from(out);
}
