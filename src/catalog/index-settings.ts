/**
 * Meilisearch index settings of a data set, derived from its catalog through its stored layout
 * (stored-layout.ts). The indexer applies them before the first document; tests assert that the
 * live index carries them.
 */
import type { FilterableAttributes, Settings } from 'meilisearch';
import type { Catalog } from './catalog.ts';
import { CITATIONS } from './citations.ts';
import { PRIMARY_KEY } from './field-spec.ts';

/**
 * Above the full OARD release (58.9 M citations), so `totalHits` is always exact and the last page
 * is always reachable through search.
 */
export const MAX_TOTAL_HITS = 100_000_000;

/** Enough for every art unit / class value; top-reference analytics read up to this many. */
export const MAX_VALUES_PER_FACET = 10_000;

/**
 * Attributes grouped by the features Meilisearch must build for them. Facet *search* only on the
 * text facets the modern API searches in: building facet-search data for applicationId,
 * Patent_PGPub and ifwNumber (millions of distinct values) was about a quarter of Meilisearch's
 * indexing time. Comparison (range operators) on every catalog field, since criteria may range
 * over any v1 field; not on the packed flag codes, which are only ever listed.
 */
function filterableAttributes(catalog: Catalog): FilterableAttributes {
  const groups = new Map<string, { attributePatterns: string[]; features: { facetSearch: boolean; filter: { equality: boolean; comparison: boolean } } }>();
  for (const a of catalog.layout.storedAttributes()) {
    const key = `${a.facetSearch}/${a.comparison}`;
    const group = groups.get(key) ?? { attributePatterns: [], features: { facetSearch: a.facetSearch, filter: { equality: true, comparison: a.comparison } } };
    group.attributePatterns.push(a.name);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/** Names of the filterable attributes (flattening the granular form above). */
export function filterableNames(catalog: Catalog = CITATIONS): string[] {
  return (indexSettings(catalog).filterableAttributes ?? []).flatMap((a) => (typeof a === 'string' ? [a] : a.attributePatterns));
}

export function indexSettings(catalog: Catalog = CITATIONS): Settings {
  const searchable = catalog.fields.filter((f) => f.search);
  return {
    filterableAttributes: filterableAttributes(catalog),
    sortableAttributes: catalog.layout
      .storedAttributes()
      .filter((a) => a.sort)
      .map((a) => a.name),
    searchableAttributes: searchable.map((f) => f.name),
    // Everything is displayed; v1 docs and the modern API pick fields themselves.
    displayedAttributes: ['*'],
    rankingRules: ['words', 'typo', 'proximity', 'attribute', 'exactness', 'sort'],
    typoTolerance: {
      enabled: true,
      // Typos help on reference and application numbers (one wrong or swapped digit) but would
      // mislead on anything else that happens to be searchable.
      disableOnAttributes: searchable.filter((f) => !f.typo).map((f) => f.name),
      disableOnNumbers: false,
      minWordSizeForTypos: { oneTypo: 5, twoTypos: 9 },
    },
    pagination: { maxTotalHits: MAX_TOTAL_HITS },
    // The catalog's count-ordered facets (most-cited references first); every other facet in
    // alphabetical order.
    faceting: {
      maxValuesPerFacet: MAX_VALUES_PER_FACET,
      sortFacetValuesBy: { '*': 'alpha', ...Object.fromEntries(catalog.facetsByCount.map((f) => [f, 'count' as const])) },
    },
  };
}

export { PRIMARY_KEY };
