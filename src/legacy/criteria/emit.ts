/**
 * Stage 4: checked tree -> filter over the catalog's fields (src/filter/ast.ts). The store lowers
 * it to the stored layout and renders it as Meilisearch filter text; its own text (over catalog
 * names) is what the compiler reports.
 *
 * The filter algebra simplifies as it is built (all / none absorb, AND / OR flatten, NOT NOT
 * cancels), so criteria that match everything are exactly ALL (no filter is sent) and criteria
 * that match nothing are exactly NONE. Values are the checked tree's converted values; the
 * renderer quotes and escapes every string, so no input can change a filter's structure. Field
 * names come from the catalog.
 */
import type { CheckedBoolean, CheckedQuery, CheckedRange, CheckedTerm } from './check.ts';
import type { Occur, PatternPiece } from './ast.ts';
import { ALL, and, cmp, contains, eq, exists, not, or, startsWith, type Filter } from '../../filter/ast.ts';
import { MEILI_MAX_FILTER_DEPTH, render } from '../../filter/render.ts';
import { NOTHING } from '../../catalog/layout.ts';
import { CriteriaError, show } from './errors.ts';

export { MEILI_MAX_FILTER_DEPTH };

// ---- checked tree -> filter ---------------------------------------------------------------------

function toFilter(query: CheckedQuery): Filter {
  switch (query.kind) {
    case 'matchAll':
      return ALL;
    case 'exists':
      return exists(query.field);
    case 'term':
      return termFilter(query);
    case 'range':
      return rangeFilter(query);
    case 'boolean':
      return booleanFilter(query);
  }
}

/**
 * A Lucene clause list. With MUST clauses, SHOULD clauses are optional (they only add score);
 * without, at least one SHOULD must match; MUST_NOT clauses always exclude. A list with only
 * MUST_NOT clauses matches everything else: Solr adds `*:*` to a pure negative query, and we do so
 * at every level, not just the top - `NOT (...)` over all documents, which is what Meilisearch's
 * NOT is.
 */
function booleanFilter(query: CheckedBoolean): Filter {
  const of = (occur: Occur) => query.clauses.filter((c) => c.occur === occur).map((c) => toFilter(c.query));
  const must = of('must');
  const should = of('should');
  const mustNot = of('must_not');
  const positive = must.length > 0 ? and(must) : should.length > 0 ? or(should) : ALL;
  return mustNot.length === 0 ? positive : and([positive, not(or(mustNot))]);
}

function rangeFilter(query: CheckedRange): Filter {
  const bounds: Filter[] = [];
  if (query.lower !== undefined) bounds.push(cmp(query.field, query.lowerInclusive ? '>=' : '>', query.lower));
  if (query.upper !== undefined) bounds.push(cmp(query.field, query.upperInclusive ? '<=' : '<', query.upper));
  // `[* TO *]` matches every record that has the field, as in Lucene.
  return bounds.length > 0 ? and(bounds) : exists(query.field);
}

function termFilter(query: CheckedTerm): Filter {
  if (!query.wildcard) return eq(query.field, query.value);
  const shape = patternShape(query.pattern ?? []);
  switch (shape.kind) {
    case 'exists':
      return exists(query.field);
    case 'exact':
      return eq(query.field, shape.text);
    case 'prefix':
      return startsWith(query.field, shape.text);
    case 'contains':
      return contains(query.field, shape.text);
    case 'unsupported':
      throw new CriteriaError(
        'unsupported',
        `unsupported wildcard pattern ${show(String(query.value))} at position ${query.position} for ${query.field}: ${shape.reason}; ` +
          'only abc* (starts with), *abc* (contains) and * (has a value) can be translated to a Meilisearch filter',
        query.position,
      );
  }
}

type PatternShape =
  | { kind: 'exists' }
  | { kind: 'exact' | 'prefix' | 'contains'; text: string }
  | { kind: 'unsupported'; reason: string };

/** Which Meilisearch operator a wildcard pattern (runs of `*` already collapsed) maps to, if any. */
function patternShape(pieces: readonly PatternPiece[]): PatternShape {
  const kinds = pieces.map((p) => (p.kind === 'literal' ? 'L' : p.kind === 'anyString' ? '*' : '?')).join('');
  const text = pieces.find((p) => p.kind === 'literal')?.text ?? '';
  switch (kinds) {
    case '*':
      return { kind: 'exists' };
    case 'L':
      return { kind: 'exact', text };
    case 'L*':
      return { kind: 'prefix', text };
    case '*L*':
      return { kind: 'contains', text };
  }
  if (kinds.includes('?')) return { kind: 'unsupported', reason: '"?" (exactly one character) has no Meilisearch filter equivalent' };
  if (kinds === '*L') return { kind: 'unsupported', reason: 'a leading "*" alone (ends with) has no Meilisearch filter equivalent' };
  return { kind: 'unsupported', reason: 'a "*" between characters has no Meilisearch filter equivalent' };
}

// ---- the filter and its text ----------------------------------------------------------------------

export interface Emitted {
  /** The filter over catalog fields (ALL: every record). */
  readonly filter: Filter;
  /** Its text, a Meilisearch filter over the catalog's field names (undefined: every record). */
  readonly text: string | undefined;
}

export function emitFilter(query: CheckedQuery): Emitted {
  const filter = toFilter(query);
  const rendered = render(filter, NOTHING);
  // The store checks the stored filter again; refusing here gives criteria users the compiler's
  // own error, with its code and wording.
  if (rendered.depth > MEILI_MAX_FILTER_DEPTH) {
    throw new CriteriaError(
      'too_complex',
      `criteria nested too deep for Meilisearch: the filter would need parser depth ${rendered.depth}, above its limit of ${MEILI_MAX_FILTER_DEPTH} (about 49 levels of parentheses); flatten the parentheses`,
    );
  }
  return { filter, text: rendered.text };
}
