/**
 * Issue 15, each weakness reproduced against a gateway over a real index: expensive criteria
 * refused before anything is sent, deep JSON a 400 that logs no crash, readiness that checks what
 * a search needs, the web page behind API_KEYS, export caps and the idle cut-off, links that never
 * take the request's Host header.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type GatewayConfig } from '../../src/app.ts';
import { createLogger } from '../../src/http/log.ts';
import { MeiliReader } from '../../src/meili/reader.ts';
import { TEST_CONFIG, startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { testMeili } from '../helpers/meili.ts';

let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway({ officeActions: 400, seed: 15 });
});
afterAll(async () => gw?.cleanup());

/** A gateway over the same index with other settings, logging into `lines`. */
function gateway(config: Partial<GatewayConfig>, options: { reader?: MeiliReader; lines?: string[]; publicUrl?: string } = {}) {
  const log = createLogger('info', (l) => options.lines?.push(l));
  return createApp({
    reader: options.reader ?? gw.reader,
    config: { ...TEST_CONFIG, ...config },
    log,
    ...(options.publicUrl ? { publicUrl: () => options.publicUrl! } : {}),
  });
}

const records = (app: ReturnType<typeof createApp>, criteria: string, headers: Record<string, string> = {}) =>
  app.request('/ds-api/oa_citations/v1/records', { method: 'POST', body: new URLSearchParams({ criteria, rows: '1' }), headers });

describe('1. expensive criteria', () => {
  const flood = Array.from({ length: 1024 }, (_, i) => `*${i % 10}*`).join(' AND ');

  it('refuses the 1,024 infix wildcards with 400 too_expensive before any request leaves the gateway', async () => {
    // A reader that cannot reach Meilisearch: anything sent would be a 503, not a 400.
    const offline = new MeiliReader({ url: 'http://127.0.0.1:9', apiKey: undefined, index: 'none', timeoutMs: 500 });
    const res = await records(gateway({}, { reader: offline }), flood);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: string; details: { cost: number; budget: number } } };
    expect(body.error.code).toBe('too_expensive');
    expect(body.error.message).toMatch(/Patent_PGPub CONTAINS "\d"/);
    expect(body.error.message).toMatch(/MAX_FILTER_COST/);
    expect(body.error.details.cost).toBeGreaterThan(body.error.details.budget);
  });

  it('answers what stays within the budget, and the budget is a setting', async () => {
    const app = gateway({});
    expect((await records(app, '*0* AND *1*')).status).toBe(200);
    expect((await records(app, 'artUnit:*1* AND uspcClass:*2*')).status).toBe(200);
    const strict = gateway({ MAX_FILTER_COST: 1_000 });
    const res = await records(strict, 'artUnit:*1* AND uspcClass:*2*');
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/artUnit CONTAINS "1"/);
    expect((await records(strict, 'artUnit:2100 AND form892:1')).status).toBe(200);
  });

  it('applies the same budget to the modern API and to wildcards answered from values', async () => {
    const strict = gateway({ MAX_FILTER_COST: 1_000 });
    expect((await records(strict, 'uspcSubClass:1?3')).status).toBe(400);
    const res = await strict.request('/api/v1/search?artUnit=2100');
    expect(res.status).toBe(200);
  });
});

