/**
 * The zod schema of a record - every catalog field, derived ones included, as the API serves it
 * and as every layer above the stored layout (layout.ts) sees it - derived from the field catalog.
 * The indexer validates a sample of the records it builds against it; tests and the API use it.
 */
import { z } from 'zod';
import { FIELDS, type FieldSpec, type FieldType } from './fields.ts';

const nonEmpty = z.string().min(1);

const storedValue: Record<FieldType, z.ZodType> = {
  string: nonEmpty,
  flag: z.union([z.literal(0), z.literal(1)]),
  int: z.number().int().nonnegative(),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected yyyy-MM-dd'),
  strings: z.array(nonEmpty).min(1),
};

/** Required fields are in every record; all others are left out of the record when empty. */
function shapeOf(fields: readonly FieldSpec[]) {
  return Object.fromEntries(
    fields.map((f) => {
      const value = storedValue[f.type];
      return [f.name, f.required ? value : value.optional()];
    }),
  );
}

export const recordSchema = z.strictObject(shapeOf(FIELDS));

/** A record. Values are typed loosely here; the schema above is the real contract. */
export type OaRecord = { id: string } & Record<string, string | number | string[] | undefined>;

export const FORM_TYPES = ['892', '1449', 'oa-text'] as const;
export type FormType = (typeof FORM_TYPES)[number];
