/**
 * The derived fields of the modern API (formType, techCenter, mailYear): each is computed from
 * stored fields whenever a record is read. One that is not stored (see the catalog's `stored`)
 * is answered through those fields: a facet entry per record saved, for values any reader can
 * compute from fields the record holds anyway. This module is the one place that says, for each:
 *
 * - `compute`: its value for a record (the stored layout also stores it so, when it is stored);
 * - `rewrite`: a filter condition on it as a filter over the fields it comes from (exact: the
 *   rewritten filter selects exactly the records whose computed value meets the condition);
 * - `fold`: its facet counts from the facet counts of those fields;
 * - `sortBy`: the stored field a sort on it uses (an order that sorts by it, ties finer);
 * - `accepts`: what a value of its filter may be (the modern API's filter parameters,
 *   src/api/filters.ts, refuse anything else);
 * - `criteria`: how one of its values reads as v1 criteria (the web page teaches the old syntax,
 *   src/web/legacy-criteria.ts).
 *
 * (rewrite, fold and sortBy serve the fields that are not stored.)
 *
 * A derivation is known by its field's name; a catalog with a derived field of that name uses it
 * (catalog.ts checks that the field's `source.from` agrees and that it reads stored fields).
 */
import type { FieldName, FieldNameOfType } from './fields.ts';
import { techCenterOf } from './values.ts';
import { anyOf, between, eq, exists, NONE, or, type Cond, type Filter, type Value } from '../filter/ast.ts';

export type Counts = Record<string, number>;

/** The fields of a record a derivation reads (a record, or one being decoded). */
export type SourceFields = Readonly<Partial<Record<FieldName, unknown>>>;

/**
 * What a filter value of a derived field may be: one of a closed set, or text of a shape. Any
 * other value could match no record, and would have no faithful legacy criteria, so it is
 * refused rather than silently answered with 0.
 */
export type ValueShape = { readonly oneOf: readonly [string, ...string[]] } | { readonly pattern: RegExp; readonly expected: string };

export const FORM_TYPES = ['892', '1449', 'oa-text'] as const;
export type FormType = (typeof FORM_TYPES)[number];

export interface Derivation {
  /** The derived field's name. */
  readonly name: FieldName;
  /** The fields it is computed from (all stored). */
  readonly from: readonly FieldName[];
  compute(record: SourceFields): string | number | string[] | undefined;
  /** The condition as a filter over `from`. Only the conditions the API and criteria produce on it are defined. */
  rewrite(cond: Cond): Filter;
  /** Its facet counts, from the counts of `from` (value -> records). */
  fold(counts: Readonly<Partial<Record<FieldName, Counts>>>): Counts;
  readonly sortBy?: FieldName;
  /** What a value of its filter parameter may be. */
  readonly accepts: ValueShape;
  /** One value (as `accepts` lets it through) as v1 criteria over legacy fields. */
  criteria(value: Value): string;
}

const FORM_FLAG: Readonly<Record<FormType, FieldNameOfType<'flag'>>> = { '892': 'form892', '1449': 'form1449', 'oa-text': 'citationInOA' };

/** Values of an IN or = condition, or an error for conditions the derivation does not define. */
function valuesOf(cond: Cond, what: string): readonly Value[] {
  if (cond.kind === 'eq') return [cond.value];
  if (cond.kind === 'in') return cond.values;
  throw new Error(`internal: ${what} has no stored equivalent of a ${cond.kind} condition`);
}

function sumBy(counts: Counts | undefined, key: (value: string) => string | undefined): Counts {
  const out: Counts = {};
  for (const [value, n] of Object.entries(counts ?? {})) {
    const k = key(value);
    if (k !== undefined && n > 0) out[k] = (out[k] ?? 0) + n;
  }
  return out;
}

const formType: Derivation = {
  name: 'formType',
  from: Object.values(FORM_FLAG),
  compute: (r) => {
    const types = FORM_TYPES.filter((t) => r[FORM_FLAG[t]] === 1);
    return types.length ? types : undefined;
  },
  rewrite: (cond) => {
    if (cond.kind === 'exists') return or(FORM_TYPES.map((t) => eq(FORM_FLAG[t], 1)));
    return or(valuesOf(cond, 'formType').map((v) => (v in FORM_FLAG ? eq(FORM_FLAG[v as FormType], 1) : NONE)));
  },
  fold: (counts) => {
    const out: Counts = {};
    for (const t of FORM_TYPES) {
      const n = counts[FORM_FLAG[t]]?.['1'] ?? 0;
      if (n > 0) out[t] = n;
    }
    return out;
  },
  accepts: { oneOf: FORM_TYPES },
  criteria: (v) => `${FORM_FLAG[v as FormType]}:1`,
};

/** The 100 four-digit art units of a tech center ("2100" -> 2100 .. 2199): techCenterOf gives it to exactly these. */
function artUnitsOf(center: Value): string[] {
  const s = String(center);
  if (!/^\d{2}00$/.test(s)) return [];
  return Array.from({ length: 100 }, (_, i) => `${s.slice(0, 2)}${String(i).padStart(2, '0')}`);
}

const techCenter: Derivation = {
  name: 'techCenter',
  from: ['artUnit'],
  compute: (r) => (typeof r.artUnit === 'string' ? techCenterOf(r.artUnit) : undefined),
  rewrite: (cond) => anyOf('artUnit', valuesOf(cond, 'techCenter').flatMap(artUnitsOf)),
  fold: (counts) => sumBy(counts.artUnit, techCenterOf),
  accepts: { pattern: /^\d{2}00$/, expected: 'a technology center: 4 digits ending in 00, e.g. 2100' },
  // Art units are 4 digits: 1600 .. 1699.
  criteria: (v) => `artUnit:[${String(v).slice(0, 2)}00 TO ${String(v).slice(0, 2)}99]`,
};

/** A year as the mail-date range it spans (mail dates are stored as ISO yyyy-MM-dd). */
function yearRange(year: Value): Filter {
  const y = Number(year);
  if (!Number.isInteger(y) || y < 1000 || y > 9999) return NONE;
  return between('mailDate', `${y}-01-01`, `${y}-12-31`);
}

const mailYear: Derivation = {
  name: 'mailYear',
  from: ['mailDate'],
  compute: (r) => (typeof r.mailDate === 'string' ? Number(r.mailDate.slice(0, 4)) : undefined),
  rewrite: (cond) => (cond.kind === 'exists' ? exists('mailDate') : or(valuesOf(cond, 'mailYear').map(yearRange))),
  fold: (counts) => sumBy(counts.mailDate, (date) => date.slice(0, 4)),
  sortBy: 'mailDate',
  accepts: { pattern: /^\d{4}$/, expected: 'a 4-digit year' },
  criteria: (v) => `mailDate:[${v}0101 TO ${v}1231]`,
};

/** Every derivation, by its field's name. */
export const DERIVATIONS: ReadonlyMap<string, Derivation> = new Map([formType, techCenter, mailYear].map((d) => [d.name, d]));

/** The derivation of a derived field (but the id), or undefined. */
export function derivationOf(name: string): Derivation | undefined {
  return DERIVATIONS.get(name);
}
