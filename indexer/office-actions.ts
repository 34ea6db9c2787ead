/**
 * The office actions, held in memory while the citations stream past: a compact map from
 * `ifw_number` to the office action's traits, plus each application's latest office action.
 *
 * The full OARD release has 4.4 M office actions, so the layout is columnar, by ordinal (the
 * office action's position in the map):
 * - 0/1 flags: two bits each (present, value) packed into Uint32 words - 14 flags in one word;
 * - strings and dates: interned per column (a few thousand distinct art units, classes, dates),
 *   stored as Uint16 codes that widen to Uint32 only if a column outgrows 65 535 values;
 * - whole numbers: Int32Array, -1 for "absent";
 * - `ifw_number -> ordinal` in a typed-array hash table (key-tables.ts): a JS Map measured 132
 *   bytes per office action in all, 85 of them for this lookup alone, and its 4.4 M key strings
 *   slow every major GC during the citation pass;
 * - `app_id -> ordinal of its latest office action` (by mail date; a later row wins a tie) in an
 *   int32 hash table keyed by the number for the usual 8-digit ids, a Map for any other id.
 * `tools/measure/measure-map.ts` measures the bytes per office action (~50 with this layout).
 *
 * Records read the traits back as small frozen objects ("parts"), cached per ordinal, so the
 * ~13 citations of an office action decode it once.
 */
import { AsciiKeyTable, IntKeyTable } from './key-tables.ts';
import type { Rejection } from './rejects.ts';
import {
  PART_FIELDS,
  PART_SLOT,
  F,
  bindHeader,
  cell,
  readCells,
  widthError,
  type StoredValue,
  type TableBinding,
} from './rules.ts';
import { CITATIONS } from '../src/catalog/datasets.ts';
import { noNormalisations, pandasReader, type Normalised } from './pandas.ts';
import { rawText, readAt, type RawRow, type RowChunk } from './sources.ts';
import { openTable } from './table-reader.ts';

/** A V8-independent copy of a string, not a view into a larger one. */
function detach(s: string): string {
  return s.length < 13 ? s : Buffer.from(s, 'utf8').toString('utf8');
}

