/**
 * The zod schema of a record - every catalog field, derived ones included, as the API serves it
 * and as every layer above the stored layout (layout.ts) sees it - derived from the field catalog.
 * The indexer validates a sample of the records it builds against it; tests and the API use it.
 */
import { z } from 'zod';
import { FIELDS, REQUIRED_FIELDS, type CatalogField, type FieldName, type FieldOf, type FieldType } from './fields.ts';

const nonEmpty = z.string().min(1);

const storedValue: Record<FieldType, z.ZodType> = {
  string: nonEmpty,
  flag: z.union([z.literal(0), z.literal(1)]),
  int: z.number().int().nonnegative(),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected yyyy-MM-dd'),
  strings: z.array(nonEmpty).min(1),
};

/** The fields every record has (the catalog's `required`): their column may not be empty. */
export const REQUIRED_FIELD_NAMES: ReadonlySet<FieldName> = new Set(REQUIRED_FIELDS.map((f) => f.name));

/** Whether every record has the field (the catalog's `required`). */
export const isRequired = (name: string): boolean => REQUIRED_FIELD_NAMES.has(name as FieldName);

/** Required fields are in every record; all others are left out of the record when empty. */
function shapeOf(fields: readonly CatalogField[]) {
  return Object.fromEntries(
    fields.map((f) => {
      const value = storedValue[f.type];
      return [f.name, isRequired(f.name) ? value : value.optional()];
    }),
  );
}

export const recordSchema = z.strictObject(shapeOf(FIELDS));

/** The value a field of each type holds in a record (what `storedValue` above accepts). */
export interface ValueOfType {
  string: string;
  flag: 0 | 1;
  int: number;
  date: string;
  strings: string[];
}

/** The value of one field in a record. */
export type FieldValue<N extends FieldName> = ValueOfType[FieldOf<N>['type']];

/**
 * A record: catalog field names only, each with its type's value. Every field but the id is
 * optional in the type - a record read with a subset of its fields lacks the others, and empty
 * fields are left out; the schema above says which fields a whole record must have.
 */
export type OaRecord = { id: string } & { [N in FieldName]?: FieldValue<N> };

export const FORM_TYPES = ['892', '1449', 'oa-text'] as const;
export type FormType = (typeof FORM_TYPES)[number];
