/**
 * The zod schema of a stored record (one Meilisearch document), derived from the field catalog.
 * The indexer validates every record it builds against it; tests and the API use its type.
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

/** Fields every record must have; all others are left out of the record when empty. */
const REQUIRED = new Set(['id', 'applicationId', 'Patent_PGPub', 'form892', 'form1449', 'citationInOA']);

function shapeOf(fields: readonly FieldSpec[]) {
  return Object.fromEntries(
    fields.map((f) => {
      const value = storedValue[f.type];
      return [f.name, REQUIRED.has(f.name) ? value : value.optional()];
    }),
  );
}

export const recordSchema = z.strictObject(shapeOf(FIELDS));

/** A stored record. Values are typed loosely here; the schema above is the real contract. */
export type OaRecord = { id: string } & Record<string, string | number | string[] | undefined>;

export const FORM_TYPES = ['892', '1449', 'oa-text'] as const;
export type FormType = (typeof FORM_TYPES)[number];
