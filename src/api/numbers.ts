/**
 * Patent, publication and application numbers as people write them -> the forms stored in the
 * index. Shared by the lookup, the graph routes and the `applicationId` / `Patent_PGPub` filters.
 *
 * Stored forms (see the field catalog): `applicationId` is 8 digits ("09123456"); `Patent_PGPub`
 * is a patent (7 digits, ~1 % zero-padded to 8), a pre-grant publication (yyyy + 7 digits = 11
 * digits) or a foreign id ("EP1234567"). Written forms seen in office actions and in queries:
 * "US 7,123,456 B2", "U.S. Pat. No. 7,123,456", "US 2005/0123456 A1", "US-2005-0123456-A1",
 * "12/345,678", "EP 1234567 A1", bare digits.
 *
 * Everything here is pure: no I/O, so it is unit- and property-tested on its own.
 */
import type { FieldName } from '../catalog/fields.ts';

export type NumberKind = 'application' | 'patent' | 'publication' | 'foreign';
export const NUMBER_KINDS: readonly NumberKind[] = ['application', 'patent', 'publication', 'foreign'];

/** The catalog fields numbers live in: applications, and references (patents, publications, foreign ids). */
export const NUMBER_FIELDS = ['applicationId', 'Patent_PGPub'] as const satisfies readonly FieldName[];
export type NumberField = (typeof NUMBER_FIELDS)[number];
export const isNumberField = (name: string): name is NumberField => (NUMBER_FIELDS as readonly string[]).includes(name);

/** The catalog field a kind of number lives in. */
export const fieldOfKind = (kind: NumberKind): NumberField => (kind === 'application' ? 'applicationId' : 'Patent_PGPub');

/** One reading of the input: "it is patent 7123456". */
export interface Interpretation {
  kind: NumberKind;
  /** Canonical form: 8-digit application, patent without leading zeros, 11-digit publication, CC + digits. */
  normalized: string;
}

export interface ParsedNumber {
  input: string;
  /** The digits (foreign: country code + digits) the typo-tolerant search works on. */
  searchText: string;
  /** Possible readings, most likely first. Empty when the shape fits no kind (a typo, probably). */
  interpretations: Interpretation[];
  /** Kinds the writing itself names ("B2", "Pat. No.", "12/345,678", "A1" ...), if any. */
  hinted: NumberKind | undefined;
}

/** Offices whose ids occur in `Patent_PGPub` besides US ones (the generator and OARD both use these). */
const FOREIGN_OFFICES = ['EP', 'JP', 'WO', 'DE', 'CN', 'KR', 'GB', 'FR', 'CA', 'AU', 'TW', 'CH'];

const PUBLICATION_YEAR = /^(19|20)\d{2}$/;

function onlyDigits(s: string): string {
  return s.replace(/\D+/g, '');
}

function stripLeadingZeros(digits: string): string {
  return digits.replace(/^0+(?=\d)/, '');
}

/** Kind named by the writing: words ("Pat. No.", "Appl.", "Pub."), kind codes, or the 12/345,678 layout. */
function hintOf(upper: string): NumberKind | undefined {
  if (/\bAPP(L(ICATION)?)?\b|\bSER(IAL)?\b|^\s*\d{2}\s*\/\s*\d{3}\s*,?\s*\d{3}\s*$/.test(upper)) return 'application';
  if (/\bPUB(L(ICATION)?)?\b|(?<![A-Z])A[129]\s*$|^\s*(US)?[\s-]*(19|20)\d{2}\s*[/-]\s*\d{1,7}\b/.test(upper)) return 'publication';
  if (/\bPAT(ENT)?\b|(?<![A-Z])B[12]?\s*$|(?<![A-Z])A\s*$|^\s*(US)?\s*\d{1,2},\d{3},\d{3}\b/.test(upper)) return 'patent';
  return undefined;
}

