/**
 * A condition decided in JS on one stored value, as Meilisearch decides it - and as it would, had
 * it the operator: wildcards of any shape, and texts that begin or end with a space (which
 * Meilisearch trims from a STARTS WITH / CONTAINS). The stored layout decides conditions on the
 * few values of a packed field with this, and the store conditions that Meilisearch cannot be
 * sent, on the values a field holds (listed from its facet counts).
 *
 * A value's type says how it compares, as in Meilisearch: a number condition numerically (the
 * modern API's typed flags and counts), a text condition as text - normalised, ranges in UTF-8
 * byte order (LMDB's key order) - so the v1 string fields compare as Solr's did: "2" > "10".
 */
import type { Cond, Value } from './ast.ts';
import { normalizeFacet, normalizeNeedle, patternTest } from './normalize.ts';

const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

function same(stored: Value, asked: Value): boolean {
  if (typeof asked === 'number') return typeof stored === 'number' && stored === asked;
  return normalizeFacet(String(stored)) === normalizeFacet(asked);
}

function order(stored: Value, bound: Value): number {
  if (typeof bound === 'number' && typeof stored === 'number') return stored - bound;
  return byteOrder(normalizeFacet(String(stored)), normalizeFacet(String(bound)));
}

export function meets(c: Cond, stored: Value): boolean {
  switch (c.kind) {
    case 'exists':
      return true;
    case 'eq':
      return same(stored, c.value);
    case 'in':
      return c.values.some((v) => same(stored, v));
    case 'cmp': {
      const o = order(stored, c.value);
      return c.op === '<' ? o < 0 : c.op === '<=' ? o <= 0 : c.op === '>' ? o > 0 : o >= 0;
    }
    case 'startsWith':
      return normalizeFacet(String(stored)).startsWith(normalizeNeedle(c.text));
    case 'contains':
      return normalizeFacet(String(stored)).includes(normalizeNeedle(c.text));
    case 'pattern':
      return patternTest(c.pieces)(String(stored));
    case 'lists':
      // As the layout answers it: the list, fenced by commas, contains the item fenced so.
      return `,${normalizeFacet(String(stored))},`.includes(`,${normalizeFacet(c.item)},`);
  }
}
