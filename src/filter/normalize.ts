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
