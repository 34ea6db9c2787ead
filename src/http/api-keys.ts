/**
 * Optional gateway API keys (`API_KEYS`): when configured, every API request must carry one in
 * `X-API-KEY`, and each key gets a token bucket of RATE_LIMIT_PER_MINUTE requests (429 +
 * Retry-After when empty). Off by default; /health, /ready and /metrics stay open.
 */
import type { MiddlewareHandler } from 'hono';
import { timingSafeEqual } from 'node:crypto';
import { ApiError } from './errors.ts';

function sameKey(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function apiKeys(keys: readonly string[], perMinute: number, now: () => number = Date.now): MiddlewareHandler {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return async (c, next) => {
    const given = c.req.header('x-api-key');
    const key = given ? keys.find((k) => sameKey(k, given)) : undefined;
    if (!key) {
      throw new ApiError(401, 'unauthorized', given ? 'the X-API-KEY header does not hold a valid key' : 'an X-API-KEY header is required');
    }
    if (perMinute > 0) {
      const t = now();
      const b = buckets.get(key) ?? { tokens: perMinute, at: t };
      b.tokens = Math.min(perMinute, b.tokens + ((t - b.at) / 60_000) * perMinute);
      b.at = t;
      if (b.tokens < 1) {
        const wait = Math.ceil(((1 - b.tokens) / perMinute) * 60);
        buckets.set(key, b);
        throw new ApiError(429, 'rate_limited', `rate limit of ${perMinute} requests per minute reached for this key`, {
          headers: { 'Retry-After': String(wait) },
        });
      }
      b.tokens -= 1;
      buckets.set(key, b);
    }
    await next();
  };
}
