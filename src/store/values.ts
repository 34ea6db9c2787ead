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
import { anyOf, condsOf, contains, mapConds, startsWith, type Cond, type Filter, type Value } from '../filter/ast.ts';
import { meets } from '../filter/evaluate.ts';
import { render } from '../filter/render.ts';
import { ApiError } from '../http/errors.ts';
import type { Lane, MeiliReader, SearchBody } from '../meili/reader.ts';

/** What a condition is tested against: the value, or for a date wildcard its v1 text. */
function testedForm(catalog: Catalog, c: Cond, value: Value): Value {
  return c.kind === 'pattern' && catalog.byName.get(c.field)?.type === 'date' ? String(value).replaceAll('-', '') : value;
}

/**
 * A filter Meilisearch can answer that holds every record the condition matches, to keep the
 * listing small: the pattern's literal start, or its longest literal piece (Meilisearch trims the
 * text, which only widens it). Dates and numbers list everything: they have few values.
 */
function narrowing(catalog: Catalog, c: Cond): string | undefined {
  const type = catalog.byName.get(c.field)?.type;
  if (type !== 'string' && type !== 'strings') return undefined;
  let filter: Filter | undefined;
  if (c.kind === 'startsWith' || c.kind === 'contains') {
    const text = c.text.trim();
    if (text) filter = c.kind === 'startsWith' ? startsWith(c.field, text) : contains(c.field, text);
  } else if (c.kind === 'pattern') {
    const first = c.pieces[0];
    const literals = c.pieces.flatMap((p) => (p.kind === 'literal' && p.text.trim() ? [p.text.trim()] : []));
    if (first?.kind === 'literal' && first.text.trim()) filter = startsWith(c.field, first.text.trim());
    else if (literals.length) filter = contains(c.field, literals.reduce((a, b) => (b.length > a.length ? b : a)));
  }
  return filter && render(filter, NOTHING).text;
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
  const { needsValues, usualValues } = catalog.layout;
  const keyOf = (c: Cond) => JSON.stringify(c);
  const pending = new Map<string, Cond>();
  for (const c of condsOf(filter)) if (needsValues(c)) pending.set(keyOf(c), c);
  if (pending.size === 0) return filter;

  const conds = [...pending.values()];
  const bodies: SearchBody[] = conds.map((c) => {
    const narrow = narrowing(catalog, c);
    return { q: '', limit: 0, facets: [c.field], ...(narrow ? { filter: narrow } : {}) };
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
    const values: Value[] = [...usualValues(c.field), ...listed.map((v) => (numeric ? Number(v) : v))];
    answers.set(keyOf(c), anyOf(c.field, values.filter((v) => meets(c, testedForm(catalog, c, v)))));
  });
  return mapConds(filter, (c) => answers.get(keyOf(c)) ?? { op: 'cond', cond: c });
}
