/**
 * Input files as record streams, in two layers:
 * - `openByteSource` (byte-source.ts) gives the decompressed CSV bytes of a `.csv`, `.csv.gz` or
 *   `.zip` and how many bytes of the file on disk have been consumed (for progress);
 * - `openCsv` (here) turns them into chunks of rows with exact physical line numbers (header = line 1).
 *
 * Why not pipe everything through csv-parse's stream? With `info: true` (needed for line numbers)
 * it runs at ~185 k rows/s on the OARD citations shape, below the indexer's whole budget
 * (>= 250 k rows/s for read + validate + join + derive). So the record boundaries are found here
 * with `indexOf` over decoded text, and:
 * - a line without any `"` is split on commas - for such a line that is exactly what csv-parse
 *   returns (no quoting, no escaping), at a fraction of the cost;
 * - every record that contains a `"` (~5 % of the OARD citations: free-text references such as
 *   `"US 7,123,456 B2"`) is parsed by csv-parse itself, batched per chunk, so quoting, escaped
 *   quotes, embedded newlines and malformed quoting follow csv-parse's rules and error messages.
 * The test suite compares the rows with csv-parse/sync's over generated files.
 *
 * Line numbers: a row's `line` is the physical line it starts on; `end` (when the record spans
 * several lines because a quoted field holds a newline) the line it ends on; both plus the
 * reader's `lineOffset` (RowNumbering). Resuming skips whole
 * physical lines (`skipThroughLine`), which lands on a record boundary because checkpoints are
 * always taken at a record's end line.
 */
import { StringDecoder } from 'node:string_decoder';
import { parse as parseCsvSync } from 'csv-parse/sync';
import { describe, InputError, openByteSource, READ_CHUNK, type SourceFormat } from './byte-source.ts';

export { checkReadable, InputError, openByteSource, type ByteSource, type SourceFormat } from './byte-source.ts';
// ---------------------------------------------------------------------------------------------
// Rows

export interface RawRow {
  /**
   * Physical line the record starts on in its file (a CSV's header and a JSON or Parquet file's
   * first row are 1), plus the reader's `lineOffset`.
   */
  line: number;
  /** Physical line it ends on, when it spans several lines (plus the `lineOffset`). */
  end?: number;
  /** The fields; undefined when the record could not be parsed (see `error`). */
  fields: string[] | undefined;
  /** The record as written, kept for records that contain quotes (raw text of rejects). */
  text?: string;
  /** Why the record could not be parsed. */
  error?: string;
}

export interface RowChunk {
  rows: RawRow[];
  /** Last physical line consumed by this chunk (all records up to it are complete); no `lineOffset` in it (RowNumbering). */
  endLine: number;
  /** File bytes consumed so far (see ByteSource.bytesRead). */
  bytesRead: number;
  /**
   * Where the rows were read, when their `line` is a position in a table of several files or of
   * another format (table-reader.ts): a row's own line in `file` is `line - lineOffset`. Absent:
   * the reader's own file, and `line`. (One per chunk: an object per row would be garbage made
   * on every row, for the few rows ever reported.)
   */
  source?: { file: string; lineOffset: number };
}

/**
 * Where a reader's rows are numbered from: `lineOffset` is added to every row's `line` and `end`
 * (a table of several files numbers its rows by position, table-reader.ts), not to its chunks'
 * `endLine`, which stay the file's own lines (the table reader moves them). Given when the rows
 * are made rather than added afterwards: a row whose line is written again after it was made
 * is, to V8, an object of another kind than a plain file's rows, and a process reading a plain
 * CSV and a file of another form in turn (as a run may read its two data sets) built every CSV
 * row at half speed: 3.4 s against 1.6 s per 410 k citation rows.
 */
export interface RowNumbering {
  lineOffset?: number;
}

/** The file and own line a row of `chunk` was read from (`path`: the reader's). */
export function readAt(row: RawRow, chunk: Pick<RowChunk, 'source'>, path: string): { file: string; line: number } {
  return chunk.source ? { file: chunk.source.file, line: row.line - chunk.source.lineOffset } : { file: path, line: row.line };
}

export interface CsvReader {
  readonly path: string;
  readonly format: SourceFormat;
  readonly size: number;
  readonly entryName?: string;
  /** The header row (line 1), as written. */
  readonly header: string[];
  /** The data rows, in chunks; call once. */
  chunks(): AsyncGenerator<RowChunk>;
  close(): void;
}

