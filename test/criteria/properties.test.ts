/**
 * Property tests. FUZZ_RUNS (default 2000) sets the runs of each property, e.g.
 *   FUZZ_RUNS=200000 npx vitest run test/criteria/properties.test.ts
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileCriteria, CriteriaError } from '../../src/legacy/criteria/index.ts';
import { lex } from '../../src/legacy/criteria/lexer.ts';
import { parse } from '../../src/legacy/criteria/parser.ts';
import { conditions, parseMeiliFilter } from './support.ts';
import { solrMatches } from '../helpers/solr-oracle.ts';
import type { Filter } from '../../src/filter/ast.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 2000);
const TIMEOUT = Math.max(60_000, RUNS * 20);

// ---- generators -------------------------------------------------------------------------------

/** Fragments that exercise every corner of the grammar when glued together at random. */
const fragment = fc.constantFrom(
  'AND', 'OR', 'NOT', '&&', '||', '!', '+', '-', '(', ')', '[', ']', '{', '}', ' TO ', 'TO', ':', '*', '?',
  '"', '\\', '\\"', '^2', '^', '~', '~2', '/', ' ', '\t', '\n', '\u3000', '\u00a0', 'a', 'x y', '2012',
  '20120101', '2012-03-15', 'mailDate', 'form892', 'applicationId', 'Patent_PGPub', 'cite103Max',
  'artUnit', 'foo', '1', '0', 'true', '\\u00', '\\u0041', '\\ud800', '{!', "'", '\u0000', '😀', 'é', '*:*',
);
const luceneish = fc.array(fragment, { maxLength: 40 }).map((parts) => parts.join(''));
const anyInput = fc.oneof(luceneish, fc.string({ unit: 'binary', maxLength: 80 }), fc.string({ unit: 'binary-ascii', maxLength: 80 }));

/** Values no filter should be able to misread: quotes, backslashes, keywords, unicode (no NUL). */
const hostileValue = fc
  .oneof(
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc
      .array(fc.constantFrom('"', '\\', "'", ' ', 'AND', 'OR', 'NOT', 'TO', 'EXISTS', 'STARTS WITH', 'CONTAINS', '(', ')', '=', '!=', 'applicationId', '\\"', '\\\\', '\\u0041', '\\n', 'é', '😀', '\u3000', '*', '?', ':', 'x'), { maxLength: 12 })
      .map((parts) => parts.join('')),
  )
  .filter((v) => !v.includes('\u0000'));

