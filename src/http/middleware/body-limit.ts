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
    onError: () => tooLarge(maxBytes),
  });
  // Under @hono/node-server a request without Content-Length or Transfer-Encoding has no body
  // (HTTP/1.1), so there is nothing to limit; one with a Content-Length is limited by that length
  // (Node's parser ends the body there). Hono's check would build the full Web Request (body
  // stream and all) to find either out, on every request. A chunked body goes through it, read
  // and cut at the limit.
  return (c, next) => {
    const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
    // A GET or HEAD has no body to the Web Request either: nothing to limit, whatever its headers say.
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    if (incoming === undefined || incoming.headers['transfer-encoding'] !== undefined) return limit(c, next);
    const length = incoming.headers['content-length'];
    if (length !== undefined && Number.parseInt(length, 10) > maxBytes) return tooLarge(maxBytes);
    return next();
  };
}

const tooLarge = (maxBytes: number) => {
  throw new ApiError(413, 'body_too_large', `the request body is larger than ${maxBytes} bytes`);
};
