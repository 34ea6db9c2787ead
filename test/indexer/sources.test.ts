/**
 * The CSV reader against csv-parse itself: same fields, same (end) line numbers, for tricky
 * hand-written input, random tables (fast-check) and every chunk boundary; gz and zip give the
 * same rows as csv; resume skips whole lines.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { generateDataset } from '../../tools/generate/dataset.ts';
import { InputError, openCsv, type RawRow } from '../../indexer/sources.ts';

const dir = mkdtempSync(join(tmpdir(), 'oa-src-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = (text: string | Buffer, ext = 'csv') => {
  const p = join(dir, `f${n++}.${ext}`);
  writeFileSync(p, text);
  return p;
};

async function readAll(path: string, options: { readChunkBytes?: number; skipThroughLine?: number } = {}) {
  const reader = await openCsv(path, options);
  const rows: RawRow[] = [];
  for await (const chunk of reader.chunks()) rows.push(...chunk.rows);
  return { header: reader.header, rows };
}

/** csv-parse's view: records with the line each ends on. */
function oracle(text: string) {
  const out = parse(text, { relax_column_count: true, relax_quotes: true, skip_empty_lines: true, info: true, bom: true }) as unknown as {
    record: string[];
    info: { lines: number };
  }[];
  return out.map((r) => ({ fields: r.record, line: r.info.lines }));
}

const mine = (rows: RawRow[]) => rows.map((r) => ({ fields: r.fields, line: r.end ?? r.line }));

const TRICKY = [
  'app_id,ifw_number,parsed,citation_pat_pgpub_id',
  '09000001,IFW1,7123456,7123456',
  '09000001,IFW1,7123457,"US 7,123,457 B2"',
  '09000002,,2005012345,"He said ""no"", twice"',
  '09000003,IFW3,7000000,"spans',
  'two lines"',
  '',
  '09000004,IFW4,7000001,  padded  ',
  '09000005,IFW5,7000002,a"quote inside',
  '09000006,IFW6,7000003,"",',
  '09000007,IFW7,7000004,"x"',
].join('\n');

