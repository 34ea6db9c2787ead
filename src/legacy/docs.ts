/**
 * Stored record -> v1 doc, in the shape real v1 clients read: `id` a plain string, every other
 * field a one-element array of strings (flags "0"/"1", numbers as strings, mailDate as
 * "yyyy-MM-ddT00:00:00"), empty fields left out. Only legacy fields are served.
 */
import { LEGACY_FIELDS, type FieldSpec } from '../catalog/fields.ts';
import type { OaRecord } from '../catalog/schema.ts';

export type LegacyDoc = { id?: string } & Record<string, string | string[]>;

function legacyValue(field: FieldSpec, value: unknown): string[] {
  if (field.type === 'date') return [`${String(value)}T00:00:00`];
  if (Array.isArray(value)) return value.map(String);
  return [String(value)];
}

/** A record as a v1 doc of the given fields (a data set's legacy fields, or the `fl` chosen of them). */
export function toLegacyDoc(record: OaRecord, fields: readonly FieldSpec[] = LEGACY_FIELDS): LegacyDoc {
  const doc: LegacyDoc = {};
  const values = record as Readonly<Record<string, unknown>>;
  for (const field of fields) {
    const value = values[field.name];
    if (value === undefined || value === null || value === '') continue;
    if (field.name === 'id') doc.id = String(value);
    else doc[field.name] = legacyValue(field, value);
  }
  return doc;
}
