/**
 * OARD-format sample-data generator: `office_actions` and `citations` CSVs shaped like the USPTO
 * Office Action Research Dataset (see ../../shared/reference/legacy-contract.md, "Record fields" and
 * "The OARD bulk files"). Used by tests, benchmarks (1 M+ citation rows) and the bundled sample.
 *
 * - Deterministic: a seeded PRNG (mulberry32) drives everything; same options => byte-identical
 *   files (gzip and zip output included: no timestamps are written).
 * - Streaming: rows go through write streams with backpressure; memory stays flat at any size.
 * - Headers come from the field catalog (`columnsOf`), values are placed by column name, so a
 *   catalog change re-shapes the output without touching this file (unknown columns get a
 *   plausible value for their catalog type).
 *
 * Shape of the data (approximate shares, over citation rows unless noted):
 * - applications: 8-digit app ids ("09xxxxxx" .. "15xxxxxx", increasing with mail date), ~2 office
 *   actions each, one art unit / USPC class per application (an occasional transfer to another
 *   art unit of the same tech center).
 * - office actions: opaque ifw ids ("0123456789" or "IFW0123456789"), CTNF / CTFR, mail dates
 *   2008-01-01 .. 2017-06-30 (~4 % written leniently: 20120315, 03/15/2012, 15mar2012),
 *   plausible rejection / parse-quality flags, cite103_max consistent with the 103 citations.
 * - citations: ~13 rows per office action; raw text ~93 % bare digits, the rest free text
 *   ("US 7,123,456 B2", "US 2005/0123456 A1", "EP 1234567 A1" ...); parsed = patent (7 digits,
 *   a few zero-padded to 8), publication (yyyy + 7 digits) or foreign ("EP1234567");
 *   action_type 103 ~17 %, 102 ~4 %, empty ~79 %; ~25 % cited in the office-action text,
 *   ~45 % form-only rows with empty ifw_number / action_type / action_subtype;
 *   ~0.5 % orphans (ifw_number of an office action missing from office_actions);
 *   ~0.2 % repeated (app_id, ifw_number, parsed) triples.
 * - references are drawn partly from a Zipf-like pool per tech center, so "top references" and
 *   "which applications cited X" have interesting answers; a final rejection often re-cites the
 *   references of the previous office action.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { resolve, join } from 'node:path';
import { Transform, type Writable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { crc32, createDeflateRaw, createGzip } from 'node:zlib';
import { FIELDS, columnsOf, type FieldSpec } from '../src/catalog/fields.ts';

export interface GenerateOptions {
  officeActions: number;
  /** PRNG seed (default 1). */
  seed?: number;
  /** Output format (default 'csv'). `zip` = an archive holding one `<table>.csv`. */
  format?: 'csv' | 'csv.gz' | 'zip';
  /** Also write `citations_bad.csv` / `office_actions_bad.csv` (always plain csv). */
  withBadRows?: boolean;
}

export interface GeneratedDataset {
  /** Absolute file paths. */
  citations: string;
  officeActions: string;
  badCitations?: string;
  /** 1-based physical line numbers (header = line 1) of the bad rows in `badCitations`. */
  badLines?: number[];
  badOfficeActions?: string;
  /** 1-based physical line numbers (header = line 1) of the bad rows in `badOfficeActions`. */
  badOfficeActionLines?: number[];
  counts: { officeActions: number; citations: number; applications: number };
  /**
   * What the indexer should find in the main files: citation rows whose non-empty ifw_number has
   * no office action, rows repeating an earlier (app_id, ifw_number, parsed) triple, and rows with
   * an empty ifw_number.
   */
  expected: { orphanCitations: number; duplicateCitations: number; formOnlyCitations: number };
}

export type OutputFormat = NonNullable<GenerateOptions['format']>;
export const FORMATS: readonly OutputFormat[] = ['csv', 'csv.gz', 'zip'];

// ---------------------------------------------------------------------------------------------
// PRNG

type Rng = () => number;

