/**
 * The field catalog: the one place where a record field is described.
 *
 * Every other layer derives from this list - the zod record schema (./schema.ts), the Meilisearch
 * index settings (./index-settings.ts), the legacy `/fields` list and criteria checker, the modern
 * API's filters and facets, and the field table in the docs (`npm run docs:fields`). Add or change
 * a field here and nowhere else.
 *
 * Vocabulary:
 * - `name`     the v1 (legacy DS-API) name, also the attribute name inside Meilisearch.
 * - `source`   where the value comes from: an OARD column of the citations or office_actions
 *              table, or `derived` (computed by the indexer from other columns).
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
 *              when a citation has no office action of its own (see the contract).
 * - `required` every record has it: its column may not be empty (the indexer rejects the row).
 * - `usual`    for a text field with a small closed set of values in practice (codes such as
 *              CTNF / CTFR): those values. The stored layout packs them into a group code (any
 *              other value is kept as written), which is much cheaper to index; answers are the same.
 * - `distinct` about how many distinct values the field has in the whole OARD (58.9 M rows; an
 *              order of magnitude, from the data set's counts): what a filter that tests every
 *              value of the field (`*abc*`, a text range) costs Meilisearch (src/filter/cost.ts).
 *              Unset: a few hundred at most.
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
export type FieldSource =
  | { table: 'citations'; column: string }
  | { table: 'office_actions'; column: string; scope: 'document' | 'application' }
  /** Computed from other fields: by the indexer when stored, on every read otherwise. */
  | { table: 'derived'; from: readonly string[] };

/** A catalog entry; `N` and `T` are its name and type as written below (string and any type in general). */
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
  readonly description: string;
}

type Options = Partial<Omit<FieldSpec, 'name' | 'label' | 'source' | 'type' | 'description'>>;