/** Removes a trailing kind code ("B2", "A1", "A") so its digit does not join the number. */
function withoutKindCode(upper: string): string {
  return upper.replace(/(?<=[\d\s-])[\s-]*(A[0-9]?|B[0-9]?|E|S|P[0-9]?|H)\s*$/, '');
}

function foreignOf(upper: string): Interpretation | undefined {
  const m = /^\s*([A-Z]{2})[\s-]*(\d[\d\s,./-]*)/.exec(withoutKindCode(upper));
  if (!m || !FOREIGN_OFFICES.includes(m[1]!)) return undefined;
  const digits = onlyDigits(m[2]!);
  return digits ? { kind: 'foreign', normalized: `${m[1]}${digits}` } : undefined;
}

/** A publication written with a separator: "2005/0123456", "2005-123456" (the serial is zero-padded to 7). */
function separatedPublication(body: string): string | undefined {
  const m = /^(?:US)?[\s-]*((?:19|20)\d{2})\s*[/-]\s*(\d{1,7})$/.exec(body.trim());
  return m ? `${m[1]}${m[2]!.padStart(7, '0')}` : undefined;
}

/**
 * Reads a written number. Returns undefined when the input holds no digits at all.
 * Ambiguous inputs get several interpretations: 8 bare digits may be an application or a
 * (zero-padded or 8-digit) patent; 7 digits a patent or an application missing its leading zero.
 */
export function parseNumber(raw: string): ParsedNumber | undefined {
  const input = raw.trim();
  const upper = input.toUpperCase().replace(/\s+/g, ' ');
  if (!/\d/.test(upper)) return undefined;

  const foreign = foreignOf(upper);
  if (foreign) return { input, searchText: foreign.normalized, interpretations: [foreign], hinted: 'foreign' };

  const hinted = hintOf(upper);
  const body = withoutKindCode(upper)
    .replace(/\bU\.?\s?S\.?(?=[\s\d-]|$)/, ' ')
    .replace(/\b(PAT(ENT)?|APP(L(ICATION)?)?|SER(IAL)?|PUB(L(ICATION)?)?|NO|NUMBER)\b\.?/g, ' ');
  const publication = separatedPublication(body);
  const digits = publication ?? onlyDigits(body);
  if (!digits) return undefined;

  const readings: Interpretation[] = [];
  const add = (kind: NumberKind, normalized: string) => {
    if (!readings.some((r) => r.kind === kind && r.normalized === normalized)) readings.push({ kind, normalized });
  };
  const asPatent = stripLeadingZeros(digits);
  if (digits.length === 11 && PUBLICATION_YEAR.test(digits.slice(0, 4))) add('publication', digits);
  if (digits.length === 8) {
    add('application', digits);
    // Patents passed 10,000,000 in 2018; "0" + 7 digits is a zero-padded patent.
    if (asPatent.length >= 7) add('patent', asPatent);
  }
  if (digits.length >= 5 && digits.length <= 7) {
    add('patent', asPatent);
    // "9123456" may be application 09123456 written without its leading zero.
    if (digits.length === 7) add('application', digits.padStart(8, '0'));
  }

  // A kind named by the writing decides between readings (and rules out the others).
  const fitting = hinted ? readings.filter((r) => r.kind === hinted) : readings;
  const interpretations = fitting.length ? fitting : hinted ? [] : readings;
  const searchText = interpretations[0]?.normalized ?? (hinted === 'patent' ? asPatent : digits);
  return { input, searchText, interpretations, hinted };
}

/** The values a normalized number may be stored as in its field (patents: also zero-padded to 8). */
export function storedForms(reading: Interpretation): string[] {
  if (reading.kind === 'patent' && reading.normalized.length < 8 && /^\d+$/.test(reading.normalized)) {
    return [reading.normalized, reading.normalized.padStart(8, '0')];
  }
  return [reading.normalized];
}

