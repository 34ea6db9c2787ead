/**
 * Refuses new requests while the gateway shuts down: 503 `shutting_down` with Retry-After and
 * `Connection: close`, so clients and load balancers move to another instance instead of waiting
 * for one that is going away (main.ts stops accepting on SIGTERM, then lets in-flight work end).
 *
 * /health and /metrics stay open: the process is alive and its counters are still worth reading
 * until it exits. (/ready answers "not ready" by itself, src/ops/routes.ts.)
 */
import type { MiddlewareHandler } from 'hono';
import { ApiError } from '../errors.ts';

export const OPEN_WHILE_DRAINING: readonly string[] = ['/health', '/metrics'];

/** @param accepting false once the process is shutting down */
export function draining(accepting: () => boolean, open: readonly string[] = OPEN_WHILE_DRAINING): MiddlewareHandler {
  return async (c, next) => {
    if (!accepting() && !open.includes(c.req.path)) {
      c.header('Connection', 'close');
      throw new ApiError(503, 'shutting_down', 'the gateway is shutting down', { headers: { 'Retry-After': '1' } });
    }
    await next();
  };
}
