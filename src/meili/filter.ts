/**
 * Building Meilisearch filter expressions safely, for every layer that emits filters (the legacy
 * criteria compiler and the modern API). User input never reaches a filter string except through
 * `quote` (strings) or as a validated JS number.
 */

/** A filter string literal: double-quoted, with `\` and `"` escaped, as Meilisearch requires. */
export function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** A literal for a stored value: numbers bare (validated), strings quoted. */
export function literal(value: string | number): string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
    return String(value);
  }
  return quote(value);
}

/** `field IN [v1, v2]`, or `field = v` for one value. */
export function anyOf(field: string, values: readonly (string | number)[]): string {
  if (values.length === 0) throw new RangeError(`anyOf(${field}) needs at least one value`);
  if (values.length === 1) return `${field} = ${literal(values[0]!)}`;
  return `${field} IN [${values.map(literal).join(', ')}]`;
}

/** Clauses joined with AND (each parenthesised), or undefined when there are none. */
export function allOf(clauses: readonly (string | undefined)[]): string | undefined {
  const present = clauses.filter((c): c is string => Boolean(c));
  if (present.length === 0) return undefined;
  if (present.length === 1) return present[0];
  return present.map((c) => `(${c})`).join(' AND ');
}
