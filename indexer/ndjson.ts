/**
 * BigQuery's newline-delimited JSON export (`--destination_format NEWLINE_DELIMITED_JSON`, `.json`
 * or `.ndjson`, optionally gzipped) as rows of cells, the same rows a CSV of the table gives: one
 * object per line, every value a string or null - numbers and booleans are taken as their text,
 * so a hand-made file reads too. BigQuery leaves NULL columns out of an object, so the header is
 * the table's own columns, and a missing key is an empty cell; other keys are ignored. A first
 * object without app_id or any column of the table's own is not this table: refused.
 *
 * Lines are the file's physical lines (the first object is line 1; there is no header line). A
 * line that is not a JSON object is a rejected row with its line, never the end of the file.
 */
import { isAscii } from 'node:buffer';
import { KEY_COLUMNS } from '../src/catalog/fields.ts';
import { describe, InputError, openByteSource } from './byte-source.ts';
import type { CsvReader, RawRow, RowChunk, RowNumbering } from './sources.ts';

export interface OpenNdjsonOptions extends RowNumbering {
  what?: string;
  /** The table's columns, in order (the header the rows are laid out by). */
  columns: readonly string[];
  /** Columns the first object must have (the application number). */
  keys: readonly string[];
  /** Skip lines 1..skipThroughLine (resume). */
  skipThroughLine?: number;
  /** Bytes per read (default 64 KiB; tests use tiny ones to cut lines and characters apart). */
  readChunkBytes?: number;
}

/**
 * BigQuery's own form of a line, `{"key":"value","other":null,...}` (no spaces, every value a
 * string or null), read straight from the line's bytes into cells rather than through JSON.parse,
 * which builds an object only to be taken apart. Anything else (spaces, numbers, nesting, a raw
 * control character, a malformed line) answers undefined and goes through JSON.parse, so the cells
 * are always JSON.parse's: a later key wins, an escape is decoded by JSON.parse itself.
 *
 * Bytes, not characters: a byte of a Buffer is cheaper to look at than a character of a string,
 * and in UTF-8 every byte of a multi-byte character is >= 0x80, so the quotes, backslashes and
 * control characters (< 0x20) looked for are never part of one. A block of ASCII lines comes with
 * its text (`ascii`: the same bytes as a latin1 string, one character per byte), from which a value
 * is cut more cheaply than it is decoded.
 *
 * The lines of one export name their keys in one order (leaving out the NULL ones), so the
 * scanner remembers, after each key, the two keys that last came next: their bytes `"key":` are
 * then compared where they stand, four at a time, with no key cut out and looked up.
 *
 * A buffer without a backslash (BigQuery escapes only quotes, backslashes and control characters,
 * so nearly every block of an export) holds no escape: a string there ends at its next quote, and
 * only a control character inside it sends the line to JSON.parse - one comparison per
 * byte for the letters and digits that make up a value, where a buffer with escapes takes three.
 */
