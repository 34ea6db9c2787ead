/**
 * Meilisearch index settings, derived from the field catalog. The indexer applies them before the
 * first batch; tests assert that the live index carries them.
 */
import type { FilterableAttributes, Settings } from 'meilisearch';
import { FIELDS, PRIMARY_KEY, type FieldSpec } from './fields.ts';

/**
 * Above the full OARD release (58.9 M citations), so `totalHits` is always exact and the last page
 * is always reachable through search.
 */
export const MAX_TOTAL_HITS = 100_000_000;

/** Enough for every art unit / class value; top-reference analytics read up to this many. */
export const MAX_VALUES_PER_FACET = 10_000;

/**
 * Every filterable field gets equality and comparison (criteria may range over any v1 field), but
 * facet *search* only on the text facets the modern API searches in: building facet-search data
 * for applicationId, Patent_PGPub, ifwNumber and id (millions of distinct values) was about a
 * quarter of Meilisearch's indexing time. Sortable fields are filterable too, because sorting the
 * documents route requires it.
 */
function filterableAttributes(): FilterableAttributes {
  const filterable = FIELDS.filter((f) => f.filter || f.sort);
  const searchableFacet = (f: FieldSpec) => f.facet && (f.type === 'string' || f.type === 'strings');
  const group = (fields: FieldSpec[], facetSearch: boolean) => ({
    attributePatterns: fields.map((f) => f.name),
    features: { facetSearch, filter: { equality: true, comparison: true } },
  });
  return [group(filterable.filter(searchableFacet), true), group(filterable.filter((f) => !searchableFacet(f)), false)];
}

/** Names of the filterable fields (flattening the granular form above). */
export function filterableNames(): string[] {
  return (indexSettings().filterableAttributes ?? []).flatMap((a) => (typeof a === 'string' ? [a] : a.attributePatterns));
}

export function indexSettings(): Settings {
  const searchable = FIELDS.filter((f) => f.search);
  return {
    filterableAttributes: filterableAttributes(),
    sortableAttributes: FIELDS.filter((f) => f.sort).map((f) => f.name),
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
    // References by count, so "most-cited" analytics read the top of the facet, not its
    // alphabetical head; every other facet in alphabetical order.
    faceting: { maxValuesPerFacet: MAX_VALUES_PER_FACET, sortFacetValuesBy: { '*': 'alpha', Patent_PGPub: 'count' } },
  };
}

export { PRIMARY_KEY };
