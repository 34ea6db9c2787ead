/**
 * Filter tree -> Meilisearch filter text.
 *
 * Safety: every string value is written by `quote`: double-quoted with `\` and `"`
 * backslash-escaped, the one escaping Meilisearch's filter parser undoes exactly (it first turns
 * `\"` into `"`, then reads `\\` as `\`). Whatever a value contains - quotes, backslashes,
 * AND/OR/NOT/TO/EXISTS, parentheses, unicode - it stays one value. Numbers are written bare and
 * must be finite (they come from our own conversions, never from user text). Field names come from
 * the catalog or the stored layout.
 *
 * The renderer walks Meilisearch's grammar (filter-parser):
 *   expression = or;  or = and ("OR" and)*;  and = not ("AND" not)*;  not = "NOT" not | primary;
 *   primary = "(" expression ")" | condition
 * where each rule is entered one level deeper than its caller, and reports the deepest level the
 * text makes Meilisearch's parser reach (it refuses a filter past MAX_FILTER_DEPTH). An OR inside
 * an AND, or any group under NOT, needs parentheses; an AND inside an OR does not (AND binds
 * tighter) but gets them anyway, so nobody has to remember the precedence.
 */
import { condsOf, type Cond, type Filter, type Value } from './ast.ts';

/**
 * Meilisearch refuses a filter whose parser recursion goes past this depth (filter-parser's
 * MAX_FILTER_DEPTH). Each parenthesis level costs 4 (or -> and -> not -> primary), each NOT 1.
 */
export const MEILI_MAX_FILTER_DEPTH = 200;

/** A filter string literal: double-quoted, with `\` and `"` escaped, as Meilisearch requires. */
export function quote(value: string): string {
  // Most values (a group code, an application number) need no escape: one scan, no replace. The
  // group codes of a packed condition are a hundred values or more.
  if (value.indexOf('"') < 0 && value.indexOf('\\') < 0) return `"${value}"`;
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** A literal for a stored value: numbers bare (validated), strings quoted. */
export function literal(value: Value): string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
    return String(value);
  }
  return quote(value);
}

export function condText(c: Cond): string {
  switch (c.kind) {
    case 'eq':
      return `${c.field} = ${literal(c.value)}`;
    case 'in':
      return `${c.field} IN [${c.values.map(literal).join(', ')}]`;
    case 'cmp':
      return `${c.field} ${c.op} ${literal(c.value)}`;
    case 'exists':
      return `${c.field} EXISTS`;
    case 'startsWith':
      return `${c.field} STARTS WITH ${quote(c.text)}`;
    case 'contains':
      // Needs Meilisearch's experimental containsFilter feature, which the project enables.
      return `${c.field} CONTAINS ${quote(c.text)}`;
    case 'lists':
      // Not Meilisearch syntax either: the stored layout lowers it (a CONTAINS of the fenced item).
      return `${c.field} LISTS ${quote(c.item)}`;
    case 'pattern':
      // Not Meilisearch syntax: the store answers patterns before anything is sent. Written so
      // for the compiler's own text (`*` any string, `?` any character, `\` before a literal one).
      return `${c.field} MATCHES ${quote(c.pieces.map((p) => (p.kind === 'anyString' ? '*' : p.kind === 'anyChar' ? '?' : p.text.replace(/[\\*?]/g, '\\$&'))).join(''))}`;
  }
}

export interface Rendered {
  /** The filter text; undefined when the filter matches every record (send no filter). */
  readonly text: string | undefined;
  /** The deepest recursion Meilisearch's parser reaches reading this text. */
  readonly depth: number;
  /** Values in the text (each IN entry counts): a measure of what Meilisearch will look up. */
  readonly values: number;
}

interface Part {
  readonly text: string;
  readonly depth: number;
}

/**
 * Renders a filter. `nothing` is the text of NONE: Meilisearch has no literal false, so the
 * caller names a filterable field every record has (`NOT <field> EXISTS`).
 */
export function render(filter: Filter, nothing: Filter): Rendered {
  const values = condsOf(filter).reduce((n, c) => n + (c.kind === 'in' ? c.values.length : c.kind === 'exists' ? 0 : 1), 0);
  if (filter.op === 'all') return { text: undefined, depth: 0, values };
  const part = expression(filter.op === 'none' ? nothing : filter, 0);
  return { text: part.text, depth: part.depth, values };
}

function expression(filter: Filter, d: number): Part {
  if (filter.op !== 'or') return andList(filter, d + 1);
  return join(
    filter.args.map((arg) => (arg.op === 'and' ? negation(arg, d + 2) : andList(arg, d + 1))),
    ' OR ',
  );
}

function andList(filter: Filter, d: number): Part {
  if (filter.op !== 'and') return negation(filter, d + 1);
  return join(
    filter.args.map((arg) => negation(arg, d + 1)),
    ' AND ',
  );
}

function negation(filter: Filter, d: number): Part {
  if (filter.op !== 'not') return primary(filter, d + 1);
  const inner = negation(filter.arg, d + 1);
  return { text: `NOT ${inner.text}`, depth: inner.depth };
}

function primary(filter: Filter, d: number): Part {
  switch (filter.op) {
    case 'cond':
      return { text: condText(filter.cond), depth: d };
    case 'and':
    case 'or': {
      const inner = expression(filter, d + 1);
      return { text: `(${inner.text})`, depth: inner.depth };
    }
    default:
      // all / none / not never reach here: the constructors remove all/none below the top, and
      // negation() handles NOT.
      throw new Error(`internal: cannot render ${filter.op} as a primary`);
  }
}

function join(parts: readonly Part[], separator: string): Part {
  return { text: parts.map((p) => p.text).join(separator), depth: Math.max(...parts.map((p) => p.depth)) };
}
