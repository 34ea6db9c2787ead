/**
 * A table as the indexer reads it: the files a table option names (table-files.ts), each opened
 * in its format (CSV: sources.ts; newline-delimited JSON: ndjson.ts; Parquet: parquet.ts), one after the other as one
 * stream of rows under one header.
 *
 * Two numbers per row:
 * - where it is, for people: its file and physical line (its chunk's `source`, read by `readAt`,
 *   or the reader's one file and `row.line`), as every rejected row is reported;
 * - its position, for the checkpoint (`row.line` itself): the shard's number times 2^32 plus its
 *   line, a JSON or Parquet file's rows counted from 2 as a CSV's data lines are. Positions only grow, so a
 *   resumed run skips every shard before the checkpoint's and, in its shard, the lines up to it.
 *   For one CSV file the position is the line (checkpoints of earlier versions still apply).
 *
 * A pandas copy's unnamed index column (a header starting with an empty name or `Unnamed: 0`) is
 * dropped here, counted; the cell-level readings of pandas output are pandas.ts's.
 */
import { resolve } from 'node:path';
import { stat } from 'node:fs/promises';
import type { Catalog } from '../src/catalog/catalog.ts';
import { KEY_COLUMNS, type Table } from '../src/catalog/fields.ts';
import { checkReadable, InputError } from './byte-source.ts';
import type { FileIdentity } from './checkpoint.ts';
import { openNdjson } from './ndjson.ts';
import { openParquet } from './parquet.ts';
import type { Normalised } from './pandas.ts';
import { openCsv, type CsvReader, type RawRow, type RowChunk } from './sources.ts';
import { tableFiles, type TableFile } from './table-files.ts';

const SHARD = 2 ** 32;

export interface OpenTableOptions {
  /** What the table is, for messages ("citations", "office actions"). */
  what: string;
  table: Table;
  catalog: Catalog;
  /** Resume: skip every row up to this position. */
  skipThroughLine?: number;
  /** Where the normalisations of the rows read are counted (a run's counters). */
  normalised?: Normalised;
}

/** A pandas index column's header: empty, or `Unnamed: 0`. */
const isIndexColumn = (name: string) => name.trim() === '' || /^unnamed: ?0$/i.test(name.trim());

/** A position as people read it: "line 41" of a single file, else "<that shard's file> line 41". */
export function positionText(pos: number, files?: readonly string[]): string {
  const shard = Math.floor(pos / SHARD);
  const line = pos % SHARD;
  if (shard === 0 && (!files || files.length <= 1)) return `line ${line}`;
  return `${files?.[shard] ?? `file ${shard + 1}`} line ${line}`;
}

/** The identity of what a table option names, for the checkpoint key: its files' sizes and times. */
export async function tableIdentity(spec: string, what: string): Promise<FileIdentity> {
  const files = await tableFiles(spec, what);
  if (files.length === 1 && files[0]!.path === spec) {
    const s = await stat(spec);
    return { path: resolve(spec), size: s.size, mtimeMs: Math.trunc(s.mtimeMs) };
  }
  let size = 0;
  let mtimeMs = 0;
  for (const f of files) {
    const s = await stat(f.path);
    size += s.size;
    mtimeMs = Math.max(mtimeMs, Math.trunc(s.mtimeMs));
  }
  return { path: resolve(spec), size, mtimeMs, files: files.length };
}

/** The files of a table, each checked readable (InputError naming the first that is not). */
export async function checkTable(spec: string, what: string): Promise<TableFile[]> {
  const files = await tableFiles(spec, what);
  for (const f of files) await checkReadable(f.path, what);
  return files;
}

/**
 * Opens every file of a table just to bind its header (the first file's header as read, the
 * others' checked against it): a wrong or mismatched file is refused before anything is written.
 */
export async function checkTableHeaders(spec: string, options: OpenTableOptions, bind: (header: readonly string[], file: string) => void): Promise<void> {
  const files = await checkTable(spec, options.what);
  let first: readonly string[] | undefined;
  for (const [shard, file] of files.entries()) {
    const reader = await openFile(file, shard, options, undefined);
    try {
      const header = file.format === 'csv' && reader.header.length > 1 && isIndexColumn(reader.header[0]!) ? reader.header.slice(1) : reader.header;
      if (first) layoutOf(header, first, file.path, options.what);
      else {
        bind(header, file.path);
        first = header;
      }
    } finally {
      reader.close();
    }
  }
}

