/**
 * The filter parameters of the modern API, derived from a data set's field catalog
 * (`filterSet(catalog)`; the module's plain exports are the citations catalog's):
 * - one repeatable parameter per filterable field (values OR-ed within a field, fields AND-ed);
 * - `<field>From` / `<field>To` for date fields (inclusive; yyyy-MM-dd or yyyyMMdd);
 * - for a comma-separated list (the catalog's `list`: claimNumbers), a parameter keeping the
 *   records that list one item (`claim=7`: the rejections of claim 7, wherever it stands).
 * The same set serves search, facet value search, analytics and export, so a filter means the
 * same thing everywhere. A field added to the catalog as filterable becomes a parameter here; a
 * derived one takes the values its entry in src/catalog/derived.ts accepts (`accepts`).
 */
import { z } from 'zod';
import type { Catalog } from '../catalog/catalog.ts';
import { CITATIONS } from '../catalog/citations.ts';
import { REJECTIONS } from '../catalog/rejections.ts';
import { derivationOf, type ValueShape } from '../catalog/derived.ts';
import type { CatalogField, FieldName } from '../catalog/fields.ts';
import { parseDate, parseFlag } from '../catalog/values.ts';
import { and, anyOf, between, lists, or, type Filter } from '../filter/ast.ts';
import { isNumberField, NUMBER_FIELDS, parseNumber, storedForms, type NumberField } from './numbers.ts';

/** What a value of a derived field's filter may be (src/catalog/derived.ts); undefined for a stored field. */
const acceptedOf = (f: CatalogField): ValueShape | undefined => derivationOf(f.name)?.accepts;
const domainOf = (f: CatalogField) => {
  const shape = acceptedOf(f);
  return shape && 'oneOf' in shape ? shape.oneOf : undefined;
};
const patternOf = (f: CatalogField) => {
  const shape = acceptedOf(f);
  return shape && 'pattern' in shape ? shape : undefined;
};

/** Fields holding numbers people write in many forms (filter values go through numbers.ts), with examples. */
const NUMBER_FIELD_EXAMPLES: Readonly<Record<NumberField, string>> = {
  applicationId: '"12/345,678", "12345678"',
  Patent_PGPub: '"US 7,123,456 B2", "US 2005/0123456 A1", "EP 1234567 A1"',
};

/**
 * Parameters whose values may contain commas, so a comma never separates two of their values: the
 * written numbers, and the lists' exact values (`claimNumbers=6,7,8` is that one list).
 */
export const VERBATIM_PARAMS: ReadonlySet<string> = new Set([...NUMBER_FIELDS, ...[CITATIONS, REJECTIONS].flatMap((c) => c.fields.filter((f) => f.list).map((f) => f.name))]);

const fromParam = (f: CatalogField) => `${f.name}From`;
const toParam = (f: CatalogField) => `${f.name}To`;

/** Stored values a number filter value stands for ("7,123,456" -> 7123456 and 07123456). */
function numberValues(field: NumberField, raw: string): string[] {
  const parsed = parseNumber(raw);
  const readings = (parsed?.interpretations ?? []).filter((r) => (field === 'applicationId') === (r.kind === 'application'));
  return readings.length ? readings.flatMap(storedForms) : [raw.trim()];
}

/** zod schema of one value of a field's filter parameter; outputs the stored value(s) it matches. */
function valueSchema(f: CatalogField): z.ZodType<(string | number)[], string> {
  const shape = patternOf(f);
  if (shape) {
    const check = z.string().regex(shape.pattern, { error: (i) => `must be ${shape.expected}, got "${String(i.input)}"` });
    return check.pipe(typedValueSchema(f));
  }
  return typedValueSchema(f);
}