export class LineScanner {
  private readonly columnOf: ReadonlyMap<string, number>;
  /** Each column's key as a line writes it, `"key":`, in UTF-8. */
  private readonly tokens: Uint8Array[];
  /**
   * After each key (slot: its column + 1; 0 the line's start, width + 1 any other key), the two
   * columns that came next most recently (at 2 * slot and 2 * slot + 1; -1: none yet). Two, as a
   * NULL left out makes a key's successor alternate: app_id is followed by ifw_number, or by
   * parsed in a line without one.
   */
  private readonly next: Int32Array;
  /** Each token's whole four-byte words, little-endian (its last length % 4 bytes are compared one by one). */
  private readonly words: Uint32Array[];
  /** A row of empty cells, copied for each line (a copy of a packed array is packed; `fill` leaves it holey). */
  private readonly blank: string[] = [];
  /** The buffer last read, a view of it for the words, and whether it holds no backslash. */
  private bytes: Buffer | undefined;
  private view: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));
  private plain = false;

  constructor(private readonly header: readonly string[]) {
    this.columnOf = new Map(header.map((h, i) => [h, i]));
    this.tokens = header.map((h) => Buffer.from(`${JSON.stringify(h)}:`));
    this.words = this.tokens.map((t) => {
      const view = new DataView(t.buffer, t.byteOffset, t.length);
      return Uint32Array.from({ length: t.length >> 2 }, (_, k) => view.getUint32(4 * k, true));
    });
    this.next = new Int32Array(2 * (header.length + 2)).fill(-1);
    for (let k = 0; k < header.length; k++) this.blank.push('');
  }

  /**
   * The cells of the line at bytes[start, end) (no line break), or undefined: JSON.parse's to read.
   * What is learnt of a buffer (its view, whether it holds a backslash) is kept by the buffer's
   * identity: a buffer once passed must not change (the reader's blocks never do).
   */
  cells(bytes: Buffer, start: number, end: number, ascii?: string): string[] | undefined {
    if (bytes !== this.bytes) {
      this.bytes = bytes;
      this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
      this.plain = bytes.indexOf(0x5c /* \ */) < 0;
    }
    if (end - start < 2 || bytes[start] !== 0x7b /* { */ || bytes[end - 1] !== 0x7d /* } */) return undefined;
    const fields = this.blank.slice();
    let i = start + 1;
    if (i === end - 1) return fields;
    const other = this.header.length + 1;
    for (let slot = 0; ; ) {
      let column = this.successor(slot, i, end);
      if (column >= 0) i += this.tokens[column]!.length;
      else {
        // "key": a key with an escape or a control character takes the slow path.
        if (bytes[i] !== 0x22) return undefined;
        let k = i + 1;
        for (; k < end; k++) {
          const b = bytes[k]!;
          if (b === 0x22 /* " */) break;
          if (b === 0x5c /* \ */ || b < 0x20) return undefined;
        }
        if (k >= end || bytes[k + 1] !== 0x3a /* : */) return undefined;
        column = this.follow(slot, this.columnOf.get(cut(bytes, ascii, i + 1, k)) ?? -1);
        i = k + 2;
      }
      let value: string;
      if (bytes[i] === 0x22) {
        // A string: to its closing quote, past escaped characters; one with escapes is decoded
        // by JSON.parse (exactly its reading of them).
        let j = i + 1;
        let escaped = false;
        if (this.plain) {
          for (; j < end; j++) {
            const b = bytes[j]!;
            if (b > 0x22) continue;
            if (b === 0x22) break;
            if (b < 0x20) return undefined;
          }
        } else {
          for (; j < end; j++) {
            const b = bytes[j]!;
            if (b === 0x22) break;
            if (b < 0x20) return undefined;
            if (b === 0x5c) {
              escaped = true;
              j++;
            }
          }
        }
        if (j >= end) return undefined;
        if (escaped) {
          try {
            value = JSON.parse(cut(bytes, ascii, i, j + 1)) as string;
          } catch {
            return undefined;
          }
        } else value = cut(bytes, ascii, i + 1, j);
        i = j + 1;
      } else if (bytes[i] === 0x6e && bytes[i + 1] === 0x75 && bytes[i + 2] === 0x6c && bytes[i + 3] === 0x6c /* null */) {
        value = '';
        i += 4;
      } else return undefined;
      if (column >= 0) fields[column] = value;
      slot = column >= 0 ? column + 1 : other;
      const next = bytes[i];
      if (next === 0x2c /* , */) i++;
      else if (next === 0x7d && i === end - 1) return fields;
      else return undefined;
    }
  }

  /** The column of one of the keys that last came after `slot`, if it stands at bytes[i] (before `end`); else -1. */
  private successor(slot: number, i: number, end: number): number {
    const first = this.next[2 * slot]!;
    if (first < 0) return -1;
    if (this.tokenAt(first, i, end)) return first;
    const second = this.next[2 * slot + 1]!;
    if (second < 0 || !this.tokenAt(second, i, end)) return -1;
    // The other one is the more recent now.
    this.next[2 * slot] = second;
    this.next[2 * slot + 1] = first;
    return second;
  }

  /** Whether `column`'s token stands in the current buffer at `at`, wholly before `end`. */
  private tokenAt(column: number, at: number, end: number): boolean {
    const token = this.tokens[column]!;
    if (at + token.length > end) return false;
    const words = this.words[column]!;
    const view = this.view;
    let k = 0;
    for (; k < words.length; k++) if (view.getUint32(at + 4 * k, true) !== words[k]) return false;
    const bytes = this.bytes!;
    for (k *= 4; k < token.length; k++) if (bytes[at + k] !== token[k]) return false;
    return true;
  }

  /** `column` came after `slot` (-1: a key of no column, not remembered); returns it. */
  private follow(slot: number, column: number): number {
    if (column >= 0) {
      this.next[2 * slot + 1] = this.next[2 * slot]!;
      this.next[2 * slot] = column;
    }
    return column;
  }
}