/** The raw text of a row for the rejects file: as written (comma-joined for quote-free lines). */
export function rawText(row: RawRow): string {
  return row.text ?? (row.fields ? row.fields.join(',') : '');
}

/** A quoted record longer than this is treated as a runaway (unbalanced) quote. */
const MAX_RECORD_CHARS = 1 << 20;

const QUOTE = 34;
const CR = 13;

interface ScanState {
  rest: string;
  /** Physical lines fully consumed. */
  line: number;
  /** Added to the rows' lines (RowNumbering). */
  offset: number;
  /** Skip physical lines 2..skipThrough (resume); the header (line 1) is always read. */
  skipThrough: number;
  first: boolean;
}

/**
 * End of the record starting at `pos` that contains a quote: `{ end, newlines }` with `end` the
 * index of its terminating newline (or s.length at the end of input), or undefined when more input
 * is needed. A quote opens a quoted field only at the start of a field (csv-parse with
 * relax_quotes treats a quote elsewhere as a plain character); inside, `""` is an escaped quote.
 */
function quotedRecordEnd(
  s: string,
  pos: number,
  final: boolean,
): { end: number; newlines: number; runaway?: boolean; unclosed?: boolean } | undefined {
  const len = s.length;
  let i = pos;
  let newlines = 0;
  for (;;) {
    if (s.charCodeAt(i) === QUOTE) {
      // a quoted field: up to the closing quote
      i++;
      for (;;) {
        const q = s.indexOf('"', i);
        const limit = q < 0 ? len : q;
        for (let n = s.indexOf('\n', i); n >= 0 && n < limit; n = s.indexOf('\n', n + 1)) newlines++;
        if (limit - pos > MAX_RECORD_CHARS) return { end: s.indexOf('\n', pos) < 0 ? len : s.indexOf('\n', pos), newlines: 0, runaway: true };
        if (q < 0) return final ? { end: len, newlines, unclosed: true } : undefined;
        if (q + 1 >= len && !final) return undefined; // cannot tell `"` from `""` yet
        if (s.charCodeAt(q + 1) === QUOTE) {
          i = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
    }
    const n = s.indexOf('\n', i);
    if (n < 0 && !final) return undefined;
    const c = s.indexOf(',', i);
    const end = n < 0 ? len : n;
    if (c >= 0 && c < end) {
      i = c + 1;
      continue;
    }
    return { end, newlines };
  }
}

/**
 * Splits decoded text into rows. Records containing a quote get `fields: undefined` and their
 * `text`; `parseQuoted` fills them in afterwards (one csv-parse call per chunk).
 */
function scan(st: ScanState, text: string, final: boolean, rows: RawRow[]): void {
  const s = st.rest.length > 0 ? st.rest + text : text;
  const len = s.length;
  let pos = 0;
  if (st.first && len > 0) {
    if (s.charCodeAt(0) === 0xfeff) pos = 1; // UTF-8 byte order mark
    st.first = false;
  }
  let nextQuote = -2; // unknown
  while (pos < len) {
    let nl = s.indexOf('\n', pos);
    if (nl < 0) {
      if (!final) break;
      nl = len;
    }
    if (st.line >= 1 && st.line < st.skipThrough) {
      // resuming: drop whole physical lines up to the checkpoint
      st.line++;
      pos = nl + 1;
      continue;
    }
    if (nextQuote !== -1 && nextQuote < pos) {
      nextQuote = s.indexOf('"', pos);
    }
    if (nextQuote === -1 || nextQuote > nl) {
      let end = nl;
      if (end > pos && s.charCodeAt(end - 1) === CR) end--;
      st.line++;
      if (end > pos) rows.push({ line: st.line + st.offset, fields: s.slice(pos, end).split(',') });
      pos = nl + 1;
      continue;
    }
    const r = quotedRecordEnd(s, pos, final);
    if (!r) break; // need more input
    let end = r.end;
    if (end > pos && s.charCodeAt(end - 1) === CR) end--;
    const line = st.line + 1 + st.offset;
    st.line += 1 + r.newlines;
    const row: RawRow = { line, fields: undefined, text: s.slice(pos, end) };
    if (r.newlines > 0) row.end = st.line + st.offset;
    if (r.runaway) row.error = `unbalanced quote: record longer than ${MAX_RECORD_CHARS} characters`;
    else if (r.unclosed) row.error = 'quote not closed at the end of the file';
    rows.push(row);
    pos = r.end + 1;
  }
  st.rest = pos < len ? s.slice(pos) : '';
}

// `record_delimiter` fixed to \n: the records handed over never end in \r (stripped by the scanner),
// and auto-detection could take a stray \r inside a record for the delimiter.
const CSV_OPTIONS = { relax_column_count: true, relax_quotes: true, skip_empty_lines: false, record_delimiter: '\n' } as const;

/** Parses the quoted records of a chunk with csv-parse: in one call, or one by one on an error. */
function parseQuoted(rows: RawRow[], from: number): void {
  const pending: RawRow[] = [];
  for (let i = from; i < rows.length; i++) {
    const r = rows[i]!;
    if (r.fields === undefined && r.error === undefined) pending.push(r);
  }
  if (pending.length === 0) return;
  if (pending.length > 1) {
    try {
      const parsed = parseCsvSync(pending.map((r) => r.text).join('\n'), CSV_OPTIONS) as string[][];
      if (parsed.length === pending.length) {
        for (let i = 0; i < pending.length; i++) pending[i]!.fields = parsed[i]!;
        return;
      }
    } catch {
      // one of them is malformed: find which, below
    }
  }
  for (const r of pending) {
    try {
      const parsed = parseCsvSync(r.text!, CSV_OPTIONS) as string[][];
      if (parsed.length === 1) r.fields = parsed[0]!;
      else r.error = `malformed quoting: the line holds ${parsed.length} records`;
    } catch (err) {
      r.error = `malformed quoting: ${(err as Error).message}`;
    }
  }
}

export interface OpenCsvOptions extends RowNumbering {
  /** Skip physical lines 2..skipThroughLine (resume after a checkpoint). */
  skipThroughLine?: number;
  /** What the file is, for error messages ("citations", "office actions"). */
  what?: string;
  /** Bytes per read of a plain or gzip file (default 64 KiB; tests use tiny ones to hit chunk edges). */
  readChunkBytes?: number;
}

/** Opens a CSV source and reads its header. */
export async function openCsv(path: string, options: OpenCsvOptions = {}): Promise<CsvReader> {
  const what = options.what ?? 'input';
  const source = await openByteSource(path, what, options.readChunkBytes);
  const decoder = new StringDecoder('utf8');
  const st: ScanState = { rest: '', line: 0, offset: options.lineOffset ?? 0, skipThrough: options.skipThroughLine ?? 0, first: true };
  const iterator = source.stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let done = false;

  const target = options.readChunkBytes ?? READ_CHUNK;
  /** Reads and scans input until at least one row is available or the input ended. Small reads
   * (zip inflates in 16 KiB pieces) are gathered up to `target` bytes: fewer, larger scans. */
  async function fill(rows: RawRow[]): Promise<void> {
    while (!done) {
      const start = rows.length;
      const parts: Buffer[] = [];
      let size = 0;
      while (size < target) {
        let res: IteratorResult<Buffer>;
        try {
          res = await iterator.next();
        } catch (err) {
          throw new InputError(path, `cannot read ${what} file ${path}: ${describe(err)}`);
        }
        if (res.done) {
          done = true;
          break;
        }
        parts.push(res.value);
        size += res.value.length;
      }
      if (size > 0) scan(st, decoder.write(parts.length === 1 ? parts[0]! : Buffer.concat(parts, size)), false, rows);
      if (done) scan(st, decoder.end(), true, rows);
      parseQuoted(rows, start);
      if (rows.length > 0) return;
    }
  }

  const first: RawRow[] = [];
  try {
    await fill(first);
  } catch (err) {
    source.close();
    throw err;
  }
  const head = first.shift();
  if (!head || head.line !== 1 + st.offset || !head.fields) {
    source.close();
    throw new InputError(path, `${what} file ${path} has no header line${head?.error ? ` (${head.error})` : ''}`);
  }

  let started = false;
  return {
    path,
    format: source.format,
    size: source.size,
    entryName: source.entryName,
    header: head.fields,
    close: () => source.close(),
    async *chunks(): AsyncGenerator<RowChunk> {
      if (started) throw new Error('chunks() can be called once');
      started = true;
      try {
        let rows = first;
        for (;;) {
          if (rows.length > 0 || done) {
            // Records up to the last complete line are in `rows`; `st.rest` holds a partial one.
            yield { rows, endLine: st.line, bytesRead: source.bytesRead() };
          }
          if (done) break;
          rows = [];
          await fill(rows);
        }
      } finally {
        source.close();
      }
    },
  };
}