describe('openCsv', () => {
  it('reads quoting, escapes, embedded newlines, blank lines like csv-parse', async () => {
    const { header, rows } = await readAll(file(TRICKY + '\n'));
    const expected = oracle(TRICKY + '\n');
    expect(header).toEqual(expected[0]!.fields);
    expect(mine(rows)).toEqual(expected.slice(1));
    // the multi-line record starts on line 5 and ends on line 6; the next is on line 8
    expect(rows.find((r) => r.fields?.[0] === '09000003')).toMatchObject({ line: 5, end: 6 });
    expect(rows.find((r) => r.fields?.[0] === '09000004')!.line).toBe(8);
  });

  it('handles CRLF, a BOM and a last line without newline', async () => {
    const text = '\ufeff' + TRICKY.replace(/\n/g, '\r\n');
    const { header, rows } = await readAll(file(text));
    expect(header[0]).toBe('app_id');
    expect(rows.map((r) => r.fields)).toEqual(oracle(text).slice(1).map((r) => r.fields));
    // Physical lines as an editor counts them (CRLF is one line end, inside quotes too; csv-parse
    // counts a CRLF inside a quoted field as two lines).
    expect(rows.map((r) => r.end ?? r.line)).toEqual(oracle(TRICKY).slice(1).map((r) => r.line));
  });

  it('gives the same rows at every chunk size (records cut anywhere)', async () => {
    const path = file(TRICKY + '\n');
    const whole = mine((await readAll(path)).rows);
    for (const size of [1, 2, 3, 5, 7, 16, 64]) {
      expect(mine((await readAll(path, { readChunkBytes: size })).rows)).toEqual(whole);
    }
  });

  it('reads a plain file of several megabytes whole and in order, records cut across its reads', async () => {
    // Rows of a few hundred bytes, some quoted across lines, so that the file's 64 KiB reads fall
    // inside records, quoted ones included, many times over.
    const lines = ['app_id,text,n'];
    for (let i = 0, length = 0; length < 3.5 * (1 << 20); i++) {
      const text = i % 7 === 0 ? `"line one ${i}\nline ""two"", ${'x'.repeat(i % 300)}"` : `plain ${'y'.repeat(i % 400)}`;
      lines.push(`${String(i).padStart(8, '0')},${text},${i}`);
      length += lines.at(-1)!.length + 1;
    }
    const text = `${lines.join('\n')}\n`;
    const path = file(text);
    const reader = await openCsv(path);
    const rows: RawRow[] = [];
    let bytesRead = 0;
    for await (const chunk of reader.chunks()) {
      rows.push(...chunk.rows);
      expect(chunk.bytesRead).toBeGreaterThanOrEqual(bytesRead);
      bytesRead = chunk.bytesRead;
    }
    expect(mine(rows)).toEqual(oracle(text).slice(1));
    expect(bytesRead).toBe(Buffer.byteLength(text));
  });

  it('matches csv-parse on random tables', async () => {
    const cellChar = fc.constantFrom('a', 'b', '1', ',', '"', '\n', ' ', 'é', '\r\n', '漢');
    const cellArb = fc.array(cellChar, { maxLength: 6 }).map((cs) => cs.join(''));
    const quote = (s: string) => (/[",\r\n]/.test(s) || s.startsWith(' ') ? `"${s.replace(/"/g, '""')}"` : s);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(cellArb, { minLength: 2, maxLength: 5 }), { minLength: 2, maxLength: 12 }),
        fc.integer({ min: 1, max: 40 }),
        async (table, chunk) => {
          // LF line ends (csv-parse mis-splits empty last fields before a CRLF; CRLF files are
          // covered by the hand-written case above)
          const text = table.map((r) => r.map(quote).join(',')).join('\n') + '\n';
          const { header, rows } = await readAll(file(text), { readChunkBytes: chunk });
          const expected = oracle(text);
          expect(header).toEqual(expected[0]!.fields);
          expect(rows.map((r) => r.fields)).toEqual(expected.slice(1).map((r) => r.fields));
          // csv-parse counts a CR inside a quoted field as a line of its own; compare lines without them
          if (!table.flat().some((c) => c.includes('\r'))) expect(mine(rows)).toEqual(expected.slice(1));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('is lenient with stray quotes, as csv-parse with relax_quotes', async () => {
    const text = 'a,b,c\n1,2,3\n4,"5"x,6\n7,8"9,10\n11,12,13\n';
    const { rows } = await readAll(file(text));
    expect(mine(rows)).toEqual(oracle(text).slice(1));
    expect(rows[2]!.fields).toEqual(['7', '8"9', '10']);
  });

  it('cuts a runaway quoted field at its first line', async () => {
    const text = `a,b\n1,"never closed ${'x'.repeat(1 << 20)}\n${'2,3\n'.repeat(10)}4,"late quote"\n5,6\n`;
    const { rows } = await readAll(file(text));
    expect(rows[0]).toMatchObject({ line: 2, fields: undefined, error: expect.stringMatching(/unbalanced quote/) });
    expect(rows[1]).toMatchObject({ line: 3, fields: ['2', '3'] });
    expect(rows.at(-1)).toMatchObject({ line: 14, fields: ['5', '6'] });
  });

  it('reports an unclosed quote at the end of the file', async () => {
    const { rows } = await readAll(file('a,b\n1,2\n3,"open\n4,5\n'));
    expect(rows[0]!.fields).toEqual(['1', '2']);
    expect(rows[1]).toMatchObject({ line: 3, fields: undefined, error: expect.stringMatching(/not closed/) });
  });

  it('skips whole lines when resuming', async () => {
    const path = file(TRICKY + '\n');
    const all = (await readAll(path)).rows;
    // through line 6 = through the end of the multi-line record
    const rest = (await readAll(path, { skipThroughLine: 6 })).rows;
    expect(mine(rest)).toEqual(mine(all.filter((r) => r.line > 6)));
  });

  it('reads .csv.gz and .zip (first CSV inside) like .csv', async () => {
    const ds = await generateDataset(join(dir, 'z'), { officeActions: 30, seed: 3, format: 'zip' });
    const gz = await generateDataset(join(dir, 'g'), { officeActions: 30, seed: 3, format: 'csv.gz' });
    const csv = await generateDataset(join(dir, 'c'), { officeActions: 30, seed: 3, format: 'csv' });
    const plain = await readAll(csv.citations);
    expect(plain.rows.length).toBe(csv.counts.citations);
    for (const p of [ds.citations, gz.citations]) {
      const other = await readAll(p);
      expect(other.header).toEqual(plain.header);
      expect(mine(other.rows)).toEqual(mine(plain.rows));
    }
    // gzip detected by content, whatever the name
    const renamed = file(gzipSync(Buffer.from('a,b\n1,2\n')), 'data');
    expect((await readAll(renamed)).rows[0]!.fields).toEqual(['1', '2']);
  });

  it('names the file when it is missing, empty or not a zip', async () => {
    await expect(openCsv(join(dir, 'nope.csv'))).rejects.toThrow(InputError);
    await expect(openCsv(join(dir, 'nope.csv'))).rejects.toThrow(/nope\.csv.*no such file/);
    await expect(openCsv(file(''))).rejects.toThrow(/no header/);
    await expect(openCsv(file(Buffer.from('PK\u0003\u0004garbage'), 'zip'))).rejects.toThrow(/zip/);
  });
});
