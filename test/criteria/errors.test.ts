/**
 * Every refusal: its code, its position, and a message that says what and where.
 */
import { describe, expect, it } from 'vitest';
import { compileCriteria, CriteriaError, type CriteriaErrorCode } from '../../src/legacy/criteria/index.ts';

function failure(criteria: string, options?: Parameters<typeof compileCriteria>[1]): CriteriaError {
  try {
    compileCriteria(criteria, options);
  } catch (err) {
    expect(err).toBeInstanceOf(CriteriaError);
    return err as CriteriaError;
  }
  throw new Error(`expected ${JSON.stringify(criteria)} to be refused`);
}

const deep = (n: number) => `${'('.repeat(n)}a${')'.repeat(n)}`;
const many = (n: number) => Array.from({ length: n }, () => 'a').join(' ');

describe('errors: code, position and message', () => {
  it.each<[string, CriteriaErrorCode, number, RegExp]>([
    // unknown_field: names the field, lists the valid ones; names are case-sensitive.
    ['foo:1', 'unknown_field', 0, /^unknown field "foo" at position 0; valid fields: id, applicationId, Patent_PGPub, ifwNumber, .*signatureType$/],
    ['form892:1 AND patent_pgpub:1', 'unknown_field', 14, /unknown field "patent_pgpub" at position 14 \(field names are case-sensitive: did you mean "Patent_PGPub"\?\)/],
    ['foo:(a OR b)', 'unknown_field', 0, /unknown field "foo"/],
    ['*:foo', 'unknown_field', 0, /unknown field "\*" at position 0 \("\*" is a field only in "\*:\*"\)/],
    ['citationText:x', 'unknown_field', 0, /unknown field "citationText"/],
    ['foo:[a TO b]', 'unknown_field', 0, /unknown field "foo"/],
    // syntax
    ['form892:1 AND (form1449:1', 'syntax', 25, /^expected "\)" at position 25 to close the "\(" at position 14; found end of criteria$/],
    ['(a OR b', 'syntax', 7, /^expected "\)" at position 7/],
    ['(a OR b]', 'syntax', 7, /unexpected "\]" at position 7/],
    ['a OR b)', 'syntax', 6, /^unexpected "\)" at position 6: it closes no "\("$/],
    ['a AND', 'syntax', 5, /^expected a term, phrase, range or "\(" after "AND" at position 5; found end of criteria$/],
    ['a AND OR b', 'syntax', 6, /after "AND" at position 6; found "OR"/],
    ['AND a', 'syntax', 0, /^expected a term, phrase, range or "\(" at position 0; found "AND"$/],
    ['a OR', 'syntax', 4, /after "OR"/],
    ['NOT', 'syntax', 3, /after "NOT"/],
    ['a -', 'syntax', 3, /after "-"/],
    ['()', 'syntax', 1, /found "\)"/],
    ['form892:', 'syntax', 8, /after ":" at position 8/],
    ['a:b:c', 'syntax', 3, /unexpected ":" at position 3/],
    ['foo*:bar', 'syntax', 4, /unexpected ":" at position 4/],
    ['f:"abc', 'syntax', 2, /unterminated quoted phrase: the quote at position 2/],
    ['a\\', 'syntax', 1, /backslash at position 1/],
    ['a\\u00G1', 'syntax', 1, /bad unicode escape "\\\\u00G1" at position 1/],
    ['artUnit:[1 TO 2', 'syntax', 15, /expected "\]" or "\}" at position 15 to close the range opened at position 8/],
    ['artUnit:[1 TO]', 'syntax', 13, /expected a range bound at position 13 in the range opened at position 8; found "\]"/],
    ['artUnit:[TO 2]', 'syntax', 9, /expected a range bound at position 9/],
    ['a^', 'syntax', 2, /expected a number after "\^" at position 2/],
    ['a^x', 'syntax', 2, /expected a number after "\^"/],
    ['a]', 'syntax', 1, /unexpected "\]" at position 1/],
    ['a/b', 'syntax', 1, /unterminated regular expression/],
    // invalid_value
    ['form892:1\u0000', 'invalid_value', 9, /^NUL character at position 9 is not allowed in criteria$/],
    ['applicationId:a\\u0000b', 'invalid_value', 14, /NUL character in the value at position 14/],
    ['applicationId:\\ud800x', 'invalid_value', 14, /lone surrogate/],
    // unsupported
    ['a~', 'unsupported', 0, /^fuzzy search "a~" at position 0 is not supported/],
    ['applicationId:1234567~1', 'unsupported', 14, /fuzzy search "1234567~1" at position 14/],
    ['/ab+c/', 'unsupported', 0, /regular expression "\/ab\+c\/" at position 0 is not supported/],
    ['{!lucene}a', 'unsupported', 0, /Solr local parameters/],
    // too_long
    ['x'.repeat(10_001), 'too_long', 10_000, /^criteria too long: 10001 characters; at most 10000 are accepted$/],
    // too_complex
    [deep(51), 'too_complex', 50, /^parentheses nested too deep at position 50: at most 50 levels are accepted$/],
    [many(1025), 'too_complex', 2048, /^too many clauses: the one at position 2048 is number 1025; at most 1024 are accepted$/],
  ])('%j -> %s at %i', (criteria, code, position, message) => {
    const err = failure(criteria);
    expect(err.code).toBe(code);
    expect(err.position).toBe(position);
    expect(err.message).toMatch(message);
    expect(err.name).toBe('CriteriaError');
  });

  it('accepts exactly the limits', () => {
    expect(() => compileCriteria('x'.repeat(10_000))).not.toThrow();
    expect(() => compileCriteria(deep(50))).not.toThrow();
    expect(() => compileCriteria(many(1024))).not.toThrow();
  });

  it('honours limits passed in options', () => {
    expect(failure('abcdef', { maxLength: 5 })).toMatchObject({ code: 'too_long', position: 5 });
    expect(failure('((a))', { maxDepth: 1 })).toMatchObject({ code: 'too_complex', position: 1 });
    expect(failure('a b c', { maxClauses: 2 })).toMatchObject({ code: 'too_complex', position: 4 });
    expect(compileCriteria('((a))', { maxDepth: 2 }).filter).toBeDefined();
  });

  it('has no position when the problem has no single place', () => {
    let criteria = 'form892:1';
    for (let i = 0; i < 51; i++) criteria = `form1449:1 ${i % 2 ? 'AND' : 'OR'} (${criteria})`;
    expect(failure(criteria, { maxDepth: 60 })).toMatchObject({ code: 'too_complex', position: -1 });
  });

  // Solr's string fields took all of these: a value no record holds matches nothing, wildcards
  // of any shape work on any field, dates compare as their yyyyMMdd text.
  it.each([
    'form892:2',
    'form892:true OR form1449:1',
    'form892:[0 TO x]',
    'form892:1*',
    'rejection103:[1 TO 2]',
    'cite103Max:three',
    'cite103Max:?',
    'cite103Max:[2 TO 10]',
    'mailDate:2012130',
    'mailDate:NOW',
    'mailDate:"2012-03-15T10:00:00Z"',
    'mailDate:[20121301 TO 20121231]',
    'mailDate:[20120101 TO 2012-02-30]',
    'mailDate:2012*',
    'mailDate:2012??15',
    'Patent_PGPub:20*5',
    'Patent_PGPub:*2005',
    'Patent_PGPub:200?',
    'Patent_PGPub:*20*05*',
    'uspcClass:*\\ *',
  ])('accepts %s, as Solr did', (criteria) => {
    expect(() => compileCriteria(criteria)).not.toThrow();
  });
});
