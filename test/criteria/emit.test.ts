/**
 * Whole compiler: criteria -> exact Meilisearch filter strings.
 */
import { describe, expect, it } from 'vitest';
import { compileCriteria, CriteriaError } from '../../src/legacy/criteria/index.ts';
import { parseMeiliFilter } from './support.ts';

const filterOf = (criteria: string) => compileCriteria(criteria).text;
const anyDefault = (v: string) => `applicationId = ${v} OR Patent_PGPub = ${v} OR ifwNumber = ${v}`;

describe('emitter: criteria -> filter', () => {
  it.each<[string, string | undefined]>([
    // Everything.
    ['*:*', undefined],
    ['', undefined],
    ['  \t\n', undefined],
    ['*', undefined],
    ['(*:*)', undefined],
    ['form892:1 OR *:*', undefined],
    // Values.
    ['form892:1', 'form892 = "1"'],
    // Values as written (v1 fields were string fields): `true` is a value no record holds.
    ['form892:true', 'form892 = "true"'],
    ['form892:2 OR form1449:1', 'form892 = "2" OR form1449 = "1"'],
    ['form892:"0"', 'form892 = "0"'],
    ['cite103Max:03', 'cite103Max = "03"'],
    ['cite103Max:3', 'cite103Max = "3"'],
    ['applicationId:01234567', 'applicationId = "01234567"'],
    ['documentCd:CTNF', 'documentCd = "CTNF"'],
    ['mailDate:20120315', 'mailDate = "2012-03-15"'],
    ['mailDate:2012-03-15', 'mailDate = "2012-03-15"'],
    ['mailDate:"2012-03-15T00:00:00Z"', 'mailDate = "2012-03-15"'],
    ['mailDate:2012-03-15T00\\:00\\:00', 'mailDate = "2012-03-15"'],
    ['actionSubtype:102\\(b\\)', 'actionSubtype = "102(b)"'],
    ['actionSubtype:"103(a)"', 'actionSubtype = "103(a)"'],
    // Ranges.
    ['mailDate:[20120101 TO 20121231]', 'mailDate >= "2012-01-01" AND mailDate <= "2012-12-31"'],
    ['mailDate:{20120101 TO 2012-12-31T00:00:00Z}', 'mailDate >= "2012-01-02" AND mailDate < "2012-12-31"'],
    // Mail dates compare as their v1 text yyyyMMdd: a bound that is no whole date still has its place.
    ['mailDate:[2012 TO 2013]', 'mailDate >= "2012-00-00" AND mailDate <= "2012-99-99"'],
    ['mailDate:{2012 TO 2013}', 'mailDate >= "2012-00-00" AND mailDate <= "2012-99-99"'],
    ['mailDate:[20121 TO 201212]', 'mailDate >= "2012-10-00" AND mailDate <= "2012-11-99"'],
    ['mailDate:[2012a TO 2012-]', 'mailDate >= "2013-00-00" AND mailDate <= "2011-99-99"'],
    ['mailDate:{20121231 TO 201301010}', 'mailDate >= "2012-12-32" AND mailDate <= "2013-01-01"'],
    ['mailDate:[a TO *]', 'NOT applicationId EXISTS'],
    ['mailDate:[* TO 00000000}', 'NOT applicationId EXISTS'],
    ['mailDate:foo', 'NOT applicationId EXISTS'],
    ['mailDate:2012', 'NOT applicationId EXISTS'],
    ['mailDate:20121399', 'mailDate = "2012-13-99"'],
    ['mailDate:2012*', 'mailDate >= "2012-00-00" AND mailDate <= "2012-99-99"'],
    ['mailDate:201203*', 'mailDate >= "2012-03-00" AND mailDate <= "2012-03-99"'],
    ['mailDate:2012??15', 'mailDate MATCHES "2012??15"'],
    ['mailDate:*15', 'mailDate MATCHES "*15"'],
    ['mailDate:[20150101 TO *]', 'mailDate >= "2015-01-01"'],
    ['artUnit:{2100 TO 2199}', 'artUnit > "2100" AND artUnit < "2199"'],
    ['artUnit:[2100 TO 2199}', 'artUnit >= "2100" AND artUnit < "2199"'],
    ['artUnit:[2400 TO *]', 'artUnit >= "2400"'],
    ['artUnit:[* TO 1800}', 'artUnit < "1800"'],
    ['artUnit:[* TO *]', 'artUnit EXISTS'],
    ['cite103Max:[2 TO 4]', 'cite103Max >= "2" AND cite103Max <= "4"'],
    ['form892:[0 TO 1}', 'form892 >= "0" AND form892 < "1"'],
    // Existence and wildcards.
    ['ifwNumber:*', 'ifwNumber EXISTS'],
    ['mailDate:*', 'mailDate EXISTS'],
    ['form892:*', 'form892 EXISTS'],
    ['Patent_PGPub:**', 'Patent_PGPub EXISTS'],
    ['Patent_PGPub:2005*', 'Patent_PGPub STARTS WITH "2005"'],
    ['Patent_PGPub:2005**', 'Patent_PGPub STARTS WITH "2005"'],
    ['Patent_PGPub:*2005*', 'Patent_PGPub CONTAINS "2005"'],
    ['Patent_PGPub:a\\*b*', 'Patent_PGPub STARTS WITH "a*b"'],
    ['Patent_PGPub:*\\"x*', 'Patent_PGPub CONTAINS "\\"x"'],
    ['form892:1*', 'form892 STARTS WITH "1"'],
    ['rejection103:[1 TO 2]', 'rejection103 >= "1" AND rejection103 <= "2"'],
    // Wildcards Meilisearch has no operator for: patterns, answered by the store from the values.
    ['artUnit:21?4', 'artUnit MATCHES "21?4"'],
    ['artUnit:*54', 'artUnit MATCHES "*54"'],
    ['artUnit:2*4', 'artUnit MATCHES "2*4"'],
    ['uspcClass:*\\ *', 'uspcClass MATCHES "* *"'],
    ['actionType:\\ 10*', 'actionType MATCHES " 10*"'],
    ['Patent_PGPub:a\\?b?', 'Patent_PGPub MATCHES "a\\\\?b?"'],
    // Lucene precedence.
    ['form892:1 AND form1449:1 OR citationInOA:1', 'form892 = "1" AND form1449 = "1"'],
    ['citationInOA:1 OR form892:1 AND form1449:1', 'form892 = "1" AND form1449 = "1"'],
    ['form892:1 && citationInOA:1', 'form892 = "1" AND citationInOA = "1"'],
    ['actionType:103 || actionType:102', 'actionType = "103" OR actionType = "102"'],
    ['actionType:102 actionType:103', 'actionType = "102" OR actionType = "103"'],
    ['actionType:(102 OR 103)', 'actionType = "102" OR actionType = "103"'],
    ['+form892:1 form1449:1', 'form892 = "1"'],
    ['+form892:1 +documentCd:CTFR', 'form892 = "1" AND documentCd = "CTFR"'],
    ['(citationInOA:1 OR form892:1) AND documentCd:CTNF', '(citationInOA = "1" OR form892 = "1") AND documentCd = "CTNF"'],
    ['form892:1 OR (form1449:1 AND citationInOA:1)', 'form892 = "1" OR (form1449 = "1" AND citationInOA = "1")'],
    ['form892:1 AND (form1449:1 AND citationInOA:1)', 'form892 = "1" AND form1449 = "1" AND citationInOA = "1"'],
    ['artUnit:[2100 TO 2199] OR form892:1', '(artUnit >= "2100" AND artUnit <= "2199") OR form892 = "1"'],
    [
      '(actionType:103 OR actionType:102) AND documentCd:CTFR AND NOT rejection101:1',
      '(actionType = "103" OR actionType = "102") AND documentCd = "CTFR" AND NOT rejection101 = "1"',
    ],
    // Negation: a purely negative query matches everything else.
    ['NOT form892:1', 'NOT form892 = "1"'],
    ['!form892:1', 'NOT form892 = "1"'],
    ['-form892:1', 'NOT form892 = "1"'],
    ['-ifwNumber:*', 'NOT ifwNumber EXISTS'],
    ['form1449:1 -citationInOA:1', 'form1449 = "1" AND NOT citationInOA = "1"'],
    ['form1449:1 OR -citationInOA:1', 'form1449 = "1" AND NOT citationInOA = "1"'],
    ['-form892:1 -form1449:1', 'NOT (form892 = "1" OR form1449 = "1")'],
    ['-(form892:1 OR form1449:1)', 'NOT (form892 = "1" OR form1449 = "1")'],
    ['NOT artUnit:[2100 TO 2199]', 'NOT (artUnit >= "2100" AND artUnit <= "2199")'],
    // A nested list of negative clauses only matches nothing; only the top one is completed with *:*.
    ['form892:1 OR (-form1449:1)', 'form892 = "1"'],
    ['citationInOA:1 AND (-form892:1)', 'NOT applicationId EXISTS'],
    ['citationInOA:1 OR (-form892:1)', 'citationInOA = "1"'],
    ['documentCd:CTFR AND artUnit:(-2667)', 'NOT applicationId EXISTS'],
    ['artUnit:(-2667)', 'NOT artUnit = "2667"'],
    ['(-form892:1)', 'NOT form892 = "1"'],
    ['+(-form892:1)', 'NOT applicationId EXISTS'],
    ['NOT (-form892:1)', undefined],
    ['citationInOA:1 AND (*:* -form892:1)', 'citationInOA = "1" AND NOT form892 = "1"'],
    ['form892:1 OR (-form1449:1 -citationInOA:1)', 'form892 = "1"'],
    ['-(-form892:1)', undefined],
    ['*:* -form892:1', 'NOT form892 = "1"'],
    ['*:* AND form892:1', 'form892 = "1"'],
    ['form892:1 -form1449:1 -citationInOA:1', 'form892 = "1" AND NOT (form1449 = "1" OR citationInOA = "1")'],
    ['(form892:1 OR form1449:1) -citationInOA:1', '(form892 = "1" OR form1449 = "1") AND NOT citationInOA = "1"'],
    // Nothing at all: every record has its application number.
    ['-*:*', 'NOT applicationId EXISTS'],
    ['form892:1 AND -*:*', 'NOT applicationId EXISTS'],
    // Bare terms: any default field.
    ['12345678', anyDefault('"12345678"')],
    ['"12345678"', anyDefault('"12345678"')],
    ['2005*', 'applicationId STARTS WITH "2005" OR Patent_PGPub STARTS WITH "2005" OR ifwNumber STARTS WITH "2005"'],
    ['**', 'applicationId EXISTS OR Patent_PGPub EXISTS OR ifwNumber EXISTS'],
    ['12345678 AND form892:1', `(${anyDefault('"12345678"')}) AND form892 = "1"`],
    // Hostile values stay one value.
    ['applicationId:"x\\" OR applicationId EXISTS"', 'applicationId = "x\\" OR applicationId EXISTS"'],
    ['applicationId:a\\\\b', 'applicationId = "a\\\\b"'],
    ['applicationId:AND\\ OR\\ NOT\\ TO\\ EXISTS', 'applicationId = "AND OR NOT TO EXISTS"'],
    ['applicationId:"\\\\\\""', 'applicationId = "\\\\\\""'],
    ["applicationId:it's", `applicationId = "it's"`],
    ['applicationId:ünï€😀', 'applicationId = "ünï€😀"'],
    ['applicationId:"a) OR (b"', 'applicationId = "a) OR (b"'],
  ])('%s', (criteria, expected) => {
    const filter = filterOf(criteria);
    expect(filter).toBe(expected);
    // Whatever we emit, a reader of Meilisearch's grammar accepts it whole.
    if (filter !== undefined) expect(() => parseMeiliFilter(filter)).not.toThrow();
  });
});