/** Opens the table's shard number `shard`, its rows numbered by position (see the top). */
async function openFile(file: TableFile, shard: number, options: OpenTableOptions, skipThroughLine: number | undefined): Promise<CsvReader> {
  const lineOffset = lineOffsetOf(file, shard);
  if (file.format === 'parquet') {
    return openParquet(file.path, { what: options.what, columns: options.catalog.columnsOf(options.table), keys: [KEY_COLUMNS[0]], skipThroughLine, lineOffset });
  }
  if (file.format === 'ndjson') {
    const columns = options.catalog.columnsOf(options.table);
    return openNdjson(file.path, { what: options.what, columns, keys: [KEY_COLUMNS[0]], skipThroughLine, lineOffset });
  }
  return openCsv(file.path, { what: options.what, skipThroughLine, lineOffset });
}

/** What a shard's own lines are moved by: its number times 2^32, and 1 for a JSON or Parquet file (rows counted from 2). */
const lineOffsetOf = (file: TableFile, shard: number) => shard * SHARD + (file.format === 'csv' ? 0 : 1);

/** How a shard's header maps onto the table's: undefined when the same, else each column's position in the shard. */
function layoutOf(header: readonly string[], first: readonly string[], file: string, what: string): number[] | undefined {
  if (header.length === first.length && header.every((h, i) => h === first[i])) return undefined;
  const at = new Map(header.map((h, i) => [h.trim().toLowerCase(), i]));
  const positions = first.map((h) => at.get(h.trim().toLowerCase()));
  const missing = first.filter((_, i) => positions[i] === undefined);
  if (missing.length) throw new InputError(file, `${what} file ${file}: its header lacks ${missing.join(', ')}, which the table's first file has (every file of a table has the same columns)`);
  return positions as number[];
}

/** Opens a table (one file, a folder of shards or a glob) as one reader; InputError when a file is unusable. */
export async function openTable(spec: string, options: OpenTableOptions): Promise<CsvReader> {
  const files = await tableFiles(spec, options.what);
  const skip = options.skipThroughLine ?? 0;
  const skipShard = Math.floor(skip / SHARD);
  const sizes = await Promise.all(files.map(async (f) => (await stat(f.path)).size));
  const firstReader = await openFile(files[0]!, 0, options, skipShard === 0 ? lineIn(files[0]!, skip % SHARD) : Number.MAX_SAFE_INTEGER);
  const indexColumn = files[0]!.format === 'csv' && firstReader.header.length > 1 && isIndexColumn(firstReader.header[0]!);
  const header = indexColumn ? firstReader.header.slice(1) : firstReader.header;
  const plain = files.length === 1 && files[0]!.format === 'csv' && !indexColumn;
  if (plain) return firstReader;

  const normalised = options.normalised;
  let started = false;
  let current: CsvReader | undefined = firstReader;
  return {
    path: spec,
    format: firstReader.format,
    size: sizes.reduce((a, b) => a + b, 0),
    header,
    close: () => current?.close(),
    async *chunks(): AsyncGenerator<RowChunk> {
      if (started) throw new Error('chunks() can be called once');
      started = true;
      let before = 0;
      for (let s = 0; s < files.length; before += sizes[s]!, s++) {
        if (s < skipShard) {
          if (s === 0) firstReader.close();
          continue;
        }
        const file = files[s]!;
        const reader: CsvReader = s === 0 ? firstReader : await openFile(file, s, options, s === skipShard ? lineIn(file, skip % SHARD) : undefined);
        current = reader;
        const dropFirst = file.format === 'csv' && reader.header.length > 1 && isIndexColumn(reader.header[0]!);
        try {
          const layout = layoutOf(dropFirst ? reader.header.slice(1) : reader.header, header, file.path, options.what);
          const width = reader.header.length;
          const source = { file: file.path, lineOffset: lineOffsetOf(file, s) };
          for await (const chunk of reader.chunks()) {
            for (const row of chunk.rows) {
              // Counted per row, so a row is counted once whatever chunk a resumed run starts in.
              if (place(row, dropFirst, layout, width) && normalised) normalised.indexColumn++;
            }
            yield { rows: chunk.rows, endLine: source.lineOffset + chunk.endLine, bytesRead: before + chunk.bytesRead, source };
          }
        } finally {
          reader.close();
        }
      }
    },
  };
}

/** A file's own line to skip through for a position's line (a JSON file's lines are counted from 2). */
const lineIn = (file: TableFile, line: number) => (file.format === 'csv' ? line : Math.max(0, line - 1));

/**
 * A row's cells in the table's layout (its line is already its position: the reader's
 * `lineOffset`); whether its index column was dropped. A row of another width than its file's
 * header is left as read, for the row check to reject ("expected N columns").
 */
function place(row: RawRow, dropFirst: boolean, layout: number[] | undefined, width: number): boolean {
  if (!row.fields || row.fields.length !== width) return false;
  if (dropFirst) row.fields.shift();
  if (layout) {
    const f = row.fields;
    row.fields = layout.map((i) => f[i]!);
  }
  return dropFirst;
}