function isEightDigits(s: string): boolean {
  if (s.length !== 8) return false;
  for (let i = 0; i < 8; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

class InternColumn {
  readonly table: string[] = ['']; // code 0 = absent
  private readonly codeOf = new Map<string, number>();
  codes: Uint16Array | Uint32Array;

  constructor(
    readonly field: string,
    capacity: number,
  ) {
    this.codes = new Uint16Array(capacity);
  }

  private lastValue = '';
  private lastCode = 0;

  set(ord: number, value: string): void {
    // Consecutive office actions mostly repeat their application's values: skip the Map then.
    let code = value === this.lastValue ? this.lastCode : this.codeOf.get(value);
    if (code === undefined) {
      code = this.table.length;
      const owned = detach(value);
      this.table.push(owned);
      this.codeOf.set(owned, code);
      if (code === 0x10000 && this.codes instanceof Uint16Array) this.codes = Uint32Array.from(this.codes);
    }
    this.lastValue = value;
    this.lastCode = code;
    this.codes[ord] = code;
  }

  get(ord: number): string | undefined {
    const code = this.codes[ord]!;
    return code === 0 ? undefined : this.table[code];
  }

  grow(capacity: number): void {
    const next = this.codes instanceof Uint16Array ? new Uint16Array(capacity) : new Uint32Array(capacity);
    next.set(this.codes.subarray(0, Math.min(capacity, this.codes.length)));
    this.codes = next;
  }

  bytes(): number {
    return this.codes.byteLength;
  }
}

class IntColumn {
  values: Int32Array;
  constructor(
    readonly field: string,
    capacity: number,
  ) {
    this.values = new Int32Array(capacity).fill(-1);
  }
  set(ord: number, v: number): void {
    this.values[ord] = v;
  }
  get(ord: number): number | undefined {
    const v = this.values[ord]!;
    return v < 0 ? undefined : v;
  }
  grow(capacity: number): void {
    const next = new Int32Array(capacity).fill(-1);
    next.set(this.values.subarray(0, Math.min(capacity, this.values.length)));
    this.values = next;
  }
}

type Column = { field: string; slot: number; scope: 'document' | 'application' } & (
  | { kind: 'flag'; word: number; shift: number }
  | { kind: 'str'; col: InternColumn }
  | { kind: 'int'; col: IntColumn }
);

/** An office action's traits, by PART_FIELDS slot (undefined = absent). */
export type Part = readonly (StoredValue | undefined)[];

const CACHE_SIZE = 1 << 12;
const EMPTY_PART: Part = Object.freeze(new Array<undefined>(PART_FIELDS.length).fill(undefined));

export class OfficeActionMap {
  private readonly ordinalByIfw = new AsciiKeyTable();
  private readonly latestByNumber = new IntKeyTable();
  private readonly latestByOtherApp = new Map<string, number>();
  private readonly columns: Column[] = [];
  private readonly flagWords: number;
  private flags: Uint32Array;
  private capacity: number;
  private count = 0;
  private readonly dateCol: InternColumn | undefined;
  /** Office-action rows whose ifw_number was already in the map (the first one is kept). */
  duplicates = 0;

  private readonly docCache = new Array<Part | undefined>(CACHE_SIZE);
  private readonly docCacheKey = new Int32Array(CACHE_SIZE).fill(-1);
  private readonly appCache = new Array<Part | undefined>(CACHE_SIZE);
  private readonly appCacheKey = new Int32Array(CACHE_SIZE).fill(-1);

  constructor(binding: TableBinding, initialCapacity = 1 << 14) {
    this.capacity = initialCapacity;
    let flagIndex = 0;
    for (const r of binding.rules) {
      const field = r.field!;
      const scope = r.scope!;
      const slot = PART_SLOT.get(field)!;
      if (r.type === 'flag') {
        this.columns.push({ kind: 'flag', field, slot, scope, word: flagIndex >> 4, shift: (flagIndex & 15) * 2 });
        flagIndex++;
      } else if (r.type === 'int') {
        this.columns.push({ kind: 'int', field, slot, scope, col: new IntColumn(field, initialCapacity) });
      } else {
        this.columns.push({ kind: 'str', field, slot, scope, col: new InternColumn(field, initialCapacity) });
      }
    }
    this.flagWords = Math.max(1, Math.ceil(flagIndex / 16));
    this.flags = new Uint32Array(initialCapacity * this.flagWords);
    const date = this.columns.find((c) => c.field === F.mailDate);
    this.dateCol = date?.kind === 'str' ? date.col : undefined;
  }

  get size(): number {
    return this.count;
  }

  private grow(): void {
    const capacity = this.capacity * 2;
    const flags = new Uint32Array(capacity * this.flagWords);
    flags.set(this.flags);
    this.flags = flags;
    for (const c of this.columns) if (c.kind !== 'flag') c.col.grow(capacity);
    this.capacity = capacity;
  }

  /**
   * Adds an office action from its validated values (keyed by field name). Returns false, and
   * keeps the first one, when its ifw_number is already in the map.
   */
  add(app: string, ifw: string, values: Readonly<Record<string, StoredValue>>): boolean {
    if (this.ordinalByIfw.addIfAbsent(ifw, this.count) >= 0) {
      this.duplicates++;
      return false;
    }
    if (this.count === this.capacity) this.grow();
    const ord = this.count++;
    const base = ord * this.flagWords;
    for (const c of this.columns) {
      const v = values[c.field];
      if (v === undefined) continue;
      if (c.kind === 'flag') this.flags[base + c.word]! |= (2 | (v as number)) << c.shift;
      else if (c.kind === 'int') c.col.set(ord, v as number);
      else c.col.set(ord, v as string);
    }
    const prev = this.latestOf(app);
    if (prev < 0 || this.mailDateCode(ord) >= this.mailDateCode(prev)) {
      if (isEightDigits(app)) this.latestByNumber.set(Number(app), ord);
      else this.latestByOtherApp.set(detach(app), ord);
    }
    return true;
  }

  /** Mail date as a comparable string ('' when absent). */
  private mailDateCode(ord: number): string {
    return this.dateCol?.get(ord) ?? '';
  }

  /** Ordinal of the office action with this ifw_number, or -1. */
  ordinalOf(ifw: string): number {
    return this.ordinalByIfw.get(ifw);
  }

  /** Ordinal of the application's latest office action, or -1. */
  latestOf(app: string): number {
    return isEightDigits(app) ? this.latestByNumber.get(Number(app)) : (this.latestByOtherApp.get(app) ?? -1);
  }

  private decode(ord: number, applicationOnly: boolean): Part {
    const part = new Array<StoredValue | undefined>(PART_FIELDS.length).fill(undefined);
    const base = ord * this.flagWords;
    for (const c of this.columns) {
      if (applicationOnly && c.scope !== 'application') continue;
      if (c.kind === 'flag') {
        const bits = (this.flags[base + c.word]! >>> c.shift) & 3;
        part[c.slot] = bits & 2 ? bits & 1 : undefined;
      } else part[c.slot] = c.col.get(ord);
    }
    return Object.freeze(part);
  }

  /** Every trait of an office action (document and application scope). */
  documentPart(ord: number): Part {
    const slot = ord & (CACHE_SIZE - 1);
    if (this.docCacheKey[slot] === ord) return this.docCache[slot]!;
    const part = this.decode(ord, false);
    this.docCache[slot] = part;
    this.docCacheKey[slot] = ord;
    return part;
  }

  /** The application-level traits of an office action (borrowed by form-only citations and orphans). */
  applicationPart(ord: number): Part {
    if (ord < 0) return EMPTY_PART;
    const slot = ord & (CACHE_SIZE - 1);
    if (this.appCacheKey[slot] === ord) return this.appCache[slot]!;
    const part = this.decode(ord, true);
    this.appCache[slot] = part;
    this.appCacheKey[slot] = ord;
    return part;
  }

  /** Drops the spare capacity of the typed arrays once loading is done. */
  compact(): void {
    if (this.capacity === this.count) return;
    const n = Math.max(1, this.count);
    this.flags = this.flags.slice(0, n * this.flagWords);
    for (const c of this.columns) if (c.kind !== 'flag') c.col.grow(n);
    this.ordinalByIfw.compact(n);
    this.capacity = n;
  }

  /** Applications with at least one office action. */
  get applications(): number {
    return this.latestByNumber.size + this.latestByOtherApp.size;
  }
}

export interface LoadResult {
  map: OfficeActionMap;
  read: number;
  rejected: number;
  duplicates: number;
  /** The pandas readings of its cells (pandas.ts). */
  normalised: Normalised;
}

export interface LoadOptions {
  onReject?: (r: Rejection) => void;
  onChunk?: (p: { rowsRead: number; rejected: number; bytesRead: number; bytesTotal: number }) => void;
  signal?: AbortSignal;
}

/** Reads an office_actions file into the compact map, validating every row. */
export async function loadOfficeActions(path: string, options: LoadOptions = {}): Promise<LoadResult> {
  const normalised = noNormalisations();
  const reader = await openTable(path, { what: 'office actions', table: 'office_actions', catalog: CITATIONS, normalised });
  let binding: TableBinding;
  try {
    binding = bindHeader('office_actions', reader.header, path, 'office actions');
  } catch (err) {
    reader.close();
    throw err;
  }
  const map = new OfficeActionMap(binding);
  const pandas = pandasReader(binding, normalised);
  let read = 0;
  let rejected = 0;
  const each = (chunk: RowChunk) => {
    const reject = (row: RawRow, reason: string) => {
      rejected++;
      options.onReject?.({ ...readAt(row, chunk, path), reason, raw: rawText(row) });
    };
    for (const row of chunk.rows) {
      read++;
      const f = row.fields;
      if (!f) {
        reject(row, row.error ?? 'unparseable row');
        continue;
      }
      if (f.length !== binding.width) {
        reject(row, widthError(binding, f.length));
        continue;
      }
      const unread = pandas(f);
      if (unread) {
        reject(row, unread);
        continue;
      }
      const app = cell(f, binding.appIndex);
      const ifw = cell(f, binding.ifwIndex);
      const values = app === '' ? 'app_id: empty' : ifw === '' ? 'ifw_number: empty' : readCells(binding.rules, f);
      if (typeof values === 'string') {
        reject(row, values);
        continue;
      }
      map.add(app, ifw, values);
    }
  };

  for await (const chunk of reader.chunks()) {
    if (options.signal?.aborted) {
      reader.close();
      throw options.signal.reason;
    }
    each(chunk);
    options.onChunk?.({ rowsRead: read, rejected, bytesRead: chunk.bytesRead, bytesTotal: reader.size });
  }
  map.compact();
  return { map, read, rejected, duplicates: map.duplicates, normalised };
}
