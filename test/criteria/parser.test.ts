/**
 * Lexer + parser: Lucene classic QueryParser semantics, shown as Lucene-like shapes
 * (`+` MUST, `-` MUST_NOT, nothing SHOULD; w(...) a wildcard pattern; <default> a bare field).
 */
import { describe, expect, it } from 'vitest';
import { lex } from '../../src/legacy/criteria/lexer.ts';
import { parse } from '../../src/legacy/criteria/parser.ts';
import type { Query } from '../../src/legacy/criteria/ast.ts';
import { shape } from './support.ts';

const parseText = (criteria: string): Query => parse(lex(criteria), { maxDepth: 50 });
const kinds = (criteria: string) => lex(criteria).map((t) => `${t.kind}:${t.text}`);

describe('lexer: Lucene token rules', () => {
  it.each([
    ['a AND b', ['term:a', 'and:AND', 'term:b', 'eof:']],
    ['a && b || c', ['term:a', 'and:&&', 'term:b', 'or:||', 'term:c', 'eof:']],
    // Maximal munch: keywords only when the whole word is the keyword.
    ['ANDY AND* a&&b &&& and', ['term:ANDY', 'prefixTerm:AND*', 'term:a&&b', 'term:&&&', 'term:and', 'eof:']],
    ['NOT(a)', ['not:NOT', 'lparen:(', 'term:a', 'rparen:)', 'eof:']],
    // - and + may continue a term but not start one; ! never belongs to a term.
    ['102-b -a +a a!b', ['term:102-b', 'minus:-', 'term:a', 'plus:+', 'term:a', 'term:a', 'not:!', 'term:b', 'eof:']],
    // BAREOPER: an operator followed by whitespace is a one-character term.
    ['a - b', ['term:a', 'bareOper:- ', 'term:b', 'eof:']],
    ['*:* f:* ab* *ab* a?c a*b \\** *', ['star:*', 'colon::', 'star:*', 'term:f', 'colon::', 'star:*', 'prefixTerm:ab*', 'wildTerm:*ab*', 'wildTerm:a?c', 'wildTerm:a*b', 'prefixTerm:\\**', 'star:*', 'eof:']],
    ['actionSubtype:102\\(b\\)', ['term:actionSubtype', 'colon::', 'term:102\\(b\\)', 'eof:']],
    ['"a \\"b\\" c"', ['quoted:"a \\"b\\" c"', 'eof:']],
    ['a^2.5 "x"~3 b~', ['term:a', 'caret:^', 'number:2.5', 'quoted:"x"', 'fuzzySlop:~3', 'term:b', 'fuzzySlop:~', 'eof:']],
    ['f:[a TO b} {* TO "x y"]', ['term:f', 'colon::', 'rangeStart:[', 'rangeGoop:a', 'rangeTo:TO', 'rangeGoop:b', 'rangeEnd:}', 'rangeStart:{', 'rangeGoop:*', 'rangeTo:TO', 'rangeQuoted:"x y"', 'rangeEnd:]', 'eof:']],
    ['[TOx TO]', ['rangeStart:[', 'rangeGoop:TOx', 'rangeTo:TO', 'rangeEnd:]', 'eof:']],
    // Whitespace is Lucene's set only: U+00A0 is a term character, U+3000 separates.
    ['a\u00a0b a\u3000b', ['term:a\u00a0b', 'term:a', 'term:b', 'eof:']],
  ])('%j', (criteria, expected) => {
    expect(kinds(criteria)).toEqual(expected);
  });

  it('records each token position', () => {
    expect(lex('  form892:1 AND x').map((t) => t.position)).toEqual([2, 9, 10, 12, 16, 17]);
  });
});