/** mulberry32: tiny, fast, good enough for test data. Returns [0, 1). */
function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Derives an independent stream seed from the user seed and a salt. */
function subSeed(seed: number, salt: number): number {
  let h = Math.imul((seed ^ 0x9e3779b9) >>> 0, 0x85ebca6b) ^ Math.imul(salt, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  return h >>> 0;
}

const int = (rng: Rng, n: number) => Math.floor(rng() * n);
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;
const pad = (n: number, width: number) => String(n).padStart(width, '0');

function weighted<T>(entries: readonly (readonly [T, number])[]): (rng: Rng) => T {
  const total = entries.reduce((s, [, w]) => s + w, 0);
  const cum: number[] = [];
  let acc = 0;
  for (const [, w] of entries) cum.push((acc += w / total));
  return (rng) => {
    const u = rng();
    for (let i = 0; i < cum.length; i++) if (u < cum[i]!) return entries[i]![0];
    return entries[entries.length - 1]![0];
  };
}

// ---------------------------------------------------------------------------------------------
// Calendar: every day of the OARD mail-date range, in all the spellings the files use.

const FIRST_DAY = Date.UTC(2008, 0, 1);
const LAST_DAY = Date.UTC(2017, 5, 30);
const DAY_MS = 86_400_000;
const SPAN_DAYS = (LAST_DAY - FIRST_DAY) / DAY_MS; // inclusive index of 2017-06-30
const MONTH_ABBR = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

interface Day {
  iso: string;
  compact: string;
  us: string;
  stata: string;
  year: number;
}

const DAYS: Day[] = Array.from({ length: SPAN_DAYS + 1 }, (_, i) => {
  const d = new Date(FIRST_DAY + i * DAY_MS);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + 1;
  const dd = d.getUTCDate();
  return {
    iso: `${y}-${pad(m, 2)}-${pad(dd, 2)}`,
    compact: `${y}${pad(m, 2)}${pad(dd, 2)}`,
    us: `${pad(m, 2)}/${pad(dd, 2)}/${y}`,
    stata: `${pad(dd, 2)}${MONTH_ABBR[m - 1]}${y}`,
    year: y,
  };
});

function mailDateText(rng: Rng, day: Day): string {
  const u = rng();
  if (u >= 0.04) return day.iso;
  if (u < 0.02) return day.compact;
  if (u < 0.03) return day.us;
  return day.stata;
}

// ---------------------------------------------------------------------------------------------
// Tech centers, art units, USPC classes

interface TechCenter {
  prefix: string;
  classes: readonly string[];
  artUnits: string[];
  pool: Ref[];
}

const TECH_CENTER_DEFS: readonly (readonly [string, number, readonly string[]])[] = [
  ['16', 10, ['424', '435', '514', '530', '536', '800']],
  ['17', 12, ['427', '428', '264', '252', '106', '156', '429']],
  ['21', 16, ['707', '709', '711', '712', '713', '715', '717', '718']],
  ['24', 14, ['370', '375', '455', '725', '726', '380', '709']],
  ['26', 13, ['345', '348', '358', '382', '381', '704', '386']],
  ['28', 15, ['257', '438', '326', '327', '361', '324', '073']],
  ['36', 10, ['705', '701', '180', '235', '296', '248', '052']],
  ['37', 10, ['606', '604', '600', '623', '128', '165', '473']],
];

const SIGNATURE_TYPE = weighted([
  ['1', 55],
  ['2', 30],
  ['3', 10],
  ['4', 4],
  ['0', 1],
] as const);

const SUBTYPE_103 = weighted([
  ['103(a)', 90],
  ['103', 10],
] as const);

const SUBTYPE_102 = weighted([
  ['102(b)', 50],
  ['102(e)', 30],
  ['102(a)', 12],
  ['102(a)(1)', 5],
  ['102', 3],
] as const);

// ---------------------------------------------------------------------------------------------
// References

const enum Kind {
  Patent = 0,
  Publication = 1,
  Foreign = 2,
}

interface Ref {
  parsed: string;
  kind: Kind;
}

const FOREIGN = ['EP', 'JP', 'WO', 'DE', 'CN', 'KR'] as const;

function foreignRef(rng: Rng, maxYear: number): Ref {
  const cc = pick(rng, FOREIGN);
  const year = 1990 + int(rng, maxYear - 1990 + 1);
  let parsed: string;
  switch (cc) {
    case 'EP':
      parsed = `EP${pad(200_000 + int(rng, 2_800_000), 7)}`;
      break;
    case 'JP':
      parsed = `JP${year}${pad(1 + int(rng, 399_999), 6)}`;
      break;
    case 'WO':
      parsed = `WO${year}${pad(1 + int(rng, 149_999), 6)}`;
      break;
    case 'DE':
      parsed = `DE${pad(10_000_000 + int(rng, 90_000_000), 8)}`;
      break;
    case 'CN':
      parsed = `CN${pad(100_000_000 + int(rng, 900_000_000), 9)}`;
      break;
    case 'KR':
      parsed = `KR${year >= 2000 ? 10 : 20}${year}${pad(1 + int(rng, 99_999), 7)}`;
      break;
  }
  return { parsed, kind: Kind.Foreign };
}

/** A reference plausible for an office action mailed in `year` (or, for pools, an older one). */
function freshRef(rng: Rng, year: number): Ref {
  const u = rng();
  if (u < 0.015) return foreignRef(rng, year);
  if (u < 0.33) {
    const py = 2001 + int(rng, Math.min(year, 2017) - 2001 + 1);
    return { parsed: `${py}${pad(1 + int(rng, 399_999), 7)}`, kind: Kind.Publication };
  }
  // US patents: numbers up to what had issued by `year`, skewed towards recent ones.
  const max = 7_300_000 + (year - 2008) * 270_000;
  const v = rng();
  const n = max - Math.floor((max - 3_000_000) * v * v);
  // ~1 % zero-padded to 8 digits, as some USPTO systems store patent numbers.
  return { parsed: rng() < 0.01 ? pad(n, 8) : String(n), kind: Kind.Patent };
}

function withCommas(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** The reference as written: ~93 % bare digits overall, the rest free text. */
function rawText(rng: Rng, ref: Ref): string {
  const p = ref.parsed;
  if (ref.kind === Kind.Foreign) {
    if (rng() < 0.5) return p;
    const cc = p.slice(0, 2);
    const rest = p.slice(2);
    switch (cc) {
      case 'JP':
        return `JP ${rest.slice(0, 4)}-${rest.slice(4)} A`;
      case 'WO':
        return `WO ${rest.slice(0, 4)}/${rest.slice(4)} A1`;
      default:
        return `${cc} ${rest} ${rng() < 0.7 ? 'A1' : 'B1'}`;
    }
  }
  if (rng() >= 0.055) return p;
  if (ref.kind === Kind.Publication) {
    const y = p.slice(0, 4);
    const s = p.slice(4);
    switch (int(rng, 5)) {
      case 0:
        return `US ${y}/${s} A1`;
      case 1:
        return `US ${p} A1`;
      case 2:
        return `${y}/${s}`;
      case 3:
        return `US-${y}-${s}-A1`;
      default:
        return `US ${y}-${s}`;
    }
  }
  const d = p.replace(/^0+/, '');
  const kind = Number(d) >= 6_000_000 ? (rng() < 0.7 ? 'B2' : 'B1') : 'A';
  switch (int(rng, 6)) {
    case 0:
      return `US ${withCommas(d)} ${kind}`;
    case 1:
      return `${d} ${kind}`;
    case 2:
      return `US-${withCommas(d)}-${kind}`;
    case 3:
      return `US${d}`;
    case 4:
      return withCommas(d);
    default:
      return `U.S. Pat. No. ${withCommas(d)}`;
  }
}

/** Zipf-Mandelbrot-ish index in [0, size): rank k has weight ~ 1 / (k + q). */
function zipfIndex(rng: Rng, size: number, q = 10): number {
  const lnq = Math.log(q);
  const k = Math.floor(Math.exp(lnq + rng() * (Math.log(size + q) - lnq))) - q;
  return k < 0 ? 0 : k >= size ? size - 1 : k;
}

const POOL_SIZE = 4000;

function buildTechCenters(seed: number): TechCenter[] {
  const rng = mulberry32(subSeed(seed, 101));
  return TECH_CENTER_DEFS.map(([prefix, , classes]) => {
    const artUnits: string[] = [];
    for (let g = 1; g <= 8; g++) for (let u = 1; u <= 9; u++) if (rng() < 0.6) artUnits.push(`${prefix}${g}${u}`);
    if (artUnits.length === 0) artUnits.push(`${prefix}11`);
    const seen = new Set<string>();
    const pool: Ref[] = [];
    while (pool.length < POOL_SIZE) {
      // Pool references are "classics": issued / published by 2008 at the latest.
      const ref = freshRef(rng, 2005 + int(rng, 4));
      if (!seen.has(ref.parsed)) {
        seen.add(ref.parsed);
        pool.push(ref);
      }
    }
    return { prefix, classes, artUnits, pool };
  });
}

// ---------------------------------------------------------------------------------------------
// CSV rows placed by column name

function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Plausible value for a catalog column this generator does not know (future-proofing). */
function fallbackValue(rng: Rng, spec: FieldSpec | undefined): string {
  switch (spec?.type) {
    case 'flag':
      return rng() < 0.1 ? '1' : '0';
    case 'int':
      return String(int(rng, 5));
    case 'date':
      return DAYS[int(rng, DAYS.length)]!.iso;
    default:
      return '';
  }
}

class RowShape {
  readonly columns: string[];
  readonly header: string;
  private readonly unknown: { index: number; spec: FieldSpec | undefined }[];

  constructor(table: 'citations' | 'office_actions', known: readonly string[]) {
    this.columns = columnsOf(table);
    this.header = this.columns.join(',') + '\n';
    const specs = new Map<string, FieldSpec>();
    for (const f of FIELDS as readonly FieldSpec[]) {
      if (f.source.table === table) specs.set(f.source.column, f);
    }
    this.unknown = this.columns.flatMap((c, index) => (known.includes(c) ? [] : [{ index, spec: specs.get(c) }]));
  }

  /** Index of a column; columns the catalog no longer has go to a scratch slot past the end. */
  slot(column: string): number {
    const i = this.columns.indexOf(column);
    return i < 0 ? this.columns.length : i;
  }

  newRow(): string[] {
    return new Array<string>(this.columns.length + 1).fill('');
  }

  fillUnknown(rng: Rng, row: string[]): void {
    for (const u of this.unknown) row[u.index] = fallbackValue(rng, u.spec);
  }

  /** Serializes the row (values must already be CSV-safe) with a trailing newline. */
  line(row: readonly string[]): string {
    const n = this.columns.length;
    let s = row[0]!;
    for (let i = 1; i < n; i++) s += ',' + row[i]!;
    return s + '\n';
  }
}

const OA_COLUMNS = [
  'app_id', 'ifw_number', 'document_cd', 'mail_dt', 'art_unit', 'uspc_class', 'uspc_subclass',
  'header_missing', 'fp_missing', 'rejection_fp_mismatch', 'closing_missing', 'rejection_101',
  'rejection_102', 'rejection_103', 'rejection_112', 'rejection_dp', 'objection', 'allowed_claims',
  'cite102_gt1', 'cite103_gt3', 'cite103_eq1', 'cite103_max', 'signature_type',
] as const;
const CIT_COLUMNS = [
  'app_id', 'ifw_number', 'parsed', 'citation_pat_pgpub_id', 'action_type', 'action_subtype',
  'form892', 'form1449', 'citation_in_oa',
] as const;

type Slots<T extends readonly string[]> = Record<T[number], number>;

function slotsOf<T extends readonly string[]>(shape: RowShape, cols: T): Slots<T> {
  return Object.fromEntries(cols.map((c) => [c, shape.slot(c)])) as Slots<T>;
}

// ---------------------------------------------------------------------------------------------
// The core: emits header-less CSV lines for office actions and citations

/** Receives lines; returns a promise only when the consumer wants the producer to wait. */
type Emit = (line: string) => Promise<void> | undefined;

interface CoreResult {
  officeActions: number;
  citations: number;
  applications: number;
  orphans: number;
  duplicates: number;
  formOnly: number;
}

const bit = (rng: Rng, p: number) => (rng() < p ? '1' : '0');

/** Opaque, unique ifw ids: a bijection of a counter onto 10-digit numbers, some prefixed "IFW". */
function ifwId(rng: Rng, k: number, salt: number): string {
  const M = 10_000_000_000;
  const a = (k * 7919 + salt) % M;
  const b = (a * 104_729 + 7_777) % M;
  return rng() < 0.3 ? `IFW${pad(b, 10)}` : pad(b, 10);
}

async function generateCore(
  officeActions: number,
  seed: number,
  oaShape: RowShape,
  citShape: RowShape,
  emitOa: Emit,
  emitCit: Emit,
): Promise<CoreResult> {
  const rng = mulberry32(subSeed(seed, 1));
  const tcs = buildTechCenters(seed);
  const pickTc = weighted(TECH_CENTER_DEFS.map(([, w], i) => [i, w] as const));
  const ifwSalt = subSeed(seed, 7) % 1_000_000;
  const O = slotsOf(oaShape, OA_COLUMNS);
  const C = slotsOf(citShape, CIT_COLUMNS);
  const oaRow = oaShape.newRow();
  const citRow = citShape.newRow();
  const res: CoreResult = { officeActions: 0, citations: 0, applications: 0, orphans: 0, duplicates: 0, formOnly: 0 };

  let appNumber = 9_000_000 + int(rng, 40_000);
  let orphanCounter = 0;
  let pending: Promise<void> | undefined;

  const drawRef = (tc: TechCenter, year: number, used: Set<string>): Ref => {
    for (let attempt = 0; ; attempt++) {
      const u = rng();
      let ref: Ref;
      if (attempt < 4 && u < 0.3) ref = tc.pool[zipfIndex(rng, POOL_SIZE)]!;
      else if (attempt < 4 && u < 0.33) ref = tcs[int(rng, tcs.length)]!.pool[zipfIndex(rng, POOL_SIZE)]!;
      else ref = freshRef(rng, year);
      if (!used.has(ref.parsed)) {
        used.add(ref.parsed);
        return ref;
      }
    }
  };

  const emitCitation = (
    app: string,
    ifw: string,
    ref: Ref,
    actionType: string,
    actionSubtype: string,
    f892: string,
    f1449: string,
    inOa: string,
  ): string => {
    citRow[C.app_id] = app;
    citRow[C.ifw_number] = ifw;
    citRow[C.parsed] = ref.parsed;
    citRow[C.citation_pat_pgpub_id] = csvField(rawText(rng, ref));
    citRow[C.action_type] = actionType;
    citRow[C.action_subtype] = actionSubtype;
    citRow[C.form892] = f892;
    citRow[C.form1449] = f1449;
    citRow[C.citation_in_oa] = inOa;
    citShape.fillUnknown(rng, citRow);
    const line = citShape.line(citRow);
    res.citations++;
    if (ifw === '') res.formOnly++;
    const p = emitCit(line);
    if (p) pending = p;
    return line;
  };

  while (res.officeActions < officeActions) {
    // --- one application
    const f = res.officeActions / officeActions;
    appNumber += 1 + int(rng, Math.max(1, Math.floor((7_000_000 * 0.5) / officeActions)) * 2);
    if (appNumber < 9_000_000 + Math.floor(f * 6_900_000)) appNumber = 9_000_000 + Math.floor(f * 6_900_000) + int(rng, 500);
    if (appNumber > 99_999_999) throw new RangeError('ran out of 8-digit application numbers');
    const app = pad(appNumber, 8);
    const nOa = Math.min(officeActions - res.officeActions, 1 + (rng() < 0.65 ? (rng() < 0.54 ? 1 : 0) : 1 + int(rng, 3)));
    const tc = tcs[pickTc(rng)]!;
    let artUnit = pick(rng, tc.artUnits);
    const uspcClass = pick(rng, tc.classes);
    let uspcSub = rng() < 0.8 ? pad(1 + int(rng, 999), 3) : `${1 + int(rng, 600)}.${1 + int(rng, 30)}`;
    const formOnlyUsed = new Set<string>();
    const dupLines: [string, boolean][] = [];
    let prevInOa: Ref[] = [];
    let dayIdx = Math.floor(f * (SPAN_DAYS - 450)) + int(rng, 400) - 150;
    if (dayIdx < 0) dayIdx = int(rng, 60);
    res.applications++;

    for (let j = 0; j < nOa; j++) {
      if (j > 0) {
        dayIdx += 60 + int(rng, 240);
        if (rng() < 0.05) artUnit = pick(rng, tc.artUnits); // transferred within the tech center
        if (rng() < 0.05) uspcSub = pad(1 + int(rng, 999), 3); // reclassified
      }
      const day = DAYS[Math.min(dayIdx, SPAN_DAYS)]!;
      const ifw = ifwId(rng, res.officeActions, ifwSalt);
      const final = j > 0 && rng() < 0.65;

      // Rejections first: the citations' action types follow them.
      const r103 = rng() < 0.82;
      const r102 = rng() < 0.4;
      const nRows = Math.min(150, 1 + Math.floor(-Math.log(1 - rng()) * 12.6));
      const used = new Set<string>();
      let n102 = 0;
      let n103 = 0;
      const rows: [Ref, string, string, string, string, string, string][] = [];
      const inOaRefs: Ref[] = [];
      for (let r = 0; r < nRows; r++) {
        const u = rng();
        if (u < 0.25) {
          // cited in the office-action text
          let ref: Ref | undefined;
          if (final && prevInOa.length > 0 && rng() < 0.5) {
            const cand = prevInOa[int(rng, prevInOa.length)]!;
            if (!used.has(cand.parsed)) {
              used.add(cand.parsed);
              ref = cand;
            }
          }
          ref ??= drawRef(tc, day.year, used);
          inOaRefs.push(ref);
          let at = '';
          let ast = '';
          const v = rng();
          if (r103 && r102) {
            if (v < 0.62) at = '103';
            else if (v < 0.94) at = '102';
          } else if (r103) {
            if (v < 0.97) at = '103';
          } else if (r102) {
            if (v < 0.85) at = '102';
          }
          if (at === '103') {
            ast = SUBTYPE_103(rng);
            n103++;
          } else if (at === '102') {
            ast = SUBTYPE_102(rng);
            n102++;
          }
          const f892 = rng() < 0.75;
          rows.push([ref, ifw, at, ast, f892 ? '1' : '0', !f892 || rng() < 0.15 ? '1' : '0', '1']);
        } else {
          // listed on a PTO-892 / PTO-1449 form only
          const withIfw = u < 0.55;
          const ref = drawRef(tc, day.year, withIfw ? used : formOnlyUsed);
          const w = rng();
          const f892 = w < 0.45 || w >= 0.95 ? '1' : '0';
          const f1449 = w >= 0.45 ? '1' : '0';
          rows.push([ref, withIfw ? ifw : '', '', '', f892, f1449, '0']);
        }
      }
      prevInOa = inOaRefs;

      // --- the office action row
      const cite103Max = n103 === 0 ? 0 : Math.min(n103, 1 + Math.floor(-Math.log(1 - rng()) * 1.3));
      oaRow[O.app_id] = app;
      oaRow[O.ifw_number] = ifw;
      oaRow[O.document_cd] = final ? 'CTFR' : 'CTNF';
      oaRow[O.mail_dt] = mailDateText(rng, day);
      oaRow[O.art_unit] = artUnit;
      oaRow[O.uspc_class] = uspcClass;
      oaRow[O.uspc_subclass] = uspcSub;
      oaRow[O.header_missing] = bit(rng, 0.02);
      oaRow[O.fp_missing] = bit(rng, 0.05);
      oaRow[O.rejection_fp_mismatch] = bit(rng, 0.04);
      oaRow[O.closing_missing] = bit(rng, 0.03);
      oaRow[O.rejection_101] = bit(rng, 0.12);
      oaRow[O.rejection_102] = r102 ? '1' : '0';
      oaRow[O.rejection_103] = r103 ? '1' : '0';
      oaRow[O.rejection_112] = bit(rng, 0.4);
      oaRow[O.rejection_dp] = bit(rng, 0.1);
      oaRow[O.objection] = bit(rng, 0.3);
      oaRow[O.allowed_claims] = bit(rng, final ? 0.1 : 0.15);
      oaRow[O.cite102_gt1] = n102 > 1 && rng() < 0.6 ? '1' : '0';
      oaRow[O.cite103_gt3] = cite103Max > 3 ? '1' : '0';
      oaRow[O.cite103_eq1] = cite103Max === 1 || (n103 > 1 && rng() < 0.2) ? '1' : '0';
      oaRow[O.cite103_max] = String(cite103Max);
      oaRow[O.signature_type] = SIGNATURE_TYPE(rng);
      oaShape.fillUnknown(rng, oaRow);
      res.officeActions++;
      const p = emitOa(oaShape.line(oaRow));
      if (p) await p;

      // --- its citations
      for (const [ref, rowIfw, at, ast, f892, f1449, inOa] of rows) {
        emitCitation(app, rowIfw, ref, at, ast, f892, f1449, inOa);
        if (rng() < 0.002) {
          // the same (app_id, ifw_number, parsed) again, later, sometimes written differently
          if (rng() < 0.5) citRow[C.citation_pat_pgpub_id] = csvField(rawText(rng, ref));
          dupLines.push([citShape.line(citRow), rowIfw === '']);
        }
        if (pending) {
          await pending;
          pending = undefined;
        }
      }

      // --- sometimes: citations of an office action that office_actions does not have (orphans)
      if (rng() < 0.015) {
        const orphanIfw = ifwId(rng, officeActions + orphanCounter++, ifwSalt);
        const orphanUsed = new Set<string>();
        const m = 1 + int(rng, 8);
        for (let r = 0; r < m; r++) {
          const ref = drawRef(tc, day.year, orphanUsed);
          const inText = rng() < 0.4;
          const at = inText && rng() < 0.7 ? '103' : '';
          emitCitation(app, orphanIfw, ref, at, at ? SUBTYPE_103(rng) : '', inText ? bit(rng, 0.75) : '1', '0', inText ? '1' : '0');
          res.orphans++;
          if (pending) {
            await pending;
            pending = undefined;
          }
        }
      }
    }

    for (const [line, formOnly] of dupLines) {
      res.citations++;
      res.duplicates++;
      if (formOnly) res.formOnly++;
      const p = emitCit(line);
      if (p) await p;
    }
  }
  return res;
}

// ---------------------------------------------------------------------------------------------
// Outputs: plain, gzip, or a single-entry zip written by hand (deflate + data descriptor)

interface Output {
  stream: Writable;
  /** Settles when the file is completely written, or rejects with the first error. */
  done: Promise<void>;
  /** Ends the stream and resolves once the file is completely written. */
  close(): Promise<void>;
}

const ZIP_DOS_TIME = 0; // 00:00:00
const ZIP_DOS_DATE = ((2017 - 1980) << 9) | (6 << 5) | 30; // 2017-06-30: fixed, for reproducible bytes
const ZIP_FLAGS = 0x0008; // sizes and CRC follow the data, in a data descriptor (streaming)

/**
 * A transform that frames raw-deflate output as a one-entry zip archive: local header first, then
 * the compressed data, then (on flush) the data descriptor, central directory and end record.
 * `info()` supplies the CRC-32 and uncompressed size of the entry, known once the input ended.
 */
function zipFramer(name: string, info: () => { crc: number; size: number }): Transform {
  const nameBuf = Buffer.from(name, 'utf8');
  let compressed = 0;
  let headerSent = false;
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4); // version needed: 2.0 (deflate)
  local.writeUInt16LE(ZIP_FLAGS, 6);
  local.writeUInt16LE(8, 8); // method: deflate
  local.writeUInt16LE(ZIP_DOS_TIME, 10);
  local.writeUInt16LE(ZIP_DOS_DATE, 12);
  // crc, sizes: 0 here (bit 3), real values in the data descriptor and central directory
  local.writeUInt16LE(nameBuf.length, 26);
  local.writeUInt16LE(0, 28);
  const localLength = local.length + nameBuf.length;

  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      if (!headerSent) {
        headerSent = true;
        this.push(local);
        this.push(nameBuf);
      }
      compressed += chunk.length;
      cb(null, chunk);
    },
    flush(cb) {
      const { crc, size } = info();
      if (compressed > 0xfffffffe || size > 0xfffffffe || localLength + compressed + 16 > 0xfffffffe) {
        cb(new Error('zip entry larger than 4 GiB: zip64 is not supported by this generator; use csv.gz'));
        return;
      }
      const parts: Buffer[] = [];
      if (!headerSent) parts.push(local, nameBuf);
      const desc = Buffer.alloc(16);
      desc.writeUInt32LE(0x08074b50, 0);
      desc.writeUInt32LE(crc, 4);
      desc.writeUInt32LE(compressed, 8);
      desc.writeUInt32LE(size, 12);
      parts.push(desc);
      const cdOffset = localLength + compressed + desc.length;
      const cd = Buffer.alloc(46);
      cd.writeUInt32LE(0x02014b50, 0);
      cd.writeUInt16LE((3 << 8) | 20, 4); // made by: unix, 2.0
      cd.writeUInt16LE(20, 6);
      cd.writeUInt16LE(ZIP_FLAGS, 8);
      cd.writeUInt16LE(8, 10);
      cd.writeUInt16LE(ZIP_DOS_TIME, 12);
      cd.writeUInt16LE(ZIP_DOS_DATE, 14);
      cd.writeUInt32LE(crc, 16);
      cd.writeUInt32LE(compressed, 20);
      cd.writeUInt32LE(size, 24);
      cd.writeUInt16LE(nameBuf.length, 28);
      // extra length, comment length, disk number start, internal attributes: 0
      cd.writeUInt32LE((0o100644 << 16) >>> 0, 38); // external attributes: regular file rw-r--r--
      cd.writeUInt32LE(0, 42); // offset of the local header
      parts.push(cd, nameBuf);
      const end = Buffer.alloc(22);
      end.writeUInt32LE(0x06054b50, 0);
      end.writeUInt16LE(1, 8); // entries on this disk
      end.writeUInt16LE(1, 10); // entries in all
      end.writeUInt32LE(cd.length + nameBuf.length, 12);
      end.writeUInt32LE(cdOffset, 16);
      parts.push(end);
      cb(null, Buffer.concat(parts));
    },
  });
}

