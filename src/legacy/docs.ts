/**
 * The v1 doc, in the shape real v1 clients read: `id` a plain string, every other field a
 * one-element array of strings (flags "0"/"1", numbers as strings, mailDate as
 * "yyyy-MM-ddT00:00:00"), empty fields left out. Only legacy fields are served.
 *
 * `toLegacyDoc` says it of a record; the answers write the same JSON text straight from the stored
 * documents (`legacyDocWriter`, `legacyDocsJson`).
 */
import { LEGACY_FIELDS, type FieldSpec } from '../catalog/fields.ts';
import type { FieldText, StoredDoc, StoredLayout } from '../catalog/layout.ts';
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

/**
 * The JSON text of a field's v1 value: `JSON.stringify(legacyValue(field, value))` (or of the
 * plain string, for `id`), with the usual cases written without building the one-element array -
 * a string quoted by JSON.stringify itself, a number as its digits (String of a number never
 * needs escaping).
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

/** A field of a v1 doc as JSON text: `"form892":["1"]` ('' for an empty value, which the doc leaves out). */
const legacyField: FieldText = (field) => {
  const key = `${JSON.stringify(field.name)}:`;
  const write = valueWriter(field);
  return (v) => (v === null || v === '' ? '' : key + write(v));
};

/** A stored document as the JSON text of its v1 doc's fields (the doc without its braces). */
export type LegacyDocWriter = (doc: Readonly<StoredDoc>) => string;

const writers = new WeakMap<StoredLayout, Map<string, LegacyDocWriter>>();
/** Writers kept per layout, the least recently asked for dropped first: the legacy fields, and the `fl` choices. */
const KEPT_WRITERS = 64;

/**
 * The writer of v1 docs of the given fields straight from a layout's stored documents
 * (StoredLayout.writer): the docs are only serialised, so neither a record nor a doc object is
 * built in between - decoding the records and writing their docs were a sixth of the gateway's CPU
 * per legacy request, and most of a doc is flags and codes, whose texts the writer has ready.
 * A name given twice is one key of the doc, at its first place.
 */
export function legacyDocWriter(layout: StoredLayout, fields: readonly FieldSpec[]): LegacyDocWriter {
  let kept = writers.get(layout);
  if (!kept) writers.set(layout, (kept = new Map()));
  // A field's text depends on its name and type (a date is written with its time).
  const key = fields.map((f) => `${f.name}:${f.type}`).join(',');
  let writer = kept.get(key);
  if (writer) kept.delete(key);
  else {
    const distinct = new Map<string, FieldSpec>();
    for (const f of fields) if (!distinct.has(f.name)) distinct.set(f.name, f);
    writer = layout.writer([...distinct.values()], legacyField, ',');
    if (kept.size >= KEPT_WRITERS) kept.delete(kept.keys().next().value!);
  }
  kept.set(key, writer);
  return writer;
}

/**
 * The docs array of a v1 answer from the texts of its docs' fields (a LegacyDocWriter's):
 * exactly `JSON.stringify(records.map((r) => toLegacyDoc(r, fields)))` for the records the
 * documents decode to (test/legacy/docs-json.test.ts holds the two texts equal).
 */
export function legacyDocsJson(texts: readonly string[]): string {
  let out = '[';
  for (let i = 0; i < texts.length; i++) out += `${i === 0 ? '{' : ',{'}${texts[i]!}}`;
  return `${out}]`;
}
