/** Gateway behaviour that needs no data set: keys, Meilisearch faults, operations routes, limits. */
import { describe, expect, it } from 'vitest';
import { createServer, type AddressInfo } from 'node:net';
import { createApp } from '../src/app.ts';
import { createLogger } from '../src/http/log.ts';
import { GATEWAY_KEY_ACTIONS, searchKeyFor } from '../src/meili/connect.ts';
import { freePort } from '../src/meili/embedded.ts';
import { MeiliReader } from '../src/meili/reader.ts';
import { TEST_CONFIG } from './helpers/config.ts';
import { testAdmin, testMeili, uniqueIndex } from './helpers/meili.ts';

describe('the gateway key', () => {
  it('is read-only, scoped to the index, reused across starts, and is not the master key', async () => {
    const admin = testAdmin();
    const index = uniqueIndex('keys');
    const key = await searchKeyFor(admin, index);
    expect(key).toBeTruthy();
    expect(key).not.toBe(admin.masterKey);
    expect(await searchKeyFor(admin, index)).toBe(key);
    const info = await admin.client.getKey(key!);
    expect([...info.actions].sort()).toEqual([...GATEWAY_KEY_ACTIONS].sort());
    expect(info.indexes).toEqual([index]);
    // Writing with it is refused by Meilisearch itself.
    const write = await fetch(`${admin.url}/indexes/${index}/documents`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
      body: '[{"id":"x"}]',
    });
    expect(write.status).toBe(403);
  });

  it('never appears in responses or logs, even on errors', async () => {
    const { url, masterKey } = testMeili();
    const lines: string[] = [];
    const index = uniqueIndex('nokey');
    const reader = new MeiliReader({ url, apiKey: masterKey, index, timeoutMs: 2000 });
    const app = createApp({ reader, config: TEST_CONFIG, log: createLogger('debug', (l) => lines.push(l)) });
    const res = await app.request('/ds-api/oa_citations/v1/records', { method: 'POST', body: 'criteria=*:*' });
    const text = await res.text();
    expect(res.status).toBe(503); // the index does not exist yet
    expect(text).toMatch(/does not exist yet/);
    expect(text).not.toContain(masterKey);
    expect(lines.join('')).not.toContain(masterKey);
  });
});

