/**
 * Stage 4: checked tree -> filter over the catalog's fields (src/filter/ast.ts). The store lowers
 * it to the stored layout and renders it as Meilisearch filter text; its own text (over catalog
 * names) is what the compiler reports.
 *
 * The filter algebra simplifies as it is built (all / none absorb, AND / OR flatten, NOT NOT
 * cancels), so criteria that match everything are exactly ALL (no filter is sent) and criteria
 * that match nothing are exactly NONE. Values are text, as v1's string fields held them
 * (`form892 = "1"`): the stored layout decides each against what it stores. The renderer quotes
 * and escapes every string, so no input can change a filter's structure. Field names come from
 * the catalog.
 */
import type { CheckedBoolean, CheckedQuery, CheckedRange, CheckedTerm } from './check.ts';
import type { Occur } from './ast.ts';
import { dateRange, datePattern, dateValue } from './dates.ts';
import { ALL, and, cmp, contains, eq, exists, NONE, not, or, pattern, startsWith, type Filter } from '../../filter/ast.ts';
import { sendableNeedle } from '../../filter/normalize.ts';
import { foldListItems } from '../../filter/list-items.ts';
import { MEILI_MAX_FILTER_DEPTH, render } from '../../filter/render.ts';
import { NOTHING } from '../../catalog/layout.ts';
import { CriteriaError } from './errors.ts';

export { MEILI_MAX_FILTER_DEPTH };

// ---- checked tree -> filter ---------------------------------------------------------------------

function toFilter(query: CheckedQuery, top: boolean): Filter {
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
      return booleanFilter(query, top);
  }
}

/**
 * A Lucene clause list. With MUST clauses, SHOULD clauses are optional (they only add score);
 * without, at least one SHOULD must match; MUST_NOT clauses always exclude. A list with only
 * MUST_NOT clauses has nothing to exclude from - it matches nothing - except at the top, where
 * Solr completes a purely negative query with `*:*` (`-form892:1` is every record but those).
 * So `citationInOA:1 AND (-form892:1)` is empty, as in Solr; `(*:* -form892:1)` is how a nested
 * "not" is written.
 */
function booleanFilter(query: CheckedBoolean, top: boolean): Filter {
  const of = (occur: Occur) => query.clauses.filter((c) => c.occur === occur).map((c) => toFilter(c.query, false));
  const must = of('must');
  const should = of('should');
  const mustNot = of('must_not');
  const positive = must.length > 0 ? and(must) : should.length > 0 ? or(should) : top ? ALL : NONE;
  return mustNot.length === 0 ? positive : and([positive, not(or(mustNot))]);
}

function rangeFilter(query: CheckedRange): Filter {
  if (query.fieldType === 'date') return dateRange(query.field, query.lower, query.upper, query.lowerInclusive, query.upperInclusive);
  const bounds: Filter[] = [];
  if (query.lower !== undefined) bounds.push(cmp(query.field, query.lowerInclusive ? '>=' : '>', query.lower));
  if (query.upper !== undefined) bounds.push(cmp(query.field, query.upperInclusive ? '<=' : '<', query.upper));
  // `[* TO *]` matches every record that has the field, as in Lucene.
  return bounds.length > 0 ? and(bounds) : exists(query.field);
}

/**
 * A term: the value as text, on every field. A wildcard becomes the Meilisearch operator of its
 * shape where there is one (`abc*` STARTS WITH, `*abc*` CONTAINS, `*` EXISTS) and a `pattern`
 * otherwise (`a?c`, `*abc`, `a*c`, or a text that begins or ends with a space, which Meilisearch
 * would trim): the store answers those from the values the field holds.
 */
function termFilter(query: CheckedTerm): Filter {
  if (query.fieldType === 'date') return query.wildcard ? datePattern(query.field, query.pattern ?? []) : dateValue(query.field, query.value);
  if (!query.wildcard) return eq(query.field, query.value);
  const pieces = query.pattern ?? [];
  const kinds = pieces.map((p) => (p.kind === 'literal' ? 'L' : p.kind === 'anyString' ? '*' : '?')).join('');
  const text = pieces.find((p) => p.kind === 'literal')?.text ?? '';
  switch (kinds) {
    case '*':
      return exists(query.field);
    case 'L':
      return eq(query.field, text);
    case 'L*':
      return sendableNeedle(text) ? startsWith(query.field, text) : pattern(query.field, pieces);
    case '*L*':
      return sendableNeedle(text) ? contains(query.field, text) : pattern(query.field, pieces);
    default:
      return pattern(query.field, pieces);
  }
}

// ---- the filter and its text ----------------------------------------------------------------------

export interface Emitted {
  /** The filter over catalog fields (ALL: every record). */
  readonly filter: Filter;
  /** Its text, a Meilisearch filter over the catalog's field names (undefined: every record). */
  readonly text: string | undefined;
}

/**
 * The filter of a checked query. `isList` names the data set's comma-separated list fields, whose
 * four-wildcard item queries fold into one `lists` condition (src/filter/list-items.ts).
 */
export function emitFilter(query: CheckedQuery, isList: (field: string) => boolean = () => false): Emitted {
  const filter = foldListItems(toFilter(query, true), isList);
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