/**
 * The text of bytes[from, to): cut from the ASCII text, else decoded. (A module function, not a
 * closure in cells(): one made per line costs more than the cutting.)
 */
function cut(bytes: Buffer, ascii: string | undefined, from: number, to: number): string {
  return ascii === undefined ? bytes.toString('utf8', from, to) : ascii.slice(from, to);
}

/** One line's object as cells in header order, or the reason it is none. */
function cellsOf(text: string, header: readonly string[]): { fields?: string[]; error?: string } {
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch (err) {
    return { error: `not a JSON object: ${(err as Error).message}` };
  }
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return { error: 'not a JSON object (one object per line)' };
  const o = obj as Record<string, unknown>;
  const fields = new Array<string>(header.length);
  for (let i = 0; i < header.length; i++) {
    const v = o[header[i]!];
    if (v === undefined || v === null) fields[i] = '';
    else if (typeof v === 'string') fields[i] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') fields[i] = String(v);
    else return { error: `${header[i]}: expected a string or null, got ${Array.isArray(v) ? 'an array' : 'an object'}` };
  }
  return { fields };
}

/** JSON.parse's reading of one line (the scanner's oracle in the tests). */
export const parseCells = cellsOf;

/**
 * The complete lines of one read (all that is left, at the end): their bytes, their latin1 text
 * when they are all ASCII, and where each line starts and ends (`bounds`: start, end, start, end...;
 * the line break not included). A read is cut at its last newline, which is never a byte of a
 * multi-byte character.
 */
interface Block {
  bytes: Buffer;
  ascii: string | undefined;
  /** The number of the block's first line. */
  first: number;
  bounds: number[];
}

