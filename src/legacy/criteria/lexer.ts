/**
 * Stage 1: criteria text -> tokens with positions.
 *
 * This is a hand port of the token rules of Lucene's classic QueryParser.jj (the grammar Solr's
 * standard query parser was generated from), so that odd inputs split exactly where Solr split
 * them. The rules that matter, and that a naive tokenizer gets wrong:
 *
 * - Maximal munch with declaration order as the tie-break (JavaCC): `AND` is the keyword but `ANDY`,
 *   `AND*` and `a&&b` are terms; `&&`, `||` are keywords only when they stand alone.
 * - A term may not *start* with `+ - ! ( ) : ^ [ ] " { } ~ * ? \ /` or whitespace, but `-` and `+`
 *   may appear inside it (`102-b`). `!` can never appear unescaped in a term (`a!b` is a NOT b).
 * - A backslash escapes any one character (`102\(b\)`, `a\ b`). A term ending in `*` is a prefix
 *   term, a lone `*` is STAR (for `*:*` and `field:*`), any other term with an unescaped `*` or `?`
 *   is a wildcard term.
 * - `+`, `-` or `!` followed by whitespace is a *term* of that one character (Lucene's BAREOPER).
 * - Keywords are uppercase only: `and` is an ordinary term, as in Lucene.
 * - Whitespace is exactly space, tab, CR, LF and U+3000 (ideographic space); anything else, even
 *   U+00A0, is part of a term.
 * - Inside `[ ... ]` / `{ ... }` another token set applies (range bounds are any run of characters
 *   but space, `]` and `}`; `TO` is a keyword there), and right after `^` a number must follow.
 *
 * Positions are 0-based offsets in UTF-16 code units (JavaScript string indexes).
 */
import type { PatternPiece } from '../../filter/ast.ts';
import { CriteriaError, show } from './errors.ts';

export type TokenKind =
  | 'and' // AND, &&
  | 'or' // OR, ||
  | 'not' // NOT, !
  | 'plus' // + (must)
  | 'minus' // - (must not)
  | 'bareOper' // "+", "-" or "!" followed by whitespace: a one-character term
  | 'lparen'
  | 'rparen'
  | 'colon'
  | 'star' // a lone *
  | 'caret' // ^ (boost)
  | 'number' // the boost after ^
  | 'quoted' // "a phrase", quotes included in `text`
  | 'term'
  | 'prefixTerm' // abc*
  | 'wildTerm' // a?c, a*b, *abc, *abc*
  | 'regexpTerm' // /.../
  | 'fuzzySlop' // ~, ~2, ~0.8 (after a term or phrase)
  | 'rangeStart' // [ or {
  | 'rangeTo' // TO inside a range
  | 'rangeGoop' // an unquoted range bound
  | 'rangeQuoted' // a quoted range bound
  | 'rangeEnd' // ] or }
  | 'eof';

export interface Token {
  readonly kind: TokenKind;
  /** The token exactly as written (escapes and quotes included). */
  readonly text: string;
  /** Offset of the token's first character. */
  readonly position: number;
}

/** Lucene's _WHITESPACE. */
const WHITESPACE = new Set([' ', '\t', '\n', '\r', '\u3000']);

/** Characters that cannot start a term unless escaped (the complement of Lucene's _TERM_START_CHAR). */
const NOT_TERM_START = new Set([...WHITESPACE, '+', '-', '!', '(', ')', ':', '^', '[', ']', '"', '{', '}', '~', '*', '?', '\\', '/']);

const isWhitespace = (c: string | undefined): boolean => c !== undefined && WHITESPACE.has(c);
const isTermStart = (c: string): boolean => !NOT_TERM_START.has(c);
/** Lucene's _TERM_CHAR minus the escape, which the scanner handles itself. */
const isTermChar = (c: string): boolean => isTermStart(c) || c === '-' || c === '+';
const isWildcard = (c: string): boolean => c === '*' || c === '?';

/** Keywords of the default state, recognised only when they are the whole munch. */
const KEYWORDS: ReadonlyMap<string, TokenKind> = new Map([
  ['AND', 'and'],
  ['&&', 'and'],
  ['OR', 'or'],
  ['||', 'or'],
  ['NOT', 'not'],
]);

type LexState = 'default' | 'range' | 'boost';

export function lex(criteria: string): Token[] {
  return new Lexer(criteria).run();
}

class Lexer {
  private readonly tokens: Token[] = [];
  private state: LexState = 'default';
  private i = 0;

  constructor(private readonly s: string) {}

  run(): Token[] {
    while (this.i < this.s.length) {
      if (this.state === 'boost') this.boost();
      else if (this.state === 'range') this.range();
      else this.default();
    }
    if (this.state === 'boost') {
      throw new CriteriaError('syntax', `expected a number after "^" at position ${this.i}`, this.i);
    }
    // An unclosed range is the parser's to report: it knows where the range began.
    this.push('eof', this.i, this.i);
    return this.tokens;
  }