describe('parser: clause semantics of QueryParserBase.addClause (default OR)', () => {
  it.each([
    // Precedence examples of the contract.
    ['a AND b OR c', '(+a +b c)'],
    ['a OR b AND c', '(a +b +c)'],
    ['a b', '(a b)'],
    ['a -b', '(a -b)'],
    ['a && b || c', '(+a +b c)'],
    ['a OR b OR c AND d', '(a b +c +d)'],
    ['a AND b AND c', '(+a +b +c)'],
    ['a OR b', '(a b)'],
    // Modifiers: +, -, !, NOT; AND does not override a prohibition.
    ['+a +b', '(+a +b)'],
    ['-a -b', '(-a -b)'],
    ['!a', '(-a)'],
    ['NOT a', '(-a)'],
    ['a NOT b', '(a -b)'],
    ['a !b', '(a -b)'],
    ['a AND NOT b', '(+a -b)'],
    ['NOT a AND b', '(-a +b)'],
    ['-a AND b', '(-a +b)'],
    ['a AND -b', '(+a -b)'],
    ['a OR -b', '(a -b)'],
    ['a OR NOT b', '(a -b)'],
    ['+a OR b', '(+a b)'],
    ['a AND +b', '(+a +b)'],
    ['a -b AND c', '(a -b +c)'],
    // Lowercase operators are plain terms, as in Lucene.
    ['a and b', '(a and b)'],
    ['a or NOT b', '(a or -b)'],
    // BAREOPER terms.
    ['a - b', '(a - b)'],
  ])('%s -> %s', (criteria, expected) => {
    expect(shape(parseText(criteria))).toBe(expected);
  });
});

describe('parser: groups and fields', () => {
  it.each([
    ['(a)', 'a'],
    ['((a))', 'a'],
    ['(+a)', '(+a)'],
    ['(-a)', '(-a)'],
    ['(a OR b) AND c', '(+(a b) +c)'],
    ['a AND (b OR (c AND -d))', '(+a +(b (+c -d)))'],
    ['-(a b)', '(-(a b))'],
    ['form892:1', 'form892:1'],
    ['form892:1 AND form1449:0', '(+form892:1 +form1449:0)'],
    ['actionType:(102 OR 103)', '(actionType:102 actionType:103)'],
    ['actionType:(102 OR documentCd:CTNF)', '(actionType:102 documentCd:CTNF)'],
    ['x:(a (b -c))', '(x:a (x:b -x:c))'],
    ['x:(a y:(b c))', '(x:a (y:b y:c))'],
    ['x:("a b" c*)', '(x:"a b" x:w("c" *))'],
    ['a : b', 'a:b'],
    ['Patent_PGPub:7123456', 'Patent_PGPub:7123456'],
  ])('%s -> %s', (criteria, expected) => {
    expect(shape(parseText(criteria))).toBe(expected);
  });
});

describe('parser: match-all, existence, wildcards', () => {
  it.each([
    ['*:*', '*:*'],
    // Solr's getWildcardQuery: a bare * (no explicit field) is match-all too.
    ['*', '*:*'],
    ['(*)', '*:*'],
    ['*:(*)', '*:*'],
    ['f:*', 'f:*'],
    ['f:(*)', 'f:*'],
    ['f:**', 'f:*'],
    ['**', '<default>:*'],
    ['-f:*', '(-f:*)'],
    ['*:* -f:1', '(*:* -f:1)'],
    ['f:2005*', 'f:w("2005" *)'],
    ['f:2005**', 'f:w("2005" *)'],
    ['f:*abc*', 'f:w(* "abc" *)'],
    ['f:*abc', 'f:w(* "abc")'],
    ['f:a?c', 'f:w("a" ? "c")'],
    ['f:a*b', 'f:w("a" * "b")'],
    // Escaped wildcards are literal; a prefix term decodes \\u escapes (discardEscapeChar).
    ['f:a\\*b*', 'f:w("a*b" *)'],
    ['f:\\u0041B*', 'f:w("AB" *)'],
    ['f:a\\*b', 'f:a*b'],
    ['2005*', 'w("2005" *)'],
    // Fuzzy after a prefix/wildcard term is ignored by Lucene.
    ['f:ab*~2', 'f:w("ab" *)'],
  ])('%s -> %s', (criteria, expected) => {
    expect(shape(parseText(criteria))).toBe(expected);
  });
});

