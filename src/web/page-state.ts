/**
 * The web page's state lives in its URL, as the modern API's own query parameters of the data set
 * it searches (`/?q=sensor&formType=892&artUnit=2100&page=2`, `/rejections?actionType=103`): every
 * view is a link, the back button works, the page works without JavaScript, and the export button
 * reuses the same parameters.
 *
 * This module parses that URL with the API's schemas and builds the links that change it. Both
 * read the query string by the API's own rules (readQueryString: last value of a single-valued
 * parameter, comma lists, verbatim number parameters), so what the page shows - the search box,
 * chips, links, export - is what it searched.
 */
import type { Context } from 'hono';
import { z } from 'zod';
import type { ApiDataset } from '../api/datasets.ts';
import { VERBATIM_PARAMS } from '../api/filters.ts';
import { readQueryString, validateQuery } from '../api/registry.ts';
import { searchQueryOf } from '../api/search.ts';

export const PAGE_SIZE = 20;

/** A data set's page parameters: its search route's, less what the page fixes itself (facets, page size). */
export function pageSchemasOf(api: ApiDataset) {
  const search = searchQueryOf(api).shape as Record<string, z.ZodType>;
  const shape = { ...(api.keywords ? { q: search.q! } : {}), sort: search.sort!, page: search.page!, ...api.filters.shape };
  const page = z.object(shape).superRefine(api.filters.checkRanges);
  // The art-unit finder's parameters: the page's, plus the start of the values to list.
  const facetFind = z
    .object({ ...shape, facetQuery: z.string().max(100, { error: 'must be at most 100 characters' }).optional() })
    .superRefine(api.filters.checkRanges);
  return { page, facetFind };
}
export type PageSchemas = ReturnType<typeof pageSchemasOf>;

/** What the page's search runs with: the filters, maybe a keyword query, a sort and a page. */
export type PageQuery = Record<string, unknown> & { q?: string; sort?: string[]; page?: number };
export type FacetFindQuery = PageQuery & { facetQuery?: string };

/** The parsed page query; throws the API's 400 (`invalid_parameter`, each problem named) when bad. */
export const readPageQuery = (c: Context, schemas: PageSchemas): PageQuery => validateQuery(c, schemas.page, VERBATIM_PARAMS) as PageQuery;

export const readFacetFindQuery = (c: Context, schemas: PageSchemas): FacetFindQuery => validateQuery(c, schemas.facetFind, VERBATIM_PARAMS) as FacetFindQuery;

/**
 * The page's parameters as links are built from them: what the user wrote (not the parsed stored
 * forms), so a chip shows "US 7,123,456 B2" as typed. Unknown parameters are kept too, so the
 * error page can offer to remove them. `path` is the page they belong to (`/`, `/rejections`).
 */
export class PageParams {
  private constructor(
    readonly path: string,
    private readonly params: ReadonlyMap<string, readonly string[]>,
  ) {}

  static of(c: Context, schemas: PageSchemas, path: string): PageParams {
    const { values, unknown } = readQueryString(c.req.queries(), schemas.page, VERBATIM_PARAMS);
    for (const [name, raw] of unknown) values.set(name, raw);
    return new PageParams(path, values);
  }

  values(name: string): readonly string[] {
    return this.params.get(name) ?? [];
  }

  get(name: string): string | undefined {
    return this.values(name)[0];
  }

  has(name: string, value: string): boolean {
    return this.values(name).includes(value);
  }

  /** Every (name, value) pair but the page number, one value each, in URL order. */
  entries(): [string, string][] {
    return [...this.params].filter(([name]) => name !== 'page').flatMap(([name, values]) => values.map((v): [string, string] => [name, v]));
  }

  /** A copy with `name` set to `values` (none: removed); the page number resets to 1. */
  private with(name: string, values: readonly string[]): PageParams {
    const next = new Map(this.params);
    next.delete('page');
    if (values.length) next.set(name, values);
    else next.delete(name);
    return new PageParams(this.path, next);
  }

  /** Without one value of a parameter, or without the parameter. */
  without(name: string, value?: string): PageParams {
    return this.with(name, value === undefined ? [] : this.values(name).filter((v) => v !== value));
  }

  atPage(page: number): PageParams {
    const next = new Map(this.params);
    if (page > 1) next.set('page', [String(page)]);
    else next.delete('page');
    return new PageParams(this.path, next);
  }

  /**
   * The same state on another page, keeping only the parameters `keep` says it takes (the other
   * data set's filters), and no page number: the filters both data sets share carry over.
   */
  on(path: string, keep: (name: string) => boolean): PageParams {
    return new PageParams(path, new Map([...this.params].filter(([name]) => name !== 'page' && name !== 'sort' && keep(name))));
  }

  /** The query string without the page number (the export link: an export has no pages). */
  query(): string {
    return this.without('page').toString();
  }

  toString(): string {
    const out = new URLSearchParams();
    for (const [name, values] of this.params) for (const v of values) out.append(name, v);
    return out.toString();
  }

  /** A link to this state. */
  href(): string {
    const qs = this.toString();
    return qs ? `${this.path}?${qs}` : this.path;
  }
}