  private push(kind: TokenKind, start: number, end: number): void {
    this.tokens.push({ kind, text: this.s.slice(start, end), position: start });
    this.i = end;
  }

  // ---- default state ----------------------------------------------------------------------

  private default(): void {
    const { s, i } = this;
    const c = s[i]!;
    if (isWhitespace(c)) {
      this.i++;
      return;
    }
    switch (c) {
      case '(':
        return this.push('lparen', i, i + 1);
      case ')':
        return this.push('rparen', i, i + 1);
      case ':':
        return this.push('colon', i, i + 1);
      case '^':
        this.state = 'boost';
        return this.push('caret', i, i + 1);
      case '[':
      case '{':
        if (c === '{' && s[i + 1] === '!') {
          throw new CriteriaError('unsupported', `Solr local parameters ("{!...}") at position ${i} are not supported`, i);
        }
        this.state = 'range';
        return this.push('rangeStart', i, i + 1);
      case ']':
      case '}':
        throw new CriteriaError('syntax', `unexpected ${show(c)} at position ${i}: no range is open`, i);
      case '"':
        return this.push('quoted', i, this.quotedEnd(i));
      case '~':
        return this.push('fuzzySlop', i, this.termCharsEnd(i + 1));
      case '/':
        return this.push('regexpTerm', i, this.regexpEnd(i));
      case '+':
      case '-':
      case '!': {
        // BAREOPER: the operator character alone, as a term, when whitespace follows it.
        if (isWhitespace(s[i + 1])) return this.push('bareOper', i, i + 2);
        return this.push(c === '+' ? 'plus' : c === '-' ? 'minus' : 'not', i, i + 1);
      }
      default:
        return this.word(i);
    }
  }

  /** A term, prefix term, wildcard term, lone star or keyword: the longest run of term characters. */
  private word(start: number): void {
    let j = start;
    let wildcards = 0;
    let lastWildcard = -1;
    while (j < this.s.length) {
      const c = this.s[j]!;
      if (c === '\\') {
        j = this.escapeEnd(j);
      } else if (isWildcard(c)) {
        wildcards++;
        lastWildcard = j;
        j++;
      } else if (isTermChar(c)) {
        // The caller only starts a word on a term-start character, `\`, `*` or `?`, so the
        // `-`/`+` that isTermChar also accepts can only occur inside the word, as in Lucene.
        j++;
      } else {
        break;
      }
    }
    const text = this.s.slice(start, j);
    const keyword = KEYWORDS.get(text);
    if (keyword) return this.push(keyword, start, j);
    if (wildcards === 0) return this.push('term', start, j);
    if (text === '*') return this.push('star', start, j);
    // PREFIXTERM: a term start character, term characters, and one `*` at the very end.
    const prefix = wildcards === 1 && lastWildcard === j - 1 && this.s[j - 1] === '*' && start !== lastWildcard;
    return this.push(prefix ? 'prefixTerm' : 'wildTerm', start, j);
  }

  /** End of a backslash escape starting at `j` (the escaped character is always consumed). */
  private escapeEnd(j: number): number {
    if (j + 1 >= this.s.length) {
      throw new CriteriaError('syntax', `a backslash at position ${j} ends the criteria: it must escape a character`, j);
    }
    return j + 2;
  }

  /** End (exclusive) of the term characters starting at `j` (for the text after `~`). */
  private termCharsEnd(j: number): number {
    while (j < this.s.length) {
      const c = this.s[j]!;
      if (c === '\\') j = this.escapeEnd(j);
      else if (isTermChar(c)) j++;
      else break;
    }
    return j;
  }

  /** QUOTED: `"` then any characters but `"` and `\`, or escapes, then `"`. */
  private quotedEnd(start: number): number {
    let j = start + 1;
    while (j < this.s.length) {
      const c = this.s[j]!;
      if (c === '"') return j + 1;
      j = c === '\\' ? j + 2 : j + 1;
    }
    throw new CriteriaError('syntax', `unterminated quoted phrase: the quote at position ${start} is never closed`, start);
  }

  /**
   * REGEXPTERM: `/`, then anything but `/` or an escaped `\/`, then `/` (longest match, as for
   * range quotes below). Lexed only to be refused by the parser with a clear message.
   */
  private regexpEnd(start: number): number {
    let end = -1;
    for (let j = start + 1; j < this.s.length; j++) {
      if (this.s[j] !== '/') continue;
      end = j + 1;
      if (!(j - 1 > start && this.s[j - 1] === '\\')) break;
    }
    if (end < 0) {
      throw new CriteriaError(
        'syntax',
        `unterminated regular expression: the "/" at position ${start} is never closed (escape a literal slash as "\\/")`,
        start,
      );
    }
    return end;
  }

