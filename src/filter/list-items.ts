/**
 * One rewrite of filters over a comma-separated list field (claimNumbers, "6,7,8,11"): v1 kept
 * the list as one string, so the only way criteria could ask "does it list claim 7" was to name
 * the four places an item can stand,
 *
 *   claimNumbers:(7 OR 7,* OR *,7 OR *,7,*)
 *
 * and the third of those (`*,7`: ends with) is a wildcard Meilisearch has no operator for, which
 * the store would have to answer from the field's values - a listing that on a large index is
 * refused as too costly. Together the four say exactly "7 is an item of the list", which the
 * stored layout answers with one CONTAINS over the list fenced by commas. So wherever an OR holds
 * all four for one item, they become the one `lists` condition; any other shape is left as it is.
 *
 * Exact, as Meilisearch reads values: on the normalised value v and item t (no comma in it, no
 * space at either end), v = t, v starts with "t,", ends with ",t" or contains ",t," exactly when
 * ",v," contains ",t," (test/criteria/list-items.test.ts checks it against the evaluator).
 */
import { and, lists, not, or, type Cond, type Filter } from './ast.ts';
import { normalizeNeedle } from './normalize.ts';

type Place = 'whole' | 'first' | 'last' | 'inside';
const PLACES: readonly Place[] = ['whole', 'first', 'last', 'inside'];

/** An item t that the four places can be recognised for: no comma (after normalisation), no edge space. */
const plainItem = (t: string) => t.length > 0 && t.trim() === t && !normalizeNeedle(t).includes(',');

/** Which place of which item a condition names, if it is one of the four shapes. */
function placeOf(c: Cond): { item: string; place: Place } | undefined {
  const at = (item: string, place: Place) => (plainItem(item) ? { item, place } : undefined);
  switch (c.kind) {
    case 'eq':
      return typeof c.value === 'string' ? at(c.value, 'whole') : undefined;
    case 'startsWith':
      return c.text.endsWith(',') ? at(c.text.slice(0, -1), 'first') : undefined;
    case 'contains':
      return c.text.length > 2 && c.text.startsWith(',') && c.text.endsWith(',') ? at(c.text.slice(1, -1), 'inside') : undefined;
    case 'pattern': {
      const [any, lit, ...rest] = c.pieces;
      return any?.kind === 'anyString' && lit?.kind === 'literal' && rest.length === 0 && lit.text.startsWith(',') ? at(lit.text.slice(1), 'last') : undefined;
    }
    default:
      return undefined;
  }
}

/** The filter with every OR naming the four places of an item of a list field folded to `lists`. */
export function foldListItems(filter: Filter, isList: (field: string) => boolean): Filter {
  switch (filter.op) {
    case 'not':
      return not(foldListItems(filter.arg, isList));
    case 'and':
      return and(filter.args.map((a) => foldListItems(a, isList)));
    case 'or':
      return foldOr(filter.args.map((a) => foldListItems(a, isList)), isList);
    default:
      return filter;
  }
}

function foldOr(args: readonly Filter[], isList: (field: string) => boolean): Filter {
  // item key -> the places seen, with the index of the argument naming each.
  const seen = new Map<string, Map<Place, number>>();
  args.forEach((arg, i) => {
    if (arg.op !== 'cond' || !isList(arg.cond.field)) return;
    const p = placeOf(arg.cond);
    if (!p) return;
    const key = JSON.stringify([arg.cond.field, normalizeNeedle(p.item)]);
    const places = seen.get(key) ?? seen.set(key, new Map()).get(key)!;
    if (!places.has(p.place)) places.set(p.place, i);
  });
  const folded = new Set<number>();
  const added: Filter[] = [];
  for (const [key, places] of seen) {
    if (!PLACES.every((p) => places.has(p))) continue;
    const [field, item] = JSON.parse(key) as [string, string];
    for (const i of places.values()) folded.add(i);
    added.push(lists(field, item));
  }
  return added.length ? or([...added, ...args.filter((_, i) => !folded.has(i))]) : or(args);
}
