/**
 * The modern JSON API: the route registry's routes, mounted on one Hono app, plus the generated
 * OpenAPI document and the interactive reference page built from that same registry.
 *
 *   /api/v1/search, /api/v1/facets/{facet}        search with disjunctive facets (search.ts, facet-values.ts)
 *   /api/v1/lookup                                written numbers, typos included (lookup.ts)
 *   /api/v1/applications/{appId}/citations,
 *   /api/v1/references/{number}/citing            the citation graph (graph.ts)
 *   /api/v1/applications/{appId}/rejections       the grounds of rejection (rejections.ts)
 *   /api/v1/rejections/search, /facets/{facet},
 *   /api/v1/rejections/export, /fields            the rejections, through the same modules (datasets.ts)
 *   /api/v1/stats/top-references, /stats/overview analytics from facet counts (stats.ts)
 *   /api/v1/export                                CSV / NDJSON stream (export.ts)
 *   /api/v1/fields                                the field catalog
 *   /openapi.json, /docs                          generated document (the legacy routes too), reference page
 */
import { Hono } from 'hono';
import { z } from 'zod';
import type { RecordStore } from '../store/records.ts';
import { DOCS_PAGE } from './docs-page.ts';
import { DEFAULT_EXPORT_LIMITS, exportRoute, type ExportOptions } from './export.ts';
import { Slots } from '../http/slots.ts';
import { facetValuesRoute } from './facet-values.ts';
import { CITATIONS_API, operationOf, REJECTIONS_API, schemaOf, type ApiDataset } from './datasets.ts';
import { applicationCitationsRoute, citingRoute } from './graph.ts';
import { lookupRoute } from './lookup.ts';
import type { GraphLimits } from './read-all.ts';
import { buildOpenApi } from './openapi.ts';
import { defineRoute, mountRoutes, type Route } from './registry.ts';
import { jsonResponse } from './schemas.ts';
import { applicationRejectionsRoute } from './rejections.ts';
import { searchRoute } from './search.ts';
import { overviewRoute, topReferencesRoute } from './stats.ts';

export interface ModernDeps {
  store: RecordStore;
  /** The oa_rejections data set's store; without it the rejections routes are not mounted. */
  rejections?: RecordStore;
  /** Records per keyset page of an export (default 1000). */
  exportPageSize?: number;
  /** Concurrent exports and the cut-off of clients that stop reading (defaults: DEFAULT_EXPORT_LIMITS). */
  exportLimits?: { maxConcurrent: number; maxPerKey: number; idleTimeoutMs: number };
  /** Most records read for one citation-graph answer (default 50,000). */
  maxGraphRecords?: number;
  /** OpenAPI path items of routes mounted elsewhere (the legacy DS-API), for the one reference. */
  otherPaths?: Record<string, Record<string, unknown>>;
}

export const API_INFO = {
  title: 'oa-citations',
  version: '1.0.0',
  description:
    'Search the USPTO Office Action Citations (OARD): faceted full-text search, number lookup with typo correction, the citation graph, analytics and bulk export. The legacy DS-API oa_citations v1 surface (Lucene criteria, Solr-style answers) is served under /ds-api and /api/v1/patent/oa, listed last.',
};

const fieldsOut = z.object({
  fields: z.array(
    z.object({
      name: z.string(),
      type: z.enum(['string', 'flag', 'int', 'date', 'strings']),
      description: z.string(),
      filter: z.array(z.string()).describe('Query parameters filtering on the field.'),
      facet: z.boolean(),
      sort: z.boolean(),
      search: z.boolean(),
    }),
  ),
});

function fieldsRoute(api: ApiDataset) {
  const fields = api.catalog.fields.map((f) => ({
    name: f.name,
    type: f.type,
    description: f.description,
    filter: api.filters.paramsOf(f as (typeof api.filters.valueFields)[number]),
    facet: f.facet,
    sort: f.sort,
    search: f.search,
  }));
  return defineRoute({
    method: 'get',
    path: `${api.base}/fields`,
    operationId: operationOf(api, 'fields'),
    tag: 'Reference',
    summary: `The ${api.catalog.noun} record's fields and what each can be used for`,
    response: jsonResponse(schemaOf(api, 'FieldsResponse'), 'The field catalog.', api === CITATIONS_API ? fieldsOut : fieldsOut.clone()),
    handler: () => ({ fields }),
  });
}

/** The rejections' routes: an application's, and search, facet values, export and fields as the citations have them. */
function rejectionRoutes(store: RecordStore, graph: GraphLimits, exports: ExportOptions): Route[] {
  const api = REJECTIONS_API;
  return [applicationRejectionsRoute(store, graph), searchRoute(store, api), facetValuesRoute(store, api), exportRoute(store, exports, api), fieldsRoute(api)];
}

/** Every route of the modern API, in the order the reference lists them. */
export function apiRoutes(deps: ModernDeps): Route[] {
  const { store } = deps;
  const graph = { maxRecords: deps.maxGraphRecords ?? 50_000 };
  const limits = deps.exportLimits ?? DEFAULT_EXPORT_LIMITS;
  // One pool of export slots for both data sets: an export costs the same whichever it reads.
  const exports = {
    pageSize: deps.exportPageSize,
    slots: new Slots(limits.maxConcurrent, limits.maxPerKey),
    idleTimeoutMs: limits.idleTimeoutMs,
  };
  const routes: Route[] = [
    searchRoute(store),
    facetValuesRoute(store),
    lookupRoute(store),
    applicationCitationsRoute(store, graph, deps.rejections),
    citingRoute(store, graph),
    topReferencesRoute(store),
    overviewRoute(store),
    exportRoute(store, exports),
    fieldsRoute(CITATIONS_API),
    ...(deps.rejections ? rejectionRoutes(deps.rejections, graph, exports) : []),
  ];
  let document: Record<string, unknown> | undefined;
  routes.push(
    defineRoute({
      method: 'get',
      path: '/openapi.json',
      operationId: 'openapi',
      tag: 'Reference',
      summary: 'This OpenAPI 3.1 document (generated from the route declarations)',
      response: jsonResponse('OpenApiDocument', 'The OpenAPI document.', z.record(z.string(), z.unknown())),
      // Built on first use: every route is declared by then, this one included.
      handler: () => (document ??= buildOpenApi(routes, API_INFO, deps.otherPaths)),
    }),
    defineRoute({
      method: 'get',
      path: '/docs',
      operationId: 'docs',
      tag: 'Reference',
      summary: 'Interactive API reference (HTML)',
      response: { description: 'The reference page.', contentTypes: ['text/html'] },
      handler: (c) => c.html(DOCS_PAGE),
    }),
  );
  return routes;
}

export function modernRoutes(deps: ModernDeps): Hono {
  const app = new Hono();
  mountRoutes(app, apiRoutes(deps));
  return app;
}