export async function openNdjson(path: string, options: OpenNdjsonOptions): Promise<CsvReader> {
  const what = options.what ?? 'input';
  const source = await openByteSource(path, what, options.readChunkBytes);
  const iterator = source.stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const skip = options.skipThroughLine ?? 0;
  let rest: Buffer = Buffer.alloc(0);
  let line = 0;
  let done = false;
  let header: string[] | undefined;

  async function nextBlock(): Promise<Block | undefined> {
    while (!done) {
      let res: IteratorResult<Buffer>;
      try {
        res = await iterator.next();
      } catch (err) {
        throw new InputError(path, `cannot read ${what} file ${path}: ${describe(err)}`);
      }
      if (res.done) done = true;
      const data = res.done ? rest : rest.length ? Buffer.concat([rest, res.value]) : res.value;
      const cut = done ? data.length : data.lastIndexOf(0x0a) + 1;
      rest = data.subarray(cut);
      if (cut === 0) continue;
      const bytes = data.subarray(0, cut);
      const block: Block = { bytes, ascii: isAscii(bytes) ? bytes.toString('latin1') : undefined, first: line + 1, bounds: [] };
      for (let from = 0; from < cut; ) {
        const nl = bytes.indexOf(0x0a, from);
        const next = nl < 0 ? cut : nl + 1;
        let end = nl < 0 ? cut : nl;
        if (end > from && bytes[end - 1] === 0x0d /* \r */) end--;
        // The first line's byte-order mark is no part of its object.
        const start = line === 0 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : from;
        block.bounds.push(start, end);
        line++;
        from = next;
      }
      return block;
    }
    return undefined;
  }
  const textOf = (b: Block, start: number, end: number) => cut(b.bytes, b.ascii, start, end);

  // The header: the table's columns, once the first object shows it is this table's.
  let first: Block | undefined;
  try {
    while (!header && !done) {
      first = await nextBlock();
      if (!first) break;
      let at = -1;
      for (let k = 0; k < first.bounds.length && at < 0; k += 2) if (textOf(first, first.bounds[k]!, first.bounds[k + 1]!).trim() !== '') at = k;
      if (at < 0) continue;
      let keys: string[] = [];
      try {
        const o = JSON.parse(textOf(first, first.bounds[at]!, first.bounds[at + 1]!)) as unknown;
        if (o && typeof o === 'object' && !Array.isArray(o)) keys = Object.keys(o);
      } catch {
        // not an object: refused below
      }
      // BigQuery leaves NULL columns out: a key may be missing from one object (a form-only
      // citation has no ifw_number), but an object of this table has its app_id and some column
      // of its own.
      const missing = options.keys.filter((k) => !keys.includes(k));
      const own = keys.some((k) => options.columns.includes(k) && !options.keys.includes(k) && !(KEY_COLUMNS as readonly string[]).includes(k));
      if (missing.length || !own) {
        throw new InputError(
          path,
          `${what} file ${path}: line ${first.first + at / 2} is not an object of this table (${missing.length ? `it lacks ${missing.join(', ')}` : 'none of its columns'}; found ${keys.slice(0, 12).join(', ') || 'no keys'})`,
        );
      }
      // The table's columns only: other keys are read by nothing, and a shard's first object may
      // leave any of them out (NULL), so they cannot be part of the header every shard shares.
      header = [...options.columns];
    }
  } catch (err) {
    source.close();
    throw err;
  }
  if (!header) {
    source.close();
    throw new InputError(path, `${what} file ${path} holds no JSON object`);
  }

  // One scanner for the file: it learns the order of its keys.
  const tableHeader = header;
  const lineOffset = options.lineOffset ?? 0;
  const scanner = new LineScanner(tableHeader);
  const rowsOf = (b: Block): RawRow[] => {
    const rows: RawRow[] = [];
    for (let k = 0, n = b.first; k < b.bounds.length; k += 2, n++) {
      if (n <= skip) continue;
      const start = b.bounds[k]!;
      const end = b.bounds[k + 1]!;
      const scanned = scanner.cells(b.bytes, start, end, b.ascii);
      if (scanned) {
        rows.push({ line: n + lineOffset, fields: scanned });
        continue;
      }
      const text = textOf(b, start, end);
      if (text.trim() === '') continue;
      const { fields, error } = cellsOf(text, tableHeader);
      rows.push(fields ? { line: n + lineOffset, fields } : { line: n + lineOffset, fields: undefined, text, error });
    }
    return rows;
  };

  let started = false;
  return {
    path,
    format: source.format,
    size: source.size,
    header,
    close: () => source.close(),
    async *chunks(): AsyncGenerator<RowChunk> {
      if (started) throw new Error('chunks() can be called once');
      started = true;
      try {
        for (let block = first; block; block = done ? undefined : await nextBlock()) {
          yield { rows: rowsOf(block), endLine: block.first + block.bounds.length / 2 - 1, bytesRead: source.bytesRead() };
        }
      } finally {
        source.close();
      }
    },
  };
}