/** Lucene escaping inside a quoted phrase: only `\` and `"` are special there. */
const escapePhrase = (v: string) => v.replace(/[\\"]/g, '\\$&');

/** Lucene escaping of a bare term: every special character and whitespace gets a backslash. */
const escapeTerm = (v: string) => v.replace(/[\\+\-!():^[\]"{}~*?|&/ \t\n\r\u3000]/g, '\\$&');

/**
 * Random well-formed criteria over a few fields, with every operator and modifier, nested
 * negative groups, values no record holds, text ranges over numbers and wildcards of every shape.
 */
const { criteria: validCriteria } = fc.letrec<{ criteria: string; clause: string; leaf: string }>((tie) => ({
  leaf: fc.oneof(
    fc.tuple(fc.constantFrom('form892', 'form1449'), fc.constantFrom('0', '1', '2', 'true', '1*', '*0', '?')).map(([f, v]) => `${f}:${v}`),
    fc.constantFrom('documentCd:CTNF', 'documentCd:CTFR', 'documentCd:ct*', 'documentCd:[CTFR TO CTNF]', 'documentCd:{CTFR TO *]'),
    fc.constantFrom('artUnit:2154', 'artUnit:*', 'artUnit:**', 'artUnit:21?4', 'artUnit:*00', 'artUnit:2*9', 'artUnit:(-2154)', '*:*', '*'),
    fc.constantFrom('artUnit:[2100 TO 2199]', 'artUnit:{2100 TO *]', 'artUnit:[* TO 2154}', 'artUnit:[21 TO 3]'),
    fc.constantFrom('cite103Max:3', 'cite103Max:03', 'cite103Max:[2 TO 4}', 'cite103Max:{* TO 3]', 'cite103Max:[2 TO 10]', 'cite103Max:1*', 'cite103Max:?'),
    fc.constantFrom('mailDate:20120315', 'mailDate:[20120101 TO 20121231]', 'mailDate:[2012 TO 2013]', 'mailDate:{20120315 TO *]', 'mailDate:2012*', 'mailDate:2012??15', 'mailDate:*15', 'mailDate:foo'),
  ),
  clause: fc.oneof({ depthSize: 'small' }, tie('leaf'), tie('criteria').map((c) => `(${c})`)),
  criteria: fc
    .array(fc.tuple(fc.constantFrom('', 'AND ', 'OR ', '&& ', '|| '), fc.constantFrom('', '', '+', '-', 'NOT ', '!'), tie('clause')), { minLength: 1, maxLength: 4 })
    .map((items) => items.map(([conj, mod, clause], i) => `${i === 0 ? '' : conj}${mod}${clause}`).join(' ')),
}));

/** A record as the catalog types it (flags and counts numbers, dates ISO). */
interface Doc {
  id: string;
  applicationId: string;
  form892?: number;
  form1449?: number;
  documentCd?: string;
  artUnit?: string;
  cite103Max?: number;
  mailDate?: string;
}
const doc: fc.Arbitrary<Doc> = fc.record(
  {
    id: fc.constant('r'),
    applicationId: fc.constant('12345678'),
    form892: fc.constantFrom(0, 1),
    form1449: fc.constantFrom(0, 1),
    documentCd: fc.constantFrom('CTNF', 'CTFR'),
    artUnit: fc.constantFrom('1700', '2100', '2154', '2199', '3600'),
    cite103Max: fc.integer({ min: 0, max: 12 }),
    mailDate: fc.constantFrom('2011-12-31', '2012-01-01', '2012-03-15', '2012-04-15', '2012-12-31', '2013-01-01'),
  },
  { requiredKeys: ['id', 'applicationId'] },
);

// ---- two independent evaluators -------------------------------------------------------------

const valueOf = (d: Doc, field: string): string | number | undefined => (d as unknown as Record<string, string | number | undefined>)[field];

/** UTF-8 byte order, as Lucene compares terms. */
const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

/** The case folding we document (values compare as Meilisearch normalises them). */
const fold = (s: string) => s.trim().toLowerCase();

const wildcardRegExp = (pieces: readonly { kind: string; text?: string }[]) =>
  new RegExp(`^${pieces.map((p) => (p.kind === 'anyString' ? '.*' : p.kind === 'anyChar' ? '.' : p.text!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('')}$`, 's');

/**
 * The compiled filter (over catalog fields) on a typed record: a number condition numerically, a
 * text condition on the value's text, folded; a pattern on a mail date against its yyyyMMdd text.
 */
function filterMatches(f: Filter, d: Doc): boolean {
  switch (f.op) {
    case 'all':
      return true;
    case 'none':
      return false;
    case 'not':
      return !filterMatches(f.arg, d);
    case 'and':
      return f.args.every((a) => filterMatches(a, d));
    case 'or':
      return f.args.some((a) => filterMatches(a, d));
    case 'cond': {
      const c = f.cond;
      const v = valueOf(d, c.field);
      if (v === undefined) return false;
      if (c.kind === 'exists') return true;
      const text = fold(c.kind === 'pattern' && c.field === 'mailDate' ? String(v).replaceAll('-', '') : String(v));
      const order = (x: string | number) => (typeof x === 'number' && typeof v === 'number' ? v - x : byteOrder(text, fold(String(x))));
      switch (c.kind) {
        case 'eq':
          return order(c.value) === 0;
        case 'in':
          return c.values.some((x) => order(x) === 0);
        case 'cmp':
          return { '<': order(c.value) < 0, '<=': order(c.value) <= 0, '>': order(c.value) > 0, '>=': order(c.value) >= 0 }[c.op];
        case 'startsWith':
          return text.startsWith(c.text.toLowerCase());
        case 'contains':
          return text.includes(c.text.toLowerCase());
        case 'pattern':
          return wildcardRegExp(c.pieces.map((p) => (p.kind === 'literal' ? { kind: 'literal', text: p.text.toLowerCase() } : p))).test(text);
        case 'lists':
          return `,${text},`.includes(`,${fold(c.item)},`);
      }
    }
  }
}

// ---- properties -------------------------------------------------------------------------------

describe('criteria compiler properties', () => {
  it(
    'any input either compiles to a well-formed filter or throws a CriteriaError',
    () => {
      fc.assert(
        fc.property(anyInput, (criteria) => {
          let filter: string | undefined;
          try {
            filter = compileCriteria(criteria).text;
          } catch (err) {
            if (err instanceof CriteriaError) return;
            throw err;
          }
          if (filter !== undefined) parseMeiliFilter(filter);
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );

  it(
    'a quoted value of any content comes back exactly, as the single value of a single condition',
    () => {
      fc.assert(
        fc.property(hostileValue, (v) => {
          const { text: filter } = compileCriteria(`applicationId:"${escapePhrase(v)}"`);
          const parsed = parseMeiliFilter(filter!);
          expect(parsed).toEqual({ type: 'cond', field: 'applicationId', op: '=', value: v });
          expect(conditions(parsed).filter((c) => c.op === '=')).toHaveLength(1);
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );

  it(
    'an escaped term and an escaped prefix round-trip the same way',
    () => {
      fc.assert(
        fc.property(hostileValue.filter((v) => v.length > 0), (v) => {
          // AND / OR / NOT stay keywords even escaped character by character (as in Lucene):
          // escaping their first letter makes them terms.
          const term = /^(AND|OR|NOT)$/.test(v) ? `\\${escapeTerm(v)}` : escapeTerm(v);
          expect(parseMeiliFilter(compileCriteria(`applicationId:${term}`).text!)).toEqual({
            type: 'cond',
            field: 'applicationId',
            op: '=',
            value: v,
          });
          // A prefix Meilisearch would trim (it begins or ends with a space) is a pattern instead.
          const prefix = compileCriteria(`applicationId:${escapeTerm(v)}*`);
          if (v.trim() === v) {
            expect(parseMeiliFilter(prefix.text!)).toEqual({ type: 'cond', field: 'applicationId', op: 'STARTS WITH', value: v });
          } else {
            expect(prefix.filter).toEqual({ op: 'cond', cond: { kind: 'pattern', field: 'applicationId', pieces: [{ kind: 'literal', text: v }, { kind: 'anyString' }] } });
          }
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );

  it(
    'the filter matches exactly the records Solr would (random criteria, random records)',
    () => {
      fc.assert(
        fc.property(validCriteria, fc.array(doc, { minLength: 1, maxLength: 8 }), (criteria, docs) => {
          const tree = parse(lex(criteria), { maxDepth: 50 });
          const { filter, text } = compileCriteria(criteria);
          if (text !== undefined) parseMeiliFilter(text);
          for (const d of docs) {
            const expected = solrMatches(tree, d as unknown as Record<string, unknown>);
            if (filterMatches(filter, d) !== expected) {
              throw new Error(`${criteria} -> ${text}: record ${JSON.stringify(d)} should ${expected ? '' : 'not '}match`);
            }
          }
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );
});
