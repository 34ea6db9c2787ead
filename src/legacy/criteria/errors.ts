/**
 * The one error type of the criteria compiler. Every stage (lexer, parser, checker, emitter) throws
 * only this, so the gateway can turn any refusal into a 400 that says what went wrong and where.
 */

export type CriteriaErrorCode =
  /** The criteria are not valid Lucene syntax (unbalanced parentheses, dangling AND, ...). */
  | 'syntax'
  /** A `field:` names no filterable v1 field (names are case-sensitive). */
  | 'unknown_field'
  /** A value cannot be read for its field's type (bad date, flag other than 0/1, NUL, ...). */
  | 'invalid_value'
  /** Valid Lucene that Meilisearch filters cannot express (fuzzy, regex, `a*b` wildcards, ...). */
  | 'unsupported'
  /** Longer than the configured `maxLength`. */
  | 'too_long'
  /** Nested too deep or too many clauses. */
  | 'too_complex';

export class CriteriaError extends Error {
  override readonly name = 'CriteriaError';

  /**
   * @param code     what kind of refusal this is (stable; clients may branch on it)
   * @param message  a complete human sentence, position included where there is one
   * @param position 0-based offset into the criteria string (UTF-16 code units, as JS indexes
   *                 strings), or -1 when the problem has no single place
   */
  constructor(
    readonly code: CriteriaErrorCode,
    message: string,
    readonly position: number = -1,
  ) {
    super(message);
  }
}

/** Quotes a piece of user input for a message: `"foo"`, with JSON escapes for control characters. */
export function show(text: string): string {
  return JSON.stringify(text);
}
