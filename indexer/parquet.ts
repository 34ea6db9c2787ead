/**
 * BigQuery's Parquet export (`format = 'PARQUET'`: every column a STRING, any codec hyparquet
 * reads - SNAPPY by default) as rows of cells, the same rows a CSV of the table gives. Read with
 * hyparquet (pure JavaScript, no binaries), one row group at a time: memory holds one group, not
 * the file. The header is the table's own columns, found in the file's schema by name; a NULL is
 * an empty cell, a number or boolean its text. A file whose schema lacks app_id or every column of
 * the table's own is not this table: refused.
 *
 * A row's line is its row number in the file, from 1 (there is no header line).
 */
import { asyncBufferFromFile, parquetMetadataAsync, parquetRead } from 'hyparquet';
import { KEY_COLUMNS } from '../src/catalog/fields.ts';
import { describe, InputError } from './byte-source.ts';
import type { CsvReader, RawRow, RowChunk } from './sources.ts';

export interface OpenParquetOptions {
  what?: string;
  columns: readonly string[];
  keys: readonly string[];
  skipThroughLine?: number;
}

const text = (v: unknown): string => (v === null || v === undefined ? '' : typeof v === 'string' ? v : String(v));

export async function openParquet(path: string, options: OpenParquetOptions): Promise<CsvReader> {
  const what = options.what ?? 'input';
  let file: Awaited<ReturnType<typeof asyncBufferFromFile>>;
  let metadata: Awaited<ReturnType<typeof parquetMetadataAsync>>;
  try {
    file = await asyncBufferFromFile(path);
    metadata = await parquetMetadataAsync(file);
  } catch (err) {
    throw new InputError(path, `cannot read ${what} file ${path}: not a readable Parquet file (${describe(err)})`);
  }
  // BigQuery's schema is flat: the root, then one leaf per column.
  const names = metadata.schema.slice(1).map((e) => e.name);
  const missing = options.keys.filter((k) => !names.includes(k));
  const own = names.some((n) => options.columns.includes(n) && !(KEY_COLUMNS as readonly string[]).includes(n));
  if (missing.length || !own) {
    throw new InputError(path, `${what} file ${path}: its columns are not this table's (${missing.length ? `it lacks ${missing.join(', ')}` : 'none of its columns'}; found ${names.slice(0, 12).join(', ')})`);
  }
  const header = [...options.columns];
  const from = header.map((h) => names.indexOf(h));
  const total = Number(metadata.num_rows);
  const skip = options.skipThroughLine ?? 0;
  let started = false;

  return {
    path,
    format: 'csv',
    size: file.byteLength,
    header,
    close: () => {},
    async *chunks(): AsyncGenerator<RowChunk> {
      if (started) throw new Error('chunks() can be called once');
      started = true;
      let groupStart = 0;
      for (const group of metadata.row_groups) {
        const count = Number(group.num_rows);
        const groupEnd = groupStart + count;
        if (groupEnd <= skip) {
          groupStart = groupEnd;
          continue;
        }
        let cells: unknown[][] = [];
        try {
          await parquetRead({ file, metadata, rowStart: groupStart, rowEnd: groupEnd, rowFormat: 'array', onComplete: (rows) => (cells = rows as unknown[][]) });
        } catch (err) {
          throw new InputError(path, `cannot read ${what} file ${path}: rows ${groupStart + 1}-${groupEnd}: ${describe(err)}`);
        }
        const rows: RawRow[] = [];
        cells.forEach((values, i) => {
          const line = groupStart + i + 1;
          if (line <= skip) return;
          rows.push({ line, fields: from.map((j) => (j < 0 ? '' : text(values[j]))) });
        });
        groupStart = groupEnd;
        yield { rows, endLine: groupEnd, bytesRead: Math.round((file.byteLength * groupEnd) / Math.max(total, 1)) };
      }
    },
  };
}
