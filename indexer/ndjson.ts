/**
 * BigQuery's newline-delimited JSON export (`--destination_format NEWLINE_DELIMITED_JSON`, `.json`
 * or `.ndjson`, optionally gzipped) as rows of cells, the same rows a CSV of the table gives: one
 * object per line, every value a string or null - numbers and booleans are taken as their text,
 * so a hand-made file reads too. BigQuery leaves NULL columns out of an object, so the header is
 * the table's own columns (plus any other keys of the first object), and a missing key is an
 * empty cell; other keys are ignored. A first object without app_id or any column of the table's
 * own is not this table: refused.
 *
 * Lines are the file's physical lines (the first object is line 1; there is no header line). A
 * line that is not a JSON object is a rejected row with its line, never the end of the file.
 */
import { StringDecoder } from 'node:string_decoder';
import { KEY_COLUMNS } from '../src/catalog/fields.ts';
import { describe, InputError, openByteSource } from './byte-source.ts';
import type { CsvReader, RawRow, RowChunk } from './sources.ts';

export interface OpenNdjsonOptions {
  what?: string;
  /** The table's columns, in order (the header the rows are laid out by). */
  columns: readonly string[];
  /** Columns the first object must have (the application number). */
  keys: readonly string[];
  /** Skip lines 1..skipThroughLine (resume). */
  skipThroughLine?: number;
}

/** A raw control character cannot stand in a JSON string. */
const CONTROL_CHARACTER = /[\u0000-\u001f]/;

/**
 * BigQuery's own form of a line, `{"key":"value","other":null,...}` (no spaces, every value a
 * string or null), read straight into cells rather than through JSON.parse, which builds an object
 * only to be taken apart. Anything else (spaces, numbers, nesting, a malformed line) answers
 * undefined and goes through JSON.parse, so the cells are always JSON.parse's: a later key wins,
 * an escape is decoded by JSON.parse itself.
 *
 * The lines of one export name their keys in one order (leaving out the NULL ones), so the
 * scanner remembers, after each key, the key that last came next: `"key":` is then checked where
 * it stands, with no key cut out and looked up.
 */
export class LineScanner {
  private readonly columnOf: ReadonlyMap<string, number>;
  /**
   * After each key (slot: its column + 1; 0 the line's start, width + 1 any other key): the
   * `"key":` that last came next, and its column (-1: not a column).
   */
  private readonly tokens: string[] = [];
  private readonly columns: number[] = [];

  constructor(private readonly header: readonly string[]) {
    this.columnOf = new Map(header.map((h, i) => [h, i]));
  }

