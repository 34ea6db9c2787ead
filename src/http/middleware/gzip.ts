/**
 * gzip for the clients that ask for it (`Accept-Encoding: gzip`), and nothing at all for the
 * others. Hono's compress middleware reads the response's headers to decide, which turns
 * @hono/node-server's lightweight response into a full Web Response (a ReadableStream and its
 * transfer machinery) on every request - CPU spent even when nothing is compressed.
 */
import type { MiddlewareHandler } from 'hono';
import { compress } from 'hono/compress';

export function gzipWhenAccepted(): MiddlewareHandler {
  const gzip = compress({ encoding: 'gzip' });
  return (c, next) => (/\bgzip\b/i.test(c.req.header('accept-encoding') ?? '') ? gzip(c, next) : next());
}
