/**
 * The request body cap (MAX_BODY_BYTES): Hono's bodyLimit, refusing with the one error shape
 * (413 `body_too_large`) rather than Hono's plain-text answer. Why a cap at all: a legacy POST
 * carries criteria in its body, and nothing legitimate needs more than a few kilobytes.
 */
import type { IncomingMessage } from 'node:http';
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { ApiError } from '../errors.ts';

export function bodyLimitOf(maxBytes: number): MiddlewareHandler {
  const limit = bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new ApiError(413, 'body_too_large', `the request body is larger than ${maxBytes} bytes`);
    },
  });
  // Under @hono/node-server a request without Content-Length or Transfer-Encoding has no body
  // (HTTP/1.1), so there is nothing to limit - and Hono's check would build the full Web Request
  // (body stream and all) just to find that out, on every GET. Anything else goes through it.
  return (c, next) => {
    const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
    const bodiless = incoming !== undefined && incoming.headers['content-length'] === undefined && incoming.headers['transfer-encoding'] === undefined;
    return bodiless ? next() : limit(c, next);
  };
}