describe('Meilisearch unreachable', () => {
  it('is a 503 with Retry-After, quickly; /ready is false while /health stays true', async () => {
    const port = await freePort();
    const reader = new MeiliReader({ url: `http://127.0.0.1:${port}`, apiKey: 'k', index: 'x', timeoutMs: 1000 });
    const app = createApp({ reader, config: TEST_CONFIG, log: createLogger('silent') });
    const started = Date.now();
    const res = await app.request('/ds-api/oa_citations/v1/records', { method: 'POST', body: 'criteria=form892:1' });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(Date.now() - started).toBeLessThan(1000);
    expect((await app.request('/ready')).status).toBe(503);
    expect((await app.request('/health')).status).toBe(200);
  });

  it('that takes the request and never answers (or stops mid-answer, or trickles) is a 503 "did not answer in time" after the timeout', async () => {
    // A server that reads requests and answers none; one that sends headers and half a body; one
    // that sends its body a byte every 100 ms (no pause is long, the whole is).
    const silent = createServer(() => {});
    const halting = createServer((socket) => {
      socket.once('data', () => socket.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"hits":['));
    });
    const trickling = createServer((socket) => {
      socket.once('data', () => {
        socket.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n');
        const drip = setInterval(() => (socket.writable ? socket.write(' ') : clearInterval(drip)), 100);
        socket.on('close', () => clearInterval(drip));
      });
    });
    try {
      for (const server of [silent, halting, trickling]) {
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        const { port } = server.address() as AddressInfo;
        const reader = new MeiliReader({ url: `http://127.0.0.1:${port}`, apiKey: 'k', index: 'x', timeoutMs: 400 });
        const app = createApp({ reader, config: TEST_CONFIG, log: createLogger('silent') });
        const started = Date.now();
        const res = await app.request('/ds-api/oa_citations/v1/records', { method: 'POST', body: 'criteria=form892:1' });
        const waited = Date.now() - started;
        expect(res.status).toBe(503);
        expect(await res.text()).toMatch(/did not answer in time/);
        expect(waited).toBeGreaterThanOrEqual(350);
        expect(waited).toBeLessThan(5_000);
      }
    } finally {
      for (const server of [silent, halting, trickling]) server.close();
    }
  });

  it('that answers 200 with text that is no JSON is a 503, not a 500', async () => {
    const garbled = createServer((socket) => {
      socket.once('data', () => socket.end('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 9\r\n\r\n{"hits":['));
    });
    await new Promise<void>((resolve) => garbled.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = garbled.address() as AddressInfo;
      const reader = new MeiliReader({ url: `http://127.0.0.1:${port}`, apiKey: 'k', index: 'x', timeoutMs: 2_000 });
      const app = createApp({ reader, config: TEST_CONFIG, log: createLogger('silent') });
      const res = await app.request('/ds-api/oa_citations/v1/records', { method: 'POST', body: 'criteria=form892:1' });
      expect(res.status).toBe(503);
      expect(await res.text()).toMatch(/not JSON/);
    } finally {
      garbled.close();
    }
  });
});

describe('operations and limits', () => {
  const { url, masterKey } = testMeili();
  const reader = new MeiliReader({ url, apiKey: masterKey, index: uniqueIndex('ops'), timeoutMs: 2000 });

  it('/metrics speaks Prometheus text with request counts by route and status', async () => {
    const app = createApp({ reader, config: TEST_CONFIG, log: createLogger('silent') });
    await app.request('/ds-api/');
    const text = await (await app.request('/metrics')).text();
    expect(text).toMatch(/oa_http_requests_total\{method="GET",route="\/ds-api",status="200"\} 1/);
    expect(text).toMatch(/oa_http_request_duration_seconds_bucket\{method="GET",route="\/ds-api",le="\+Inf"\} 1/);
  });

  it('refuses bodies over the limit with 413', async () => {
    const app = createApp({ reader, config: { ...TEST_CONFIG, MAX_BODY_BYTES: 2048 }, log: createLogger('silent') });
    const res = await app.request('/ds-api/oa_citations/v1/records', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `criteria=${'a'.repeat(5000)}`,
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('body_too_large');
  });

  it('checks X-API-KEY when API keys are configured, and rate-limits per key', async () => {
    const app = createApp({ reader, config: { ...TEST_CONFIG, API_KEYS: ['k1'], RATE_LIMIT_PER_MINUTE: 2 }, log: createLogger('silent') });
    expect((await app.request('/ds-api/')).status).toBe(401);
    expect((await app.request('/ds-api/', { headers: { 'X-API-KEY': 'wrong' } })).status).toBe(401);
    expect((await app.request('/ds-api/', { headers: { 'X-API-KEY': 'k1' } })).status).toBe(200);
    expect((await app.request('/ds-api/', { headers: { 'X-API-KEY': 'k1' } })).status).toBe(200);
    const limited = await app.request('/ds-api/', { headers: { 'X-API-KEY': 'k1' } });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await app.request('/health')).status).toBe(200);
  });

  it('answers CORS only for configured origins', async () => {
    const off = createApp({ reader, config: TEST_CONFIG, log: createLogger('silent') });
    expect((await off.request('/ds-api/', { headers: { Origin: 'https://a.example' } })).headers.get('access-control-allow-origin')).toBeNull();
    const on = createApp({ reader, config: { ...TEST_CONFIG, CORS_ORIGINS: ['https://a.example'] }, log: createLogger('silent') });
    const allowed = await on.request('/ds-api/', { headers: { Origin: 'https://a.example' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://a.example');
    const preflight = await on.request('/api/v1/search', {
      method: 'OPTIONS',
      headers: { Origin: 'https://a.example', 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'X-API-KEY' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/X-API-KEY/i);
    const other = await on.request('/ds-api/', { headers: { Origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).not.toBe('https://evil.example');
  });

  it('refuses over-long number path parameters before any search', async () => {
    const app = createApp({ reader, config: TEST_CONFIG, log: createLogger('silent') });
    for (const path of [`/api/v1/references/1${'-'.repeat(16_000)}x/citing`, `/api/v1/applications/${'1'.repeat(200)}/citations`]) {
      const started = Date.now();
      const res = await app.request(path);
      expect(res.status).toBe(400);
      expect(Date.now() - started).toBeLessThan(200);
    }
  });

  it('unknown routes are a JSON 404', async () => {
    const app = createApp({ reader, config: TEST_CONFIG, log: createLogger('silent') });
    const res = await app.request('/nope');
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('not_found');
  });
});
