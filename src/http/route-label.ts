/**
 * The route pattern that answered a request ("/ds-api/:dataset/:version/records"), for logs and
 * metrics: a pattern, not the path, so labels stay few whatever clients ask for.
 */
import type { Context } from 'hono';
import { matchedRoutes } from 'hono/route';

export function routeLabel(c: Context): string {
  const last = matchedRoutes(c).at(-1);
  // Only middleware (method ALL) matched: no route answered.
  return last && last.method !== 'ALL' ? last.path : 'unmatched';
}
