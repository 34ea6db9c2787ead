import type { PatternPiece } from './ast.ts';

/**
 * How Meilisearch 1.21 reads a string facet value before it compares or groups it
 * (milli's `normalize_facet`): trimmed, compatibility-decomposed (NFKD), lower-cased. Equality,
 * IN, STARTS WITH, CONTAINS and sorting all work on values read so; range bounds (`>`, `<=`) are
 * compared with them as written, so a bound must be normalised the same way before it is sent
 * (`documentCd >= "CTFR"` would otherwise compare "CTFR" with the stored "ctfr").
 */
export function normalizeFacet(value: string): string {
  return value.trim().normalize('NFKD').toLowerCase();
}

/** Whether Meilisearch holds two facet values as one. */
export function sameFacet(a: string | number | undefined, b: string | number | undefined): boolean {
  return typeof a === 'string' && typeof b === 'string' ? normalizeFacet(a) === normalizeFacet(b) : a === b;
}

/**
 * How a text condition reads its needle: as Meilisearch reads a stored value, but not trimmed - a
 * wildcard's text may begin or end with a space (`*\ *`: "contains a space"), which
 * Meilisearch's own STARTS WITH / CONTAINS would trim away.
 */
export function normalizeNeedle(text: string): string {
  return text.normalize('NFKD').toLowerCase();
}

/** Whether Meilisearch would get a STARTS WITH / CONTAINS of this text right (it trims the text first). */
export function sendableNeedle(text: string): boolean {
  return text.trim() === text;
}

/** A wildcard pattern as a test of a (normalised) value; literals normalised like needles. */
export function patternTest(pieces: readonly PatternPiece[]): (value: string) => boolean {
  const source = pieces
    .map((p) => (p.kind === 'anyString' ? '[\\s\\S]*' : p.kind === 'anyChar' ? '.' : normalizeNeedle(p.text).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  const re = new RegExp(`^${source}$`, 'su');
  return (value) => re.test(normalizeFacet(value));
}
