/**
 * Row validation rules, derived from a data set's catalog (src/catalog/catalog.ts) - no column or
 * field list is written here.
 *
 * - Which columns a table must have: `catalog.columnsOf(table)`.
 * - Which field a column feeds, and how its text becomes a stored value: the field's `type`
 *   (string / flag / int / date, parsed with src/catalog/values.ts).
 * - Which fields must not be empty: the catalog's `required` ones.
 *
 * The rules are checked with plain code instead of zod per row (zod costs more per row than the
 * whole rest of the pipeline); `checkRecord` runs the real zod schema on a sample of built records
 * as a guard, and the tests run it on every record.
 */
import type { Catalog } from '../src/catalog/catalog.ts';
import { CITATIONS } from '../src/catalog/datasets.ts';
import { KEY_COLUMNS, PRIMARY_KEY, type FieldSpec, type FieldType, type Table } from '../src/catalog/fields.ts';
import { parseDate, parseFlag, parseInt10 } from '../src/catalog/values.ts';
import { InputError } from './sources.ts';

export type { Table } from '../src/catalog/fields.ts';
export type StoredValue = string | number;

export interface ColumnRule {
  /** Record field the column feeds (undefined for the office-action key columns). */
  readonly field: string | undefined;
  readonly column: string;
  /** Position in the file's header. */
  readonly index: number;
  readonly type: FieldType;
  readonly required: boolean;
  /** For office-action columns: document or application trait. */
  readonly scope?: 'document' | 'application';
}

/** A table's rules bound to one file's header. */
export interface TableBinding {
  readonly table: Table;
  /** The data set whose rules these are (for office_actions: either; they share those fields). */
  readonly catalog: Catalog;
  readonly file: string;
  /** Number of columns every row must have. */
  readonly width: number;
  /** Rules of the catalog's fields, in catalog order. */
  readonly rules: readonly ColumnRule[];
  /** Header positions of the join keys. */
  readonly appIndex: number;
  readonly ifwIndex: number;
}

/** The citations field fed by a column of a table. */
export function fieldOf(table: Table, column: string): FieldSpec {
  return CITATIONS.fieldOfColumn(table, column);
}

/** Field names the record builder reads and writes, the same in every data set (checked against the catalog at load). */
export const F = {
  applicationId: fieldOf('citations', 'app_id').name,
  ifwNumber: fieldOf('citations', 'ifw_number').name,
  mailDate: fieldOf('office_actions', 'mail_dt').name,
  id: PRIMARY_KEY,
} as const;

/**
 * Layout of an office action's traits as the map hands them to the record builder: an array with
 * one slot per office-action field, in catalog order. Arrays with a fixed layout keep the
 * builder's loads monomorphic. (Derived fields are not built: they are computed on read, see
 * src/catalog/derived.ts.)
 */
export const PART_FIELDS: readonly { field: string; scope: 'document' | 'application' }[] = CITATIONS.fields.flatMap((f) =>
  f.source.table === 'office_actions' ? [{ field: f.name, scope: f.source.scope }] : [],
);

/** Slot of a field in PART_FIELDS. */
export const PART_SLOT: ReadonlyMap<string, number> = new Map(PART_FIELDS.map((p, i) => [p.field, i]));

// The id is the record builder's (records.ts); every other derived field is computed from the
// record (src/catalog/derived.ts), by the stored layout when it is stored.

/** Header names compare trimmed and case-insensitively (`App_ID` = `app_id`). */
const norm = (s: string) => s.trim().toLowerCase();

/**
 * Binds a table's rules (of the data set's catalog; default citations) to a file's header; a header
 * without the required columns is an InputError.
 */