  cells(text: string): string[] | undefined {
    const fields = new Array<string>(this.header.length).fill('');
    const end = text.length;
    if (text.charCodeAt(0) !== 0x7b /* { */ || text.charCodeAt(end - 1) !== 0x7d /* } */) return undefined;
    // A raw control character is no JSON string: JSON.parse says why.
    if (CONTROL_CHARACTER.test(text)) return undefined;
    let i = 1;
    if (i === end - 1) return fields;
    // The next backslash, found once for the line rather than once per value.
    let slash = text.indexOf('\\');
    const other = this.header.length + 1;
    for (let slot = 0; ; ) {
      let column: number;
      const token = this.tokens[slot];
      if (token !== undefined && text.startsWith(token, i)) {
        column = this.columns[slot]!;
        i += token.length;
      } else {
        // "key": a key with an escape takes the slow path.
        if (text.charCodeAt(i) !== 0x22) return undefined;
        const keyEnd = text.indexOf('"', i + 1);
        if (keyEnd < 0 || text.charCodeAt(keyEnd + 1) !== 0x3a /* : */) return undefined;
        const key = text.slice(i + 1, keyEnd);
        if (key.includes('\\')) return undefined;
        column = this.columnOf.get(key) ?? -1;
        this.tokens[slot] = `"${key}":`;
        this.columns[slot] = column;
        i = keyEnd + 2;
      }
      let value: string;
      if (text.charCodeAt(i) === 0x22) {
        // A string: to its closing quote, past escaped characters; one with escapes is decoded
        // by JSON.parse (exactly its reading of them).
        let j = i + 1;
        let escaped = false;
        for (;;) {
          const q = text.indexOf('"', j);
          if (q < 0) return undefined;
          if (slash >= 0 && slash < j) slash = text.indexOf('\\', j);
          if (slash < 0 || slash > q) {
            j = q;
            break;
          }
          escaped = true;
          j = slash + 2;
        }
        if (escaped) {
          try {
            value = JSON.parse(text.slice(i, j + 1)) as string;
          } catch {
            return undefined;
          }
        } else value = text.slice(i + 1, j);
        i = j + 1;
      } else if (text.startsWith('null', i)) {
        value = '';
        i += 4;
      } else return undefined;
      if (column >= 0) fields[column] = value;
      slot = column >= 0 ? column + 1 : other;
      const next = text.charCodeAt(i);
      if (next === 0x2c /* , */) i++;
      else if (next === 0x7d && i === end - 1) return fields;
      else return undefined;
    }
  }
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

export async function openNdjson(path: string, options: OpenNdjsonOptions): Promise<CsvReader> {
  const what = options.what ?? 'input';
  const source = await openByteSource(path, what);
  const iterator = source.stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const decoder = new StringDecoder('utf8');
  const skip = options.skipThroughLine ?? 0;
  let rest = '';
  let line = 0;
  let done = false;
  let header: string[] | undefined;

  /** The complete lines of the next read (all that is left at the end), as [line number, text]. */
  async function nextLines(): Promise<[number, string][]> {
    const out: [number, string][] = [];
    while (!out.length && !done) {
      let res: IteratorResult<Buffer>;
      try {
        res = await iterator.next();
      } catch (err) {
        throw new InputError(path, `cannot read ${what} file ${path}: ${describe(err)}`);
      }
      const text = res.done ? decoder.end() : decoder.write(res.value);
      if (res.done) done = true;
      const s = rest + text;
      let from = 0;
      for (let n = s.indexOf('\n', from); n >= 0; n = s.indexOf('\n', from)) {
        line++;
        out.push([line, s.slice(from, n)]);
        from = n + 1;
      }
      rest = s.slice(from);
      if (done && rest.length) {
        line++;
        out.push([line, rest]);
        rest = '';
      }
    }
    return out;
  }

  // The header: the table's columns, and the first object's other keys.
  let first: [number, string][] = [];
  try {
    while (!header && !done) {
      first = await nextLines();
      const firstObject = first.find(([, t]) => t.trim() !== '');
      if (!firstObject) continue;
      let keys: string[] = [];
      try {
        const o = JSON.parse(firstObject[1].replace(/^\uFEFF/, '')) as unknown;
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
          `${what} file ${path}: line ${firstObject[0]} is not an object of this table (${missing.length ? `it lacks ${missing.join(', ')}` : 'none of its columns'}; found ${keys.slice(0, 12).join(', ') || 'no keys'})`,
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
  const scanner = new LineScanner(tableHeader);
  const toRow = ([n, raw]: [number, string]): RawRow | undefined => {
    let text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (n === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    const scanned = scanner.cells(text);
    if (scanned) return { line: n, fields: scanned };
    if (text.trim() === '') return undefined;
    const { fields, error } = cellsOf(text, tableHeader);
    return fields ? { line: n, fields } : { line: n, fields: undefined, text, error };
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
        let lines = first;
        for (;;) {
          const rows = lines.flatMap((l) => (l[0] <= skip ? [] : (toRow(l) ?? [])));
          if (lines.length) yield { rows, endLine: lines.at(-1)![0], bytesRead: source.bytesRead() };
          if (done) break;
          lines = await nextLines();
        }
      } finally {
        source.close();
      }
    },
  };
}
