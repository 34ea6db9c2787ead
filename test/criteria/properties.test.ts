/**
 * Property tests. FUZZ_RUNS (default 2000) sets the runs of each property, e.g.
 *   FUZZ_RUNS=200000 npx vitest run test/criteria/properties.test.ts
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileCriteria, CriteriaError } from '../../src/legacy/criteria/index.ts';
import { lex } from '../../src/legacy/criteria/lexer.ts';
import { parse } from '../../src/legacy/criteria/parser.ts';
import type { Query } from '../../src/legacy/criteria/ast.ts';
import { conditions, parseMeiliFilter, type MeiliFilter } from './support.ts';

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

/** Random well-formed criteria over a few typed fields, with every operator and modifier. */
const { criteria: validCriteria } = fc.letrec<{ criteria: string; clause: string; leaf: string }>((tie) => ({
  leaf: fc.oneof(
    fc.tuple(fc.constantFrom('form892', 'form1449'), fc.constantFrom('0', '1')).map(([f, v]) => `${f}:${v}`),
    fc.constantFrom('documentCd:CTNF', 'documentCd:CTFR', 'artUnit:2154', 'cite103Max:3', 'artUnit:*', 'artUnit:**', '*:*', '*'),
    fc.constantFrom('artUnit:[2100 TO 2199]', 'artUnit:{2100 TO *]', 'artUnit:[* TO 2154}', 'cite103Max:[2 TO 4}', 'cite103Max:{* TO 3]'),
  ),
  clause: fc.oneof({ depthSize: 'small' }, tie('leaf'), tie('criteria').map((c) => `(${c})`)),
  criteria: fc
    .array(fc.tuple(fc.constantFrom('', 'AND ', 'OR ', '&& ', '|| '), fc.constantFrom('', '', '+', '-', 'NOT ', '!'), tie('clause')), { minLength: 1, maxLength: 4 })
    .map((items) => items.map(([conj, mod, clause], i) => `${i === 0 ? '' : conj}${mod}${clause}`).join(' ')),
}));

interface Doc {
  /** Every record has its primary key (the emitter's "matches nothing" filter relies on it). */
  id: string;
  form892?: number;
  form1449?: number;
  documentCd?: string;
  artUnit?: string;
  cite103Max?: number;
}
const doc: fc.Arbitrary<Doc> = fc.record(
  {
    id: fc.constant('r'),
    // Every record has its application number (what NONE is written with).
    applicationId: fc.constant('12345678'),
    form892: fc.constantFrom(0, 1),
    form1449: fc.constantFrom(0, 1),
    documentCd: fc.constantFrom('CTNF', 'CTFR'),
    artUnit: fc.constantFrom('1700', '2100', '2154', '2199', '3600'),
    cite103Max: fc.integer({ min: 0, max: 6 }),
  },
  { requiredKeys: ['id', 'applicationId'] },
);

// ---- two independent evaluators -------------------------------------------------------------

type Value = string | number;
const valueOf = (d: Doc, field: string): Value | undefined => (d as unknown as Record<string, Value | undefined>)[field];

/** Compares a stored value with a written one the way both engines do for these fields. */
function compare(stored: Value, written: string): number {
  if (typeof stored === 'number') return stored - Number(written);
  return stored < written ? -1 : stored > written ? 1 : 0;
}

/** Lucene's matching semantics over the syntax tree (Solr: pure negative lists match all but them). */
function luceneMatches(q: Query, d: Doc): boolean {
  switch (q.kind) {
    case 'matchAll':
      return true;
    case 'exists':
      return valueOf(d, q.field!) !== undefined;
    case 'term': {
      const v = valueOf(d, q.field!);
      return v !== undefined && compare(v, q.value) === 0;
    }
    case 'range': {
      const v = valueOf(d, q.field!);
      if (v === undefined) return false;
      const lowerOk = q.lower === undefined || (q.lowerInclusive ? compare(v, q.lower) >= 0 : compare(v, q.lower) > 0);
      const upperOk = q.upper === undefined || (q.upperInclusive ? compare(v, q.upper) <= 0 : compare(v, q.upper) < 0);
      return lowerOk && upperOk;
    }
    case 'boolean': {
      const of = (occur: string) => q.clauses.filter((c) => c.occur === occur).map((c) => luceneMatches(c.query, d));
      const must = of('must');
      const should = of('should');
      if (of('must_not').some(Boolean)) return false;
      if (must.length > 0) return must.every(Boolean);
      if (should.length > 0) return should.some(Boolean);
      return true;
    }
  }
}

/** Meilisearch's semantics over a parsed filter. */
function meiliMatches(f: MeiliFilter, d: Doc): boolean {
  switch (f.type) {
    case 'and':
      return f.args.every((a) => meiliMatches(a, d));
    case 'or':
      return f.args.some((a) => meiliMatches(a, d));
    case 'not':
      return !meiliMatches(f.arg, d);
    case 'cond': {
      const v = valueOf(d, f.field);
      if (f.op === 'EXISTS') return v !== undefined;
      if (v === undefined) return false;
      const c = compare(v, f.value!);
      return { '=': c === 0, '!=': c !== 0, '>': c > 0, '>=': c >= 0, '<': c < 0, '<=': c <= 0 }[f.op] ?? fail(f.op);
    }
  }
}

function fail(op: string): never {
  throw new Error(`unexpected operator ${op}`);
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
          expect(parseMeiliFilter(compileCriteria(`applicationId:${escapeTerm(v)}*`).text!)).toEqual({
            type: 'cond',
            field: 'applicationId',
            op: 'STARTS WITH',
            value: v,
          });
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );

  it(
    'the filter matches exactly the records Lucene would (random criteria, random records)',
    () => {
      fc.assert(
        fc.property(validCriteria, fc.array(doc, { minLength: 1, maxLength: 8 }), (criteria, docs) => {
          const tree = parse(lex(criteria), { maxDepth: 50 });
          const { text: filter } = compileCriteria(criteria);
          const parsed = filter === undefined ? undefined : parseMeiliFilter(filter);
          for (const d of docs) {
            const expected = luceneMatches(tree, d);
            const got = parsed === undefined ? true : meiliMatches(parsed, d);
            if (got !== expected) {
              throw new Error(`${criteria} -> ${filter}: record ${JSON.stringify(d)} should ${expected ? '' : 'not '}match`);
            }
          }
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );
});
