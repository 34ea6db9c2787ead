/**
 * "After this record" in a sort order, as a Meilisearch filter: the keyset condition that lets an
 * export walk a sorted result set page by page at flat cost (offset paging costs grow with depth,
 * and a sorted documents fetch past offset 0 is wrong in Meilisearch 1.21).
 *
 * For a sort [k1, k2, ..., id:asc] (id last: a total order) and the last record L, the records
 * after L are
 *
 *     k1 past L.k1
 *     OR (k1 = L.k1 AND k2 past L.k2)
 *     OR ...
 *     OR (k1 = L.k1 AND ... AND id > L.id)
 *
 * where "past" is > for an ascending key and < for a descending one. Meilisearch sorts records
 * without a key after all records with one, in either direction; so when L has the key, "past"
 * also takes the records without it, and when L lacks it, only records lacking it too can tie and
 * none is past it. (String keys compare lexicographically in both filter and sort.)
 */
import { PRIMARY_KEY } from '../catalog/fields.ts';
import { literal } from '../meili/filter.ts';

type Stored = string | number | string[] | undefined;

const or = (parts: string[]) => (parts.length === 1 ? parts[0]! : parts.map((p) => `(${p})`).join(' OR '));
const and = (parts: string[]) => (parts.length === 1 ? parts[0]! : parts.map((p) => `(${p})`).join(' AND '));

/** The filter selecting every record after `last` in `sort` (which must end with `id:asc`). */
export function afterInSort(sort: readonly string[], last: Readonly<Record<string, Stored>>): string {
  const keys = sort.map((s) => {
    const [field, dir] = s.split(':') as [string, string];
    return { field, desc: dir === 'desc' };
  });
  const tail = keys.at(-1);
  if (!tail || tail.field !== PRIMARY_KEY || tail.desc) throw new Error(`afterInSort: the sort must end with ${PRIMARY_KEY}:asc, got ${sort.join(',')}`);

  const alternatives: string[] = [];
  const ties: string[] = [];
  for (const { field, desc } of keys) {
    const value = last[field];
    if (Array.isArray(value)) throw new Error(`afterInSort: ${field} holds several values and cannot order records`);
    if (value === undefined) {
      // Records lacking the key come last; L is among them, so nothing is past it here.
      ties.push(`${field} NOT EXISTS`);
      continue;
    }
    const past = `${field} ${desc ? '<' : '>'} ${literal(value)}`;
    alternatives.push(and([...ties, field === PRIMARY_KEY ? past : `${past} OR ${field} NOT EXISTS`]));
    ties.push(`${field} = ${literal(value)}`);
  }
  return or(alternatives);
}
