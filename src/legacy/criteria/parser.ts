/**
 * Stage 2: tokens -> syntax tree, by recursive descent over the grammar of Lucene's classic
 * QueryParser.jj (what Solr's standard query parser was generated from):
 *
 *   TopLevelQuery = Query EOF
 *   Query         = Modifiers Clause ( Conjunction Modifiers Clause )*
 *   Conjunction   = [ AND | OR ]                  (AND = "AND" | "&&", OR = "OR" | "||")
 *   Modifiers     = [ "+" | "-" | NOT ]           (NOT = "NOT" | "!"; at most one)
 *   Clause        = [ (TERM | STAR) ":" ] ( Term | "(" Query ")" [ "^" NUMBER ] )
 *   Term          = (TERM | STAR | PREFIXTERM | WILDTERM | REGEXPTERM | BAREOPER) [ boost / fuzzy ]
 *                 | ("[" | "{") bound [ "TO" ] bound ("]" | "}") [ "^" NUMBER ]
 *                 | QUOTED [ boost / slop ]
 *
 * Clause occurs follow QueryParserBase.addClause with the default operator OR, exactly (see
 * `addClause` below), which is what gives `a AND b OR c` = `+a +b c`. A parenthesised list with a
 * single unmodified clause is that clause itself, as in Lucene.
 *
 * Choices where Lucene scores but Meilisearch filters only match:
 * - boosts (`^2`) are accepted and ignored: they only change scores;
 * - phrase slop (`"a b"~2`) is accepted and ignored: every v1 field is a single untokenized
 *   value, so Solr ran a phrase on it as one exact term and the slop never mattered;
 * - fuzzy terms (`abc~`, `abc~1`) are refused as unsupported: Meilisearch has no edit-distance
 *   filter, and silently matching exactly would return fewer records than Solr did;
 * - regular expressions (`/.../`) are refused as unsupported.
 */
import type { BooleanQuery, Clause, Exists, Occur, Query, Range, Term } from './ast.ts';
import { CriteriaError, show } from './errors.ts';
import { discardEscapes, wildcardPattern, type Token, type TokenKind } from './lexer.ts';

export interface ParseOptions {
  /** Deepest parenthesis nesting accepted (`a` is 0, `(a)` is 1). */
  readonly maxDepth: number;
}

/** The field a clause is about: explicit (`f:`), inherited from a `f:( ... )` group, or none. */
interface FieldContext {
  readonly name: string;
  readonly position: number;
}

type Conjunction = 'none' | 'and' | 'or';
type Modifier = 'none' | 'required' | 'prohibited';

/** Tokens that can begin `Conjunction Modifiers Clause`: the loop of Query goes on while one comes. */
const CONTINUES_QUERY: ReadonlySet<TokenKind> = new Set<TokenKind>([
  'and', 'or', 'not', 'plus', 'minus', 'bareOper', 'lparen', 'star', 'quoted',
  'term', 'prefixTerm', 'wildTerm', 'regexpTerm', 'rangeStart',
]);

const EXPECTED_CLAUSE = 'a term, phrase, range or "("';

export function parse(tokens: readonly Token[], options: ParseOptions): Query {
  return new Parser(tokens, options.maxDepth).topLevel();
}

/**
 * QueryParserBase.addClause for the default operator OR:
 * - a clause introduced by AND makes the previous clause MUST, unless that one is prohibited;
 * - the new clause is MUST_NOT with `-`, `!` or NOT; MUST with `+` or when introduced by AND;
 *   otherwise SHOULD. (OR changes nothing: it is already the default.)
 */
export function addClause(clauses: Clause<Query>[], conj: Conjunction, mod: Modifier, query: Query): void {
  const previous = clauses.at(-1);
  if (previous && conj === 'and' && previous.occur !== 'must_not') {
    clauses[clauses.length - 1] = { occur: 'must', query: previous.query };
  }
  const prohibited = mod === 'prohibited';
  const required = mod === 'required' || (conj === 'and' && !prohibited);
  const occur: Occur = prohibited ? 'must_not' : required ? 'must' : 'should';
  clauses.push({ occur, query });
}

class Parser {
  private pos = 0;

  constructor(
    private readonly tokens: readonly Token[],
    private readonly maxDepth: number,
  ) {}

  topLevel(): Query {
    const query = this.query(undefined, 0);
    const rest = this.peek();
    if (rest.kind !== 'eof') {
      const hint = rest.kind === 'rparen' ? ': it closes no "("' : '';
      throw new CriteriaError('syntax', `unexpected ${describe(rest)} at position ${rest.position}${hint}`, rest.position);
    }
    return query;
  }