describe('3. deep JSON', () => {
  it('answers a body nested 5,000 levels deep with 400 and logs no crash', async () => {
    const lines: string[] = [];
    const app = gateway({}, { lines });
    const body = `{"criteria":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    const res = await app.request('/ds-api/oa_citations/v1/records', { method: 'POST', body, headers: { 'Content-Type': 'application/json' } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_body');
    expect(lines.filter((l) => JSON.parse(l).level === 'error')).toEqual([]);
    expect(lines.join('')).not.toMatch(/RangeError|stack/);
  });
});

describe('4. readiness', () => {
  it('is not ready with a key that cannot search, and says so without the index name', async () => {
    const wrongKey = new MeiliReader({ url: testMeili().url, apiKey: 'not-a-key-of-this-server', index: gw.index, timeoutMs: 2_000 });
    const app = gateway({}, { reader: wrongKey });
    const ready = await app.request('/ready');
    expect(ready.status).toBe(503);
    const text = await ready.text();
    expect(text).toMatch(/MEILI_SEARCH_KEY/);
    expect(text).not.toContain(gw.index);
    const search = await records(app, '*:*');
    expect(search.status).toBe(503);
    expect(await search.text()).not.toContain(gw.index);
  });

  it('is not ready when the index does not exist, and neither answer names it', async () => {
    const missing = new MeiliReader({ url: testMeili().url, apiKey: testMeili().masterKey, index: 'secret_internal_name', timeoutMs: 2_000 });
    const app = gateway({}, { reader: missing });
    const ready = await app.request('/ready');
    expect(ready.status).toBe(503);
    expect(await ready.text()).not.toContain('secret_internal_name');
    const search = await records(app, 'form892:1');
    expect(search.status).toBe(503);
    expect(await search.text()).not.toContain('secret_internal_name');
  });

  it('is ready over the real index with its search key', async () => {
    expect((await gateway({}).request('/ready')).status).toBe(200);
  });
});

describe('5. the web page behind API_KEYS', () => {
  const someId = () => gw.records[0]!.id;

  it('serves no record without a key: the page, a record, the art-unit finder', async () => {
    const app = gateway({ API_KEYS: ['k1'] });
    for (const path of ['/', '/?page=3', `/record/${someId()}`, '/facet-values/artUnit?prefix=2']) {
      const res = await app.request(path);
      expect(res.status, path).toBe(401);
      const html = await res.text();
      expect(html, path).toMatch(/<form method="post" action="\/key">/);
      // The form (which names the page asked for), no record.
      expect(html, path).not.toContain(gw.records[0]!.Patent_PGPub);
      expect(html, path).not.toMatch(/<dl|<table/);
    }
  });

  it('lets a reader in with the key: header, or the form and its cookie', async () => {
    const app = gateway({ API_KEYS: ['k1'] });
    expect((await app.request(`/record/${someId()}`, { headers: { 'X-API-KEY': 'k1' } })).status).toBe(200);
    const wrong = await app.request('/key', { method: 'POST', body: new URLSearchParams({ key: 'nope', next: '/' }) });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('set-cookie')).toBeNull();
    const login = await app.request('/key', { method: 'POST', body: new URLSearchParams({ key: 'k1', next: `/record/${someId()}` }) });
    expect(login.status).toBe(303);
    expect(login.headers.get('location')).toBe(`/record/${someId()}`);
    const cookie = login.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/oa_api_key=k1/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const page = await app.request(`/record/${someId()}`, { headers: { Cookie: cookie.split(';')[0]! } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(someId());
    // Never sent anywhere but this site.
    for (const next of ['//evil.example/', '/\t/evil.example', '/\\evil.example', '/a\nb']) {
      const away = await app.request('/key', { method: 'POST', body: new URLSearchParams({ key: 'k1', next }) });
      expect(away.status, JSON.stringify(next)).toBe(303);
      expect(away.headers.get('location'), JSON.stringify(next)).toBe('/');
    }
  });

  it('serves the page without a key only when the operator set WEB_PUBLIC', async () => {
    const app = gateway({ API_KEYS: ['k1'], WEB_PUBLIC: true });
    expect((await app.request(`/record/${someId()}`)).status).toBe(200);
    // The APIs still want their key.
    expect((await records(app, '*:*')).status).toBe(401);
  });
});

describe('6. exports', () => {
  const exportOf = (app: ReturnType<typeof createApp>, key?: string) =>
    app.request('/api/v1/export?format=ndjson', { headers: key ? { 'X-API-KEY': key } : {} });

  it('caps exports per key (429) and in all (503), with Retry-After, and frees a slot when an export ends', async () => {
    const app = gateway({ API_KEYS: ['a', 'b', 'c'], EXPORT_MAX_PER_KEY: 1, EXPORT_MAX_CONCURRENT: 2 });
    const first = await exportOf(app, 'a');
    expect(first.status).toBe(200);
    const again = await exportOf(app, 'a');
    expect(again.status).toBe(429);
    expect(again.headers.get('retry-after')).toBeTruthy();
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe('too_many_exports');
    const other = await exportOf(app, 'b');
    expect(other.status).toBe(200);
    const third = await exportOf(app, 'c');
    expect(third.status).toBe(503);
    expect(third.headers.get('retry-after')).toBeTruthy();
    // Reading an export to its end frees its slot.
    const lines = (await first.text()).trim().split('\n');
    expect(lines.length).toBe(gw.records.length);
    expect((await exportOf(app, 'c')).status).toBe(200);
    await other.body?.cancel();
  });

  it('bounds a flood of exports whose clients read nothing: all but the cap are refused at once', async () => {
    const app = gateway({ EXPORT_MAX_CONCURRENT: 4 });
    const answers = await Promise.all(Array.from({ length: 100 }, () => exportOf(app)));
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(4);
    expect(statuses.filter((s) => s === 503)).toHaveLength(96);
    for (const r of answers) await r.body?.cancel();
  });

  it('prices every page of an export as the client\'s filter, not the cursor bound the gateway adds', async () => {
    // The keyset cursor adds applicationId > "..." (a text range over every application); priced as
    // such, pages after the first would be refused (or sent through the heavy lane).
    const strict = gateway({ MAX_FILTER_COST: 1_000 });
    const res = await exportOf(strict);
    expect(res.status).toBe(200);
    expect(gw.records.length).toBeGreaterThan(1_000);
    expect((await res.text()).trim().split('\n')).toHaveLength(gw.records.length);
  });

  it('cuts off an export whose client stops reading, and frees its slot', async () => {
    const app = gateway({ EXPORT_MAX_CONCURRENT: 1, EXPORT_IDLE_TIMEOUT_MS: 1_000 });
    const stalled = await exportOf(app);
    expect(stalled.status).toBe(200);
    expect((await exportOf(app)).status).toBe(503);
    await new Promise((ok) => setTimeout(ok, 1_500));
    const next = await exportOf(app);
    expect(next.status).toBe(200);
    await next.body?.cancel();
    // The stalled client finds its body ended in an error, not silently short.
    await expect(stalled.text()).rejects.toThrow();
  });
});

describe('7. links in answers', () => {
  it('never reflects the Host header: PUBLIC_URL, or the default', async () => {
    const configured = gateway({}, { publicUrl: 'https://oa.example.org' });
    const listing = (await (await configured.request('/ds-api/', { headers: { Host: 'evil.example' } })).json()) as {
      apis: { apiUrl: string; apiDocumentationUrl: string }[];
    };
    expect(listing.apis[0]!.apiUrl).toBe('https://oa.example.org/ds-api/oa_citations/v1/fields');
    expect(listing.apis[0]!.apiDocumentationUrl).toBe('https://oa.example.org/docs');
    const fields = await (await gateway({}).request('/ds-api/oa_citations/v1/fields', { headers: { Host: 'evil.example' } })).text();
    expect(fields).not.toContain('evil.example');
  });
});