function typedValueSchema(f: CatalogField): z.ZodType<(string | number)[], string> {
  switch (f.type) {
    case 'flag':
      return z.enum(['0', '1', 'true', 'false'], { error: (i) => `must be 0 or 1, got "${String(i.input)}"` }).transform((v) => [parseFlag(v)!]);
    case 'int':
      return z.string().regex(/^\d{1,9}$/, { error: (i) => `must be a whole number, got "${String(i.input)}"` }).transform((v) => [Number(v)]);
    default: {
      const domain = domainOf(f);
      if (domain) {
        return z.enum(domain, { error: (i) => `must be one of ${domain.join(', ')}, got "${String(i.input)}"` }).transform((v) => [v]);
      }
      const text = z.string().trim().min(1, 'must not be empty').max(200, 'is longer than 200 characters');
      const name = f.name;
      return isNumberField(name) ? text.transform((v) => numberValues(name, v)) : text.transform((v) => [v]);
    }
  }
}

function describeValueParam(f: CatalogField): string {
  const domain = domainOf(f);
  const pattern = patternOf(f);
  const extra = isNumberField(f.name)
    ? ` Any common written form is accepted (${NUMBER_FIELD_EXAMPLES[f.name]}).`
    : f.type === 'flag'
      ? ' 0 or 1.'
      : domain
        ? ` One of ${domain.join(', ')}.`
        : pattern
          ? ` Must be ${pattern.expected}.`
          : '';
  const sep = VERBATIM_PARAMS.has(f.name) ? 'Repeat the parameter' : 'Repeat the parameter or separate values with commas';
  return `${f.description}${extra} ${sep} to match any of several values (OR); different parameters combine with AND.`;
}

/** One item of a list filter: a whole number, as the list writes it (no leading zeros). */
function itemSchema(item: string) {
  return z
    .string()
    .trim()
    .regex(/^\d{1,6}$/, { error: (i) => `must be a ${item}, a whole number, got "${String(i.input)}"` })
    .transform((v) => String(Number(v)));
}

const DATE_INPUT = /^(\d{4}-\d{2}-\d{2}|\d{8})$/;

function dateSchema() {
  return z
    .string()
    .regex(DATE_INPUT, { error: (i) => `must be a date as yyyy-MM-dd or yyyyMMdd, got "${String(i.input)}"` })
    .transform((v, ctx) => {
      const iso = parseDate(v);
      if (!iso) {
        ctx.addIssue({ code: 'custom', message: `is not a calendar date: "${v}"` });
        return z.NEVER;
      }
      return iso;
    });
}

/** Parsed filter parameters, as the route query schemas output them. */
export type FilterInput = Record<string, unknown>;

/**
 * The filter of every filtered field, keyed by field name (over catalog fields: the store lowers
 * them to the stored layout). Keeping clauses per field lets disjunctive faceting drop one field's
 * clause while keeping all the others.
 */
export type FilterClauses = ReadonlyMap<FieldName, Filter>;

/** A parameter over a comma-separated list field (the catalog's `list`). */
export interface ListParam {
  readonly field: CatalogField;
  readonly param: string;
  readonly item: string;
}

/** One data set's filter parameters. */
export interface FilterSet {
  /** Filterable by value: every filterable field but dates (ranges). */
  readonly valueFields: readonly CatalogField[];
  /** Filterable by range. */
  readonly rangeFields: readonly CatalogField[];
  /** The list parameters: `param` keeps the records whose list `field` names one `item`. */
  readonly listParams: readonly ListParam[];
  /** The parameters, to spread into a route's query schema. */
  readonly shape: Readonly<Record<string, z.ZodType>>;
  /** The query parameters that filter on a field (for /fields). */
  paramsOf(field: CatalogField): string[];
  /** The filter clauses of parsed parameters. */
  clauses(input: FilterInput): FilterClauses;
  /** Refinement for a query schema: a date range must not end before it starts. */
  checkRanges(input: FilterInput, ctx: z.RefinementCtx): void;
}