  // ---- token access -------------------------------------------------------------------------

  private peek(ahead = 0): Token {
    // The token list always ends with eof; reading past it keeps returning eof.
    return this.tokens[Math.min(this.pos + ahead, this.tokens.length - 1)]!;
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'eof') this.pos++;
    return token;
  }


  // ---- grammar --------------------------------------------------------------------------------

  /** Query: one clause list (one parenthesis level). */
  private query(field: FieldContext | undefined, depth: number): Query {
    const position = this.peek().position;
    const clauses: Clause<Query>[] = [];
    const firstModifier = this.modifiers();
    const first = this.clause(field, depth);
    addClause(clauses, 'none', firstModifier, first);
    while (CONTINUES_QUERY.has(this.peek().kind)) {
      const conj = this.conjunction();
      const mod = this.modifiers();
      addClause(clauses, conj, mod, this.clause(field, depth));
    }
    // As in Lucene: `(a)` is just `a`, but `(+a)` and `(-a)` stay boolean queries.
    if (clauses.length === 1 && firstModifier === 'none') return first;
    const query: BooleanQuery = { kind: 'boolean', clauses, position };
    return query;
  }

  private conjunction(): Conjunction {
    const kind = this.peek().kind;
    if (kind !== 'and' && kind !== 'or') return 'none';
    this.next();
    return kind;
  }

  private modifiers(): Modifier {
    switch (this.peek().kind) {
      case 'plus':
        this.next();
        return 'required';
      case 'minus':
      case 'not':
        this.next();
        return 'prohibited';
      default:
        return 'none';
    }
  }

  /** Clause: an optional `field:` then a term, range, phrase or parenthesised group. */
  private clause(inherited: FieldContext | undefined, depth: number): Query {
    const field = this.fieldPrefix() ?? inherited;
    if (this.peek().kind !== 'lparen') return this.term(field);

    const open = this.next();
    if (depth + 1 > this.maxDepth) {
      throw new CriteriaError(
        'too_complex',
        `parentheses nested too deep at position ${open.position}: at most ${this.maxDepth} levels are accepted`,
        open.position,
      );
    }
    const query = this.query(field, depth + 1);
    const close = this.peek();
    if (close.kind !== 'rparen') {
      throw new CriteriaError(
        'syntax',
        `expected ")" at position ${close.position} to close the "(" at position ${open.position}; found ${describe(close)}`,
        close.position,
      );
    }
    this.next();
    this.optionalBoost();
    return query;
  }

  /** `name:` or `*:` (two tokens of lookahead, as Lucene's LOOKAHEAD(2)). */
  private fieldPrefix(): FieldContext | undefined {
    const name = this.peek();
    if ((name.kind !== 'term' && name.kind !== 'star') || this.peek(1).kind !== 'colon') return undefined;
    this.next();
    this.next();
    return { name: name.kind === 'star' ? '*' : discardEscapes(name.text, name.position), position: name.position };
  }

  private term(field: FieldContext | undefined): Query {
    const token = this.next();
    switch (token.kind) {
      case 'term':
      case 'bareOper':
        return this.plainTerm(token, field);
      case 'star':
        this.termSuffix();
        return this.star(token, field);
      case 'prefixTerm':
      case 'wildTerm':
        // Lucene ignores a fuzzy suffix on prefix and wildcard terms; so do we.
        this.termSuffix();
        return this.wildcardTerm(token, field);
      case 'quoted':
        // Phrase slop is ignored: see the header.
        this.termSuffix();
        return this.leaf(field, {
          kind: 'term',
          value: discardEscapes(token.text.slice(1, -1), token.position + 1),
          wildcard: false,
          quoted: true,
          position: token.position,
        });
      case 'rangeStart':
        return this.range(token, field);
      case 'regexpTerm':
        throw new CriteriaError(
          'unsupported',
          `regular expression ${show(token.text)} at position ${token.position} is not supported: Meilisearch filters have no regex matching (escape a literal slash as "\\/")`,
          token.position,
        );
      default:
        throw this.expectedClause(token);
    }
  }

  private plainTerm(token: Token, field: FieldContext | undefined): Term {
    // BAREOPER: the operator character alone is the term ("a - b" is a OR "-" OR b in Lucene).
    const value = token.kind === 'bareOper' ? token.text[0]! : discardEscapes(token.text, token.position);
    const fuzzy = this.termSuffix();
    if (fuzzy) {
      throw new CriteriaError(
        'unsupported',
        `fuzzy search ${show(token.text + fuzzy.text)} at position ${token.position} is not supported: Meilisearch filters match exact values only (use a quoted value or a wildcard such as abc*)`,
        token.position,
      );
    }
    return this.leaf(field, { kind: 'term', value, wildcard: false, quoted: false, position: token.position });
  }

  /**
   * A lone `*`: match-all when no field was written (`*:*`, or a bare `*`, which Solr's
   * getWildcardQuery also turned into match-all), otherwise "the field has a value".
   */
  private star(token: Token, field: FieldContext | undefined): Query {
    if (field === undefined || field.name === '*') return { kind: 'matchAll', position: token.position };
    return { kind: 'exists', field: field.name, fieldPosition: field.position, position: token.position };
  }

  private wildcardTerm(token: Token, field: FieldContext | undefined): Query {
    // Lucene reads a prefix term's text through discardEscapeChar (so \uXXXX is decoded there) but
    // hands a wildcard term's text to WildcardQuery raw (a backslash only makes the next char literal).
    const pattern =
      token.kind === 'prefixTerm'
        ? [{ kind: 'literal', text: discardEscapes(token.text.slice(0, -1), token.position) } as const, { kind: 'anyString' } as const]
        : wildcardPattern(token.text);
    if (pattern.every((piece) => piece.kind === 'anyString')) {
      // `f:**` matches any value, like `f:*`.
      return this.leaf(field, { kind: 'exists', position: token.position });
    }
    return this.leaf(field, { kind: 'term', value: token.text, wildcard: true, pattern, quoted: false, position: token.position });
  }

  /** `[a TO b]`, `{a TO b}`, mixed, `*` open ends; the TO is optional, as in Lucene. */
  private range(open: Token, field: FieldContext | undefined): Range {
    const lower = this.rangeBound(open);
    if (this.peek().kind === 'rangeTo') this.next();
    const upper = this.rangeBound(open);
    const close = this.next();
    if (close.kind !== 'rangeEnd') {
      throw new CriteriaError(
        'syntax',
        `expected "]" or "}" at position ${close.position} to close the range opened at position ${open.position}; found ${describe(close)}`,
        close.position,
      );
    }
    this.optionalBoost();
    return this.leaf(field, {
      kind: 'range',
      ...(lower.value === undefined ? {} : { lower: lower.value }),
      ...(upper.value === undefined ? {} : { upper: upper.value }),
      lowerInclusive: open.text === '[',
      upperInclusive: close.text === ']',
      lowerPosition: lower.position,
      upperPosition: upper.position,
      position: open.position,
    });
  }

  /** One range bound: unquoted `*` is an open end, a quoted `"*"` is a literal star. */
  private rangeBound(open: Token): { value: string | undefined; position: number } {
    const token = this.next();
    if (token.kind === 'rangeGoop') {
      return { value: token.text === '*' ? undefined : discardEscapes(token.text, token.position), position: token.position };
    }
    if (token.kind === 'rangeQuoted') {
      return { value: discardEscapes(token.text.slice(1, -1), token.position + 1), position: token.position };
    }
    throw new CriteriaError(
      'syntax',
      `expected a range bound at position ${token.position} in the range opened at position ${open.position}; found ${describe(token)}`,
      token.position,
    );
  }

  /** `[ "^" NUMBER [ FUZZY ] | FUZZY [ "^" NUMBER ] ]` after a term or phrase; returns the fuzzy token. */
  private termSuffix(): Token | undefined {
    if (this.optionalBoost()) {
      return this.peek().kind === 'fuzzySlop' ? this.next() : undefined;
    }
    if (this.peek().kind !== 'fuzzySlop') return undefined;
    const fuzzy = this.next();
    this.optionalBoost();
    return fuzzy;
  }

  /** `^ NUMBER`, ignored (boosts only change scores). The lexer guarantees the number. */
  private optionalBoost(): boolean {
    if (this.peek().kind !== 'caret') return false;
    this.next();
    this.next();
    return true;
  }

  /** Attaches the clause's field (if any) to a leaf. */
  private leaf<T extends Term | Range | Exists>(field: FieldContext | undefined, node: T): T {
    return field ? { ...node, field: field.name, fieldPosition: field.position } : node;
  }

  private expectedClause(found: Token): CriteriaError {
    const before = this.tokens[this.tokens.indexOf(found) - 1];
    const after = before ? ` after ${describe(before)}` : '';
    return new CriteriaError(
      'syntax',
      `expected ${EXPECTED_CLAUSE}${after} at position ${found.position}; found ${describe(found)}`,
      found.position,
    );
  }
}

function describe(token: Token): string {
  return token.kind === 'eof' ? 'end of criteria' : show(token.text.trimEnd());
}
