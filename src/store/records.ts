/**
 * A data set's index as the gateway's routes see it: records of its catalog's fields, filters over
 * those fields, facets and sorts by catalog name. Every call is translated through the catalog's
 * stored layout (src/catalog/stored-layout.ts) - filters lowered, facet counts folded, fields
 * mapped to the attributes that hold them, documents decoded - and sent through the MeiliReader,
 * the gateway's one door to Meilisearch. No route knows how a record is stored.
 */
import type { Catalog } from '../catalog/catalog.ts';
import type { Counts } from '../catalog/derived.ts';
import { PRIMARY_KEY, type FieldName } from '../catalog/fields.ts';
import { NOTHING, storedId, type StoredDoc, type StoredLayout } from '../catalog/layout.ts';
import type { OaRecord } from '../catalog/schema.ts';
import { ALL, and, condsOf, eq, exists, mapConds, NONE, not, or, type Filter } from '../filter/ast.ts';
import { DEFAULT_MAX_FILTER_COST, filterCost, formatCost, HEAVY_COST, type FilterCost } from '../filter/cost.ts';
import { MEILI_MAX_FILTER_DEPTH, render } from '../filter/render.ts';
import { ApiError } from '../http/errors.ts';
import type { Lane, MeiliReader, SearchBody, SearchResult } from '../meili/reader.ts';
import { answerFromValues } from './values.ts';

export type { Counts };

export interface RecordQuery {
  /** Keywords (ranked full-text search); none for a filter-only query. */
  q?: string;
  /** Over catalog fields; ALL when absent. */
  filter?: Filter;
  /**
   * The filter priced for the budget and the lane (default: `filter`). An export's keyset page
   * adds a cursor bound of its own (`applicationId > "…"`), a text range the cost model would
   * price as a walk over every application: the page is priced as the client's filter instead.
   */
  pricedAs?: Filter;
  /** `field:asc|desc` over sortable catalog fields, in order. Ties come in index order. */
  sort?: readonly string[];
  /** Catalog fields to return (default: every field). */
  fields?: readonly FieldName[];
  attributesToSearchOn?: readonly FieldName[];
  matchingStrategy?: 'last' | 'all' | 'frequency';
}

export interface SearchQuery extends RecordQuery {
  /** Catalog fields to count (facet distribution). */
  facets?: readonly FieldName[];
  /** Page mode (exact totalHits): page from 1, hitsPerPage 0 for counts only. */
  page?: number;
  hitsPerPage?: number;
  /** Offset mode (an estimated total only). */
  offset?: number;
  limit?: number;
}

export interface SearchAnswer {
  hits: OaRecord[];
  /** Exact in page mode; Meilisearch's estimate in offset mode. */
  totalHits: number;
  facetDistribution: FacetCounts;
  facetStats: FacetStats;
  processingTimeMs: number;
}

/** Per counted field: value -> records. */
export type FacetCounts = Partial<Record<FieldName, Counts>>;
/** Per counted numeric field: the least and greatest value among the counted records. */
export type FacetStats = Partial<Record<FieldName, { min: number; max: number }>>;

export interface StoreOptions {
  /** The most a filter may cost (src/filter/cost.ts); default DEFAULT_MAX_FILTER_COST. */
  maxFilterCost?: number;
}

export class RecordStore {
  private readonly maxFilterCost: number;
  private readonly layout: StoredLayout;
  /** Every field of the catalog: what a query without `fields` reads. */
  private readonly allFields: readonly FieldName[];

  constructor(
    /** The data set's catalog; the reader searches its index. */
    readonly catalog: Catalog,
    readonly reader: MeiliReader,
    options: StoreOptions = {},
  ) {
    this.maxFilterCost = options.maxFilterCost ?? DEFAULT_MAX_FILTER_COST;
    this.layout = catalog.layout;
    this.allFields = catalog.fields.map((f) => f.name as FieldName);
  }

  /**
   * The lane a filter's requests take (src/meili/lanes.ts), after refusing one above the budget:
   * checked on every filter before anything about it is sent.
   */
  laneFor(filter: Filter | undefined): Lane {
    if (!filter) return 'light';
    const cost = filterCost(filter, 3, this.catalog);
    if (cost.total > this.maxFilterCost) throw tooExpensive(cost, this.maxFilterCost);
    return cost.total >= HEAVY_COST ? 'heavy' : 'light';
  }

  /** The Meilisearch filter text of a filter over catalog fields (undefined: every record). */
  storedFilter(filter: Filter | undefined): string | undefined {
    const rendered = render(this.layout.lower(filter ?? ALL), NOTHING);
    if (rendered.depth > MEILI_MAX_FILTER_DEPTH) {
      throw new ApiError(
        400,
        'too_complex',
        `the filter is nested too deep for Meilisearch: it would need parser depth ${rendered.depth}, above its limit of ${MEILI_MAX_FILTER_DEPTH} (about 49 levels of parentheses); flatten it`,
      );
    }
    return rendered.text;
  }

