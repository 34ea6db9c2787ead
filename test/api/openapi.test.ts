/** The generated OpenAPI document and the reference page (no Meilisearch needed). */
import { CITATIONS } from '../../src/catalog/citations.ts';
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { honoPath } from '../../src/api/registry.ts';
import { apiRoutes, modernRoutes } from '../../src/api/routes.ts';
import { filterShape } from '../../src/api/filters.ts';
import { offlineApp, offlineReader } from './support.ts';
import { RecordStore } from '../../src/store/records.ts';
import { LEGACY_PREFIXES } from '../../src/legacy/routes.ts';

type Doc = {
  openapi: string;
  paths: Record<string, Record<string, { operationId: string; parameters?: { name: string; in: string }[]; responses: Record<string, unknown> }>>;
  components: { schemas: Record<string, unknown> };
};

const isLegacy = (path: string) => LEGACY_PREFIXES.some((p) => path.startsWith(`${p}/`));

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
    const routes = apiRoutes({ store: new RecordStore(CITATIONS, offlineReader()) });
    const documented = Object.entries(doc.paths)
      .filter(([path]) => !isLegacy(path))
      .flatMap(([path, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`));
    expect(documented.sort()).toEqual(routes.map((r) => `${r.method.toUpperCase()} ${r.path}`).sort());
    // The Hono app serves exactly these (no route mounted outside the registry).
    const served = modernRoutes({ store: new RecordStore(CITATIONS, offlineReader()) }).routes.map((r) => `${r.method} ${r.path}`);
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
    // The export's formats, each with its media type.
    const exportGet = doc.paths['/api/v1/export']!.get!;
    expect(Object.keys((exportGet.responses['200'] as { content: object }).content)).toEqual(['text/csv', 'application/x-ndjson', 'application/vnd.apache.parquet']);
    expect(JSON.stringify(exportGet.parameters!.find((p) => p.name === 'format'))).toContain('parquet');
  });
});

describe('the legacy routes in the reference', () => {
  it('lists the data set list, /fields and /records (POST with a form body, and GET) under both prefixes', async () => {
    const doc = await fetchDoc();
    for (const prefix of LEGACY_PREFIXES) {
      expect(doc.paths[`${prefix}/`]?.get, prefix).toBeDefined();
      expect(doc.paths[`${prefix}/{dataset}/{version}/fields`]?.get, prefix).toBeDefined();
      const records = doc.paths[`${prefix}/{dataset}/{version}/records`]!;
      const post = records.post as unknown as { description: string; requestBody: { content: Record<string, { schema: { properties: Record<string, unknown> }; examples: Record<string, unknown> }> } };
      const form = post.requestBody.content['application/x-www-form-urlencoded']!;
      expect(Object.keys(form.schema.properties)).toEqual(['criteria', 'start', 'rows', 'fl', 'sort']);
      expect(Object.keys(form.examples).length).toBeGreaterThan(2);
      // The cheat sheet.
      for (const form of ['*:*', 'artUnit:[2100 TO 2199]', 'mailDate:[20120101 TO 20121231]', '(*:* -citationInOA:1)', 'actionType:(102 OR 103)']) expect(post.description).toContain(form);
      expect(records.get!.parameters!.map((p) => p.name)).toEqual(['dataset', 'version', 'criteria', 'start', 'rows', 'fl', 'sort']);
      expect(Object.keys(records.post!.responses)).toEqual(['200', '400', '404', '503']);
    }
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
