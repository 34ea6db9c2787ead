/**
 * What a filter costs Meilisearch, estimated before it is sent: about how many stored values the
 * engine must visit to answer it, at the scale of the whole OARD.
 *
 * Meilisearch answers `field = v`, `IN`, `EXISTS` and number ranges from its facet databases in
 * a few lookups each, whatever the index size. It answers `CONTAINS` by testing every distinct
 * value of the field, and `STARTS WITH` and text ranges by walking the values in range. On a field
 * with millions of values (applicationId, Patent_PGPub, ifwNumber) one `*0*` is millions of
 * string tests; a thousand of them kept Meilisearch busy for minutes, long after the client that
 * sent them had gone (issue 15). Meilisearch cannot be told to stop a search, so the only defence
 * is not to send one: the store refuses a filter above its budget with a 400 naming the costly
 * conditions, and sends those above `HEAVY_COST` through a narrow lane of their own
 * (src/meili/lanes.ts), so that they never hold every search worker.
 *
 * The figures come from the catalog's `distinct` (values per field in the whole data set), not
 * from the index loaded: the same criteria cost the same on every deployment, and a script that
 * works on the sample keeps working on the full data.
 */
import type { Catalog } from '../catalog/catalog.ts';
import { CITATIONS } from '../catalog/citations.ts';
import { condsOf, type Cond, type Filter } from './ast.ts';
import { render } from './render.ts';

/** A field without a `distinct` figure has at most this many values (codes, flags, small numbers). */
const FEW_VALUES = 500;

/** A filter at or above this cost goes through the heavy lane: a string test of a million values. */
export const HEAVY_COST = 1_000_000;

/** The default budget: about a second of one Meilisearch core on the full data set. */
export const DEFAULT_MAX_FILTER_COST = 50_000_000;

const distinctOf = (catalog: Catalog, field: string) => catalog.byName.get(field)?.distinct ?? FEW_VALUES;

/** Values a STARTS WITH visits: the share of the field's values with that prefix (ten per character, at worst). */
function prefixCost(catalog: Catalog, field: string, text: string): number {
  return Math.max(1, Math.ceil(distinctOf(catalog, field) / 10 ** text.trim().length));
}

/** The cost of one condition (over the catalog's fields). */
export function condCost(c: Cond, catalog: Catalog = CITATIONS): number {
  const type = catalog.byName.get(c.field)?.type;
  switch (c.kind) {
    case 'eq':
    case 'exists':
      return 1;
    case 'in':
      return c.values.length;
    case 'cmp':
      // Number ranges are a lookup in Meilisearch's number tree; a text bound walks the values
      // on its side, half of them on average (so a closed range, two bounds, walks them all).
      return typeof c.value === 'number' || type === 'int' || type === 'flag' ? 1 : Math.ceil(distinctOf(catalog, c.field) / 2);
    case 'startsWith':
      return prefixCost(catalog, c.field, c.text);
    case 'contains':
    case 'lists':
      // An item of a list is a CONTAINS of the list's fenced form (src/catalog/stored-layout.ts).
      return distinctOf(catalog, c.field);
    case 'pattern': {
      // Answered from a listing of the field's values, narrowed by the pattern's literal start
      // when it has one (src/store/values.ts), then sent as an IN of the values that meet it.
      const first = c.pieces[0];
      return first?.kind === 'literal' && first.text.trim() ? prefixCost(catalog, c.field, first.text) : distinctOf(catalog, c.field);
    }
  }
}

export interface CostPart {
  /** The condition as Meilisearch would read it. */
  readonly text: string;
  /** How many times the filter has it. */
  readonly times: number;
  /** Its cost, all times together. */
  readonly cost: number;
}

export interface FilterCost {
  readonly total: number;
  /** The conditions that cost the most, costliest first (at most `top`). */
  readonly costliest: readonly CostPart[];
}

/**
 * The cost of a filter: the sum of its conditions' (each is evaluated, whatever the connectives).
 * The costliest parts are worked out only when asked for (a refusal's message): every request is
 * priced, few are refused.
 */
export function filterCost(filter: Filter, top = 3, catalog: Catalog = CITATIONS): FilterCost {
  const conds = condsOf(filter);
  let total = 0;
  for (const c of conds) total += condCost(c, catalog);
  let costliest: readonly CostPart[] | undefined;
  return {
    total,
    get costliest() {
      return (costliest ??= costliestParts(conds, top, catalog));
    },
  };
}

/** The conditions by total cost, repeated ones together, costliest first. */
function costliestParts(conds: readonly Cond[], top: number, catalog: Catalog): CostPart[] {
  const parts = new Map<string, { times: number; each: number; cond: Cond }>();
  for (const c of conds) {
    const key = JSON.stringify(c);
    const part = parts.get(key);
    if (part) part.times += 1;
    else parts.set(key, { times: 1, each: condCost(c, catalog), cond: c });
  }
  return [...parts.values()]
    .sort((a, b) => b.each * b.times - a.each * a.times)
    .slice(0, top)
    .map((p) => ({ text: shown(p.cond), times: p.times, cost: p.each * p.times }));
}

/** A condition as Meilisearch-like text (a pattern as `MATCHES`, which only the store answers). */
const shown = (c: Cond) => render({ op: 'cond', cond: c }, { op: 'none' }).text ?? '';

/** "2.2 M", "16 k", "340": a cost as people read it. */
export function formatCost(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toPrecision(2)} G`;
  if (n >= 1e6) return `${(n / 1e6).toPrecision(2)} M`;
  if (n >= 1e4) return `${Math.round(n / 1e3)} k`;
  return String(n);
}
