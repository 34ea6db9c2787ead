/**
 * CORS for the configured origins only (CORS_ORIGINS; `*` for any): browsers on other sites may
 * call the APIs, with the `X-API-KEY` header when keys are on. Off unless configured, so a
 * gateway never answers cross-origin by accident. Preflights are cached for ten minutes.
 */
import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';

export function corsFor(origins: readonly string[]): MiddlewareHandler {
  return cors({ origin: origins.includes('*') ? '*' : [...origins], allowHeaders: ['Content-Type', 'X-API-KEY'], maxAge: 600 });
}
