/**
 * The legacy `criteria` string equivalent to a set of modern filters, shown on the web page so
 * users learn the old syntax (and can paste it into scripts written for the DS-API).
 *
 * It works on the *parsed* filters (the output of the modern filter schema, src/api/filters.ts),
 * so a written number such as "US 7,123,456 B2" is already the stored value(s) it matches, and
 * the criteria selects exactly the records the filters do. Legacy fields translate one to one;
 * the modern API's derived fields through their entry in src/catalog/derived.ts (`criteria`, for
 * the values its `accepts` lets through the filter schema): `formType=892` reads `form892:1`,
 * `mailYear=2012` reads `mailDate:[20120101 TO 20121231]`. A list parameter reads as the four
 * places an item can stand in v1's one string: `claim=7` is
 * `claimNumbers:(7 OR 7,* OR *,7 OR *,7,*)`. Nothing here knows a field by name.
 *
 * The keyword query has no equivalent: the DS-API had no full-text search over citation text.
 */
import type { Catalog } from '../catalog/catalog.ts';
import type { CatalogField } from '../catalog/fields.ts';
import type { FilterInput, FilterSet } from '../api/filters.ts';

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

const compactDate = (iso: string) => iso.replaceAll('-', '');

/**
 * The criteria of one data set's filters: `criteriaOf(catalog, filters)(input)`, `*:*` for none
 * (the keyword query is not part of it). Checked when made: every filterable field that is not a
 * v1 field needs a translation (its derivation's), so a field added to the catalog cannot
 * silently drop out of the criteria the page shows.
 */
export function criteriaOf(catalog: Catalog, filters: FilterSet): (input: FilterInput) => string {
  for (const f of filters.valueFields) {
    if (!f.legacy && !catalog.derivation(f.name)) throw new Error(`legacy-criteria: no legacy translation for the ${catalog.dataset} field ${f.name}`);
  }

  function valueClause(f: CatalogField, values: Value[]): string {
    if (f.legacy) return `${f.name}:${anyOf(values.map(luceneValue))}`;
    const derivation = catalog.derivation(f.name)!;
    return anyOf(values.map((v) => derivation.criteria(v)));
  }

  return (input) => {
    const clauses: string[] = [];
    for (const f of filters.valueFields) {
      const values = input[f.name] as Value[][] | undefined;
      if (values?.length) clauses.push(valueClause(f, [...new Set(values.flat())]));
    }
    for (const f of filters.rangeFields) {
      const from = input[`${f.name}From`] as string | undefined;
      const to = input[`${f.name}To`] as string | undefined;
      if (from || to) clauses.push(`${f.name}:[${from ? compactDate(from) : '*'} TO ${to ? compactDate(to) : '*'}]`);
    }
    for (const { field, param } of filters.listParams) {
      const items = input[param] as string[] | undefined;
      // Items are whole numbers (the parameter's schema): safe as bare wildcard terms.
      if (items?.length) clauses.push(`${field.name}:${anyOf([...new Set(items)].flatMap((i) => [i, `${i},*`, `*,${i}`, `*,${i},*`]))}`);
    }
    return clauses.length ? clauses.join(' AND ') : '*:*';
  };
}
