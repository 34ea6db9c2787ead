/**
 * Stage 3: syntax tree -> checked tree. Resolves every field against the catalog, checks that
 * every value is text Meilisearch can be sent, expands bare terms to the default fields, and
 * enforces the size limits. Values stay as written: v1 fields were Solr string fields, so no
 * value is refused for its field (one that no record holds matches nothing). After this stage
 * only the filter language's own limits can refuse.
 *
 * Limits: `maxLength` and NUL are checked on the raw text (checkInput, before lexing), `maxClauses`
 * on the tree (checkQuery). `maxDepth` is resolved here but enforced by the parser, which must stop
 * at the limit while recursing (a depth check after parsing would come after a stack overflow).
 */
import type { Catalog } from '../../catalog/catalog.ts';
import { CITATIONS } from '../../catalog/citations.ts';
import { PRIMARY_KEY, type FieldSpec, type FieldType } from '../../catalog/fields.ts';
import type { Clause, Exists, MatchAll, PatternPiece, Query, Range, Term } from './ast.ts';
import { CriteriaError, show } from './errors.ts';

// ---- limits ---------------------------------------------------------------------------------

export interface CriteriaLimits {
  /** Longest criteria accepted, in characters. */
  readonly maxLength: number;
  /** Deepest parenthesis nesting accepted. Meilisearch refuses filters nested about 49 levels deep. */
  readonly maxDepth: number;
  /** Most leaf clauses (terms, phrases, ranges) in one criteria: Lucene's maxBooleanClauses. */
  readonly maxClauses: number;
}

export const DEFAULT_LIMITS: CriteriaLimits = { maxLength: 10_000, maxDepth: 50, maxClauses: 1024 };

export function resolveLimits(options: Partial<CriteriaLimits> = {}): CriteriaLimits {
  return {
    maxLength: options.maxLength ?? DEFAULT_LIMITS.maxLength,
    maxDepth: options.maxDepth ?? DEFAULT_LIMITS.maxDepth,
    maxClauses: options.maxClauses ?? DEFAULT_LIMITS.maxClauses,
  };
}

/** Checks on the raw text, before any parsing work is spent on it. */
export function checkInput(criteria: string, limits: CriteriaLimits): void {
  if (criteria.length > limits.maxLength) {
    throw new CriteriaError(
      'too_long',
      `criteria too long: ${criteria.length} characters; at most ${limits.maxLength} are accepted`,
      limits.maxLength,
    );
  }
  const nul = criteria.indexOf('\u0000');
  if (nul >= 0) {
    throw new CriteriaError('invalid_value', `NUL character at position ${nul} is not allowed in criteria`, nul);
  }
}

// ---- the checked tree -------------------------------------------------------------------------

/** A value as written (unescaped): v1 fields were string fields, whatever they hold. */
export type CheckedValue = string;

export interface CheckedTerm {
  readonly kind: 'term';
  readonly field: string;
  readonly fieldType: FieldType;
  /** The value as written; for wildcard terms the pattern as written (for messages). */
  readonly value: CheckedValue;
  readonly wildcard: boolean;
  /** The wildcard pattern, when `wildcard` is true. */
  readonly pattern?: readonly PatternPiece[];
  readonly quoted: boolean;
  readonly position: number;
}

export interface CheckedRange {
  readonly kind: 'range';
  readonly field: string;
  readonly fieldType: FieldType;
  readonly lower?: CheckedValue;
  readonly upper?: CheckedValue;
  readonly lowerInclusive: boolean;
  readonly upperInclusive: boolean;
  readonly position: number;
}

export interface CheckedExists {
  readonly kind: 'exists';
  readonly field: string;
  readonly position: number;
}

export interface CheckedBoolean {
  readonly kind: 'boolean';
  readonly clauses: readonly Clause<CheckedQuery>[];
  readonly position: number;
}

export type CheckedQuery = MatchAll | CheckedTerm | CheckedRange | CheckedExists | CheckedBoolean;

// ---- fields -----------------------------------------------------------------------------------

/**
 * What one data set's criteria may name: the filterable v1 fields, by their case-sensitive names,
 * and `id`, which is not filterable in the index (a unique value per record is the costliest facet
 * there is) but is looked up by value (the store turns `id:X` into the fields the id is a hash
 * of); and its documented default search fields: a bare term matches records where any of these
 * equals it (Solr had one `df`; the catalog marks them, e.g. applicationId, Patent_PGPub and
 * ifwNumber for citations).
 */
export class CriteriaFields {
  readonly byName: ReadonlyMap<string, FieldSpec>;
  readonly defaults: readonly FieldSpec[];
  private readonly valid: string;

  constructor(catalog: Catalog) {
    this.byName = new Map(catalog.legacy.filter((f) => f.filter || f.name === PRIMARY_KEY).map((f) => [f.name, f]));
    this.defaults = catalog.defaults.filter((f) => this.byName.has(f.name));
    this.valid = [...this.byName.keys()].join(', ');
  }

  /** The field a criteria names, or a CriteriaError saying what is valid. */
  lookup(name: string, position: number): FieldSpec {
    const spec = this.byName.get(name);
    if (spec) return spec;
    let hint = '';
    if (name === '*') {
      hint = ' ("*" is a field only in "*:*")';
    } else {
      const other = [...this.byName.keys()].find((f) => f.toLowerCase() === name.toLowerCase());
      if (other) hint = ` (field names are case-sensitive: did you mean ${show(other)}?)`;
    }
    throw new CriteriaError('unknown_field', `unknown field ${show(name)} at position ${position}${hint}; valid fields: ${this.valid}`, position);
  }
}

