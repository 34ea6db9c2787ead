/**
 * Test helpers for the criteria compiler:
 * - `shape`: a compact Lucene-like rendering of a syntax tree (`(+a +b c -d)`), so parser tables
 *   read like Lucene's own Query.toString();
 * - `parseMeiliFilter`: a tiny, independent reader of Meilisearch filter strings (tokenizer +
 *   recursive descent after filter-parser's BNF, unescaping values the way Meilisearch does), to
 *   check what structure an emitted filter really has. It also reads the compiler's own `MATCHES`
 *   (a wildcard pattern, which the store answers from the field's values: never sent).
 */
import type { Query } from '../../src/legacy/criteria/ast.ts';
import type { PatternPiece } from '../../src/legacy/criteria/lexer.ts';

// ---- syntax tree shapes ----------------------------------------------------------------------

function pattern(pieces: readonly PatternPiece[]): string {
  return pieces.map((p) => (p.kind === 'literal' ? JSON.stringify(p.text) : p.kind === 'anyString' ? '*' : '?')).join(' ');
}

export function shape(q: Query): string {
  const f = (field: string | undefined) => (field === undefined ? '' : `${field}:`);
  switch (q.kind) {
    case 'matchAll':
      return '*:*';
    case 'exists':
      return `${q.field ?? '<default>'}:*`;
    case 'term':
      if (q.wildcard) return `${f(q.field)}w(${pattern(q.pattern ?? [])})`;
      return `${f(q.field)}${q.quoted ? JSON.stringify(q.value) : q.value}`;
    case 'range': {
      const bound = (v: string | undefined) => (v === undefined ? '*' : JSON.stringify(v));
      return `${f(q.field)}${q.lowerInclusive ? '[' : '{'}${bound(q.lower)} TO ${bound(q.upper)}${q.upperInclusive ? ']' : '}'}`;
    }
    case 'boolean':
      return `(${q.clauses.map((c) => (c.occur === 'must' ? '+' : c.occur === 'must_not' ? '-' : '') + shape(c.query)).join(' ')})`;
  }
}

// ---- a tiny Meilisearch filter reader ----------------------------------------------------------

type FilterToken =
  | { t: 'lparen' | 'rparen' }
  | { t: 'op'; v: string }
  | { t: 'word'; v: string }
  | { t: 'string'; v: string };

export type MeiliFilter =
  | { type: 'or' | 'and'; args: MeiliFilter[] }
  | { type: 'not'; arg: MeiliFilter }
  | { type: 'cond'; field: string; op: string; value?: string };

/**
 * Meilisearch's reading of a quoted value: the closing quote is the first one not preceded by a
 * backslash escape; if an escaped quote was seen, every `\"` becomes `"`; then standard escapes are
 * decoded (the `unescaper` crate). Anything but `\\`, `\"`, `\'`, `\n`, `\r`, `\t` is treated as
 * an error here, so a test fails if the emitter ever leaves a stray escape behind.
 */
function readQuoted(s: string, start: number): { value: string; end: number } {
  const quote = s[start]!;
  let j = start + 1;
  let sawEscapedQuote = false;
  while (j < s.length && s[j] !== quote) {
    if (s[j] === '\\') {
      if (j + 1 >= s.length) throw new Error('filter: dangling backslash');
      if (s[j + 1] === quote) sawEscapedQuote = true;
      j += 2;
    } else {
      j++;
    }
  }
  if (j >= s.length) throw new Error('filter: unterminated string');
  let raw = s.slice(start + 1, j);
  if (sawEscapedQuote) raw = raw.split(`\\${quote}`).join(quote);
  let value = '';
  for (let k = 0; k < raw.length; k++) {
    if (raw[k] !== '\\') {
      value += raw[k];
      continue;
    }
    const next = raw[++k];
    const decoded: Record<string, string> = { '\\': '\\', '"': '"', "'": "'", n: '\n', r: '\r', t: '\t' };
    if (next === undefined || !(next in decoded)) throw new Error(`filter: unexpected escape \\${next}`);
    value += decoded[next];
  }
  return { value, end: j + 1 };
}