// Generic in the name and the type, so that the catalog below keeps both as literals: FieldName is
// the union of the names, and a record's value types follow from the field types (schema.ts).
function field<const N extends string, const T extends FieldType>(
  [name, label]: readonly [N, string],
  type: T,
  source: FieldSource,
  description: string,
  options: Options = {},
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

const cit = (column: string): FieldSource => ({ table: 'citations', column });
const doc = (column: string): FieldSource => ({ table: 'office_actions', column, scope: 'document' });
const app = (column: string): FieldSource => ({ table: 'office_actions', column, scope: 'application' });
const derived = (...from: string[]): FieldSource => ({ table: 'derived', from });

const flag = <const N extends string>(name: readonly [N, string], source: FieldSource, description: string, options: Options = {}) =>
  field(name, 'flag', source, description, { facet: true, ...options });

export const FIELDS = [
  // Not filterable or sortable: a unique value per record is the most expensive thing an index can
  // facet (about a quarter of the index), and nothing needs it: records are read by id through the
  // documents route, and results come in index order (the order of the citations file).
  field(['id', 'Record id'], 'string', derived('applicationId', 'ifwNumber', 'Patent_PGPub'), 'Stable record id: a hash of (applicationId, ifwNumber, Patent_PGPub).', {
    filter: false,
    required: true,
  }),
  field(['applicationId', 'Application'], 'string', cit('app_id'), '8-digit application number (leading zeros kept).', {
    sort: true,
    search: true,
    typo: true,
    defaultField: true,
    required: true,
    distinct: 2_200_000,
  }),
  field(
    ['Patent_PGPub', 'Cited reference'],
    'string',
    cit('parsed'),
    'Cited reference: patent (7-8 digits) or pre-grant publication (yyyy + 7 digits) number; foreign ids occur.',
    { sort: true, search: true, typo: true, defaultField: true, required: true, distinct: 10_000_000 },
  ),
  field(
    ['citationText', 'Reference as written'],
    'string',
    cit('citation_pat_pgpub_id'),
    'The reference as written in the office action or form, e.g. "US 7,123,456 B2" (not served by v1).',
    { legacy: false, filter: false, search: true, typo: true },
  ),
  field(['ifwNumber', 'Office action document'], 'string', cit('ifw_number'), 'Document id of the office action (join key to office actions).', {
    defaultField: true,
    distinct: 4_400_000,
  }),
  field(['actionType', 'Action type'], 'string', cit('action_type'), 'Rejection ground the reference was cited under: 102, 103, or absent.', {
    facet: true,
    usual: ['102', '103'],
  }),
  field(['actionSubtype', 'Action subtype'], 'string', cit('action_subtype'), 'Rejection subsection, e.g. 102(b), 103(a).', {
    facet: true,
    usual: ['102', '102(a)', '102(a)(1)', '102(b)', '102(e)', '103', '103(a)'],
  }),
  flag(['form892', 'On PTO-892'], cit('form892'), '1 = listed on a PTO-892 (examiner) form.', { required: true }),
  flag(['form1449', 'On PTO-1449'], cit('form1449'), '1 = listed on a PTO-1449 (applicant IDS) form.', { required: true }),
  flag(['citationInOA', 'In office-action text'], cit('citation_in_oa'), '1 = cited in the office-action text.', { required: true }),
  field(['documentCd', 'Document code'], 'string', doc('document_cd'), 'Office action type: CTNF (non-final) or CTFR (final).', {
    facet: true,
    usual: ['CTFR', 'CTNF'],
  }),
  field(['mailDate', 'Mail date'], 'date', doc('mail_dt'), 'Mail date of the office action (v1 serves yyyy-MM-ddT00:00:00).', {
    sort: true,
    distinct: 3_500,
  }),
  field(['artUnit', 'Art unit'], 'string', app('art_unit'), '4-digit examining art unit.', { sort: true, facet: true, distinct: 1_000 }),
  field(['uspcClass', 'USPC class'], 'string', app('uspc_class'), 'USPC class.', { facet: true, distinct: 500 }),
  field(['uspcSubClass', 'USPC subclass'], 'string', app('uspc_subclass'), 'USPC subclass.', { distinct: 100_000 }),
  flag(['headerMissing', 'Header missing'], doc('header_missing'), '1 = the office-action header could not be parsed.'),
  flag(['formParagraphMissing', 'Form paragraph missing'], doc('fp_missing'), '1 = no form paragraph was found.'),
  flag(['rejectFpMisMatch', 'Rejection / form paragraph mismatch'], doc('rejection_fp_mismatch'), '1 = rejections and form paragraphs disagree.'),
  flag(['closingMissing', 'Closing missing'], doc('closing_missing'), '1 = the closing block could not be parsed.'),
  flag(['rejection101', '101 rejection'], doc('rejection_101'), '1 = the office action contains a 35 USC 101 rejection.'),
  flag(['rejection102', '102 rejection'], doc('rejection_102'), '1 = the office action contains a 35 USC 102 rejection.'),
  flag(['rejection103', '103 rejection'], doc('rejection_103'), '1 = the office action contains a 35 USC 103 rejection.'),
  flag(['rejection112', '112 rejection'], doc('rejection_112'), '1 = the office action contains a 35 USC 112 rejection.'),
  flag(['rejectionDp', 'Double-patenting rejection'], doc('rejection_dp'), '1 = the office action contains a double-patenting rejection.'),
  flag(['objection', 'Objection'], doc('objection'), '1 = the office action contains an objection.'),
  flag(['allowedClaims', 'Allowed claims'], doc('allowed_claims'), '1 = the office action allows claims.'),
  flag(['cite102Gt1', '102 cites more than one'], doc('cite102_gt1'), '1 = a 102 rejection cites more than one reference.'),
  flag(['cite103Gt3', '103 combines more than three'], doc('cite103_gt3'), '1 = a 103 rejection combines more than three references.'),
  flag(['cite103Eq1', '103 on a single reference'], doc('cite103_eq1'), '1 = a 103 rejection rests on a single reference.'),
  field(['cite103Max', 'Most references in one 103'], 'int', doc('cite103_max'), 'Most references combined in one 103 rejection.', {
    sort: true,
    facet: true,
  }),
  field(['signatureType', 'Signature block'], 'string', doc('signature_type'), 'Code of the examiner signature block (opaque).', {
    facet: true,
    usual: ['0', '1', '2', '3', '4'],
  }),
  // Derived fields of the modern API (not part of the v1 contract), computed when read.
  field(['formType', 'Form type'], 'strings', derived('form892', 'form1449', 'citationInOA'), 'Where the reference was listed: 892, 1449 and/or oa-text (multi-valued).', {
    legacy: false,
    facet: true,
    stored: false,
  }),
  field(['techCenter', 'Tech center'], 'string', derived('artUnit'), 'Technology center: first two digits of the art unit + "00".', {
    legacy: false,
    facet: true,
    stored: false,
  }),
  // Stored although derived: counting years through the ~3,500 mail dates was 20 times slower
  // (it costs about 90 bytes per row of index: measured with `npm run bench -- --plan scale`).
  field(['mailYear', 'Mail year'], 'int', derived('mailDate'), 'Year of the mail date.', { legacy: false, sort: true, facet: true }),
] as const satisfies readonly FieldSpec[];

/** An entry of the catalog, name and type known (a union over the fields above). */
export type CatalogField = (typeof FIELDS)[number];
/** The name of a catalog field: a misspelt field name in code is a type error. */
export type FieldName = CatalogField['name'];
/** The catalog entry of one field name. */
export type FieldOf<N extends FieldName> = Extract<CatalogField, { name: N }>;
/** Field names of one type ('flag', 'date', ...). */
export type FieldNameOfType<T extends FieldType> = Extract<CatalogField, { type: T }>['name'];

export const FIELD_BY_NAME: ReadonlyMap<string, CatalogField> = new Map(FIELDS.map((f) => [f.name, f]));

/** Whether a string (from a request, a file) names a catalog field. */
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

/** The catalog entry of a field name the code itself writes (an unknown one is an error at load). */
export function fieldSpec<N extends FieldName>(name: N): FieldOf<N> {
  const f = FIELD_BY_NAME.get(name);
  if (!f) throw new Error(`the field catalog has no field ${JSON.stringify(name)}`);
  return f as FieldOf<N>;
}

export const STORED_FIELDS: readonly CatalogField[] = FIELDS.filter((f) => f.stored);
export const REQUIRED_FIELDS: readonly CatalogField[] = FIELDS.filter((f) => f.required);

export const LEGACY_FIELDS: readonly CatalogField[] = FIELDS.filter((f) => f.legacy);
export const FACET_FIELDS: readonly CatalogField[] = FIELDS.filter((f) => f.facet);
export const DEFAULT_FIELDS: readonly CatalogField[] = FIELDS.filter((f) => f.defaultField);

/** The primary key of every index built from the catalog. */
export const PRIMARY_KEY = 'id' satisfies FieldName;

/** Columns that join the two OARD tables: every citation and office-action row carries them. */
export const KEY_COLUMNS = ['app_id', 'ifw_number'] as const;

/** The OARD columns a table must provide: its join keys, then the catalog's columns in order. */
export function columnsOf(table: 'citations' | 'office_actions'): string[] {
  const own = FIELDS.flatMap((f) => (f.source.table === table ? [f.source.column] : []));
  return [...new Set([...KEY_COLUMNS, ...own])];
}
