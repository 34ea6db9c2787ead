/**
 * Stage 4: checked tree -> Meilisearch filter string (undefined = no filter, every record).
 *
 * Two steps: the tree is first turned into a small boolean algebra (all / none / condition / NOT /
 * AND / OR) that simplifies as it is built, then rendered following Meilisearch's filter grammar.
 *
 * Safety: every string value is written by `quote` (src/meili/filter.ts): double-quoted with `\` and `"` backslash-escaped, the one
 * escaping Meilisearch's filter parser undoes exactly (it first turns `\"` into `"`, then reads
 * `\\` as `\`). Whatever a value contains - quotes, backslashes, AND/OR/NOT/TO/EXISTS, parentheses,
 * unicode - it stays one value. Numbers (flags, ints) are written bare: they come from our own
 * conversion (digits only), never from user text. Field names come from the catalog.
 */
import { PRIMARY_KEY } from '../../catalog/fields.ts';
import type { CheckedBoolean, CheckedQuery, CheckedRange, CheckedTerm } from './check.ts';
import type { Occur, PatternPiece } from './ast.ts';
import { literal, quote } from '../../meili/filter.ts';
import { CriteriaError, show } from './errors.ts';

/**
 * Meilisearch refuses a filter whose parser recursion goes past this depth (filter-parser's
 * MAX_FILTER_DEPTH). Each parenthesis level costs 4 (or -> and -> not -> primary), each NOT 1.
 */
export const MEILI_MAX_FILTER_DEPTH = 200;

// ---- the boolean algebra ------------------------------------------------------------------------

type Filter =
  | { readonly op: 'all' }
  | { readonly op: 'none' }
  | { readonly op: 'cond'; readonly text: string }
  | { readonly op: 'not'; readonly arg: Filter }
  | { readonly op: 'and'; readonly args: readonly Filter[] }
  | { readonly op: 'or'; readonly args: readonly Filter[] };

const ALL: Filter = { op: 'all' };
const NONE: Filter = { op: 'none' };

const cond = (text: string): Filter => ({ op: 'cond', text });

/** AND, flattened; `all` drops out, `none` absorbs. */
function and(args: readonly Filter[]): Filter {
  const flat: Filter[] = [];
  for (const arg of args) {
    if (arg.op === 'none') return NONE;
    if (arg.op === 'all') continue;
    if (arg.op === 'and') flat.push(...arg.args);
    else flat.push(arg);
  }
  return flat.length === 0 ? ALL : flat.length === 1 ? flat[0]! : { op: 'and', args: flat };
}

/** OR, flattened; `none` drops out, `all` absorbs. */
function or(args: readonly Filter[]): Filter {
  const flat: Filter[] = [];
  for (const arg of args) {
    if (arg.op === 'all') return ALL;
    if (arg.op === 'none') continue;
    if (arg.op === 'or') flat.push(...arg.args);
    else flat.push(arg);
  }
  return flat.length === 0 ? NONE : flat.length === 1 ? flat[0]! : { op: 'or', args: flat };
}

/** NOT: Meilisearch's NOT is the complement over all documents, so NOT all = none and back. */
function not(arg: Filter): Filter {
  if (arg.op === 'all') return NONE;
  if (arg.op === 'none') return ALL;
  if (arg.op === 'not') return arg.arg;
  return { op: 'not', arg };
}

// ---- checked tree -> algebra ------------------------------------------------------------------

function toFilter(query: CheckedQuery): Filter {
  switch (query.kind) {
    case 'matchAll':
      return ALL;
    case 'exists':
      return cond(`${query.field} EXISTS`);
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
  if (query.lower !== undefined) bounds.push(cond(`${query.field} ${query.lowerInclusive ? '>=' : '>'} ${literal(query.lower)}`));
  if (query.upper !== undefined) bounds.push(cond(`${query.field} ${query.upperInclusive ? '<=' : '<'} ${literal(query.upper)}`));
  // `[* TO *]` matches every record that has the field, as in Lucene.
  return bounds.length > 0 ? and(bounds) : cond(`${query.field} EXISTS`);
}

function termFilter(query: CheckedTerm): Filter {
  if (!query.wildcard) return cond(`${query.field} = ${literal(query.value)}`);
  const shape = patternShape(query.pattern ?? []);
  switch (shape.kind) {
    case 'exists':
      return cond(`${query.field} EXISTS`);
    case 'exact':
      return cond(`${query.field} = ${quote(shape.text)}`);
    case 'prefix':
      return cond(`${query.field} STARTS WITH ${quote(shape.text)}`);
    case 'contains':
      // Needs Meilisearch's experimental containsFilter feature, which the project enables.
      return cond(`${query.field} CONTAINS ${quote(shape.text)}`);
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

// ---- algebra -> text, following Meilisearch's grammar ----------------------------------------

interface Rendered {
  readonly text: string;
  /** The deepest recursion Meilisearch's parser reaches reading this text. */
  readonly depth: number;
}

/**
 * The renderer walks Meilisearch's grammar (filter-parser):
 *   expression = or;  or = and ("OR" and)*;  and = not ("AND" not)*;  not = "NOT" not | primary;
 *   primary = "(" expression ")" | condition
 * where each rule is entered one level deeper than its caller; `d` is the level of the rule being
 * rendered. An OR inside an AND, or any group under NOT, needs parentheses; an AND inside an OR
 * does not (AND binds tighter) but gets them anyway, so nobody has to remember the precedence.
 */
function expression(filter: Filter, d: number): Rendered {
  if (filter.op !== 'or') return andList(filter, d + 1);
  return join(
    filter.args.map((arg) => (arg.op === 'and' ? negation(arg, d + 2) : andList(arg, d + 1))),
    ' OR ',
  );
}

function andList(filter: Filter, d: number): Rendered {
  if (filter.op !== 'and') return negation(filter, d + 1);
  return join(
    filter.args.map((arg) => negation(arg, d + 1)),
    ' AND ',
  );
}

function negation(filter: Filter, d: number): Rendered {
  if (filter.op !== 'not') return primary(filter, d + 1);
  const inner = negation(filter.arg, d + 1);
  return { text: `NOT ${inner.text}`, depth: inner.depth };
}

function primary(filter: Filter, d: number): Rendered {
  switch (filter.op) {
    case 'cond':
      return { text: filter.text, depth: d };
    case 'and':
    case 'or': {
      const inner = expression(filter, d + 1);
      return { text: `(${inner.text})`, depth: inner.depth };
    }
    default:
      // all / none / not never reach here: the algebra removes all/none below the top, and
      // negation() handles NOT.
      throw new Error(`internal: cannot render ${filter.op} as a primary`);
  }
}

function join(parts: readonly Rendered[], separator: string): Rendered {
  return { text: parts.map((p) => p.text).join(separator), depth: Math.max(...parts.map((p) => p.depth)) };
}

/** Matches no record: every document has its primary key. */
const NOTHING: Filter = { op: 'not', arg: cond(`${PRIMARY_KEY} EXISTS`) };

export function emitFilter(query: CheckedQuery): string | undefined {
  const filter = toFilter(query);
  if (filter.op === 'all') return undefined;
  const rendered = expression(filter.op === 'none' ? NOTHING : filter, 0);
  if (rendered.depth > MEILI_MAX_FILTER_DEPTH) {
    throw new CriteriaError(
      'too_complex',
      `criteria nested too deep for Meilisearch: the filter would need parser depth ${rendered.depth}, above its limit of ${MEILI_MAX_FILTER_DEPTH} (about 49 levels of parentheses); flatten the parentheses`,
    );
  }
  return rendered.text;
}