export function tokenizeMeiliFilter(s: string): FilterToken[] {
  const tokens: FilterToken[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')') {
      tokens.push({ t: c === '(' ? 'lparen' : 'rparen' });
      i++;
    } else if (c === '"' || c === "'") {
      const { value, end } = readQuoted(s, i);
      tokens.push({ t: 'string', v: value });
      i = end;
    } else {
      const op = /^(!=|>=|<=|=|>|<)/.exec(s.slice(i));
      if (op) {
        tokens.push({ t: 'op', v: op[0] });
        i += op[0].length;
        continue;
      }
      const word = /^[\p{L}\p{N}_.-]+/u.exec(s.slice(i));
      if (!word) throw new Error(`filter: unexpected ${JSON.stringify(c)} at ${i}`);
      tokens.push({ t: 'word', v: word[0] });
      i += word[0].length;
    }
  }
  return tokens;
}

const KEYWORDS = new Set(['AND', 'OR', 'NOT', 'TO', 'EXISTS', 'IN', 'IS', 'NULL', 'EMPTY', 'CONTAINS', 'MATCHES', 'STARTS', 'WITH']);

/** Parses a whole filter (throws on anything left over), per filter-parser's BNF. */
export function parseMeiliFilter(s: string): MeiliFilter {
  const tokens = tokenizeMeiliFilter(s);
  let pos = 0;
  const peek = () => tokens[pos];
  const isWord = (v: string) => peek()?.t === 'word' && (peek() as { v: string }).v === v;
  const expectWord = (v: string) => {
    if (!isWord(v)) throw new Error(`filter: expected ${v} at token ${pos}`);
    pos++;
  };
  const value = (): string => {
    const t = tokens[pos++];
    if (t?.t === 'string') return t.v;
    if (t?.t === 'word' && !KEYWORDS.has(t.v)) return t.v;
    throw new Error(`filter: expected a value at token ${pos - 1}`);
  };
  const list = (type: 'or' | 'and', keyword: string, item: () => MeiliFilter): MeiliFilter => {
    const args = [item()];
    while (isWord(keyword)) {
      pos++;
      args.push(item());
    }
    return args.length === 1 ? args[0]! : { type, args };
  };
  const orExpr = (): MeiliFilter => list('or', 'OR', andExpr);
  const andExpr = (): MeiliFilter => list('and', 'AND', notExpr);
  const notExpr = (): MeiliFilter => {
    if (isWord('NOT')) {
      pos++;
      return { type: 'not', arg: notExpr() };
    }
    return primary();
  };
  const primary = (): MeiliFilter => {
    if (peek()?.t === 'lparen') {
      pos++;
      const inner = orExpr();
      if (peek()?.t !== 'rparen') throw new Error('filter: expected )');
      pos++;
      return inner;
    }
    const field = value();
    const next = peek();
    if (next?.t === 'op') {
      pos++;
      return { type: 'cond', field, op: next.v, value: value() };
    }
    if (isWord('EXISTS')) {
      pos++;
      return { type: 'cond', field, op: 'EXISTS' };
    }
    if (isWord('NOT')) {
      pos++;
      expectWord('EXISTS');
      return { type: 'not', arg: { type: 'cond', field, op: 'EXISTS' } };
    }
    if (isWord('CONTAINS') || isWord('MATCHES')) {
      const op = (tokens[pos++] as { v: string }).v;
      return { type: 'cond', field, op, value: value() };
    }
    if (isWord('STARTS')) {
      pos++;
      expectWord('WITH');
      return { type: 'cond', field, op: 'STARTS WITH', value: value() };
    }
    throw new Error(`filter: expected an operator at token ${pos}`);
  };
  const result = orExpr();
  if (pos !== tokens.length) throw new Error(`filter: unexpected token ${pos}`);
  return result;
}

/** All conditions of a parsed filter, in order. */
export function conditions(f: MeiliFilter): Extract<MeiliFilter, { type: 'cond' }>[] {
  if (f.type === 'cond') return [f];
  if (f.type === 'not') return conditions(f.arg);
  return f.args.flatMap(conditions);
}
