/**
 * A data set's catalog: its list of fields (citations.ts, rejections.ts) and everything derived
 * from that list - the field lists each layer asks for, the columns its table must have, its
 * derived fields' derivations, its group codes and stored layout, its record schema. Both data
 * sets are built by this one class; nothing about a data set is written anywhere but its list.
 *
 * Every layer that serves a data set takes its Catalog: the indexer's row rules, the index
 * settings, the store, the legacy routes. The modern API and the web page speak of citations
 * through the facade modules (fields.ts, layout.ts, schema.ts), which are the citations catalog's.
 */
import { z } from 'zod';
import { DERIVATIONS, type Derivation } from './derived.ts';
import { KEY_COLUMNS, PRIMARY_KEY, type FieldSpec, type FieldType, type OwnTable, type Table } from './field-spec.ts';
import { groupsOf, type Group, type GroupSpec, type Slot } from './group-codes.ts';
import { storedLayout, type StoredLayout } from './stored-layout.ts';

export interface CatalogSpec<F extends FieldSpec> {
  /** The v1 data set name (`oa_citations`): the legacy paths' `{dataset}`. */
  readonly dataset: string;
  readonly version: string;
  /** What one record is, for people ("citation", "rejection"). */
  readonly noun: string;
  /** The OARD table whose rows are the records (each joined with its office action). */
  readonly table: OwnTable;
  readonly fields: readonly F[];
  /** The group codes of the stored layout (group-codes.ts). */
  readonly groups: readonly GroupSpec[];
  /** The version of the data set's stored layout: bump it when its documents or settings change shape (stored-layout.ts). */
  readonly layoutVersion: number;
  /** Facets whose values Meilisearch lists by count rather than alphabetically (most-cited first). */
  readonly facetsByCount?: readonly string[];
  /**
   * A text field stored only when it differs from another (citationText: 93 % of references are
   * written as their bare number). A record without it stores `null`, so "absent" and "the same
   * as" stay apart.
   */
  readonly storedUnlessSameAs?: { readonly field: string; readonly as: string };
}

/** What a stored value of each type must be, as the record schema checks it. */
const nonEmpty = z.string().min(1);
const VALUE_SCHEMA: Record<FieldType, z.ZodType> = {
  string: nonEmpty,
  flag: z.union([z.literal(0), z.literal(1)]),
  int: z.number().int().nonnegative(),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected yyyy-MM-dd'),
  strings: z.array(nonEmpty).min(1),
};

export class Catalog<F extends FieldSpec = FieldSpec> {
  readonly dataset: string;
  readonly version: string;
  readonly noun: string;
  readonly table: OwnTable;
  readonly fields: readonly F[];
  readonly byName: ReadonlyMap<string, F>;
  readonly stored: readonly F[];
  readonly required: readonly F[];
  readonly legacy: readonly F[];
  readonly facets: readonly F[];
  readonly defaults: readonly F[];
  /** The fields the record id is a hash of, in hash order (the id field's `source.from`). */
  readonly idFrom: readonly string[];
  /** This catalog's derived fields (but the id), by name. */
  readonly derivations: ReadonlyMap<string, Derivation>;
  readonly groups: readonly Group[];
  /** The group and slot of each packed field. */
  readonly slotOf: ReadonlyMap<string, { group: Group; slot: Slot }>;
  readonly facetsByCount: readonly string[];
  readonly storedUnlessSameAs: CatalogSpec<F>['storedUnlessSameAs'];
  readonly layoutVersion: number;
  /** The zod schema of a whole record (every field, derived ones included, as the API serves it). */
  readonly recordSchema: z.ZodObject;
  readonly layout: StoredLayout;