const byCatalog = new WeakMap<Catalog, CriteriaFields>();

/** The criteria fields of a data set (built once per catalog). */
export function criteriaFieldsOf(catalog: Catalog): CriteriaFields {
  let fields = byCatalog.get(catalog);
  if (!fields) byCatalog.set(catalog, (fields = new CriteriaFields(catalog)));
  return fields;
}

/** Citations' criteria fields and default fields. */
export const CRITERIA_FIELDS: ReadonlyMap<string, FieldSpec> = criteriaFieldsOf(CITATIONS).byName;
export const CRITERIA_DEFAULT_FIELDS: readonly FieldSpec[] = criteriaFieldsOf(CITATIONS).defaults;

// ---- values -----------------------------------------------------------------------------------

/** Text that must not reach Meilisearch: NUL (which `\u0000` escapes can produce) and lone surrogates. */
function checkText(text: string, position: number): void {
  if (text.includes('\u0000')) {
    throw new CriteriaError('invalid_value', `NUL character in the value at position ${position} is not allowed`, position);
  }
  if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text)) {
    throw new CriteriaError('invalid_value', `malformed unicode (a lone surrogate) in the value at position ${position}`, position);
  }
}

/**
 * Values stay text, as written: every v1 field was a Solr string field, so `form892:true`,
 * `cite103Max:03` and `form892:2` are values that no record holds (they match nothing), not
 * errors, and ranges compare text. The emitter (and, for dates, dates.ts) decides what a value
 * means for its field.
 */
function convertValue(raw: string, position: number): CheckedValue {
  checkText(raw, position);
  return raw;
}

// ---- the check ----------------------------------------------------------------------------------

export function checkQuery(query: Query, limits: CriteriaLimits, fields: CriteriaFields = criteriaFieldsOf(CITATIONS)): CheckedQuery {
  checkClauseCount(query, limits.maxClauses);
  return checkNode(query, fields);
}

/** Counts leaf clauses (terms, phrases, ranges, `*`), as the user wrote them. */
function checkClauseCount(query: Query, maxClauses: number): void {
  let count = 0;
  const visit = (node: Query): void => {
    if (node.kind === 'boolean') {
      for (const clause of node.clauses) visit(clause.query);
      return;
    }
    if (++count > maxClauses) {
      throw new CriteriaError(
        'too_complex',
        `too many clauses: the one at position ${node.position} is number ${count}; at most ${maxClauses} are accepted`,
        node.position,
      );
    }
  };
  visit(query);
}

function checkNode(node: Query, fields: CriteriaFields): CheckedQuery {
  switch (node.kind) {
    case 'matchAll':
      return node;
    case 'boolean':
      return {
        kind: 'boolean',
        clauses: node.clauses.map((c) => ({ occur: c.occur, query: checkNode(c.query, fields) })),
        position: node.position,
      };
    case 'exists':
      return onFields(node, fields, (spec) => ({ kind: 'exists', field: spec.name, position: node.position }));
    case 'term':
      return onFields(node, fields, (spec) => checkTerm(node, spec));
    case 'range':
      return onFields(node, fields, (spec) => checkRange(node, spec));
  }
}

/** Builds the leaf for its field, or for each default field (any of them may match) when bare. */
function onFields(node: Term | Range | Exists, fields: CriteriaFields, build: (spec: FieldSpec) => CheckedQuery): CheckedQuery {
  if (node.field !== undefined) return build(fields.lookup(node.field, node.fieldPosition ?? node.position));
  const leaves = fields.defaults.map(build);
  if (leaves.length === 1) return leaves[0]!;
  return { kind: 'boolean', clauses: leaves.map((query) => ({ occur: 'should', query })), position: node.position };
}

/** `id` is looked up by value: whole values only (`id:*` is every record, as every record has one). */
function unsupportedOnId(what: string, position: number): CriteriaError {
  return new CriteriaError(
    'unsupported',
    `${what} at position ${position} is not supported on ${PRIMARY_KEY}: record ids are looked up by whole value (${PRIMARY_KEY}:<24 hex digits>), and ${PRIMARY_KEY}:* matches every record`,
    position,
  );
}

function checkTerm(node: Term, spec: FieldSpec): CheckedTerm {
  const base = { kind: 'term', field: spec.name, fieldType: spec.type, quoted: node.quoted, position: node.position } as const;
  if (!node.wildcard) return { ...base, value: convertValue(node.value, node.position), wildcard: false };
  if (spec.name === PRIMARY_KEY) throw unsupportedOnId(`wildcard ${show(node.value)}`, node.position);
  // Wildcards on every field, as Solr's string fields took them (`form892:1*`, `mailDate:2012*`).
  for (const piece of node.pattern ?? []) if (piece.kind === 'literal') checkText(piece.text, node.position);
  return { ...base, value: node.value, wildcard: true, pattern: node.pattern ?? [] };
}

function checkRange(node: Range, spec: FieldSpec): CheckedRange {
  if (spec.name === PRIMARY_KEY && (node.lower !== undefined || node.upper !== undefined)) throw unsupportedOnId('a range', node.position);
  // Open ends (`*`) stay absent rather than undefined-valued, so trees compare and print cleanly.
  return {
    kind: 'range',
    field: spec.name,
    fieldType: spec.type,
    ...(node.lower === undefined ? {} : { lower: convertValue(node.lower, node.lowerPosition) }),
    ...(node.upper === undefined ? {} : { upper: convertValue(node.upper, node.upperPosition) }),
    lowerInclusive: node.lowerInclusive,
    upperInclusive: node.upperInclusive,
    position: node.position,
  };
}
