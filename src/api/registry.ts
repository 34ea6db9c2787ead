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
  errors?: readonly (404 | 429 | 503)[];
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
 * How this API reads a query string, for a query schema: arrays for repeatable parameters
 * (repeated and/or comma-separated, except `verbatim` ones whose values may hold commas), the
 * last value for the others; blank values count as absent (HTML forms send them). Parameters the
 * schema does not know are returned apart, with their raw values. The web page reads its URL with
 * the same rules, so the state it shows is the state it searched.
 */
export function readQueryString(
  queries: Record<string, string[]>,
  query: AnyObject,
  verbatim?: ReadonlySet<string>,
): { values: Map<string, string[]>; unknown: Map<string, string[]> } {
  const arrays = arrayParams(query);
  const values = new Map<string, string[]>();
  const unknown = new Map<string, string[]>();
  for (const [name, raw] of Object.entries(queries)) {
    if (!Object.hasOwn(query.shape, name)) {
      unknown.set(name, raw);
      continue;
    }
    const list = arrays.has(name)
      ? raw.flatMap((v) => (verbatim?.has(name) ? [v] : v.split(','))).map((v) => v.trim()).filter(Boolean)
      : [raw[raw.length - 1]?.trim() ?? ''].filter(Boolean);
    if (list.length) values.set(name, list);
  }
  return { values, unknown };
}

/**
 * The query string as the schema expects it (see readQueryString). Unknown parameters are issues:
 * a misspelt filter must not silently widen a search.
 */
function rawQuery(c: Context, query: AnyObject, verbatim: ReadonlySet<string> | undefined, issues: ParamIssue[]): Record<string, unknown> {
  const known = Object.keys(query.shape);
  const arrays = arrayParams(query);
  const { values, unknown } = readQueryString(c.req.queries(), query, verbatim);
  for (const name of unknown.keys()) {
    const near = known.find((k) => k.toLowerCase() === name.toLowerCase());
    issues.push({
      param: name,
      message: near ? `unknown parameter; did you mean "${near}"?` : `unknown parameter; valid parameters: ${known.join(', ') || 'none'}`,
    });
  }
  const raw: Record<string, unknown> = {};
  for (const [name, list] of values) raw[name] = arrays.has(name) ? list : list[0];
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
  const query = parseQuery(c, route.query ?? z.object({}), route.verbatim, issues);
  if (issues.length) throw invalidParameters(issues);
  return { params, query };
}

/**
 * The request's query string parsed with `schema`, by the rules above; throws one 400 naming every
 * problem. For handlers outside the registry (the web page) that read the API's parameters.
 */
export function validateQuery<Q extends AnyObject>(c: Context, schema: Q, verbatim?: ReadonlySet<string>): z.output<Q> {
  const issues: ParamIssue[] = [];
  const query = parseQuery(c, schema, verbatim, issues);
  if (issues.length) throw invalidParameters(issues);
  return query as z.output<Q>;
}

function parseQuery(c: Context, schema: AnyObject, verbatim: ReadonlySet<string> | undefined, issues: ParamIssue[]): unknown {
  const raw = rawQuery(c, schema, verbatim, issues);
  const parsed = schema.safeParse(raw);
  if (!parsed.success) issues.push(...issuesOf(parsed.error, 'query'));
  return parsed.success ? parsed.data : undefined;
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