  // ---- boost state: right after ^ -----------------------------------------------------------

  private boost(): void {
    const m = /^\d+(?:\.\d+)?/.exec(this.s.slice(this.i, this.i + 64));
    if (!m) throw new CriteriaError('syntax', `expected a number after "^" at position ${this.i}`, this.i);
    this.state = 'default';
    this.push('number', this.i, this.i + m[0].length);
  }

  // ---- range state: between [ or { and ] or } ------------------------------------------------

  private range(): void {
    const { s, i } = this;
    const c = s[i]!;
    if (c === ']' || c === '}') {
      this.state = 'default';
      return this.push('rangeEnd', i, i + 1);
    }
    const goop = this.goopEnd(i) - i;
    // Whitespace is skipped, except that (longest match) a tab, CR, LF or U+3000 followed by more
    // bound characters starts a bound: Lucene's RANGE_GOOP only stops at space, `]` and `}`.
    if (c === ' ' || (isWhitespace(c) && goop <= 1)) {
      this.i++;
      return;
    }
    const quoted = c === '"' ? this.rangeQuotedEnd(i) - i : 0;
    const to = s.startsWith('TO', i) ? 2 : 0;
    // Longest match wins; on a tie the earlier declaration (TO, then quoted, then goop) does.
    const longest = Math.max(goop, quoted, to);
    if (to === longest) return this.push('rangeTo', i, i + to);
    if (quoted === longest) return this.push('rangeQuoted', i, i + quoted);
    return this.push('rangeGoop', i, i + goop);
  }

  /** RANGE_GOOP: any characters but space, `]` and `}`. */
  private goopEnd(j: number): number {
    while (j < this.s.length && this.s[j] !== ' ' && this.s[j] !== ']' && this.s[j] !== '}') j++;
    return j;
  }

  /**
   * RANGE_QUOTED: `"` (anything but `"` | `\"`)+ `"`, longest match. A `"` preceded by a backslash
   * may either close the bound or continue it; one without a backslash must close it. Returns the
   * start when nothing matches (an empty `""` is a goop bound, as in Lucene).
   */
  private rangeQuotedEnd(start: number): number {
    let end = start;
    for (let j = start + 1; j < this.s.length; j++) {
      if (this.s[j] !== '"') continue;
      const escaped = j - 1 > start && this.s[j - 1] === '\\';
      if (j > start + 1) end = j + 1;
      if (!escaped) break;
    }
    return end;
  }
}

// ---- token values ---------------------------------------------------------------------------

/**
 * Lucene's discardEscapeChar: `\x` -> `x`, and `\uXXXX` -> that UTF-16 code unit. `offset` is the
 * position of `text` in the criteria, for error messages.
 */
export function discardEscapes(text: string, offset: number): string {
  let out = '';
  for (let j = 0; j < text.length; j++) {
    const c = text[j]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const next = text[j + 1];
    if (next === undefined) {
      throw new CriteriaError('syntax', `a backslash at position ${offset + j} ends the value: it must escape a character`, offset + j);
    }
    if (next === 'u') {
      const hex = text.slice(j + 2, j + 6);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
        throw new CriteriaError(
          'syntax',
          `bad unicode escape ${show(text.slice(j, j + 6))} at position ${offset + j}: expected \\u and 4 hex digits`,
          offset + j,
        );
      }
      out += String.fromCharCode(parseInt(hex, 16));
      j += 5;
    } else {
      out += next;
      j++;
    }
  }
  return out;
}

/** One piece of a wildcard pattern: literal text, `*` (any run of characters) or `?` (one character). */
export type { PatternPiece };

/**
 * Splits a prefix or wildcard term into pieces. As in Lucene's WildcardQuery, a backslash makes the
 * next character literal (no `\uXXXX` decoding there); unescaped `*` and `?` are wildcards.
 * Adjacent literals are merged and runs of `*` collapsed (`a**` means `a*`).
 */
export function wildcardPattern(text: string): PatternPiece[] {
  const pieces: PatternPiece[] = [];
  let literal = '';
  const flush = () => {
    if (literal) pieces.push({ kind: 'literal', text: literal });
    literal = '';
  };
  for (let j = 0; j < text.length; j++) {
    const c = text[j]!;
    if (c === '\\' && j + 1 < text.length) {
      literal += text[++j]!;
    } else if (c === '*') {
      flush();
      if (pieces.at(-1)?.kind !== 'anyString') pieces.push({ kind: 'anyString' });
    } else if (c === '?') {
      flush();
      pieces.push({ kind: 'anyChar' });
    } else {
      literal += c;
    }
  }
  flush();
  return pieces;
}
