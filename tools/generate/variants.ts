/**
 * One OARD table (a generated plain CSV) rewritten in the forms users really have it in, for the
 * tests that prove every form yields the same index and for the bench's per-format read rate:
 *
 *   shards    a folder of gzipped CSV shards, each with its header (BigQuery's `EXPORT DATA` to CSV)
 *   ndjson    newline-delimited JSON, values strings, NULL columns left out (BigQuery's JSON export)
 *   parquet   every column a STRING, empty cells NULL, in row groups (BigQuery's Parquet export)
 *   pandas    `pd.read_csv(f).to_csv(g)`: an unnamed index column, NaN for empty cells, numbers of a
 *             column with an empty cell as floats (1.0, 2154.0), app_id with its leading zero lost
 *             (the forms ../shared/reference/legacy-contract.md lists)
 *
 * The data is the same: only the writing differs.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { parquetWriteBuffer } from 'hyparquet-writer';

type Rows = { header: string[]; rows: string[][] };

function readTable(csv: string): Rows {
  const [header, ...rows] = parse(readFileSync(csv), { relax_column_count: true, relax_quotes: true }) as string[][];
  return { header: header!, rows };
}

const quote = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
const line = (cells: readonly string[]) => cells.map(quote).join(',');

/** The table as `count` gzipped CSV shards named as BigQuery names them, in a new folder. */
export function writeShards(csv: string, dir: string, name: string, count: number): string {
  const { header, rows } = readTable(csv);
  mkdirSync(dir, { recursive: true });
  const per = Math.ceil(rows.length / count);
  for (let s = 0; s < count; s++) {
    const part = rows.slice(s * per, (s + 1) * per);
    const text = [line(header), ...part.map(line)].join('\n') + '\n';
    writeFileSync(join(dir, `${name}-${String(s).padStart(12, '0')}.csv.gz`), gzipSync(text));
  }
  writeFileSync(join(dir, '_SUCCESS'), '');
  return dir;
}

/** The table as newline-delimited JSON (every value a string; empty cells left out, as BigQuery leaves NULLs out). */
export function writeNdjson(csv: string, out: string, options: { gzip?: boolean } = {}): string {
  const { header, rows } = readTable(csv);
  const text =
    rows
      .map((r) => {
        const o: Record<string, string> = {};
        header.forEach((h, i) => {
          const v = r[i] ?? '';
          if (v !== '') o[h] = v;
        });
        return JSON.stringify(o);
      })
      .join('\n') + '\n';
  writeFileSync(out, options.gzip ? gzipSync(text) : text);
  return out;
}

const WHOLE = /^\d+$/;

/** The table after a pandas round trip (read_csv, to_csv with its index). */
export function writePandas(csv: string, out: string): string {
  const { header, rows } = readTable(csv);
  // pandas reads a column as numbers when every non-empty cell is one; as floats when one is empty.
  const numeric = header.map((_, i) => rows.every((r) => (r[i] ?? '') === '' || WHOLE.test(r[i]!)));
  const floats = header.map((_, i) => numeric[i] && rows.some((r) => (r[i] ?? '') === ''));
  const text = [
    line(['', ...header]),
    ...rows.map((r, n) =>
      line([
        String(n),
        ...header.map((h, i) => {
          const v = r[i] ?? '';
          if (v === '') return 'NaN';
          if (!numeric[i]) return v;
          // app_id loses its leading zero (../shared/reference: "9018009 for 09018009"); the other
          // digit columns are kept as text by the copies seen, but written as floats all the same.
          const digits = h === 'app_id' ? String(Number(v)) : v;
          return floats[i] ? `${digits}.0` : digits;
        }),
      ]),
    ),
  ].join('\n');
  writeFileSync(out, `${text}\n`);
  return out;
}

/** The table as Parquet, every column an optional STRING (empty: NULL), `rowGroupSize` rows a group. */
export function writeParquet(csv: string, out: string, rowGroupSize = 500): string {
  const { header, rows } = readTable(csv);
  const columnData = header.map((name, i) => ({ name, type: 'STRING' as const, data: rows.map((r) => ((r[i] ?? '') === '' ? null : r[i]!)) }));
  writeFileSync(out, Buffer.from(parquetWriteBuffer({ columnData, rowGroupSize })));
  return out;
}