function openOutput(path: string, format: OutputFormat, entryName: string): Output {
  const file = createWriteStream(path, { highWaterMark: 1 << 20 });
  let head: Writable;
  let done: Promise<void>;
  if (format === 'csv') {
    head = file;
    done = finished(file);
  } else if (format === 'csv.gz') {
    const gz = createGzip({ level: 6, chunkSize: 1 << 16 });
    head = gz;
    done = pipeline(gz, file);
  } else {
    let crc = 0;
    let size = 0;
    const tap = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        crc = crc32(chunk, crc);
        size += chunk.length;
        cb(null, chunk);
      },
    });
    head = tap;
    const deflate = createDeflateRaw({ level: 6, chunkSize: 1 << 16 });
    done = pipeline(tap, deflate, zipFramer(entryName, () => ({ crc, size })), file);
  }
  // Errors surface through close() (and through 'drain' waits); never as unhandled rejections.
  done.catch(() => {});
  return {
    stream: head,
    done,
    close: async () => {
      head.end();
      await done;
    },
  };
}

/** Batches lines into ~64 KiB chunks; write() returns a promise only on backpressure. */
class LineWriter {
  private buf = '';
  private readonly failed: Promise<never>;

  /** `done` settles when the output finishes or fails: a failure ends any wait for 'drain'. */
  constructor(
    private readonly out: Writable,
    done: Promise<void>,
  ) {
    this.failed = done.then(() => Promise.reject(new Error('output closed while writing')));
    this.failed.catch(() => {});
  }

