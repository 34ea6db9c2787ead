/**
 * The route registry: every modern-API route declares its method, path, summary, zod path and
 * query schemas and its response (a zod schema for JSON, or content types for streams/pages).
 * From that one declaration:
 * - `mountRoutes` registers the Hono handler, which validates the request before the handler
 *   runs (bad input -> 400 with one `{param, message}` per problem);
 * - openapi.ts generates the OpenAPI document (no hand-written spec can drift from the code).
 */
import type { Context, Hono } from 'hono';
import { z } from 'zod';
import { badRequest } from '../http/errors.ts';

type AnyObject = z.ZodObject;

export interface JsonResponse<S extends z.ZodType> {
  description: string;
  /** Component name of the response schema in the OpenAPI document. */
  schemaId: string;
  schema: S;
}

export interface OtherResponse {
  description: string;
  /** Media types the route answers with (CSV, NDJSON, HTML ...), each described as a string body. */
  contentTypes: readonly string[];
}

export interface RouteSpec<P extends AnyObject, Q extends AnyObject, S extends z.ZodType> {
  method: 'get';
  /** OpenAPI form, e.g. `/api/v1/facets/{facet}`. */
  path: string;
  operationId: string;
  tag: string;
  summary: string;
  description?: string;
  params?: P;
  query?: Q;
  /** Query parameters whose values may contain commas (never split into several values). */
  verbatim?: ReadonlySet<string>;
  response: JsonResponse<S> | OtherResponse;
  /** Error statuses the route can answer with besides 400 (bad parameters). */
  errors?: readonly (404 | 503)[];
  /** Returns the JSON body (typed by the response schema) or a ready Response (streams, pages). */
  handler: (c: Context, input: { params: z.output<P>; query: z.output<Q> }) => Promise<z.input<S> | Response> | z.input<S> | Response;
}

/** A route with its types erased, as the registry keeps it: the same declaration, any schemas. */
export type Route = Omit<RouteSpec<AnyObject, AnyObject, z.ZodType>, 'handler'> & {
  handler: (c: Context, input: { params: unknown; query: unknown }) => Promise<unknown> | unknown;
};

export function defineRoute<P extends AnyObject = z.ZodObject<{}>, Q extends AnyObject = z.ZodObject<{}>, S extends z.ZodType = z.ZodType>(
  spec: RouteSpec<P, Q, S>,
): Route {
  return spec as unknown as Route;
}

export const isJsonResponse = (r: Route['response']): r is JsonResponse<z.ZodType> => 'schema' in r;

/** `/api/v1/facets/{facet}` -> `/api/v1/facets/:facet` */
export const honoPath = (path: string) => path.replace(/\{(\w+)\}/g, ':$1');

export interface ParamIssue {
  param: string;
  message: string;
}

function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  while (s instanceof z.ZodOptional || s instanceof z.ZodDefault) s = s.unwrap() as z.ZodType;
  return s;
}

/** Names of the array-valued parameters of a query schema (repeatable, comma-separable). */
function arrayParams(query: AnyObject): Set<string> {
  return new Set(Object.entries(query.shape).flatMap(([k, v]) => (unwrap(v as z.ZodType) instanceof z.ZodArray ? [k] : [])));
}

/**
 * The query string as the schema expects it: arrays for repeatable parameters (repeated and/or
 * comma-separated), the last value for the others; blank scalar values count as absent (HTML
 * forms send them). Unknown parameters are issues: a misspelt filter must not silently widen a
 * search.
 */
function rawQuery(c: Context, route: Route, issues: ParamIssue[]): Record<string, unknown> {
  const query = route.query ?? z.object({});
  const known = Object.keys(query.shape);
  const arrays = arrayParams(query);
  const raw: Record<string, unknown> = {};
  for (const [name, values] of Object.entries(c.req.queries())) {
    if (!known.includes(name)) {
      const near = known.find((k) => k.toLowerCase() === name.toLowerCase());
      issues.push({
        param: name,
        message: near ? `unknown parameter; did you mean "${near}"?` : `unknown parameter; valid parameters: ${known.join(', ') || 'none'}`,
      });
      continue;
    }
    if (arrays.has(name)) {
      raw[name] = values
        .flatMap((v) => (route.verbatim?.has(name) ? [v] : v.split(',')))
        .map((v) => v.trim())
        .filter(Boolean);
    } else {
      const last = values[values.length - 1];
      if (last !== undefined && last.trim() !== '') raw[name] = last.trim();
    }
  }
  return raw;
}

function issuesOf(error: z.ZodError, fallbackParam: string): ParamIssue[] {
  return error.issues.map((i) => ({ param: String(i.path[0] ?? fallbackParam), message: i.message }));
}

/** One 400 for every problem with the request's parameters, each named. */
export function invalidParameters(issues: ParamIssue[]) {
  const message = issues.map((i) => `${i.param}: ${i.message}`).join('; ');
  return badRequest('invalid_parameter', message, { details: issues });
}

export function validateRequest(c: Context, route: Route): { params: unknown; query: unknown } {
  const issues: ParamIssue[] = [];
  let params: unknown = {};
  if (route.params) {
    const parsed = route.params.safeParse(c.req.param());
    if (parsed.success) params = parsed.data;
    else issues.push(...issuesOf(parsed.error, 'path'));
  }
  const raw = rawQuery(c, route, issues);
  const parsed = (route.query ?? z.object({})).safeParse(raw);
  if (issues.length || !parsed.success) {
    if (!parsed.success) issues.push(...issuesOf(parsed.error, 'query'));
    throw invalidParameters(issues);
  }
  return { params, query: parsed.data };
}

export function mountRoutes(app: Hono, routes: readonly Route[]): void {
  for (const route of routes) {
    app.on(route.method.toUpperCase(), honoPath(route.path), async (c) => {
      const input = validateRequest(c, route);
      const out = await route.handler(c, input);
      return out instanceof Response ? out : c.json(out as object);
    });
  }
}
