/**
 * A record's types, and the citations catalog's zod record schema - every field, derived ones
 * included, as the API serves it and as every layer above the stored layout (stored-layout.ts)
 * sees it. Each data set's schema is its catalog's `recordSchema` (catalog.ts). The indexer
 * validates a sample of the records it builds against it; tests and the API use it.
 */
import { CITATIONS } from './citations.ts';
import type { FieldName, FieldOf } from './fields.ts';

export { FORM_TYPES, type FormType } from './derived.ts';

/** The citations schema (the modern API's records). */
export const recordSchema = CITATIONS.recordSchema;

/** The value a field of each type holds in a record (what the record schema accepts). */
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
 * A record of either data set: catalog field names only, each with its type's value. Every field
 * but the id is optional in the type - a record read with a subset of its fields lacks the others,
 * and empty fields are left out; a catalog's schema says which fields a whole record must have.
 */
export type OaRecord = { id: string } & { [N in FieldName]?: FieldValue<N> };
