/**
 * The gateway: a Hono app wired from small middleware (src/http/middleware/) and route groups.
 *
 *   request id -> access log + metrics -> draining -> CORS? -> body limit -> gzip -> API keys? -> routes
 *
 * Routes: operations (/health, /ready, /metrics: src/ops/routes.ts), the legacy DS-API
 * (legacy/routes.ts, under two prefixes), the modern API (api/), the web page (web/, at `/`).
 * Errors of every kind leave through the error handler as the one JSON error shape
 * (http/error-handler.ts); nothing else can produce a stack trace for a client.
 */
import { Hono } from 'hono';
import { requestId } from 'hono/request-id';
import type { Config } from './config.ts';
import { apiKeys, KeyGuard } from './http/api-keys.ts';
import { errorHandler, notFound } from './http/error-handler.ts';
import type { Logger } from './http/log.ts';
import { gzipWhenAccepted } from './http/middleware/gzip.ts';
import { accessLog } from './http/middleware/access-log.ts';
import { bodyLimitOf } from './http/middleware/body-limit.ts';
import { corsFor } from './http/middleware/cors.ts';
import { draining } from './http/middleware/draining.ts';
import { legacyPaths } from './legacy/reference.ts';
import { LEGACY_PREFIXES, legacyRoutes } from './legacy/routes.ts';
import type { MeiliReader } from './meili/reader.ts';
import { Metrics } from './ops/metrics.ts';
import { Readiness } from './ops/readiness.ts';
import { opsRoutes } from './ops/routes.ts';
import { RecordStore } from './store/records.ts';
import { CITATIONS, REJECTIONS } from './catalog/datasets.ts';
import { DEFAULT_EXPORT_LIMITS } from './api/export.ts';
import { modernRoutes } from './api/routes.ts';
import { keyGate } from './web/key-gate.ts';
import { WEB_DATA_ROUTES, webRoutes } from './web/routes.ts';

export type GatewayConfig = Pick<
  Config,
  'MAX_ROWS' | 'MAX_CRITERIA_LENGTH' | 'MAX_CLAUSES' | 'MAX_DEPTH' | 'MAX_BODY_BYTES' | 'API_KEYS' | 'RATE_LIMIT_PER_MINUTE' | 'CORS_ORIGINS'
> & Partial<Pick<Config, 'WEB_UI' | 'WEB_PUBLIC' | 'MAX_FILTER_COST' | 'EXPORT_MAX_CONCURRENT' | 'EXPORT_MAX_PER_KEY' | 'EXPORT_IDLE_TIMEOUT_MS'>>;

export interface GatewayDeps {
  /** The citations index's reader (the modern API's and the web page's data set). */
  reader: MeiliReader;
  /** The rejections index's reader; default: the index `oa_rejections` through the citations reader's connections. */
  rejections?: MeiliReader;
  config: GatewayConfig;
  log: Logger;
  metrics?: Metrics;
  /** False while the process is shutting down: /ready answers 503 and new requests are refused. */
  accepting?: () => boolean;
  /** What /ready asks (default: a Readiness over the reader). */
  readiness?: Readiness;
  /** The gateway's address as clients reach it (PUBLIC_URL, else where it listens); default http://localhost. */
  publicUrl?: () => string;
}

export function createApp(deps: GatewayDeps): Hono {
  const { reader, config, log } = deps;
  const store = new RecordStore(CITATIONS, reader, { maxFilterCost: config.MAX_FILTER_COST });
  const rejectionsReader = deps.rejections ?? reader.forIndex(REJECTIONS.dataset);
  const rejections = new RecordStore(REJECTIONS, rejectionsReader, { maxFilterCost: config.MAX_FILTER_COST });
  const readiness = deps.readiness ?? new Readiness(reader, { dataset: CITATIONS.dataset, others: [{ dataset: REJECTIONS.dataset, reader: rejectionsReader }] });
  const metrics = deps.metrics ?? new Metrics();
  const accepting = deps.accepting ?? (() => true);
  // Not strict: "/ds-api" and "/ds-api/" are the same resource, as on the old service.
  const app = new Hono({ strict: false });

  app.use(requestId());
  app.use(accessLog({ log, metrics }));
  app.use(draining(accepting));
  if (config.CORS_ORIGINS?.length) app.use(corsFor(config.CORS_ORIGINS));
  app.use(bodyLimitOf(config.MAX_BODY_BYTES));
  app.use(gzipWhenAccepted());
  const keyGuard = config.API_KEYS?.length ? new KeyGuard(config.API_KEYS, config.RATE_LIMIT_PER_MINUTE) : undefined;
  if (keyGuard) {
    const guard = apiKeys(keyGuard);
    for (const prefix of [...LEGACY_PREFIXES, '/api']) app.use(`${prefix}/*`, guard);
  }

  app.route('/', opsRoutes({ readiness, metrics, accepting }));
  const legacyOptions = {
    stores: [store, rejections],
    maxRows: config.MAX_ROWS,
    maxCriteriaLength: config.MAX_CRITERIA_LENGTH,
    maxClauses: config.MAX_CLAUSES,
    maxDepth: config.MAX_DEPTH,
    publicUrl: deps.publicUrl ?? (() => 'http://localhost'),
  };
  for (const prefix of LEGACY_PREFIXES) app.route(prefix, legacyRoutes(prefix, legacyOptions));
  app.route(
    '/',
    modernRoutes({
      store,
      rejections,
      otherPaths: legacyPaths(LEGACY_PREFIXES, config.MAX_ROWS),
      exportLimits: {
        maxConcurrent: config.EXPORT_MAX_CONCURRENT ?? DEFAULT_EXPORT_LIMITS.maxConcurrent,
        maxPerKey: config.EXPORT_MAX_PER_KEY ?? DEFAULT_EXPORT_LIMITS.maxPerKey,
        idleTimeoutMs: config.EXPORT_IDLE_TIMEOUT_MS ?? DEFAULT_EXPORT_LIMITS.idleTimeoutMs,
      },
    }),
  );
  if (config.WEB_UI ?? true) {
    // Behind API_KEYS the page's records need a key too (header or the page's cookie), unless the
    // operator made the page public.
    if (keyGuard && !config.WEB_PUBLIC) {
      const { routes, gate } = keyGate(keyGuard, { secureCookie: (deps.publicUrl?.() ?? '').startsWith('https:') });
      app.route('/', routes);
      for (const path of WEB_DATA_ROUTES) app.use(path, gate);
    }
    app.route('/', webRoutes(store, rejections));
  }

  app.notFound(notFound());
  app.onError(errorHandler({ log }));
  return app;
}
