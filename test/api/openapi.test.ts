/** The generated OpenAPI document and the reference page (no Meilisearch needed). */
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { honoPath } from '../../src/api/registry.ts';
import { apiRoutes, modernRoutes } from '../../src/api/routes.ts';
import { filterShape } from '../../src/api/filters.ts';
import { offlineApp, offlineReader } from './support.ts';
import { CitationStore } from '../../src/store/citations.ts';

type Doc = {
  openapi: string;
  paths: Record<string, Record<string, { operationId: string; parameters?: { name: string; in: string }[]; responses: Record<string, unknown> }>>;
  components: { schemas: Record<string, unknown> };
};

async function fetchDoc(): Promise<Doc> {
  const res = await offlineApp().request('/openapi.json');
  expect(res.status).toBe(200);
  return (await res.json()) as Doc;
}

describe('GET /openapi.json', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(await fetchDoc()) as unknown as Parameters<Validator['validate']>[0]);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('lists every registered route, and every route it lists is served', async () => {
    const doc = await fetchDoc();
    const routes = apiRoutes({ store: new CitationStore(offlineReader()) });
    const documented = Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`));
    expect(documented.sort()).toEqual(routes.map((r) => `${r.method.toUpperCase()} ${r.path}`).sort());
    // The Hono app serves exactly these (no route mounted outside the registry).
    const served = modernRoutes({ store: new CitationStore(offlineReader()) }).routes.map((r) => `${r.method} ${r.path}`);
    expect([...new Set(served)].sort()).toEqual(routes.map((r) => `${r.method.toUpperCase()} ${honoPath(r.path)}`).sort());
    for (const path of ['/api/v1/search', '/api/v1/facets/{facet}', '/api/v1/lookup', '/api/v1/applications/{appId}/citations', '/api/v1/references/{number}/citing', '/api/v1/stats/top-references', '/api/v1/stats/overview', '/api/v1/export', '/openapi.json', '/docs']) {
      expect(doc.paths[path], path).toBeDefined();
    }
  });

  it('documents the catalog-derived filters on every filtered route, and the error shape', async () => {
    const doc = await fetchDoc();
    for (const path of ['/api/v1/search', '/api/v1/facets/{facet}', '/api/v1/stats/top-references', '/api/v1/stats/overview', '/api/v1/export']) {
      const names = doc.paths[path]!.get!.parameters!.map((p) => p.name);
      for (const filter of Object.keys(filterShape)) expect(names, `${path} ${filter}`).toContain(filter);
      expect(doc.paths[path]!.get!.responses['400']).toBeDefined();
    }
    expect(doc.components.schemas.Error).toBeDefined();
    expect(doc.components.schemas.Record).toBeDefined();
  });
});

describe('GET /docs', () => {
  it('is a self-contained page that renders /openapi.json', async () => {
    const res = await offlineApp().request('/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const html = await res.text();
    expect(html).toContain('fetch("/openapi.json")');
    expect(html).toContain('Try it');
    // No external scripts or styles.
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=["']https?:/);
  });
});