  private body(query: SearchQuery): { body: SearchBody; lane: Lane; fold: (r: SearchResult<StoredDoc>) => SearchAnswer } {
    const lane = this.laneFor(query.pricedAs ?? query.filter);
    const fields = query.fields ?? this.allFields;
    const facets = query.facets ?? [];
    const { attributesFor, decode, facetAttributesFor, foldFacets, lowerSort } = this.layout;
    const body: SearchBody = {
      q: query.q,
      filter: this.storedFilter(query.filter),
      attributesToRetrieve: attributesFor(fields),
    };
    if (query.sort?.length) body.sort = lowerSort(query.sort);
    if (facets.length) body.facets = facetAttributesFor(facets);
    if (query.attributesToSearchOn) body.attributesToSearchOn = [...query.attributesToSearchOn];
    if (query.matchingStrategy) body.matchingStrategy = query.matchingStrategy;
    if (query.page !== undefined || query.hitsPerPage !== undefined) {
      body.page = query.page ?? 1;
      body.hitsPerPage = query.hitsPerPage ?? 20;
    } else {
      if (query.offset !== undefined) body.offset = query.offset;
      if (query.limit !== undefined) body.limit = query.limit;
    }
    const fold = (r: SearchResult<StoredDoc>): SearchAnswer => {
      const facetDistribution = facets.length ? foldFacets(facets, r.facetDistribution ?? {}) : {};
      return {
        hits: r.hits.map(decode),
        totalHits: r.totalHits ?? r.estimatedTotalHits ?? 0,
        facetDistribution,
        facetStats: facetStatsOf(this.catalog, facets, facetDistribution, r.facetStats ?? {}),
        processingTimeMs: r.processingTimeMs,
      };
    };
    return { body, lane, fold };
  }

  async search(query: SearchQuery, signal?: AbortSignal): Promise<SearchAnswer> {
    const { body, lane, fold } = this.body(query);
    return fold(await this.reader.search<StoredDoc>(body, signal, lane));
  }

  /** Several searches in one round trip, answered in order. */
  async multiSearch(queries: readonly SearchQuery[], signal?: AbortSignal): Promise<SearchAnswer[]> {
    const plans = queries.map((q) => this.body(q));
    const { results } = await this.reader.multiSearch<StoredDoc>(
      plans.map((p) => p.body),
      signal,
      plans.some((p) => p.lane === 'heavy') ? 'heavy' : 'light',
    );
    return plans.map((p, i) => p.fold(results[i] ?? { hits: [], processingTimeMs: 0 }));
  }

  /**
   * One page of records in a total order (the sort, ties in index order), with an exact total at
   * any depth (see MeiliReader.exactPage).
   */
  async page(query: RecordQuery & { offset: number; limit: number }, signal?: AbortSignal): Promise<{ records: OaRecord[]; total: number }> {
    const page = await this.storedPage(query, signal);
    return { records: page.hits.map(this.layout.decode), total: page.total };
  }

  /**
   * The same page with each record written as text by `write` (a `writer` of this store's layout,
   * StoredLayout.writer), for an answer that only serialises its records: no record is built.
   */
  async pageWritten(
    query: RecordQuery & { offset: number; limit: number },
    write: (doc: Readonly<StoredDoc>) => string,
    signal?: AbortSignal,
  ): Promise<{ texts: string[]; total: number }> {
    const page = await this.storedPage(query, signal);
    return { texts: page.hits.map(write), total: page.total };
  }

  private storedPage(query: RecordQuery & { offset: number; limit: number }, signal?: AbortSignal): Promise<{ hits: StoredDoc[]; total: number }> {
    // Priced first: a filter over the budget is refused before anything else is asked of it.
    const lane = this.laneFor(query.pricedAs ?? query.filter);
    const { attributesFor, lowerSort } = this.layout;
    return this.reader.exactPage<StoredDoc>(
      {
        q: query.q,
        filter: this.storedFilter(query.filter),
        sort: lowerSort(query.sort ?? []),
        fields: attributesFor(query.fields ?? this.allFields),
        offset: query.offset,
        limit: query.limit,
      },
      signal,
      lane,
    );
  }

  /** Records by filter in index order, from an offset (the documents route: exact offsets, no ranking). */
  async documents(
    query: { filter?: Filter; offset: number; limit: number; fields?: readonly FieldName[] },
    signal?: AbortSignal,
  ): Promise<{ records: OaRecord[]; total: number }> {
    const { attributesFor, decode } = this.layout;
    const page = await this.reader.fetchDocuments<StoredDoc>(
      { filter: this.storedFilter(query.filter), offset: query.offset, limit: query.limit, fields: attributesFor(query.fields ?? this.allFields) },
      signal,
      this.laneFor(query.filter),
    );
    return { records: page.results.map(decode), total: page.total };
  }