  write = (line: string): Promise<void> | undefined => {
    this.buf += line;
    return this.buf.length >= 1 << 16 ? this.flush() : undefined;
  };

  flush(): Promise<void> | undefined {
    if (this.out.errored) return Promise.reject(this.out.errored);
    if (this.buf === '') return undefined;
    const ok = this.out.write(Buffer.from(this.buf, 'utf8'));
    this.buf = '';
    return ok ? undefined : Promise.race([once(this.out, 'drain').then(() => undefined), this.failed]);
  }
}

// ---------------------------------------------------------------------------------------------
// Files with known bad rows

interface BadFile {
  lines: string[];
  badLines: number[];
}

/** Interleaves bad rows into valid ones at seeded positions; the last line is always bad. */
function interleave(rng: Rng, header: string, valid: string[], bad: string[]): BadFile {
  const total = valid.length + bad.length;
  const positions = new Set<number>([total - 1]);
  while (positions.size < bad.length) positions.add(int(rng, total));
  const lines = [header];
  const badLines: number[] = [];
  let v = 0;
  let b = 0;
  for (let i = 0; i < total; i++) {
    if (positions.has(i)) {
      lines.push(bad[b++]!);
      badLines.push(i + 2); // physical line: header is line 1
    } else {
      lines.push(valid[v++]!);
    }
  }
  return { lines, badLines };
}

