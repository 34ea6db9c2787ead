/**
 * The legacy criteria compiler: a v1 `criteria` string (Lucene classic syntax, as Solr read it)
 * -> a Meilisearch filter string.
 *
 *   text --checkInput--> --lex--> tokens --parse--> syntax tree --checkQuery--> checked tree --emit--> filter
 *
 * The filter is over the catalog's fields; the store (src/store/) lowers it to the stored layout.
 *
 * Every refusal is a CriteriaError with a code and a position (see errors.ts).
 */
import type { Catalog } from '../../catalog/catalog.ts';
import type { MatchAll } from './ast.ts';
import { checkInput, checkQuery, criteriaFieldsOf, resolveLimits, type CheckedQuery, type CriteriaLimits } from './check.ts';
import { emitFilter } from './emit.ts';
import { ALL, type Filter } from '../../filter/ast.ts';
import { lex } from './lexer.ts';
import { parse } from './parser.ts';

export { CriteriaError, type CriteriaErrorCode } from './errors.ts';
export { DEFAULT_LIMITS, CRITERIA_FIELDS, CRITERIA_DEFAULT_FIELDS, criteriaFieldsOf } from './check.ts';
export type { CheckedQuery, CheckedTerm, CheckedRange, CheckedExists, CheckedBoolean, CheckedValue, CriteriaLimits } from './check.ts';
export type { Query, Term, Range, Exists, MatchAll, BooleanQuery, Clause, Occur, PatternPiece } from './ast.ts';

export type CompileOptions = Partial<CriteriaLimits> & {
  /** The data set whose fields the criteria name (default: citations). */
  catalog?: Catalog;
};

export interface CompiledCriteria {
  /** The filter over catalog fields (ALL when the criteria match every record). */
  readonly filter: Filter;
  /** Its text, a Meilisearch filter over the catalog's field names; undefined for every record. */
  readonly text: string | undefined;
  /** The checked tree the filter was emitted from (fields resolved, values converted). */
  readonly tree: CheckedQuery;
}

export function compileCriteria(criteria: string, options?: CompileOptions): CompiledCriteria {
  const limits = resolveLimits(options);
  checkInput(criteria, limits);
  const tokens = lex(criteria);
  // Empty or whitespace-only criteria mean `*:*`, the v1 default.
  if (tokens.length === 1) {
    const all: MatchAll = { kind: 'matchAll', position: 0 };
    return { filter: ALL, text: undefined, tree: all };
  }
  const fields = options?.catalog ? criteriaFieldsOf(options.catalog) : undefined;
  const tree = checkQuery(parse(tokens, { maxDepth: limits.maxDepth }), limits, fields);
  const isList = (field: string) => options?.catalog?.byName.get(field)?.list !== undefined;
  return { ...emitFilter(tree, isList), tree };
}
