import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { createLogger } from '../../src/http/log.ts';
import { ApiError } from '../../src/http/errors.ts';
import { accessLog } from '../../src/http/middleware/access-log.ts';
import { draining } from '../../src/http/middleware/draining.ts';
import { Lanes } from '../../src/meili/lanes.ts';
import { MeiliReader } from '../../src/meili/reader.ts';
import { Metrics } from '../../src/ops/metrics.ts';
import { TEST_CONFIG } from '../helpers/config.ts';
import { capturedLog, tinyApp } from './support.ts';

const MEILI_ERRORS = /^oa_meilisearch_errors_total\{kind="unavailable"\} (\d+)$/m;
const meiliErrors = (metrics: Metrics) => Number(MEILI_ERRORS.exec(metrics.render())?.[1] ?? 0);

describe('accessLog', () => {
  it('logs one line per request with its route pattern, status and duration, and counts it', async () => {
    const { log, lines } = capturedLog();
    const metrics = new Metrics();
    const app = tinyApp([accessLog({ log, metrics })]);
    app.get('/items/:id', (c) => c.json({ id: c.req.param('id') }));
    expect((await app.request('/items/42')).status).toBe(200);
    expect((await app.request('/nowhere')).status).toBe(404);

    const requests = lines.filter((l) => l.msg === 'request');
    expect(requests).toHaveLength(2);
    expect(requests[0]).toMatchObject({ level: 'info', method: 'GET', route: '/items/:id', status: 200 });
    expect(typeof requests[0]!.requestId).toBe('string');
    expect(requests[0]!.durationMs).toBeGreaterThanOrEqual(0);
    expect(requests[1]).toMatchObject({ route: 'unmatched', status: 404 });
    const text = metrics.render();
    expect(text).toMatch(/oa_http_requests_total\{method="GET",route="\/items\/:id",status="200"\} 1/);
    expect(text).toMatch(/oa_http_requests_total\{method="GET",route="unmatched",status="404"\} 1/);
    expect(text).toMatch(/oa_http_request_duration_seconds_count\{method="GET",route="\/items\/:id"\} 1/);
  });

  it('logs and counts errors as the error handler answered them', async () => {
    const { log, lines } = capturedLog();
    const metrics = new Metrics();
    const app = tinyApp([accessLog({ log, metrics })]);
    app.get('/bad', () => {
      throw new ApiError(400, 'invalid_parameter', 'no');
    });
    expect((await app.request('/bad')).status).toBe(400);
    expect(lines.find((l) => l.msg === 'request')).toMatchObject({ route: '/bad', status: 400 });
    expect(metrics.render()).toMatch(/oa_http_requests_total\{method="GET",route="\/bad",status="400"\} 1/);
  });

  it('does not count the shutting-down 503 as a Meilisearch error', async () => {
    const metrics = new Metrics();
    const app = tinyApp([accessLog({ log: capturedLog().log, metrics }), draining(() => false)]);
    app.get('/search', (c) => c.json({}));
    const res = await app.request('/search');
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('shutting_down');
    expect(metrics.render()).toMatch(/oa_http_requests_total\{method="GET",route="\/search",status="503"\} 1/);
    expect(meiliErrors(metrics)).toBe(0);
  });

  it('does not count a 503 that names no Meilisearch fault', async () => {
    const metrics = new Metrics();
    const app = tinyApp([accessLog({ log: capturedLog().log, metrics })]);
    app.get('/plain', (c) => c.json({ down: true }, 503));
    app.get('/other', () => {
      throw new ApiError(503, 'maintenance', 'later');
    });
    expect((await app.request('/plain')).status).toBe(503);
    expect((await app.request('/other')).status).toBe(503);
    expect(meiliErrors(metrics)).toBe(0);
  });

  it('counts a 503 caused by Meilisearch: unreachable, and the lanes full', async () => {
    const metrics = new Metrics();
    const app = tinyApp([accessLog({ log: capturedLog().log, metrics })]);
    // Nothing listens on the discard port: the reader's search_unavailable, without any server.
    const reader = new MeiliReader({ url: 'http://127.0.0.1:9', apiKey: 'k', index: 'x', timeoutMs: 1000 });
    app.get('/search', async (c) => c.json(await reader.search({ q: '' }, c.req.raw.signal)));
    // The one slot held and no queue: the next request is the lanes' 503 busy.
    const lanes = new Lanes({ light: 1, heavy: 1, queue: 0, waitMs: 10 });
    let release!: () => void;
    const held = lanes.run('light', () => new Promise<void>((ok) => (release = ok)));
    app.get('/busy', async (c) => c.json(await lanes.run('light', async () => ({}))));

    const res = await app.request('/search');
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('search_unavailable');
    expect(meiliErrors(metrics)).toBe(1);
    const busy = await app.request('/busy');
    expect(busy.status).toBe(503);
    expect(((await busy.json()) as { error: { code: string } }).error.code).toBe('busy');
    expect(meiliErrors(metrics)).toBe(2);
    release();
    await held;
  });
});

describe('the gateway counts Meilisearch errors, not its own 503s', () => {
  it('counts the API and the page failing on Meilisearch, not the refusals while shutting down', async () => {
    const metrics = new Metrics();
    let accepting = true;
    const reader = new MeiliReader({ url: 'http://127.0.0.1:9', apiKey: 'k', index: 'x', timeoutMs: 1000 });
    const app = createApp({ reader, config: TEST_CONFIG, log: createLogger('silent'), metrics, accepting: () => accepting });
    expect((await app.request('/api/v1/search')).status).toBe(503);
    expect(meiliErrors(metrics)).toBe(1);
    // The page shows the API's 503 itself (no error handler involved) and still counts it.
    expect((await app.request('/')).status).toBe(503);
    expect(meiliErrors(metrics)).toBe(2);
    accepting = false;
    for (const path of ['/api/v1/search', '/', '/ready']) expect((await app.request(path)).status).toBe(503);
    expect(meiliErrors(metrics)).toBe(2);
  });
});
