/**
 * Optional gateway API keys (`API_KEYS`): when configured, every request for data must carry one,
 * and each key gets a token bucket of RATE_LIMIT_PER_MINUTE requests (429 + Retry-After when
 * empty). Off by default; /health, /ready and /metrics stay open.
 *
 * `KeyGuard` checks and counts a key wherever it came from; `apiKeys` is the middleware of the
 * APIs (the `X-API-KEY` header). The web page's gate (src/web/key-gate.ts) also reads the key from
 * its cookie. The key a request was admitted with is on the context as `apiKey` (per-key limits
 * such as concurrent exports use it).
 */
import type { MiddlewareHandler } from 'hono';
import { timingSafeEqual } from 'node:crypto';
import { ApiError } from './errors.ts';

declare module 'hono' {
  interface ContextVariableMap {
    /** The API key the request was admitted with (only when API_KEYS is set). */
    apiKey: string;
  }
}

function sameKey(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class KeyGuard {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly keys: readonly string[],
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * The configured key `given` is, counted against its rate limit; a 401 or 429 ApiError
   * otherwise. `source` names where the key is read from, for the message.
   */
  admit(given: string | undefined, source = 'X-API-KEY header'): string {
    const key = given ? this.keys.find((k) => sameKey(k, given)) : undefined;
    if (!key) throw new ApiError(401, 'unauthorized', given ? `the ${source} given is not a valid key` : `an ${source} is required`);
    if (this.perMinute > 0) {
      const t = this.now();
      const b = this.buckets.get(key) ?? { tokens: this.perMinute, at: t };
      b.tokens = Math.min(this.perMinute, b.tokens + ((t - b.at) / 60_000) * this.perMinute);
      b.at = t;
      this.buckets.set(key, b);
      if (b.tokens < 1) {
        const wait = Math.ceil(((1 - b.tokens) / this.perMinute) * 60);
        throw new ApiError(429, 'rate_limited', `rate limit of ${this.perMinute} requests per minute reached for this key`, {
          headers: { 'Retry-After': String(wait) },
        });
      }
      b.tokens -= 1;
    }
    return key;
  }
}

/** The APIs' guard: the key in `X-API-KEY`. */
export function apiKeys(guard: KeyGuard): MiddlewareHandler {
  return async (c, next) => {
    c.set('apiKey', guard.admit(c.req.header('x-api-key')));
    await next();
  };
}
