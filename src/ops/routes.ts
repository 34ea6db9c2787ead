/**
 * The operations routes, open to everyone (no API key) and kept out of the API's reference:
 *
 *   GET /health    the process is alive (200 while it runs, even while shutting down)
 *   GET /ready     it can answer searches (readiness.ts); 503 with the reason when not, and
 *                  as soon as it is shutting down, so traffic goes elsewhere first
 *   GET /metrics   Prometheus text (metrics.ts)
 *
 * A /ready that fails because Meilisearch does notes the matching Meilisearch error code on the
 * context, so the access log counts it as the Meilisearch error it is (and a shutting-down or
 * old-layout 503 as none).
 */
import { Hono } from 'hono';
import type { Metrics } from './metrics.ts';
import type { Readiness, ReadinessState } from './readiness.ts';

/** The Meilisearch error (src/meili/reader.ts's codes) behind a readiness state, if Meilisearch failed. */
const MEILI_CODE_OF: Partial<Record<ReadinessState, string>> = {
  unreachable: 'search_unavailable',
  failing: 'search_unavailable',
  index_missing: 'index_missing',
  unauthorized: 'meili_auth',
};

export function opsRoutes({ readiness, metrics, accepting }: { readiness: Readiness; metrics: Metrics; accepting: () => boolean }): Hono {
  const app = new Hono();
  app.get('/health', (c) => c.json({ status: 'ok' }));
  app.get('/ready', async (c) => {
    if (!accepting()) return c.json({ ready: false, reason: 'shutting down' }, 503);
    const answer = await readiness.check();
    if (!answer.ready) {
      const code = MEILI_CODE_OF[answer.state];
      if (code) c.set('errorCode', code);
      return c.json({ ready: false, reason: answer.reason, ...(answer.datasets ? { datasets: answer.datasets } : {}) }, 503);
    }
    return c.json({ ready: true, ...(answer.datasets ? { datasets: answer.datasets } : {}) });
  });
  app.get('/metrics', (c) => c.text(metrics.render(), 200, { 'Content-Type': 'text/plain; version=0.0.4' }));
  return app;
}