/** Splits one of our own generated lines (no embedded newlines, quotes only around commas). */
function splitLine(line: string): string[] {
  const out: string[] = [];
  const re = /("(?:[^"]|"")*"|[^,]*)(,|$)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(line)) !== null) {
    out.push(m[1]!);
    if (m[2] === '') break;
  }
  return out;
}

async function writeBadFiles(dir: string, seed: number, oaShape: RowShape, citShape: RowShape) {
  const rng = mulberry32(subSeed(seed, 99));
  const oaLines: string[] = [];
  const citLines: string[] = [];
  await generateCore(
    40,
    subSeed(seed, 98),
    oaShape,
    citShape,
    (l) => void oaLines.push(l.slice(0, -1)),
    (l) => void citLines.push(l.slice(0, -1)),
  );

  // Citations: take rows out of the valid set and break each in one way.
  const citCol = (c: string) => citShape.slot(c);
  const citMutations: ((cells: string[]) => void)[] = [
    (c) => c.pop(), // too few columns
    (c) => c.push('extra'), // too many columns
    (c) => c.splice(1, 1), // a column missing in the middle
    (c) => (c[citCol('form892')] = '2'),
    (c) => (c[citCol('form1449')] = 'yes'),
    (c) => (c[citCol('citation_in_oa')] = '2'),
    (c) => (c[citCol('form892')] = 'Y'),
    (c) => (c[citCol('app_id')] = ''),
  ];
  const citBad: string[] = [];
  for (let round = 0; round < 3; round++) {
    for (const mutate of citMutations) {
      const cells = splitLine(citLines.splice(int(rng, citLines.length), 1)[0]!);
      mutate(cells);
      citBad.push(cells.join(','));
    }
  }

  // Office actions: copies of valid rows under fresh ids (so nothing joins to them), broken.
  const oaCol = (c: string) => oaShape.slot(c);
  const oaMutations: ((cells: string[]) => void)[] = [
    (c) => (c[oaCol('mail_dt')] = '2012-13-45'),
    (c) => (c[oaCol('mail_dt')] = 'yesterday'),
    (c) => (c[oaCol('mail_dt')] = '2012-02-30'),
    (c) => (c[oaCol('mail_dt')] = '31/12/2012'),
    (c) => (c[oaCol('rejection_103')] = '2'),
    (c) => (c[oaCol('allowed_claims')] = 'yes'),
    (c) => (c[oaCol('header_missing')] = '-1'),
    (c) => c.pop(), // too few columns
    (c) => c.push('0'), // too many columns
  ];
  const oaBad: string[] = [];
  let fresh = 0;
  for (let round = 0; round < 2; round++) {
    for (const mutate of oaMutations) {
      const cells = splitLine(oaLines[int(rng, oaLines.length)]!);
      cells[oaCol('app_id')] = pad(16_000_000 + fresh, 8);
      cells[oaCol('ifw_number')] = `BAD${pad(fresh++, 7)}`;
      mutate(cells);
      oaBad.push(cells.join(','));
    }
  }

  const cit = interleave(rng, citShape.header.slice(0, -1), citLines, citBad);
  const oa = interleave(rng, oaShape.header.slice(0, -1), oaLines, oaBad);
  const citPath = join(dir, 'citations_bad.csv');
  const oaPath = join(dir, 'office_actions_bad.csv');
  for (const [path, file] of [
    [citPath, cit],
    [oaPath, oa],
  ] as const) {
    const out = openOutput(path, 'csv', '');
    out.stream.write(file.lines.join('\n') + '\n');
    await out.close();
  }
  return { badCitations: citPath, badLines: cit.badLines, badOfficeActions: oaPath, badOfficeActionLines: oa.badLines };
}