describe('parser: ranges', () => {
  it.each([
    ['mailDate:[20120101 TO 20121231]', 'mailDate:["20120101" TO "20121231"]'],
    ['artUnit:{2100 TO 2199}', 'artUnit:{"2100" TO "2199"}'],
    ['artUnit:[2100 TO 2199}', 'artUnit:["2100" TO "2199"}'],
    ['artUnit:{2100 TO 2199]', 'artUnit:{"2100" TO "2199"]'],
    ['artUnit:[2400 TO *]', 'artUnit:["2400" TO *]'],
    ['artUnit:[* TO 1800}', 'artUnit:[* TO "1800"}'],
    ['artUnit:[* TO *]', 'artUnit:[* TO *]'],
    ['artUnit:[ 1 TO 2 ]', 'artUnit:["1" TO "2"]'],
    // TO is optional in Lucene's grammar.
    ['artUnit:[1 2]', 'artUnit:["1" TO "2"]'],
    // Quoted bounds; a quoted "*" is a literal star; escapes are discarded.
    ['f:["a b" TO "c\\"d"]', 'f:["a b" TO "c\\"d"]'],
    ['f:["*" TO *]', 'f:["*" TO *]'],
    ['f:[a\\:b TO c]', 'f:["a:b" TO "c"]'],
    ['f:[2012-01-01T00:00:00Z TO *]', 'f:["2012-01-01T00:00:00Z" TO *]'],
    ['[a TO b]', '["a" TO "b"]'],
    ['f:[a TO b]^2 OR g:1', '(f:["a" TO "b"] g:1)'],
    ['f:(x [a TO b])', '(f:x f:["a" TO "b"])'],
  ])('%s -> %s', (criteria, expected) => {
    expect(shape(parseText(criteria))).toBe(expected);
  });

  it('keeps bound and field positions', () => {
    expect(parseText('mailDate:[20120101 TO 20121231}')).toEqual({
      kind: 'range',
      field: 'mailDate',
      fieldPosition: 0,
      lower: '20120101',
      upper: '20121231',
      lowerInclusive: true,
      upperInclusive: false,
      lowerPosition: 10,
      upperPosition: 22,
      position: 9,
    });
  });
});

describe('parser: escapes, phrases, boosts', () => {
  it.each([
    ['actionSubtype:102\\(b\\)', 'actionSubtype:102(b)'],
    ['actionSubtype:"102(b)"', 'actionSubtype:"102(b)"'],
    ['a\\ b', 'a b'],
    ['\\AND', 'AND'],
    ['\\u0041BC', 'ABC'],
    ['a\\:b:c', 'a:b:c'],
    ['f:\\+1', 'f:+1'],
    ['f:"say \\"hi\\""', 'f:"say \\"hi\\""'],
    ['f:"back\\\\slash"', 'f:"back\\\\slash"'],
    ['f:"AND OR NOT"', 'f:"AND OR NOT"'],
    ['f:""', 'f:""'],
    ['"a b"~2', '"a b"'],
    ['"a b"^2~3', '"a b"'],
    ['a^2', 'a'],
    ['(a b)^2 c', '((a b) c)'],
  ])('%s -> %s', (criteria, expected) => {
    expect(shape(parseText(criteria))).toBe(expected);
  });

  it('keeps the unescaped value and the value position of a term', () => {
    expect(parseText('actionSubtype:102\\(b\\)')).toEqual({
      kind: 'term',
      field: 'actionSubtype',
      fieldPosition: 0,
      value: '102(b)',
      wildcard: false,
      quoted: false,
      position: 14,
    });
  });

  it('builds boolean nodes with the position of their first token', () => {
    expect(parseText('x:1 AND (y:2 OR -z:3)')).toEqual({
      kind: 'boolean',
      position: 0,
      clauses: [
        { occur: 'must', query: { kind: 'term', field: 'x', fieldPosition: 0, value: '1', wildcard: false, quoted: false, position: 2 } },
        {
          occur: 'must',
          query: {
            kind: 'boolean',
            position: 9,
            clauses: [
              { occur: 'should', query: { kind: 'term', field: 'y', fieldPosition: 9, value: '2', wildcard: false, quoted: false, position: 11 } },
              { occur: 'must_not', query: { kind: 'term', field: 'z', fieldPosition: 17, value: '3', wildcard: false, quoted: false, position: 19 } },
            ],
          },
        },
      ],
    });
  });
});
