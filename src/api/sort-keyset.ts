/**
 * A keyset cursor over a sorted result set, for exports: each page is read with a filter that
 * keeps only the records at or after the last one read, plus an offset that skips the records of
 * its tie group already served. The cost per page stays flat at any depth (offset paging grows
 * with it), and pages never repeat or skip a record.
 *
 * The order is the sort's keys, then index order: Meilisearch breaks ties by internal document
 * id, which no filter can name - hence the offset, which is at most the size of one tie group
 * (records sharing every sort key; an export without a sort uses applicationId, so a group is one
 * application's citations).
 *
 * For keys [k1, ..., kn] and the last record L, the records at or after L are
 *
 *     k1 past L.k1
 *     OR (k1 = L.k1 AND k2 past L.k2)
 *     OR ...
 *     OR (k1 = L.k1 AND ... AND kn = L.kn)        <- L's tie group, of which `tieRun` are served
 *
 * where "past" is > for an ascending key and < for a descending one. Meilisearch sorts records
 * without a key after all records with one, in either direction; so when L has the key, "past"
 * also takes the records without it, and when L lacks it, only records lacking it too can tie and
 * none is past it. Strings compare as Meilisearch sorts them: normalised (the store lowers range
 * bounds the same way).
 */
import { sortFieldOf, type FieldName } from '../catalog/fields.ts';
import type { OaRecord } from '../catalog/schema.ts';
import { and, cmp, eq, exists, NONE, not, or, type Filter } from '../filter/ast.ts';
import { sameFacet } from '../filter/normalize.ts';

type Key = { field: FieldName; desc: boolean };

const keyValue = (r: Readonly<OaRecord>, field: FieldName): string | number | undefined => {
  const v = r[field];
  if (Array.isArray(v)) throw new Error(`sort-keyset: ${field} holds several values and cannot order records`);
  return v;
};

export class SortCursor {
  private readonly keys: readonly Key[];
  private last: Readonly<OaRecord> | undefined;
  /** Records served so far that share every sort key with the last one (the last included). */
  tieRun = 0;

  /** @param sort `field:asc|desc`, over catalog fields that are stored (derived sorts already lowered) */
  constructor(sort: readonly string[]) {
    if (sort.length === 0) throw new Error('sort-keyset: needs at least one sort key');
    this.keys = sort.map((s) => ({ field: sortFieldOf(s), desc: s.split(':')[1] === 'desc' }));
  }

  private sameKeys(a: Readonly<OaRecord>, b: Readonly<OaRecord>): boolean {
    return this.keys.every(({ field }) => sameFacet(keyValue(a, field), keyValue(b, field)));
  }

  /** Takes note of a page of records just served, in order. */
  advance(rows: readonly Readonly<OaRecord>[]): void {
    for (const row of rows) {
      this.tieRun = this.last && this.sameKeys(row, this.last) ? this.tieRun + 1 : 1;
      this.last = row;
    }
  }

  /** The records at or after the last one served (every record before the first page). */
  atOrAfter(): Filter | undefined {
    const last = this.last;
    if (!last) return undefined;
    const alternatives: Filter[] = [];
    const ties: Filter[] = [];
    for (const { field, desc } of this.keys) {
      const value = keyValue(last, field);
      if (value === undefined) {
        // Records lacking the key come last; L is among them, so nothing is past it here.
        ties.push(not(exists(field)));
        continue;
      }
      alternatives.push(and([...ties, or([cmp(field, desc ? '<' : '>', value), not(exists(field))])]));
      ties.push(eq(field, value));
    }
    alternatives.push(and(ties));
    return or(alternatives.length ? alternatives : [NONE]);
  }
}
