/** A tiny Hono app around one middleware, answering errors as the gateway does. */
import { Hono, type MiddlewareHandler } from 'hono';
import { requestId } from 'hono/request-id';
import { errorHandler, notFound } from '../../src/http/error-handler.ts';
import { createLogger, type Logger } from '../../src/http/log.ts';

export function tinyApp(middleware: MiddlewareHandler[], options: { log?: Logger } = {}): Hono {
  const app = new Hono();
  app.use(requestId());
  for (const m of middleware) app.use(m);
  app.notFound(notFound());
  app.onError(errorHandler({ log: options.log ?? createLogger('silent') }));
  return app;
}

/** Log lines written, parsed. */
export function capturedLog(): { log: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  return { log: createLogger('debug', (l) => lines.push(JSON.parse(l) as Record<string, unknown>)), lines };
}
