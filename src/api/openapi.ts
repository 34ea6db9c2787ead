/**
 * The OpenAPI 3.1 document, generated from the route registry: paths and parameters from each
 * route's zod params/query schemas, responses from its response schema, components from the
 * schema registry (schemas.ts). JSON Schema 2020-12 is OpenAPI 3.1's schema dialect, which is
 * what z.toJSONSchema emits. Nothing here is written by hand per route.
 */
import { z } from 'zod';
import { apiSchemas, errorOut } from './schemas.ts';
import { isJsonResponse, type Route } from './registry.ts';

type Json = Record<string, unknown>;

const COMPONENT = (id: string) => `#/components/schemas/${id}`;

/** A JSON Schema without the keywords that only make sense at a document root. */
function embedded(schema: Json): Json {
  const { $schema: _s, $id: _i, ...rest } = schema;
  return rest;
}

/** One OpenAPI parameter per property of a params/query object schema. */
function parametersOf(schema: z.ZodObject | undefined, location: 'path' | 'query'): Json[] {
  if (!schema) return [];
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, Json>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, prop]) => {
    const { description, ...rest } = prop;
    return {
      name,
      in: location,
      required: location === 'path' || (json.required ?? []).includes(name),
      ...(description ? { description } : {}),
      schema: rest,
      // Arrays are written as repeated parameters (?artUnit=2154&artUnit=2155).
      ...(rest.type === 'array' ? { style: 'form', explode: true } : {}),
    };
  });
}

const ERROR_RESPONSES: Record<number, string> = {
  400: 'Invalid parameters: details lists {param, message} for each; `too_expensive` when the filter would cost Meilisearch more than MAX_FILTER_COST (the message names the costliest conditions).',
  404: 'Nothing matches (details may hold suggestions).',
  429: 'A per-key limit is reached (rate, or concurrent exports); retry after Retry-After seconds.',
  503: 'Meilisearch is unavailable, the index is not built yet, or the gateway is busy (`busy`, `too_many_exports`); retry after Retry-After seconds.',
};

function errorResponse(status: number): Json {
  return { description: ERROR_RESPONSES[status], content: { 'application/json': { schema: { $ref: COMPONENT('Error') } } } };
}

function operationOf(route: Route): Json {
  const ok = isJsonResponse(route.response)
    ? { description: route.response.description, content: { 'application/json': { schema: { $ref: COMPONENT(route.response.schemaId) } } } }
    : {
        description: route.response.description,
        content: Object.fromEntries(route.response.contentTypes.map((t) => [t, { schema: { type: 'string' } }])),
      };
  const parameters = [...parametersOf(route.params, 'path'), ...parametersOf(route.query, 'query')];
  const responses: Json = { '200': ok };
  if (parameters.length) responses['400'] = errorResponse(400);
  for (const status of route.errors ?? []) responses[String(status)] = errorResponse(status);
  return {
    operationId: route.operationId,
    tags: [route.tag],
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    ...(parameters.length ? { parameters } : {}),
    responses,
  };
}

export interface OpenApiInfo {
  title: string;
  version: string;
  description: string;
}

/** `extraPaths`: path items declared elsewhere (the legacy routes, src/legacy/reference.ts), listed after the routes. */
export function buildOpenApi(routes: readonly Route[], info: OpenApiInfo, extraPaths: Record<string, Json> = {}): Json {
  // The error schema is referenced by every route, even when no route response embeds it.
  if (!apiSchemas.has(errorOut)) apiSchemas.add(errorOut, { id: 'Error' });
  const { schemas } = z.toJSONSchema(apiSchemas, { uri: COMPONENT, unrepresentable: 'any' }) as { schemas: Record<string, Json> };
  const paths: Record<string, Json> = {};
  for (const route of routes) {
    paths[route.path] = { ...(paths[route.path] ?? {}), [route.method]: operationOf(route) };
  }
  Object.assign(paths, extraPaths);
  const extraTags = Object.values(extraPaths).flatMap((item) => Object.values(item).flatMap((op) => ((op as { tags?: string[] }).tags ?? [])));
  const tags = [...new Set([...routes.map((r) => r.tag), ...extraTags])].map((name) => ({ name }));
  return {
    openapi: '3.1.0',
    info,
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    tags,
    paths,
    components: { schemas: Object.fromEntries(Object.entries(schemas).map(([id, s]) => [id, embedded(s)])) },
  };
}
