/**
 * Where every error leaves the gateway: `errorHandler` (Hono's onError) and `notFound`, both in
 * the one JSON error shape (errors.ts). Why one place: nothing else can then put a stack trace or
 * an internal message in front of a client - an ApiError goes out as it is, an HTTPException of
 * Hono's middleware becomes one, a request the client gave up on gets no answer (499, for the
 * logs), and anything else is a 500 whose details are in the log under the request id.
 *
 * The handler notes the error's code on the context (`errorCode`), so the access log's metrics
 * can tell a Meilisearch fault from the gateway's own 503s (middleware/access-log.ts).
 */
import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { ApiError } from './errors.ts';
import type { Logger } from './log.ts';
import { routeLabel } from './route-label.ts';
import { requestSignal } from './node-request.ts';

function errorResponse(c: Context, err: ApiError): Response {
  c.set('errorCode', err.code);
  for (const [k, v] of Object.entries(err.extra.headers ?? {})) c.header(k, v);
  return c.json(err.body(), err.status);
}

export function errorHandler({ log }: { log: Logger }): ErrorHandler {
  return (err, c) => {
    if (err instanceof ApiError) return errorResponse(c, err);
    if (err instanceof HTTPException) {
      return errorResponse(c, new ApiError(err.status as ApiError['status'], 'http_error', err.message || 'request refused'));
    }
    if (requestSignal(c).aborted) return c.body(null, 499 as never);
    log.error('unhandled error', { requestId: c.get('requestId'), route: routeLabel(c), error: String(err) });
    c.set('errorCode', 'internal');
    return c.json(new ApiError(500, 'internal', 'internal error; the log has the details under this request id', { details: { requestId: c.get('requestId') } }).body(), 500);
  };
}

export function notFound(): NotFoundHandler {
  return (c) => c.json(new ApiError(404, 'not_found', `no route ${c.req.method} ${c.req.path}`).body(), 404);
}
