/**
 * The one error shape of the HTTP API: `{"error": {"code", "message", "position"?, "details"?}}`.
 * Anything thrown as an ApiError reaches the client as is; anything else is a 500 whose body says
 * nothing about the internals (the log has the request id).
 */
import type { ContentfulStatusCode } from 'hono/utils/http-status';

declare module 'hono' {
  interface ContextVariableMap {
    /**
     * The code of the ApiError a request was answered with: set by the error handler
     * (error-handler.ts) and by pages that show an error themselves (src/web/routes.ts); read by
     * the access log's metrics.
     */
    errorCode: string;
  }
}

export interface ErrorBody {
  error: { code: string; message: string; position?: number; details?: unknown };
}

export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly extra: { position?: number; details?: unknown; headers?: Record<string, string> } = {},
  ) {
    super(message);
  }

  body(): ErrorBody {
    const { position, details } = this.extra;
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(position !== undefined && position >= 0 ? { position } : {}),
        ...(details !== undefined ? { details } : {}),
      },
    };
  }
}

export const badRequest = (code: string, message: string, extra: ApiError['extra'] = {}) =>
  new ApiError(400, code, message, extra);
