/**
 * Schemas shared by several routes, and the registry that names response schemas as OpenAPI
 * components (openapi.ts turns the whole registry into `components.schemas`, with `$ref`s between
 * them, so the stored-record schema is written once).
 */
import { z } from 'zod';
import type { Catalog } from '../catalog/catalog.ts';
import { CITATIONS } from '../catalog/citations.ts';
import type { CatalogField, FieldName } from '../catalog/fields.ts';
import { recordSchema } from '../catalog/schema.ts';
import type { JsonResponse } from './registry.ts';
import { NUMBER_KINDS } from './numbers.ts';

export const apiSchemas = z.registry<{ id: string }>();

/** A stored record: catalog names, flags 0/1, mailDate yyyy-MM-dd, empty fields absent. */
export const recordOut = recordSchema;
apiSchemas.add(recordOut, { id: 'Record' });

export const errorOut = z
  .object({
    error: z.object({
      code: z.string().describe('Stable machine-readable code, e.g. invalid_parameter, not_found, search_unavailable.'),
      message: z.string(),
      position: z.number().int().optional(),
      details: z.unknown().optional().describe('For invalid_parameter: [{param, message}] naming each bad parameter.'),
    }),
  })
  .describe('The one error shape of the API.');
apiSchemas.add(errorOut, { id: 'Error' });

export const countOut = z.number().int().nonnegative();
/** `{facet: {value: count}}`, as Meilisearch's facetDistribution. */
export const facetDistributionOut = z.record(z.string(), z.record(z.string(), countOut));
export const facetStatsOut = z.record(z.string(), z.object({ min: z.number(), max: z.number() }));
export const numberKindOut = z.enum(NUMBER_KINDS);

/** Declares a JSON response and names its schema as a component. */
export function jsonResponse<S extends z.ZodType>(schemaId: string, description: string, schema: S): JsonResponse<S> {
  apiSchemas.add(schema, { id: schemaId });
  return { schemaId, description, schema };
}

// ---------------------------------------------------------------------------------------------
// Parameter building blocks (derived from the catalog where they name fields).

/** The parameters that name one data set's fields: facets, fields to read, sort keys. */
export interface FieldParams {
  readonly facetNames: readonly string[];
  readonly fieldNames: readonly string[];
  readonly sortOptions: readonly string[];
  readonly facetName: z.ZodType<FieldName, string>;
  readonly fieldName: z.ZodType<FieldName, string>;
  readonly sort: z.ZodType<string, string>;
}

export function fieldParams(catalog: Catalog): FieldParams {
  const fields = catalog.fields as readonly CatalogField[];
  const facetNames = fields.filter((f) => f.facet).map((f) => f.name) as [FieldName, ...FieldName[]];
  const fieldNames = fields.map((f) => f.name) as [FieldName, ...FieldName[]];
  const sortOptions = fields.filter((f) => f.sort).flatMap((f) => [`${f.name}:asc`, `${f.name}:desc`]) as [string, ...string[]];
  return {
    facetNames,
    fieldNames,
    sortOptions,
    facetName: z.enum(facetNames, { error: (i) => `unknown facet "${String(i.input)}"; valid facets: ${facetNames.join(', ')}` }),
    fieldName: z.enum(fieldNames, { error: (i) => `unknown field "${String(i.input)}"; valid fields: ${fieldNames.join(', ')}` }),
    sort: z.enum(sortOptions, { error: (i) => `cannot sort by "${String(i.input)}"; valid: ${sortOptions.join(', ')}` }),
  };
}

const CITATION_PARAMS = fieldParams(CITATIONS);
export const SORT_OPTIONS = CITATION_PARAMS.sortOptions;
export const facetNameParam = CITATION_PARAMS.facetName;
export const fieldNameParam = CITATION_PARAMS.fieldName;

/** A whole-number query parameter in [min, max]. */
export function intParam(min: number, max: number) {
  return z.coerce
    .number({ error: 'must be a whole number' })
    .int({ error: 'must be a whole number' })
    .min(min, { error: `must be at least ${min}` })
    .max(max, { error: `must be at most ${max}` });
}
