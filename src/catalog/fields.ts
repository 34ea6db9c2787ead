/**
 * The field names and field types the code is written against, and the citations catalog's field
 * lists under the names the modern API and the web page use (they serve citations).
 *
 * Fields are described in their data set's list (citations.ts, rejections.ts, with what both share
 * in shared-fields.ts), in the vocabulary of field-spec.ts; the Catalog (catalog.ts) derives
 * everything else. Add or change a field there and nowhere else.
 */
import { CITATIONS, type CitationField } from './citations.ts';
import type { RejectionField } from './rejections.ts';
import type { FieldType, Table } from './field-spec.ts';

export { KEY_COLUMNS, PRIMARY_KEY, type FieldSource, type FieldSpec, type FieldType, type OwnTable, type Table } from './field-spec.ts';

/** An entry of a catalog, name and type known (a union over the fields of both data sets). */
export type CatalogField = CitationField | RejectionField;
/** The name of a catalog field: a misspelt field name in code is a type error. */
export type FieldName = CatalogField['name'];
/** The catalog entry of one field name. */
export type FieldOf<N extends FieldName> = Extract<CatalogField, { name: N }>;
/** Field names of one type ('flag', 'date', ...). */
export type FieldNameOfType<T extends FieldType> = Extract<CatalogField, { type: T }>['name'];

// ---- the citations catalog's lists (the modern API's data set) ------------------------------------

export const FIELDS: readonly CitationField[] = CITATIONS.fields;
export const FIELD_BY_NAME: ReadonlyMap<string, CatalogField> = CITATIONS.byName;

/** Whether a string (from a request, a file) names a citations field. */
export const isFieldName = (name: string): name is FieldName => FIELD_BY_NAME.has(name);

/** A sort key as the APIs write it: `mailDate:desc`. */
export type SortKey = `${FieldName}:${'asc' | 'desc'}`;

/**
 * The field of a sort key (`mailDate:desc` -> mailDate). Sort keys are checked where they come in
 * (the APIs' sort parameters); one naming no catalog field here is an internal error.
 */
export function sortFieldOf(key: string): FieldName {
  const name = key.split(':')[0]!;
  if (!isFieldName(name)) throw new Error(`internal: the sort key ${JSON.stringify(key)} names no catalog field`);
  return name;
}

/** The citations catalog's entry of a field name the code itself writes (an unknown one is an error at load). */
export function fieldSpec<N extends FieldName>(name: N): FieldOf<N> {
  const f = FIELD_BY_NAME.get(name);
  if (!f) throw new Error(`the field catalog has no field ${JSON.stringify(name)}`);
  return f as FieldOf<N>;
}

export const STORED_FIELDS: readonly CatalogField[] = CITATIONS.stored;
export const REQUIRED_FIELDS: readonly CatalogField[] = CITATIONS.required;
export const LEGACY_FIELDS: readonly CatalogField[] = CITATIONS.legacy;
export const FACET_FIELDS: readonly CatalogField[] = CITATIONS.facets;
export const DEFAULT_FIELDS: readonly CatalogField[] = CITATIONS.defaults;

/** The OARD columns a table must provide for citations: its join keys, then the catalog's columns in order. */
export function columnsOf(table: Table): string[] {
  return CITATIONS.columnsOf(table);
}
