/**
 * What a catalog field is: the vocabulary every data set's catalog (citations.ts, rejections.ts)
 * is written in, and the builder that writes one field. Each data set lists its fields once; the
 * Catalog (catalog.ts) derives everything else from that list.
 *
 * Vocabulary:
 * - `name`     the v1 (legacy DS-API) name, also the attribute name inside Meilisearch.
 * - `source`   where the value comes from: an OARD column of the data set's own table (citations
 *              or rejections) or of office_actions (joined on ifw_number), or `derived` (computed
 *              from other fields).
 * - `type`     how the value is stored in Meilisearch:
 *                string  an opaque code or number kept as a string (leading zeros preserved)
 *                flag    0/1, stored as a number
 *                int     a whole number
 *                date    ISO `yyyy-MM-dd` string (lexicographic order = date order, so Meilisearch
 *                        string comparisons give date ranges)
 *                strings an array of strings (multi-valued)
 * - `legacy`   served by the v1 contract (`/records` docs, `/fields`, criteria).
 * - `filter`   filterable in Meilisearch (criteria clauses, modern filters). `sort` sortable.
 * - `search`   part of Meilisearch full-text search (`searchableAttributes`, in this order).
 * - `facet`    offered as a facet by the modern API (counts in facetDistribution).
 * - `typo`     only for searchable fields: whether typo tolerance applies.
 * - `defaultField` a bare criteria term (no `field:`) matches records where any default field
 *              equals it, as Solr's default search field did.
 * - `scope`    for office-action columns: `document` traits belong to one office action only;
 *              `application` traits may be borrowed from the application's latest office action
 *              when a row has no office action of its own (see the contract).
 * - `required` every record has it: its column may not be empty (the indexer rejects the row).
 * - `usual`    for a text field with a small closed set of values in practice (codes such as
 *              CTNF / CTFR): those values. The stored layout packs them into a group code (any
 *              other value is kept as written), which is much cheaper to index; answers are the same.
 * - `distinct` about how many distinct values the field has in the whole OARD (an order of
 *              magnitude, from the data set's counts): what a filter that tests every value of
 *              the field (`*abc*`, a text range) costs Meilisearch (src/filter/cost.ts).
 *              Unset: a few hundred at most.
 * - `list`     for a text field that is a comma-separated list (claimNumbers, "6,7,8,11"): the
 *              modern API's parameter (`param`) that keeps the records listing one item. The
 *              stored layout keeps such a field fenced by commas (",6,7,8,11,"), so that "lists
 *              7" is one CONTAINS ",7,"; answers over the field as v1 wrote it are unchanged.
 * - `stored`   kept in the index. Derived fields (but the id) are computed from the fields they
 *              name in `source.from` whenever a record is read (src/catalog/derived.ts); one that
 *              is not stored (formType, techCenter) has its filters, facets and sorts answered
 *              through those fields, which costs no index space; mailYear is stored, because
 *              counting years through mail dates was too slow.
 *
 * How the stored fields are laid out in Meilisearch (packed flags, the compact id) is the stored
 * layout's business (src/catalog/layout.ts); every layer above speaks of these fields only.
 */

export type FieldType = 'string' | 'flag' | 'int' | 'date' | 'strings';
/** The OARD tables a data set's records are rows of (each joined with office_actions). */
export type OwnTable = 'citations' | 'rejections';
/** Every OARD table the indexer reads. */
export type Table = OwnTable | 'office_actions';
export type FieldSource =
  | { table: OwnTable; column: string }
  | { table: 'office_actions'; column: string; scope: 'document' | 'application' }
  /** Computed from other fields: by the indexer when stored, on every read otherwise. */
  | { table: 'derived'; from: readonly string[] };

/** A catalog entry; `N` and `T` are its name and type as written (string and any type in general). */
export interface FieldSpec<N extends string = string, T extends FieldType = FieldType> {
  readonly name: N;
  /** A short human name (web page, docs). */
  readonly label: string;
  readonly source: FieldSource;
  readonly type: T;
  readonly legacy: boolean;
  readonly filter: boolean;
  readonly sort: boolean;
  readonly search: boolean;
  readonly facet: boolean;
  readonly typo: boolean;
  readonly defaultField: boolean;
  readonly required: boolean;
  readonly stored: boolean;
  readonly usual?: readonly string[];
  readonly distinct?: number;
  readonly list?: { readonly param: string; readonly item: string };
  readonly description: string;
}

export type FieldOptions = Partial<Omit<FieldSpec, 'name' | 'label' | 'source' | 'type' | 'description'>>;

// Generic in the name and the type, so that a catalog keeps both as literals: its FieldName is
// the union of the names, and a record's value types follow from the field types (schema.ts).
export function field<const N extends string, const T extends FieldType>(
  [name, label]: readonly [N, string],
  type: T,
  source: FieldSource,
  description: string,
  options: FieldOptions = {},
): FieldSpec<N, T> {
  return {
    name,
    label,
    type,
    source,
    description,
    legacy: true,
    filter: true,
    sort: false,
    search: false,
    facet: false,
    typo: false,
    defaultField: false,
    required: false,
    stored: true,
    ...options,
  };
}

export const flag = <const N extends string>(name: readonly [N, string], source: FieldSource, description: string, options: FieldOptions = {}) =>
  field(name, 'flag', source, description, { facet: true, ...options });

export const own = (table: OwnTable) => (column: string): FieldSource => ({ table, column });
export const doc = (column: string): FieldSource => ({ table: 'office_actions', column, scope: 'document' });
export const app = (column: string): FieldSource => ({ table: 'office_actions', column, scope: 'application' });
export const derived = (...from: string[]): FieldSource => ({ table: 'derived', from });

/** The primary key of every index built from a catalog. */
export const PRIMARY_KEY = 'id';

/** Columns that join a data set's table to office_actions: every row of the three tables carries them. */
export const KEY_COLUMNS = ['app_id', 'ifw_number'] as const;
