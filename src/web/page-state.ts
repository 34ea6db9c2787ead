/**
 * The web page's state lives in its URL, as the modern API's own query parameters
 * (`/?q=sensor&formType=892&artUnit=2100&page=2`): every view is a link, the back button works,
 * the page works without JavaScript, and the export button reuses the same parameters.
 *
 * This module parses that URL with the API's schemas and builds the links that change it.
 */
import type { Context } from 'hono';
import { z } from 'zod';
import { checkRanges, filterShape, VERBATIM_PARAMS } from '../api/filters.ts';
import { validateRequest, type Route } from '../api/registry.ts';
import { searchQuery } from '../api/search.ts';

export const PAGE_SIZE = 20;

/** The page's parameters: the search route's, less what the page fixes itself (facets, page size). */
const pageShape = { q: searchQuery.shape.q, sort: searchQuery.shape.sort, page: searchQuery.shape.page, ...filterShape };
const pageQuery = z.object(pageShape).superRefine(checkRanges);
/** The art-unit finder's parameters: the page's, plus the start of the values to list. */
const facetFindQuery = z
  .object({ ...pageShape, facetQuery: z.string().max(100, { error: 'must be at most 100 characters' }).optional() })
  .superRefine(checkRanges);

export type PageQuery = z.output<typeof pageQuery>;
export type FacetFindQuery = z.output<typeof facetFindQuery>;

// validateRequest reads a route declaration; the page is declared like one, minus the handler.
const asRoute = (query: z.ZodObject) => ({ query, verbatim: VERBATIM_PARAMS }) as unknown as Route;
const PAGE_ROUTE = asRoute(pageQuery);
const FACET_FIND_ROUTE = asRoute(facetFindQuery);

/** The parsed page query; throws the API's 400 (`invalid_parameter`, each problem named) when bad. */
export function readPageQuery(c: Context): PageQuery {
  return validateRequest(c, PAGE_ROUTE).query as PageQuery;
}

export function readFacetFindQuery(c: Context): FacetFindQuery {
  return validateRequest(c, FACET_FIND_ROUTE).query as FacetFindQuery;
}

/**
 * The raw parameters of a URL, as links are built from them: what the user wrote (not the parsed
 * stored forms), so a chip shows "US 7,123,456 B2" as typed.
 */
export class PageParams {
  private constructor(private readonly params: URLSearchParams) {}

  static of(url: string): PageParams {
    return new PageParams(new URL(url).searchParams);
  }

  /** Values of a parameter (repeated and comma-separated forms both). */
  values(name: string): string[] {
    const all = this.params.getAll(name);
    return (VERBATIM_PARAMS.has(name) ? all : all.flatMap((v) => v.split(','))).map((v) => v.trim()).filter(Boolean);
  }

  get(name: string): string | undefined {
    return this.params.get(name)?.trim() || undefined;
  }

  has(name: string, value: string): boolean {
    return this.values(name).includes(value);
  }

  /** Every (name, value) pair with a value, in URL order, one value each. */
  entries(): [string, string][] {
    const seen = new Set<string>();
    const out: [string, string][] = [];
    for (const name of this.params.keys()) {
      if (seen.has(name)) continue;
      seen.add(name);
      if (name === 'page') continue;
      for (const v of name === 'q' || name === 'sort' ? [this.get(name) ?? ''].filter(Boolean) : this.values(name)) out.push([name, v]);
    }
    return out;
  }

  /** A copy with `fn` applied; the page number resets unless `fn` sets it (a new result set starts at 1). */
  private with(fn: (p: URLSearchParams) => void): PageParams {
    const next = new URLSearchParams();
    for (const [name, value] of this.entries()) next.append(name, value);
    fn(next);
    return new PageParams(next);
  }

  without(name: string, value?: string): PageParams {
    return this.with((p) => {
      const keep = value === undefined ? [] : p.getAll(name).filter((v) => v !== value);
      p.delete(name);
      for (const v of keep) p.append(name, v);
    });
  }

  adding(name: string, value: string): PageParams {
    return this.with((p) => {
      if (!p.getAll(name).includes(value)) p.append(name, value);
    });
  }

  atPage(page: number): PageParams {
    return this.with((p) => {
      if (page > 1) p.set('page', String(page));
    });
  }

  /** The filters and query only (for the export link, which has its own paging). */
  query(): string {
    return this.with(() => {}).toString();
  }

  toString(): string {
    return this.params.toString();
  }

  /** `/?...` link to this state. */
  href(path = '/'): string {
    const qs = this.toString();
    return qs ? `${path}?${qs}` : path;
  }
}