  /** Records by id (any order; unknown ids are left out). */
  async byIds(ids: readonly string[], signal?: AbortSignal): Promise<OaRecord[]> {
    const stored = [...new Set(ids.flatMap((id) => storedId(id) ?? []))];
    if (stored.length === 0) return [];
    const page = await this.reader.fetchDocuments<StoredDoc>({ ids: stored, offset: 0, limit: stored.length }, signal);
    return page.results.map(this.layout.decode);
  }

  /** One record by id, or undefined. */
  async get(id: string, signal?: AbortSignal): Promise<OaRecord | undefined> {
    return (await this.byIds([id], signal))[0];
  }

  /**
   * The filter with everything the stored layout cannot lower by itself answered: conditions on
   * `id`, and conditions Meilisearch has no operator for (values.ts). At most two requests, only
   * when the filter has such conditions; the legacy criteria are the only filters that do.
   */
  async resolve(filter: Filter, signal?: AbortSignal): Promise<Filter> {
    const lane = this.laneFor(filter);
    return answerFromValues(await this.resolveIds(filter, signal), this.reader, { signal, lane, catalog: this.catalog });
  }

  /**
   * The filter with its conditions on `id` replaced: the id is not filterable in the index (a
   * unique value per record is the costliest facet there is), so the records named are looked up
   * and each becomes the condition on the fields its id is a hash of (the catalog's `idFrom`:
   * applicationId, ifwNumber, Patent_PGPub for a citation), an empty one as absent. `id EXISTS` is
   * every record. One documents request, only when ids are named.
   */
  private async resolveIds(filter: Filter, signal?: AbortSignal): Promise<Filter> {
    const ids = condsOf(filter).flatMap((c) =>
      c.field !== PRIMARY_KEY ? [] : c.kind === 'eq' ? [String(c.value)] : c.kind === 'in' ? c.values.map(String) : [],
    );
    const found = new Map((ids.length ? await this.byIds(ids, signal) : []).map((r) => [r.id, r]));
    const recordFilter = (id: string): Filter => {
      const r = found.get(id.toLowerCase());
      if (!r) return NONE;
      const values = r as Readonly<Record<string, unknown>>;
      return and(this.catalog.idFrom.map((name) => (values[name] === undefined ? not(exists<string>(name)) : eq<string>(name, String(values[name])))));
    };
    return mapConds(filter, (c) => {
      if (c.field !== PRIMARY_KEY) return { op: 'cond', cond: c };
      if (c.kind === 'exists') return ALL;
      if (c.kind === 'eq') return recordFilter(String(c.value));
      if (c.kind === 'in') return or(c.values.map((v) => recordFilter(String(v))));
      throw new Error(`internal: a ${c.kind} condition on ${PRIMARY_KEY} reached the store`);
    });
  }

  /** Values of a stored string facet starting with `prefix` (Meilisearch's facet search), with counts. */
  async facetSearch(facet: FieldName, options: { prefix: string; filter?: Filter; q?: string }, signal?: AbortSignal): Promise<{ value: string; count: number }[]> {
    const filter = this.storedFilter(options.filter);
    const res = await this.reader.facetSearch(
      { facetName: facet, facetQuery: options.prefix, ...(options.q ? { q: options.q } : {}), ...(filter ? { filter } : {}) },
      signal,
      this.laneFor(options.filter),
    );
    return res.facetHits;
  }
}

function tooExpensive(cost: FilterCost, budget: number): ApiError {
  const parts = cost.costliest.map((p) => `${p.text} (${formatCost(p.cost)}${p.times > 1 ? `, ${p.times} times` : ''})`).join('; ');
  return new ApiError(
    400,
    'too_expensive',
    `this filter would make Meilisearch test about ${formatCost(cost.total)} stored values, above this server's budget of ${formatCost(budget)} ` +
      `(MAX_FILTER_COST). Costliest: ${parts}. Infix wildcards (*abc*), bare wildcard terms (which test every default field) and text ranges ` +
      `test every value of a field: name the field, start the wildcard with literal characters (abc*), or use fewer of them`,
    { details: { cost: cost.total, budget, costliest: cost.costliest } },
  );
}

/** Min and max of each numeric facet among the counted records (what Meilisearch's facetStats says). */
function facetStatsOf(
  catalog: Catalog,
  facets: readonly FieldName[],
  counts: Readonly<FacetCounts>,
  stored: Readonly<Record<string, { min: number; max: number }>>,
): FacetStats {
  const out: FacetStats = {};
  for (const f of facets) {
    const spec = catalog.byName.get(f);
    if (spec?.type !== 'int' && spec?.type !== 'flag') continue;
    if (spec.stored && stored[f]) {
      // Stored as itself (cite103Max): Meilisearch's own figure.
      out[f] = stored[f];
      continue;
    }
    const values = Object.entries(counts[f] ?? {})
      .filter(([, n]) => n > 0)
      .map(([v]) => Number(v));
    if (values.length) out[f] = { min: Math.min(...values), max: Math.max(...values) };
  }
  return out;
}
