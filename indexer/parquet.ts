/**
 * BigQuery's Parquet export (`format = 'PARQUET'`: every column a STRING; SNAPPY by default, GZIP
 * or ZSTD) as rows of cells, the same rows a CSV of the table gives, one row group at a time:
 * memory holds one group, not the file. hyparquet (pure JavaScript, no binaries) reads the footer; the
 * column chunks of BigQuery's form are decoded by parquet-pages.ts, three times faster than
 * through hyparquet's general reader (the bench's `parquet_vs_csv_parse_ratio`), and any group it
 * declines - other types, encodings or codecs - is read by hyparquet. The header is the table's
 * own columns, found in the file's schema by name; a NULL is an empty cell, a number or boolean
 * its text. A file whose schema lacks app_id or every column of the table's own is not this
 * table: refused.
 *
 * A row's line is its row number in the file, from 1 (there is no header line), plus the
 * reader's `lineOffset`.
 */
import { asyncBufferFromFile, parquetMetadataAsync, parquetRead, type RowGroup } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { KEY_COLUMNS } from '../src/catalog/fields.ts';
import { describe, InputError } from './byte-source.ts';
import { chunkStart, decodeChunk, PAGE_CODECS, readable, type ChunkValues } from './parquet-pages.ts';
import type { CsvReader, RawRow, RowChunk, RowNumbering } from './sources.ts';

/**
 * For the groups hyparquet reads (it reads only SNAPPY itself): every codec of the format but LZO,
 * BigQuery's three as the fast path reads them.
 */
const COMPRESSORS = { ...compressors, ...PAGE_CODECS };

/** Rows made and passed on at a time from a decoded row group. */
const SLICE_ROWS = 2048;

export interface OpenParquetOptions extends RowNumbering {
  what?: string;
  columns: readonly string[];
  keys: readonly string[];
  skipThroughLine?: number;
}

/** A Parquet file's reader: and how many of its row groups went to hyparquet (declined here). */
export interface ParquetReader extends CsvReader {
  readonly declinedGroups: number;
}

export async function openParquet(path: string, options: OpenParquetOptions): Promise<ParquetReader> {
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
  const width = header.length;
  // The table's columns the file has, and the cell each fills; the others stay empty.
  const present = header.filter((h) => names.includes(h));
  const slotOf = new Map(present.map((h) => [h, header.indexOf(h)]));
  const total = Number(metadata.num_rows);
  const skip = options.skipThroughLine ?? 0;
  // A row's line: its number in the file (from 1), plus the reader's offset.
  const lineOf = (row: number) => row + 1 + (options.lineOffset ?? 0);
  // A row of empty cells, copied for each row (as ndjson.ts does: a copy of a packed array is packed).
  const blank: string[] = [];
  for (let k = 0; k < width; k++) blank.push('');
  let started = false;
  // A column's definition levels: 1 for an optional leaf of the root (BigQuery's every column).
  const leaves = new Map(metadata.schema.slice(1).map((e) => [e.name, e]));
  const flat = metadata.schema[0]?.num_children === metadata.schema.length - 1;
  const maxDefinition = (name: string) => (leaves.get(name)?.repetition_type === 'REQUIRED' ? 0 : 1);
  let declined = 0;

  const bytesAt = (row: number) => Math.round((file.byteLength * row) / Math.max(total, 1));
  const emptyRows = (from: number, to: number): RawRow[] => {
    const rows: RawRow[] = new Array(to - from);
    for (let r = 0; r < rows.length; r++) rows[r] = { line: lineOf(from + r), fields: blank.slice() };
    return rows;
  };

  const decline = () => {
    declined++;
    return undefined;
  };

  /** The group's wanted columns by the fast decoder, by their cells' slots; undefined: declined. */
  async function decodeGroup(group: RowGroup): Promise<{ slot: number; values: ChunkValues }[] | undefined> {
    const chunks = group.columns.flatMap((c) => {
      const name = c.meta_data?.path_in_schema.length === 1 ? c.meta_data.path_in_schema[0]! : undefined;
      const element = name === undefined ? undefined : leaves.get(name);
      return element && slotOf.has(name!) ? [{ meta: c.meta_data!, element, slot: slotOf.get(name!)!, max: maxDefinition(name!) }] : [];
    });
    if (!flat || chunks.length !== present.length || !chunks.every((c) => readable(c.meta, c.element))) return decline();
    const from = Math.min(...chunks.map((c) => chunkStart(c.meta)));
    const to = Math.max(...chunks.map((c) => chunkStart(c.meta) + Number(c.meta.total_compressed_size)));
    try {
      const bytes = new Uint8Array(await file.slice(from, to));
      return chunks.map(({ meta, slot, max }) => {
        const at = chunkStart(meta) - from;
        return { slot, values: decodeChunk(bytes.subarray(at, at + Number(meta.total_compressed_size)), meta, max, Number(group.num_rows)) };
      });
    } catch {
      // Declined, or damage: hyparquet reads the group, or says what is wrong with it.
      return decline();
    }
  }
  /** The group's rows first..end, by hyparquet's reader, column by column into the rows. */
  async function hyparquetGroup(first: number, end: number, rows: RawRow[]): Promise<void> {
    await parquetRead({
      file,
      metadata,
      rowStart: first,
      rowEnd: end,
      columns: present,
      compressors: COMPRESSORS,
      onChunk: ({ columnName, columnData, rowStart, rowEnd }) => {
        const c = slotOf.get(columnName)!;
        // A chunk is whole pages: it may start before the first row wanted (a resume).
        for (let r = Math.max(rowStart, first), last = Math.min(rowEnd, end); r < last; r++) {
          const v = columnData[r - rowStart];
          if (v !== null && v !== undefined) rows[r - first]!.fields![c] = typeof v === 'string' ? v : String(v);
        }
      },
    });
  }

  return {
    path,
    format: 'csv',
    size: file.byteLength,
    header,
    get declinedGroups() {
      return declined;
    },
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
        const first = Math.max(groupStart, skip);
        // BigQuery's form by the fast decoder (parquet-pages.ts), its rows made a slice at a time
        // (they die young); anything it declines, or any damage, by hyparquet, whose reading (and
        // error) is the file's.
        const columns = await decodeGroup(group);
        if (columns) {
          for (let at = first; at < groupEnd; at += SLICE_ROWS) {
            const end = Math.min(groupEnd, at + SLICE_ROWS);
            const rows: RawRow[] = new Array(end - at);
            for (let r = at; r < end; r++) {
              const fields = blank.slice();
              for (const { slot, values } of columns) fields[slot] = values.get(r - groupStart);
              rows[r - at] = { line: lineOf(r), fields };
            }
            yield { rows, endLine: end, bytesRead: bytesAt(end) };
          }
          groupStart = groupEnd;
          continue;
        }
        const rows = emptyRows(first, groupEnd);
        try {
          await hyparquetGroup(first, groupEnd, rows);
        } catch (err) {
          throw new InputError(path, `cannot read ${what} file ${path}: rows ${groupStart + 1}-${groupEnd}: ${describe(err)}`);
        }
        groupStart = groupEnd;
        yield { rows, endLine: groupEnd, bytesRead: bytesAt(groupEnd) };
      }
    },
  };
}
