/**
 * The gateway: a Hono app composed of small middleware and route groups.
 *
 *   request id -> log + metrics -> CORS? -> body limit -> gzip -> API keys? -> routes
 *
 * Routes: the legacy DS-API (legacy/routes.ts, under two prefixes), the modern API (api/), the
 * web page (web/, at `/`), operations (/health, /ready, /metrics). Errors of every kind leave
 * through `onError` as the one JSON error shape (http/errors.ts); nothing else can produce a stack
 * trace for a client.
 */
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { compress } from 'hono/compress';
import { cors } from 'hono/cors';
import { requestId } from 'hono/request-id';
import { HTTPException } from 'hono/http-exception';
import { matchedRoutes } from 'hono/route';
import type { Config } from './config.ts';
import { apiKeys, KeyGuard } from './http/api-keys.ts';
import { ApiError } from './http/errors.ts';
import type { Logger } from './http/log.ts';
import { legacyPaths } from './legacy/reference.ts';
import { LEGACY_PREFIXES, legacyRoutes } from './legacy/routes.ts';
import type { MeiliReader } from './meili/reader.ts';
import { Metrics } from './ops/metrics.ts';
import { Readiness } from './ops/readiness.ts';
import { CitationStore } from './store/citations.ts';
import { DEFAULT_EXPORT_LIMITS } from './api/export.ts';
import { modernRoutes } from './api/routes.ts';
import { keyGate } from './web/key-gate.ts';
import { WEB_DATA_ROUTES, webRoutes } from './web/routes.ts';

export type GatewayConfig = Pick<
  Config,
  'MAX_ROWS' | 'MAX_CRITERIA_LENGTH' | 'MAX_CLAUSES' | 'MAX_DEPTH' | 'MAX_BODY_BYTES' | 'API_KEYS' | 'RATE_LIMIT_PER_MINUTE' | 'CORS_ORIGINS'
> & Partial<Pick<Config, 'WEB_UI' | 'WEB_PUBLIC' | 'MAX_FILTER_COST' | 'EXPORT_MAX_CONCURRENT' | 'EXPORT_MAX_PER_KEY' | 'EXPORT_IDLE_TIMEOUT_MS'>>;

export interface GatewayDeps {
  reader: MeiliReader;
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

/** The route pattern that answered ("/ds-api/:dataset/:version/records"), for logs and metrics. */
function routeLabel(c: Context): string {
  const last = matchedRoutes(c).at(-1);
  // Only middleware (method ALL) matched: no route answered.
  return last && last.method !== 'ALL' ? last.path : 'unmatched';
}

function errorResponse(c: Context, err: ApiError): Response {
  for (const [k, v] of Object.entries(err.extra.headers ?? {})) c.header(k, v);
  return c.json(err.body(), err.status);
}

export function createApp(deps: GatewayDeps): Hono {
  const { reader, config, log } = deps;
  const store = new CitationStore(reader, { maxFilterCost: config.MAX_FILTER_COST });
  const readiness = deps.readiness ?? new Readiness(reader);
  const metrics = deps.metrics ?? new Metrics();
  const accepting = deps.accepting ?? (() => true);
  // Not strict: "/ds-api" and "/ds-api/" are the same resource, as on the old service.
  const app = new Hono({ strict: false });

  app.use(requestId());
  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    const seconds = (performance.now() - started) / 1000;
    const route = routeLabel(c);
    metrics.observeRequest(c.req.method, route, c.res.status, seconds);
    if (c.res.status === 503) metrics.meiliError('unavailable');
    log.info('request', {
      requestId: c.get('requestId'),
      method: c.req.method,
      route,
      status: c.res.status,
      durationMs: Math.round(seconds * 10_000) / 10,
    });
  });
  app.use(async (c, next) => {
    if (!accepting() && !['/health', '/metrics'].includes(c.req.path)) {
      c.header('Connection', 'close');
      throw new ApiError(503, 'shutting_down', 'the gateway is shutting down', { headers: { 'Retry-After': '1' } });
    }
    await next();
  });
  if (config.CORS_ORIGINS?.length) {
    const origins = config.CORS_ORIGINS;
    app.use(cors({ origin: origins.includes('*') ? '*' : origins, allowHeaders: ['Content-Type', 'X-API-KEY'], maxAge: 600 }));
  }
  app.use(
    bodyLimit({
      maxSize: config.MAX_BODY_BYTES,
      onError: () => {
        throw new ApiError(413, 'body_too_large', `the request body is larger than ${config.MAX_BODY_BYTES} bytes`);
      },
    }),
  );
  app.use(compress({ encoding: 'gzip' }));
  const keyGuard = config.API_KEYS?.length ? new KeyGuard(config.API_KEYS, config.RATE_LIMIT_PER_MINUTE) : undefined;
  if (keyGuard) {
    const guard = apiKeys(keyGuard);
    for (const prefix of [...LEGACY_PREFIXES, '/api']) app.use(`${prefix}/*`, guard);
  }

  app.get('/health', (c) => c.json({ status: 'ok' }));
  app.get('/ready', async (c) => {
    if (!accepting()) return c.json({ ready: false, reason: 'shutting down' }, 503);
    const answer = await readiness.check();
    if (!answer.ready) return c.json({ ready: false, reason: answer.reason }, 503);
    return c.json({ ready: true });
  });
  app.get('/metrics', (c) => c.text(metrics.render(), 200, { 'Content-Type': 'text/plain; version=0.0.4' }));

  const legacyOptions = {
    store,
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
    app.route('/', webRoutes(store));
  }

  app.notFound((c) => c.json(new ApiError(404, 'not_found', `no route ${c.req.method} ${c.req.path}`).body(), 404));
  app.onError((err, c) => {
    if (err instanceof ApiError) return errorResponse(c, err);
    if (err instanceof HTTPException) {
      return errorResponse(c, new ApiError(err.status as ApiError['status'], 'http_error', err.message || 'request refused'));
    }
    if (c.req.raw.signal.aborted) return c.body(null, 499 as never);
    log.error('unhandled error', { requestId: c.get('requestId'), route: routeLabel(c), error: String(err) });
    return c.json(new ApiError(500, 'internal', 'internal error; the log has the details under this request id', { details: { requestId: c.get('requestId') } }).body(), 500);
  });
  return app;
}
