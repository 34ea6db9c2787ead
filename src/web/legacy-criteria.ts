/**
 * The legacy `criteria` string equivalent to a set of modern filters, shown on the web page so
 * users learn the old syntax (and can paste it into scripts written for the DS-API).
 *
 * It works on the *parsed* filters (the output of the modern filter schema, src/api/filters.ts),
 * so a written number such as "US 7,123,456 B2" is already the stored value(s) it matches, and
 * the criteria selects exactly the records the filters do. Legacy fields translate one to one;
 * the modern API's derived fields through their entry in src/catalog/derived.ts (`criteria`, for
 * the values its `accepts` lets through the filter schema): `formType=892` reads `form892:1`,
 * `mailYear=2012` reads `mailDate:[20120101 TO 20121231]`. Nothing here knows a derived field.
 *
 * The keyword query has no equivalent: the DS-API had no full-text search over citation text.
 */
import type { CatalogField } from '../catalog/fields.ts';
import { derivationOf } from '../catalog/derived.ts';
import { RANGE_FILTER_FIELDS, VALUE_FILTER_FIELDS, type FilterInput } from '../api/filters.ts';

type Value = string | number;

/** Lucene term syntax, quoted unless the value is plainly one safe token (and not an operator word). */
export function luceneValue(value: Value): string {
  const text = String(value);
  if (/^[A-Za-z0-9][A-Za-z0-9_.]*$/.test(text) && !/^(AND|OR|NOT|TO)$/i.test(text)) return text;
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

function anyOf(terms: string[]): string {
  return terms.length === 1 ? terms[0]! : `(${terms.join(' OR ')})`;
}

function valueClause(f: CatalogField, values: Value[]): string {
  if (f.legacy) return `${f.name}:${anyOf(values.map(luceneValue))}`;
  const derivation = derivationOf(f.name)!;
  return anyOf(values.map((v) => derivation.criteria(v)));
}

const compactDate = (iso: string) => iso.replaceAll('-', '');

/** The criteria of the filters in `input` (the keyword query is not part of it); `*:*` for none. */
export function legacyCriteria(input: FilterInput): string {
  const clauses: string[] = [];
  for (const f of VALUE_FILTER_FIELDS) {
    const values = input[f.name] as Value[][] | undefined;
    if (values?.length) clauses.push(valueClause(f, [...new Set(values.flat())]));
  }
  for (const f of RANGE_FILTER_FIELDS) {
    const from = input[`${f.name}From`] as string | undefined;
    const to = input[`${f.name}To`] as string | undefined;
    if (from || to) clauses.push(`${f.name}:[${from ? compactDate(from) : '*'} TO ${to ? compactDate(to) : '*'}]`);
  }
  return clauses.length ? clauses.join(' AND ') : '*:*';
}

// Every filterable field that is not a v1 field needs a translation (its derivation's): checked at
// load, so a field added to the catalog cannot silently drop out of the criteria the page shows.
for (const f of VALUE_FILTER_FIELDS) {
  if (!f.legacy && !derivationOf(f.name)) throw new Error(`legacy-criteria: no legacy translation for the field ${f.name}`);
}