/** Kind and canonical form of a value as stored in `field`. */
export function classifyStored(field: NumberField, value: string): Interpretation {
  if (field === 'applicationId') return { kind: 'application', normalized: value };
  if (/^\d{11}$/.test(value) && PUBLICATION_YEAR.test(value.slice(0, 4))) return { kind: 'publication', normalized: value };
  if (/^\d+$/.test(value)) return { kind: 'patent', normalized: stripLeadingZeros(value) };
  return { kind: 'foreign', normalized: value.toUpperCase() };
}

/**
 * If the whole free-text query is one written number ("US 7,123,456 B2"), the form the index
 * tokenizes as one word ("7123456"); otherwise the query unchanged. Without this, "US" and "B2"
 * match nearly every citation text and "7,123,456" splits into three words.
 */
export function numberQuery(q: string): string {
  const words = q
    .toUpperCase()
    .replace(/(?<![A-Z])(U\.?\s?S|PAT(ENT)?|NOS?|NUMBER|APP(L(ICATION)?)?|SER(IAL)?|PUB(L(ICATION)?)?|[AB][0-9]?)(?![A-Z])\.?/g, ' ')
    .replace(new RegExp(`(?<![A-Z])(${FOREIGN_OFFICES.join('|')})(?=[\\s\\d-])`, 'g'), ' ');
  // Anything but digits and separators left means words a full-text search should keep.
  if (!/^[\d\s,./-]*$/.test(words) || onlyDigits(words).length < 5) return q;
  return parseNumber(q)?.searchText ?? q;
}

/**
 * Every string one substitution or one adjacent transposition away from `s` (digits only for
 * digit positions). Meilisearch counts a typo on the first character double, so "1723456" never
 * finds 7123456 with one allowed typo; checking these variants by exact filter closes that gap.
 */
export function oneEditVariants(s: string): string[] {
  const out = new Set<string>();
  for (let i = 0; i < s.length; i++) {
    if (/\d/.test(s[i]!)) {
      for (let d = 0; d <= 9; d++) {
        const c = String(d);
        if (c !== s[i]) out.add(s.slice(0, i) + c + s.slice(i + 1));
      }
    }
    if (i + 1 < s.length && s[i] !== s[i + 1]) out.add(s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2));
  }
  out.delete(s);
  return [...out];
}

/**
 * Damerau-Levenshtein distance (unrestricted: adjacent transpositions, also when further edits
 * touch the swapped characters; Lowrance-Wagner). A transposed pair of digits costs 1, like a
 * wrong digit.
 */
export function damerauLevenshtein(a: string, b: string): number {
  if (a === b) return 0;
  if (!a.length) return b.length;
  if (!b.length) return a.length;
  const INF = a.length + b.length;
  const lastRow = new Map<string, number>();
  const w = b.length + 2;
  // d is (a.length + 2) x (b.length + 2), row-major, with a border of INF.
  const d = new Array<number>((a.length + 2) * w).fill(0);
  const at = (i: number, j: number) => i * w + j;
  d[at(0, 0)] = INF;
  for (let i = 0; i <= a.length; i++) {
    d[at(i + 1, 0)] = INF;
    d[at(i + 1, 1)] = i;
  }
  for (let j = 0; j <= b.length; j++) {
    d[at(0, j + 1)] = INF;
    d[at(1, j + 1)] = j;
  }
  for (let i = 1; i <= a.length; i++) {
    let lastMatchCol = 0;
    for (let j = 1; j <= b.length; j++) {
      const i1 = lastRow.get(b[j - 1]!) ?? 0;
      const j1 = lastMatchCol;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      if (cost === 0) lastMatchCol = j;
      d[at(i + 1, j + 1)] = Math.min(
        d[at(i, j)]! + cost,
        d[at(i + 1, j)]! + 1,
        d[at(i, j + 1)]! + 1,
        d[at(i1, j1)]! + (i - i1 - 1) + 1 + (j - j1 - 1),
      );
    }
    lastRow.set(a[i - 1]!, i);
  }
  return d[at(a.length + 1, b.length + 1)]!;
}
