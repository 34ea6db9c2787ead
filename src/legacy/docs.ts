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

/** How one field of a doc is written as JSON: its `"name":` and its value's text. */
interface FieldWriter {
  name: string;
  key: string;
  write(value: unknown): string;
}

/**
 * The JSON text of a field's v1 value: `JSON.stringify(legacyValue(field, value))` (or of the
 * plain string, for `id`), with the usual cases written without building the one-element array -
 * a string quoted by JSON.stringify itself, a number as its digits (String of a number never
 * needs escaping). That array and its serialisation were a third of the legacy docs' cost.
 * test/legacy/docs-json.test.ts holds the two texts equal.
 */
function valueWriter(field: FieldSpec): (value: unknown) => string {
  if (field.name === 'id') return (v) => JSON.stringify(String(v));
  if (field.type === 'date') return (v) => `[${JSON.stringify(`${String(v)}T00:00:00`)}]`;
  return (v) => {
    if (typeof v === 'string') return `[${JSON.stringify(v)}]`;
    if (typeof v === 'number') return `["${String(v)}"]`;
    return JSON.stringify(legacyValue(field, v));
  };
}

const writers = new WeakMap<readonly FieldSpec[], FieldWriter[]>();

function writersFor(fields: readonly FieldSpec[]): FieldWriter[] {
  let list = writers.get(fields);
  if (!list) {
    const seen = new Set<string>();
    list = [];
    for (const field of fields) {
      if (seen.has(field.name)) continue; // a name twice is one key of the doc, at its first place
      seen.add(field.name);
      list.push({ name: field.name, key: `${JSON.stringify(field.name)}:`, write: valueWriter(field) });
    }
    writers.set(fields, list);
  }
  return list;
}

/**
 * Records as the JSON text of their v1 docs: exactly `JSON.stringify(records.map((r) =>
 * toLegacyDoc(r, fields)))`, written straight from the records rather than through an object and
 * an object per doc, which the legacy answer then only serialises (toLegacyDoc and the
 * serialisation were a fifth of the gateway's CPU per request).
 */
export function legacyDocsJson(records: readonly OaRecord[], fields: readonly FieldSpec[] = LEGACY_FIELDS): string {
  const list = writersFor(fields);
  let out = '[';
  for (let i = 0; i < records.length; i++) {
    const values = records[i] as Readonly<Record<string, unknown>>;
    out += i === 0 ? '{' : ',{';
    let first = true;
    for (const w of list) {
      const value = values[w.name];
      if (value === undefined || value === null || value === '') continue;
      out += first ? w.key : `,${w.key}`;
      out += w.write(value);
      first = false;
    }
    out += '}';
  }
  return `${out}]`;
}
