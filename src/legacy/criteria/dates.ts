/**
 * Mail dates in criteria. v1 kept a mail date as the text `yyyyMMdd` (criteria wrote
 * `mailDate:[20120101 TO 20121231]`), and Solr compared it as text; the index keeps ISO
 * `yyyy-MM-dd`. Both are fixed-width digits in the same order, so every v1 condition has an exact
 * ISO equivalent:
 *
 * - a value matches the date it spells (`20120315` is 2012-03-15; `20121399` and `2012` spell
 *   none and match nothing);
 * - a range bound that is not a whole `yyyyMMdd` still compares as text (`[2012 TO 2013]` is every
 *   date of 2012): the bound becomes the nearest 8-digit text on the right side of it;
 * - a prefix wildcard of digits (`201203*`) is the range of dates it begins; other wildcards are
 *   matched against the `yyyyMMdd` text by the store (src/store/values.ts).
 *
 * Our extension: `2012-03-15` and Solr's `2012-03-15T00:00:00Z` are read as the ISO dates they
 * are (in v1 they were text that no stored value equalled).
 */
import { ALL, and, cmp, eq, exists, NONE, pattern, type Filter, type PatternPiece } from '../../filter/ast.ts';

const WIDTH = 8;
const ISO = /^(\d{4}-\d{2}-\d{2})(?:T00:00:00(?:\.0+)?Z?)?$/;

/** `20120315` -> `2012-03-15` (an 8-digit text, whether or not it is a real date). */
const isoOf = (digits: string) => `${digits.slice(0, 4)}-${digits.slice(4, 6)}-${digits.slice(6, 8)}`;

/** A run of digits plus or minus one, same width; undefined past the ends. */
function step(digits: string, by: 1 | -1): string | undefined {
  if (digits === '') return undefined;
  const n = BigInt(digits) + BigInt(by);
  const text = n.toString().padStart(digits.length, '0');
  return n < 0n || text.length > digits.length ? undefined : text;
}

const firstNonDigit = (text: string) => [...text.slice(0, WIDTH)].findIndex((ch) => ch < '0' || ch > '9');

/** The least 8-digit text `>= bound` (`> bound` when strict); undefined when there is none. */
function leastFrom(bound: string, strict: boolean): string | undefined {
  const i = firstNonDigit(bound);
  if (i < 0) {
    if (bound.length < WIDTH) return bound.padEnd(WIDTH, '0');
    if (bound.length === WIDTH) return strict ? step(bound, 1) : bound;
    // Longer: its first 8 digits come before it.
    return step(bound.slice(0, WIDTH), 1);
  }
  const head = bound.slice(0, i);
  if (bound[i]! < '0') return head.padEnd(WIDTH, '0');
  // A character after the digits: every text beginning with `head` comes before the bound.
  return step(head, 1)?.padEnd(WIDTH, '0');
}

/** The greatest 8-digit text `<= bound` (`< bound` when strict); undefined when there is none. */
function greatestTo(bound: string, strict: boolean): string | undefined {
  const i = firstNonDigit(bound);
  if (i < 0) {
    // Shorter: every text beginning with it comes after it.
    if (bound.length < WIDTH) return step(bound, -1)?.padEnd(WIDTH, '9');
    if (bound.length === WIDTH) return strict ? step(bound, -1) : bound;
    return bound.slice(0, WIDTH);
  }
  const head = bound.slice(0, i);
  if (bound[i]! > '9') return head.padEnd(WIDTH, '9');
  return step(head, -1)?.padEnd(WIDTH, '9');
}

/** `mailDate:X`. */
export function dateValue(field: string, raw: string): Filter {
  const iso = ISO.exec(raw);
  if (iso) return eq(field, iso[1]!);
  return /^\d{8}$/.test(raw) ? eq(field, isoOf(raw)) : NONE;
}

/** One end of `mailDate:[A TO B]`. */
function dateBound(field: string, raw: string, side: 'lower' | 'upper', inclusive: boolean): Filter {
  const iso = ISO.exec(raw);
  if (iso) return cmp(field, side === 'lower' ? (inclusive ? '>=' : '>') : inclusive ? '<=' : '<', iso[1]!);
  const digits = side === 'lower' ? leastFrom(raw, !inclusive) : greatestTo(raw, !inclusive);
  return digits === undefined ? NONE : cmp(field, side === 'lower' ? '>=' : '<=', isoOf(digits));
}

/** `mailDate:[A TO B]`, an open end absent; `[* TO *]` is every record with a mail date. */
export function dateRange(field: string, lower: string | undefined, upper: string | undefined, lowerInclusive: boolean, upperInclusive: boolean): Filter {
  if (lower === undefined && upper === undefined) return exists(field);
  return and([
    lower === undefined ? ALL : dateBound(field, lower, 'lower', lowerInclusive),
    upper === undefined ? ALL : dateBound(field, upper, 'upper', upperInclusive),
  ]);
}

/** `mailDate:2012*` and other wildcards, over the `yyyyMMdd` text (runs of `*` already collapsed). */
export function datePattern(field: string, pieces: readonly PatternPiece[]): Filter {
  const [first, second, ...rest] = pieces;
  if (first?.kind === 'anyString' && second === undefined) return exists(field);
  if (first?.kind === 'literal' && second === undefined) return dateValue(field, first.text);
  if (first?.kind === 'literal' && second?.kind === 'anyString' && rest.length === 0 && /^\d{1,8}$/.test(first.text)) {
    return and([cmp(field, '>=', isoOf(first.text.padEnd(WIDTH, '0'))), cmp(field, '<=', isoOf(first.text.padEnd(WIDTH, '9')))]);
  }
  return pattern(field, pieces);
}
