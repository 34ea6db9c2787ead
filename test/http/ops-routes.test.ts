import { describe, expect, it } from 'vitest';
import { accessLog } from '../../src/http/middleware/access-log.ts';
import { Metrics } from '../../src/ops/metrics.ts';
import type { Readiness, ReadinessAnswer } from '../../src/ops/readiness.ts';
import { opsRoutes } from '../../src/ops/routes.ts';
import { capturedLog, tinyApp } from './support.ts';

const readinessOf = (answer: ReadinessAnswer) => ({ check: async () => answer }) as unknown as Readiness;

function appWith(answer: ReadinessAnswer, accepting = true) {
  const metrics = new Metrics();
  const app = tinyApp([accessLog({ log: capturedLog().log, metrics })]);
  app.route('/', opsRoutes({ readiness: readinessOf(answer), metrics, accepting: () => accepting }));
  return { app, metrics };
}

const meiliErrors = (metrics: Metrics) => Number(/^oa_meilisearch_errors_total\{kind="unavailable"\} (\d+)$/m.exec(metrics.render())?.[1] ?? 0);

describe('opsRoutes', () => {
  it('/health is ok, /ready is true when ready, /metrics is Prometheus text', async () => {
    const { app } = appWith({ ready: true, state: 'ready' });
    expect(await (await app.request('/health')).json()).toEqual({ status: 'ok' });
    expect(await (await app.request('/ready')).json()).toEqual({ ready: true });
    const metrics = await app.request('/metrics');
    expect(metrics.headers.get('content-type')).toBe('text/plain; version=0.0.4');
    expect(await metrics.text()).toMatch(/oa_http_requests_total\{method="GET",route="\/ready",status="200"\} 1/);
  });

  it('/ready is 503 with the reason when not ready; a Meilisearch fault counts as one', async () => {
    const { app, metrics } = appWith({ ready: false, state: 'unreachable', reason: 'Meilisearch is unreachable' });
    const res = await app.request('/ready');
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ ready: false, reason: 'Meilisearch is unreachable' });
    expect(meiliErrors(metrics)).toBe(1);
  });

  it('/ready is 503 while shutting down or on an old layout, and neither is a Meilisearch error', async () => {
    const draining = appWith({ ready: true, state: 'ready' }, false);
    const res = await draining.app.request('/ready');
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ ready: false, reason: 'shutting down' });
    expect(meiliErrors(draining.metrics)).toBe(0);
    const old = appWith({ ready: false, state: 'old_layout', reason: 'rebuild' });
    expect((await old.app.request('/ready')).status).toBe(503);
    expect(meiliErrors(old.metrics)).toBe(0);
  });
});
