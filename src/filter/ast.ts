/**
 * Filters as data: a small boolean algebra over field conditions, shared by every layer that
 * selects records (the legacy criteria compiler, the modern API's parameters, the web page).
 *
 * A filter is written against the *catalog's* fields (`form892 = 1`, `techCenter = "2100"`); the
 * stored layout (src/catalog/layout.ts) lowers it to the attributes Meilisearch really holds, and
 * render.ts writes either form as Meilisearch filter text. Keeping filters as trees until the last
 * step is what lets one condition become several stored ones (a packed flag, a derived field)
 * without any layer above knowing.
 *
 * The constructors simplify as they build: AND and OR flatten, `all` and `none` absorb or drop
 * out, NOT NOT cancels. So a filter that matches everything is always exactly ALL (no filter
 * sent), and one that matches nothing is exactly NONE.
 */
import type { FieldName } from '../catalog/fields.ts';

export type Value = string | number;

/**
 * The field argument of the condition shorthands: a catalog field name, or any string computed at
 * run time (a stored attribute of the layout, a name the criteria checker found in the catalog).
 * Only a string *literal* must be a catalog field name, so a misspelt field written in code
 * (`eq('artUnti', ...)`) is a type error while names from data pass as they are.
 */
export type FieldArg<F extends string> = string extends F ? string : F extends FieldName ? F : FieldName;

export type Comparison = '<' | '<=' | '>' | '>=';

/** A piece of a wildcard pattern: text, `*` (any string), `?` (any one character). */
export type PatternPiece = { readonly kind: 'literal'; readonly text: string } | { readonly kind: 'anyString' } | { readonly kind: 'anyChar' };

/**
 * One condition on one field, in Meilisearch's vocabulary. A value's type says how it compares,
 * as in Meilisearch: numbers numerically, strings as text (normalised, ranges in byte order) - so
 * `form892 = 1` is the typed flag of the modern API and `form892 = "1"` the v1 string field.
 * `pattern` (a wildcard Meilisearch has no operator for, such as `a?c`) is never sent: the store
 * answers it from the field's values (src/store/). Nor is `lists` (an item of a comma-separated
 * list): the stored layout lowers it onto the list's fenced form.
 */
export type Cond =
  | { readonly kind: 'eq'; readonly field: string; readonly value: Value }
  | { readonly kind: 'in'; readonly field: string; readonly values: readonly Value[] }
  | { readonly kind: 'cmp'; readonly field: string; readonly op: Comparison; readonly value: Value }
  | { readonly kind: 'exists'; readonly field: string }
  | { readonly kind: 'startsWith'; readonly field: string; readonly text: string }
  | { readonly kind: 'contains'; readonly field: string; readonly text: string }
  | { readonly kind: 'pattern'; readonly field: string; readonly pieces: readonly PatternPiece[] }
  /** The field, a comma-separated list (its catalog entry's `list`), has an item equal to `item`. */
  | { readonly kind: 'lists'; readonly field: string; readonly item: string };

export type Filter =
  | { readonly op: 'all' }
  | { readonly op: 'none' }
  | { readonly op: 'cond'; readonly cond: Cond }
  | { readonly op: 'not'; readonly arg: Filter }
  | { readonly op: 'and'; readonly args: readonly Filter[] }
  | { readonly op: 'or'; readonly args: readonly Filter[] };

export const ALL: Filter = { op: 'all' };
export const NONE: Filter = { op: 'none' };

export const cond = (c: Cond): Filter => ({ op: 'cond', cond: c });

// ---- condition shorthands ------------------------------------------------------------------------

export const eq = <F extends string>(field: FieldArg<F>, value: Value): Filter => cond({ kind: 'eq', field, value });
export const cmp = <F extends string>(field: FieldArg<F>, op: Comparison, value: Value): Filter => cond({ kind: 'cmp', field, op, value });
export const exists = <F extends string>(field: FieldArg<F>): Filter => cond({ kind: 'exists', field });
export const startsWith = <F extends string>(field: FieldArg<F>, text: string): Filter => cond({ kind: 'startsWith', field, text });
export const contains = <F extends string>(field: FieldArg<F>, text: string): Filter => cond({ kind: 'contains', field, text });
export const lists = <F extends string>(field: FieldArg<F>, item: string): Filter => cond({ kind: 'lists', field, item });
export const pattern = <F extends string>(field: FieldArg<F>, pieces: readonly PatternPiece[]): Filter => cond({ kind: 'pattern', field, pieces });

/** `field IN [...]`: one value is an equality, none matches nothing. Repeated values are dropped. */
export function anyOf<F extends string>(field: FieldArg<F>, values: readonly Value[]): Filter {
  return anyOfDistinct(field, [...new Set(values)]);
}

/** anyOf of values the caller knows are distinct (a group's list of codes, a hundred or more): no Set built for them. */
export function anyOfDistinct<F extends string>(field: FieldArg<F>, values: readonly Value[]): Filter {
  if (values.length === 0) return NONE;
  if (values.length === 1) return eq<string>(field, values[0]!);
  return cond({ kind: 'in', field, values });
}

/** Inclusive range; an open end is undefined. */
export function between<F extends string>(field: FieldArg<F>, from: Value | undefined, to: Value | undefined): Filter {
  return and([from === undefined ? ALL : cmp<string>(field, '>=', from), to === undefined ? ALL : cmp<string>(field, '<=', to)]);
}

// ---- connectives --------------------------------------------------------------------------------

/** AND, flattened; `all` drops out, `none` absorbs. */
export function and(args: readonly Filter[]): Filter {
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
export function or(args: readonly Filter[]): Filter {
  const flat: Filter[] = [];
  for (const arg of args) {
    if (arg.op === 'all') return ALL;
    if (arg.op === 'none') continue;
    if (arg.op === 'or') flat.push(...arg.args);
    else flat.push(arg);
  }
  return flat.length === 0 ? NONE : flat.length === 1 ? flat[0]! : { op: 'or', args: flat };
}

/** NOT: the complement over all records, as Meilisearch's NOT is. */
export function not(arg: Filter): Filter {
  if (arg.op === 'all') return NONE;
  if (arg.op === 'none') return ALL;
  if (arg.op === 'not') return arg.arg;
  return { op: 'not', arg };
}

// ---- traversal ------------------------------------------------------------------------------------

/** The filter with every condition replaced by `f(condition)` (and re-simplified). */
export function mapConds(filter: Filter, f: (c: Cond) => Filter): Filter {
  switch (filter.op) {
    case 'all':
    case 'none':
      return filter;
    case 'cond':
      return f(filter.cond);
    case 'not':
      return not(mapConds(filter.arg, f));
    case 'and':
      return and(filter.args.map((a) => mapConds(a, f)));
    case 'or':
      return or(filter.args.map((a) => mapConds(a, f)));
  }
}

/** Every condition of a filter, in order. */
export function condsOf(filter: Filter): Cond[] {
  switch (filter.op) {
    case 'all':
    case 'none':
      return [];
    case 'cond':
      return [filter.cond];
    case 'not':
      return condsOf(filter.arg);
    case 'and':
    case 'or':
      return filter.args.flatMap(condsOf);
  }
}
