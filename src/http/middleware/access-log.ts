/**
 * The access log and the request metrics: one JSON log line per request (request id, method,
 * route pattern, status, duration) and the Prometheus counters of src/ops/metrics.ts.
 *
 * Why it sits first in the chain (after the request id): it must see every answer, errors
 * included - the error handler has already turned a thrown ApiError into the response by the time
 * `next()` returns here, and has noted its code on the context (`errorCode`, http/errors.ts).
 *
 * Why the code and not the status decides what counts as a Meilisearch error: a 503 is also the
 * gateway's own answer while it shuts down (`shutting_down`); only the codes Meilisearch's faults
 * become (src/meili/reader.ts, and the lanes' `busy`, src/meili/lanes.ts) count as
 * `oa_meilisearch_errors_total{kind="unavailable"}`.
 */
import type { MiddlewareHandler } from 'hono';
import type { Logger } from '../log.ts';
import type { Metrics } from '../../ops/metrics.ts';
import { routeLabel } from '../route-label.ts';

/** The ApiError codes of a 503 caused by Meilisearch: reader.ts's faults and lanes.ts's queue. */
export const MEILI_UNAVAILABLE_CODES: ReadonlySet<string> = new Set(['search_unavailable', 'index_missing', 'meili_auth', 'busy']);

export function accessLog({ log, metrics }: { log: Logger; metrics: Metrics }): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    await next();
    const seconds = (performance.now() - started) / 1000;
    const route = routeLabel(c);
    const status = c.res.status;
    metrics.observeRequest(c.req.method, route, status, seconds);
    if (status === 503 && MEILI_UNAVAILABLE_CODES.has(c.get('errorCode') ?? '')) metrics.meiliError('unavailable');
    log.info('request', {
      requestId: c.get('requestId'),
      method: c.req.method,
      route,
      status,
      durationMs: Math.round(seconds * 10_000) / 10,
    });
  };
}