export function bindHeader(table: Table, header: readonly string[], file: string, what: string, catalog: Catalog = CITATIONS): TableBinding {
  const position = new Map<string, number>();
  const repeated: string[] = [];
  header.forEach((h, i) => {
    const k = norm(h);
    if (k === '') return;
    if (position.has(k)) repeated.push(h);
    else position.set(k, i);
  });
  const required = catalog.columnsOf(table);
  const missing = required.filter((c) => !position.has(c));
  if (missing.length > 0) {
    throw new InputError(
      file,
      `${what} file ${file}: the header lacks required column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} ` +
        `(expected ${required.join(',')}; found ${header.join(',')})`,
    );
  }
  if (repeated.length > 0) throw new InputError(file, `${what} file ${file}: the header repeats column ${repeated.join(', ')}`);

  const rules: ColumnRule[] = [];
  for (const f of catalog.fields) {
    if (f.source.table !== table) continue;
    rules.push({
      field: f.name,
      column: f.source.column,
      index: position.get(f.source.column)!,
      type: f.type,
      required: f.required,
      ...(f.source.table === 'office_actions' ? { scope: f.source.scope } : {}),
    });
  }
  const [appCol, ifwCol] = KEY_COLUMNS;
  return {
    table,
    catalog,
    file,
    width: header.length,
    rules,
    appIndex: position.get(appCol)!,
    ifwIndex: position.get(ifwCol)!,
  };
}

/** The text of a cell without surrounding blanks (the cheap check first: most cells have none). */
export function cell(fields: readonly string[], index: number): string {
  const v = fields[index]!;
  const n = v.length;
  return n > 0 && (v.charCodeAt(0) <= 32 || v.charCodeAt(n - 1) <= 32) ? v.trim() : v;
}

const show = (v: string) => JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v);

/** Why a cell is invalid (allocated only for bad cells). */
export class Invalid {
  constructor(readonly reason: string) {}
}

/**
 * Converts one non-empty cell to its stored value, or an `Invalid` with the reason (no exceptions
 * on the hot path).
 */
export function storedValue(rule: ColumnRule, v: string): StoredValue | Invalid {
  switch (rule.type) {
    case 'string':
      return v;
    case 'flag': {
      const x = v === '0' ? 0 : v === '1' ? 1 : parseFlag(v);
      return x === undefined ? new Invalid(`${rule.column}: expected 0/1/true/false, got ${show(v)}`) : x;
    }
    case 'int': {
      const x = parseInt10(v);
      return x === undefined ? new Invalid(`${rule.column}: expected a whole number, got ${show(v)}`) : x;
    }
    case 'date': {
      const x = parseDate(v);
      return x === undefined ? new Invalid(`${rule.column}: unparseable date ${show(v)}`) : x;
    }
    case 'strings':
      return new Invalid(`${rule.column}: multi-valued fields cannot come from a CSV column`);
  }
}

/**
 * A row's cells by the table's rules: the stored values of its non-empty cells, or the reason the
 * row is rejected (its first bad cell). The general form of the row check; records.ts compiles the
 * same rules into a specialised reader for the citations' hot path, with the same reasons (both
 * come from storedValue).
 */
export function readCells(rules: readonly ColumnRule[], fields: readonly string[]): Record<string, StoredValue> | string {
  const values: Record<string, StoredValue> = {};
  for (const r of rules) {
    const v = cell(fields, r.index);
    if (v === '') {
      if (r.required) return `${r.column}: empty`;
      continue;
    }
    const x = storedValue(r, v);
    if (x instanceof Invalid) return x.reason;
    values[r.field!] = x;
  }
  return values;
}

/** The reason of a wrong column count. */
export function widthError(binding: TableBinding, found: number): string {
  return `expected ${binding.width} columns, found ${found}`;
}

/**
 * Guard: validates a built record with the zod schema. Records are correct by construction, so a
 * failure is a bug in the indexer, reported with the offending fields.
 */
export function checkRecord(record: unknown, catalog: Catalog = CITATIONS): void {
  const res = catalog.recordSchema.safeParse(record);
  if (!res.success) {
    const issues = res.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`internal error: a built record does not match the record schema (${issues}): ${JSON.stringify(record)}`);
  }
}