describe('emitter: the checked tree', () => {
  it('keeps values as written and expands bare terms', () => {
    expect(compileCriteria('mailDate:[20120101 TO *] 42').tree).toEqual({
      kind: 'boolean',
      position: 0,
      clauses: [
        { occur: 'should', query: { kind: 'range', field: 'mailDate', fieldType: 'date', lower: '20120101', lowerInclusive: true, upperInclusive: true, position: 9 } },
        {
          occur: 'should',
          query: {
            kind: 'boolean',
            position: 25,
            clauses: ['applicationId', 'Patent_PGPub', 'ifwNumber'].map((field) => ({
              occur: 'should',
              query: { kind: 'term', field, fieldType: 'string', value: '42', wildcard: false, quoted: false, position: 25 },
            })),
          },
        },
      ],
    });
  });

  it('returns a match-all tree for empty criteria', () => {
    expect(compileCriteria('').tree).toEqual({ kind: 'matchAll', position: 0 });
  });
});

describe("emitter: Meilisearch's nesting limit", () => {
  // Meilisearch 1.21 accepts 49 nested parentheses around a condition and refuses 50 (checked by
  // hand against the pinned binary): its parser spends 4 levels per parenthesis, limit 200.
  const alternating = (levels: number) => {
    let criteria = 'form892:1';
    for (let i = 0; i < levels; i++) criteria = `form1449:1 ${i % 2 ? 'AND' : 'OR'} (${criteria})`;
    return criteria;
  };

  it('emits 49 nested parentheses (the innermost Lucene group needs none)', () => {
    const filter = filterOf(alternating(50))!;
    expect(filter.match(/\(/g)).toHaveLength(49);
    expect(filter).toMatch(/^form1449 = "1" AND \(form1449 = "1" OR \(/);
  });

  it('refuses what Meilisearch would refuse, with too_complex', () => {
    // 51 Lucene levels (allowed by a raised maxDepth) would be 50 parentheses in the filter.
    const attempt = () => compileCriteria(alternating(51), { maxDepth: 60 });
    expect(attempt).toThrow(CriteriaError);
    expect(attempt).toThrow(/nested too deep for Meilisearch/);
    try {
      attempt();
    } catch (err) {
      expect((err as CriteriaError).code).toBe('too_complex');
    }
  });
});
