/**
 * The request body cap (MAX_BODY_BYTES): Hono's bodyLimit, refusing with the one error shape
 * (413 `body_too_large`) rather than Hono's plain-text answer. Why a cap at all: a legacy POST
 * carries criteria in its body, and nothing legitimate needs more than a few kilobytes.
 */
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { ApiError } from '../errors.ts';

export function bodyLimitOf(maxBytes: number): MiddlewareHandler {
  return bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new ApiError(413, 'body_too_large', `the request body is larger than ${maxBytes} bytes`);
    },
  });
}