export function filterSet(catalog: Catalog): FilterSet {
  const fields = catalog.fields as readonly CatalogField[];
  const valueFields = fields.filter((f) => f.filter && f.type !== 'date');
  const rangeFields = fields.filter((f) => f.filter && f.type === 'date');
  const listFields: ListParam[] = fields.flatMap((f) => (f.filter && f.list ? [{ field: f, ...f.list }] : []));

  const shape: Record<string, z.ZodType> = {};
  for (const f of valueFields) shape[f.name] = z.array(valueSchema(f)).optional().describe(describeValueParam(f));
  for (const f of rangeFields) {
    shape[fromParam(f)] = dateSchema().optional().describe(`${f.description} From this date on (inclusive), yyyy-MM-dd or yyyyMMdd.`);
    shape[toParam(f)] = dateSchema().optional().describe(`${f.description} Up to this date (inclusive), yyyy-MM-dd or yyyyMMdd.`);
  }
  for (const { field: f, param, item } of listFields) {
    shape[param] = z
      .array(itemSchema(item))
      .optional()
      .describe(`Keeps the records whose ${f.name} lists this ${item} (anywhere in the list). Repeat the parameter or separate values with commas to match any of several (OR).`);
  }

  function clauses(input: FilterInput): FilterClauses {
    const out = new Map<FieldName, Filter>();
    for (const f of valueFields) {
      const values = input[f.name] as (string | number)[][] | undefined;
      if (!values?.length) continue;
      out.set(f.name, anyOf(f.name, values.flat()));
    }
    for (const f of rangeFields) {
      const from = input[fromParam(f)] as string | undefined;
      const to = input[toParam(f)] as string | undefined;
      // ISO dates compare lexicographically in date order (see the catalog's `date` type).
      if (from || to) out.set(f.name, between(f.name, from, to));
    }
    for (const { field: f, param } of listFields) {
      const items = input[param] as string[] | undefined;
      if (!items?.length) continue;
      const listing = or([...new Set(items)].map((i) => lists(f.name, i)));
      const whole = out.get(f.name);
      out.set(f.name, whole ? and([whole, listing]) : listing);
    }
    return out;
  }

  function checkRanges(input: FilterInput, ctx: z.RefinementCtx): void {
    for (const f of rangeFields) {
      const from = input[fromParam(f)] as string | undefined;
      const to = input[toParam(f)] as string | undefined;
      if (from && to && from > to) {
        ctx.addIssue({ code: 'custom', path: [fromParam(f)], message: `is after ${toParam(f)} (${from} > ${to})` });
      }
    }
  }

  const paramsOf = (f: CatalogField): string[] => [
    ...(valueFields.includes(f) ? [f.name] : rangeFields.includes(f) ? [fromParam(f), toParam(f)] : []),
    ...listFields.filter((l) => l.field === f).map((l) => l.param),
  ];

  return { valueFields, rangeFields, listParams: listFields, shape, paramsOf, clauses, checkRanges };
}

/**
 * The parsed filter parameters that select the records whose `field` holds exactly `value`, a
 * stored value (as the schema outputs a parameter's values: nothing left to read, so a number is
 * not read again as the written forms it could stand for).
 */
export const exactValue = (field: FieldName, value: string): FilterInput => ({ [field]: [[value]] });

// ---- the citations' filters (the modern API's first data set, and the web page's) ---------------

export const CITATION_FILTERS = filterSet(CITATIONS);
export const VALUE_FILTER_FIELDS = CITATION_FILTERS.valueFields;
export const RANGE_FILTER_FIELDS = CITATION_FILTERS.rangeFields;
export const filterShape = CITATION_FILTERS.shape;
export const filterClauses = CITATION_FILTERS.clauses;
export const checkRanges = CITATION_FILTERS.checkRanges;

/** The filter of all clauses, or of all but one field's (disjunctive facet counts). */
export function filterOf(clauses: FilterClauses, except?: FieldName): Filter {
  return and([...clauses].filter(([field]) => field !== except).map(([, clause]) => clause));
}
