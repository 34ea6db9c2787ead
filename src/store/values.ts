/**
 * Conditions Meilisearch has no operator for, answered from the values their field holds.
 *
 * Solr's string fields took any wildcard (`artUnit:21?4`, `uspcClass:*\ *`, `Patent_PGPub:*B2`)
 * and compared numeric-looking text as text (`cite103Max:[2 TO 10]` is empty: "2" > "10").
 * Meilisearch filters have STARTS WITH, CONTAINS and number ranges, no more. The layout says which
 * conditions need more (`needsValues`); for each, the store lists the distinct values of the
 * field's attribute (Meilisearch's facet counts, one multi-search for them all), decides the
 * condition on each value in JS (src/filter/evaluate.ts: Meilisearch's own normalisation), and
 * sends `field IN [the values that meet it]` instead. The answer is exact whenever the listing is
 * complete: fewer values than `maxValuesPerFacet` among the records the condition can match. A
 * listing narrowed by the pattern's literal start (`1234567?` lists values starting "1234567")
 * stays small on any field; one that would be cut short is refused, saying how to narrow it.
 *
 * A wildcard on a mail date is matched against the `yyyyMMdd` text v1 criteria wrote
 * (`mailDate:2012??15`), not the ISO text the index keeps.
 */
import type { Catalog } from '../catalog/catalog.ts';
import { CITATIONS } from '../catalog/citations.ts';
import { MAX_VALUES_PER_FACET } from '../catalog/index-settings.ts';
import { NOTHING } from '../catalog/layout.ts';
import { anyOf, condsOf, mapConds, type Cond, type Filter, type Value } from '../filter/ast.ts';
import { meets } from '../filter/evaluate.ts';
import { render } from '../filter/render.ts';
import { ApiError } from '../http/errors.ts';
import type { Lane, MeiliReader, SearchBody } from '../meili/reader.ts';

/** What a condition is tested against: the value, or for a date wildcard its v1 text. */
function testedForm(catalog: Catalog, c: Cond, value: Value): Value {
  return c.kind === 'pattern' && catalog.byName.get(c.field)?.type === 'date' ? String(value).replaceAll('-', '') : value;
}

/** How the condition reads in an error: its Meilisearch-like text. */
const shown = (c: Cond) => render({ op: 'cond', cond: c }, NOTHING).text ?? '';

/**
 * The filter with every condition that needs its field's values replaced by `field IN [...]` (or
 * nothing, when no value meets it). One multi-search when there are any; none otherwise.
 * `maxValues` is the index's `maxValuesPerFacet`: a listing that long may have been cut short.
 */
export async function answerFromValues(
  filter: Filter,
  reader: MeiliReader,
  options: { signal?: AbortSignal; lane?: Lane; maxValues?: number; catalog?: Catalog } = {},
): Promise<Filter> {
  const { signal, lane, maxValues = MAX_VALUES_PER_FACET, catalog = CITATIONS } = options;
  const { needsValues, usualValues, narrowing, listedValue } = catalog.layout;
  const keyOf = (c: Cond) => JSON.stringify(c);
  const pending = new Map<string, Cond>();
  for (const c of condsOf(filter)) if (needsValues(c)) pending.set(keyOf(c), c);
  if (pending.size === 0) return filter;

  const conds = [...pending.values()];
  const bodies: SearchBody[] = conds.map((c) => {
    const narrow = narrowing(c);
    return { q: '', limit: 0, facets: [c.field], ...(narrow ? { filter: render(narrow, NOTHING).text } : {}) };
  });
  const { results } = await reader.multiSearch<unknown>(bodies, signal, lane);
  const answers = new Map<string, Filter>();
  conds.forEach((c, i) => {
    const counts = results[i]?.facetDistribution?.[c.field] ?? {};
    const listed = Object.keys(counts);
    if (listed.length >= maxValues) {
      throw new ApiError(
        400,
        'too_broad',
        `${shown(c)} cannot be answered exactly: Meilisearch has no operator for it, so it is tested against the values of ${c.field}, ` +
          `and ${maxValues} or more distinct values could match; begin the wildcard with more literal characters (or use abc* / *abc*)`,
      );
    }
    const numeric = catalog.byName.get(c.field)?.type === 'int';
    const values: Value[] = [...usualValues(c.field), ...listed.map((v) => (numeric ? Number(v) : listedValue(c.field, v)))];
    answers.set(keyOf(c), anyOf(c.field, values.filter((v) => meets(c, testedForm(catalog, c, v)))));
  });
  return mapConds(filter, (c) => answers.get(keyOf(c)) ?? { op: 'cond', cond: c });
}