// ---------------------------------------------------------------------------------------------

/** Writes `office_actions.<ext>` and `citations.<ext>` (and, on request, the bad-row files) into `dir`. */
export async function generateDataset(dir: string, options: GenerateOptions): Promise<GeneratedDataset> {
  const { officeActions, seed = 1, format = 'csv', withBadRows = false } = options;
  if (!Number.isSafeInteger(officeActions) || officeActions < 0) {
    throw new RangeError(`officeActions must be a non-negative integer, got ${officeActions}`);
  }
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  if (!FORMATS.includes(format)) throw new RangeError(`format must be one of ${FORMATS.join(', ')}, got ${format}`);
  if (officeActions > 100_000_000) throw new RangeError('officeActions above 100 million is not supported');

  const root = resolve(dir);
  await mkdir(root, { recursive: true });
  const oaShape = new RowShape('office_actions', OA_COLUMNS);
  const citShape = new RowShape('citations', CIT_COLUMNS);
  const oaPath = join(root, `office_actions.${format}`);
  const citPath = join(root, `citations.${format}`);
  const oaOut = openOutput(oaPath, format, 'office_actions.csv');
  const citOut = openOutput(citPath, format, 'citations.csv');
  const oaWriter = new LineWriter(oaOut.stream, oaOut.done);
  const citWriter = new LineWriter(citOut.stream, citOut.done);
  let res: CoreResult;
  try {
    oaWriter.write(oaShape.header);
    citWriter.write(citShape.header);
    res = await generateCore(officeActions, seed, oaShape, citShape, oaWriter.write, citWriter.write);
    await oaWriter.flush();
    await citWriter.flush();
  } catch (err) {
    oaOut.stream.destroy();
    citOut.stream.destroy();
    await Promise.allSettled([oaOut.close(), citOut.close()]);
    throw err;
  }
  await Promise.all([oaOut.close(), citOut.close()]);

  const dataset: GeneratedDataset = {
    citations: citPath,
    officeActions: oaPath,
    counts: { officeActions: res.officeActions, citations: res.citations, applications: res.applications },
    expected: { orphanCitations: res.orphans, duplicateCitations: res.duplicates, formOnlyCitations: res.formOnly },
  };
  if (withBadRows) Object.assign(dataset, await writeBadFiles(root, seed, oaShape, citShape));
  return dataset;
}
