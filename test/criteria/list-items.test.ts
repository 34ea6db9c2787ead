/**
 * The list-item fold (src/filter/list-items.ts): v1's four wildcards for one item of a list become
 * one `lists` condition, with the same answer on every value - checked against the evaluator
 * (src/filter/evaluate.ts, Meilisearch's own reading of values) on random lists, items and
 * filters around them - and nothing else is touched.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REJECTIONS } from '../../src/catalog/rejections.ts';
import { and, contains, eq, lists, not, or, pattern, startsWith, type Filter } from '../../src/filter/ast.ts';
import { meets } from '../../src/filter/evaluate.ts';
import { foldListItems } from '../../src/filter/list-items.ts';
import { compileCriteria } from '../../src/legacy/criteria/index.ts';

const F = 'claimNumbers';
const isList = (field: string) => field === F;

/** Whether a filter over the one field holds for a stored value. */
function holds(filter: Filter, value: string): boolean {
  switch (filter.op) {
    case 'all':
      return true;
    case 'none':
      return false;
    case 'cond':
      return meets(filter.cond, value);
    case 'not':
      return !holds(filter.arg, value);
    case 'and':
      return filter.args.every((a) => holds(a, value));
    case 'or':
      return filter.args.some((a) => holds(a, value));
  }
}

const places = (t: string): Filter[] => [eq(F, t), startsWith(F, `${t},`), pattern(F, [{ kind: 'anyString' }, { kind: 'literal', text: `,${t}` }]), contains(F, `,${t},`)];

// Short texts over an alphabet with the characters that matter: commas, spaces, case, digits.
const text = fc.string({ unit: fc.constantFrom('1', '2', '7', ',', ' ', 'a', 'A', 'É'), maxLength: 8 });
const item = fc.string({ unit: fc.constantFrom('1', '2', '7', 'a', 'A', ' ', 'É'), minLength: 1, maxLength: 3 });

describe('folding the four places of a list item', () => {
  it('gives the same answer as the four wildcards on every value, in any order and any surroundings', () => {
    const other = fc.oneof(item.map((t) => eq(F, t)), item.map((t) => startsWith(F, t)), item.map((t) => contains(F, t)));
    fc.assert(
      fc.property(fc.array(text, { minLength: 1, maxLength: 8 }), item, fc.array(other, { maxLength: 2 }), fc.boolean(), fc.integer({ min: 0, max: 3 }), (values, t, extra, negate, drop) => {
        const all = [...places(t), ...extra];
        // Rotated, so the places do not always come first; sometimes one is missing (no fold).
        const rotated = [...all.slice(drop), ...all.slice(0, drop)];
        const group = or(drop === 3 ? rotated.filter((f) => f !== all[0]) : rotated);
        const filter = negate ? not(and([group, eq(F, 'x')])) : and([group]);
        const folded = foldListItems(filter, isList);
        for (const v of [...values, t, `${t},${t}`, ` ${t} `, `1,${t},2`]) expect(holds(folded, v), JSON.stringify([v, t])).toBe(holds(filter, v));
      }),
      { numRuns: 4000 },
    );
  });

  it('folds exactly when all four places of one plain item are OR-ed', () => {
    expect(foldListItems(or(places('7')), isList)).toEqual(lists(F, '7'));
    expect(foldListItems(or([...places('7'), eq(F, '9')]), isList)).toEqual(or([lists(F, '7'), eq(F, '9')]));
    // Three places are not the item; AND-ed places are not either; another field is no list.
    expect(foldListItems(or(places('7').slice(1)), isList)).toEqual(or(places('7').slice(1)));
    expect(foldListItems(and(places('7')), isList)).toEqual(and(places('7')));
    expect(foldListItems(or(places('7')), () => false)).toEqual(or(places('7')));
    // An item that is no item: with a comma, or a space at an edge.
    expect(foldListItems(or(places('7,8')), isList)).toEqual(or(places('7,8')));
    expect(foldListItems(or(places(' 7')), isList)).toEqual(or(places(' 7')));
  });

  it("is how v1's criteria for a claim compile over the rejections", () => {
    const { filter, text } = compileCriteria('claimNumbers:(7 OR 7,* OR *,7 OR *,7,*) AND actionType:103', { catalog: REJECTIONS });
    expect(filter).toEqual(and([lists(F, '7'), eq('actionType', '103')]));
    expect(text).toBe('claimNumbers LISTS "7" AND actionType = "103"');
    // The same wildcards over a field that is no list stay wildcards.
    expect(compileCriteria('actionSubtype:(7 OR 7,* OR *,7 OR *,7,*)', { catalog: REJECTIONS }).text).toContain('actionSubtype STARTS WITH "7,"');
  });
});