  constructor(spec: CatalogSpec<F>) {
    this.dataset = spec.dataset;
    this.version = spec.version;
    this.noun = spec.noun;
    this.table = spec.table;
    this.fields = spec.fields;
    this.byName = new Map(spec.fields.map((f) => [f.name, f]));
    if (this.byName.size !== spec.fields.length) throw new Error(`catalog ${spec.dataset}: a field name repeats`);
    this.stored = spec.fields.filter((f) => f.stored);
    this.required = spec.fields.filter((f) => f.required);
    this.legacy = spec.fields.filter((f) => f.legacy);
    this.facets = spec.fields.filter((f) => f.facet);
    this.defaults = spec.fields.filter((f) => f.defaultField);
    this.facetsByCount = spec.facetsByCount ?? [];
    this.storedUnlessSameAs = spec.storedUnlessSameAs;
    this.layoutVersion = spec.layoutVersion;

    const id = this.byName.get(PRIMARY_KEY);
    if (id?.source.table !== 'derived' || !id.required) throw new Error(`catalog ${spec.dataset}: the id must be a required derived field`);
    this.idFrom = id.source.from;
    for (const name of this.idFrom) if (!this.byName.get(name)?.stored) throw new Error(`catalog ${spec.dataset}: the id is a hash of ${name}, which is no stored field`);

    this.derivations = new Map(spec.fields.flatMap((f) => (f.source.table === 'derived' && f.name !== PRIMARY_KEY ? [[f.name, this.derivationFor(f)] as const] : [])));
    for (const f of spec.fields) {
      if (f.source.table !== 'office_actions' && f.source.table !== 'derived' && f.source.table !== spec.table) {
        throw new Error(`catalog ${spec.dataset}: ${f.name} comes from ${f.source.table}, not from its table ${spec.table} or office_actions`);
      }
    }
    this.groups = groupsOf(spec.fields, spec.groups);
    this.slotOf = new Map(this.groups.flatMap((group) => group.slots.map((slot) => [slot.field.name, { group, slot }] as const)));
    this.recordSchema = z.strictObject(
      Object.fromEntries(spec.fields.map((f) => [f.name, f.required ? VALUE_SCHEMA[f.type] : VALUE_SCHEMA[f.type].optional()])),
    );
    this.layout = storedLayout(this);
  }

  /** Whether a string (from a request, a file) names a field of this catalog. */
  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** The derivation of a derived field of this catalog (but the id), or undefined. */
  derivation(name: string): Derivation | undefined {
    return this.derivations.get(name);
  }

  /** The derivation of a derived field that is not stored: everything about it goes through its sources. */
  unstored(name: string): Derivation | undefined {
    const d = this.derivations.get(name);
    return d && !this.byName.get(name)!.stored ? d : undefined;
  }

  /** The OARD columns a table must provide: its join keys, then the catalog's columns of it in order. */
  columnsOf(table: Table): string[] {
    const own = this.fields.flatMap((f) => (f.source.table === table ? [f.source.column] : []));
    return [...new Set([...KEY_COLUMNS, ...own])];
  }

  /** The field fed by a column of a table (the indexer's rules). */
  fieldOfColumn(table: Table, column: string): F {
    const f = this.fields.find((x) => x.source.table === table && x.source.column === column);
    if (!f) throw new Error(`the ${this.dataset} catalog has no field for ${table}.${column}`);
    return f;
  }

  private derivationFor(f: F): Derivation {
    const d = DERIVATIONS.get(f.name);
    if (!d) throw new Error(`catalog ${this.dataset}: ${f.name} is derived, but src/catalog/derived.ts does not derive it`);
    if (f.source.table !== 'derived' || f.source.from.join() !== d.from.join()) {
      throw new Error(`catalog ${this.dataset}: ${f.name}'s source (${JSON.stringify(f.source)}) disagrees with its derivation (from ${d.from.join(', ')})`);
    }
    for (const name of d.from) if (!this.byName.get(name)?.stored) throw new Error(`catalog ${this.dataset}: derived field ${f.name} reads ${name}, which is no stored field`);
    return d;
  }
}
