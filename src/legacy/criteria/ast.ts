/**
 * Stage 2 output: the syntax tree of a criteria string, as Lucene's classic QueryParser would have
 * built it, before any field or value is checked. Every node keeps the position of its text so the
 * later stages can say where a problem is.
 */
import type { PatternPiece } from './lexer.ts';

export type { PatternPiece };

/** `*:*` (or a bare `*`, which Solr also read as match-all). */
export interface MatchAll {
  readonly kind: 'matchAll';
  readonly position: number;
}

/**
 * `field:value`, `field:"a phrase"`, `field:abc*`, or a bare term/phrase (no `field`: the default
 * search fields decide, see check.ts).
 */
export interface Term {
  readonly kind: 'term';
  /** Unescaped field name; absent for a bare term. `*` when written `*:value` (refused later). */
  readonly field?: string;
  /** Position of the field name (or of the field of the enclosing `field:(...)` group). */
  readonly fieldPosition?: number;
  /**
   * Plain terms and phrases: the unescaped text. Wildcard terms: the pattern as written (escapes
   * kept), for messages; `pattern` holds its meaning.
   */
  readonly value: string;
  /** True for prefix (`abc*`) and wildcard (`a?c`, `*abc*`) terms. */
  readonly wildcard: boolean;
  /** The wildcard pattern, when `wildcard` is true. */
  readonly pattern?: readonly PatternPiece[];
  /** Written as a quoted phrase. */
  readonly quoted: boolean;
  /** Position of the value. */
  readonly position: number;
}

/** `field:[a TO b]`, `{a TO b}`, mixed `[a TO b}`, `*` for an open end. */
export interface Range {
  readonly kind: 'range';
  readonly field?: string;
  readonly fieldPosition?: number;
  /** Unescaped bound; absent when open (`*`). */
  readonly lower?: string;
  readonly upper?: string;
  readonly lowerInclusive: boolean;
  readonly upperInclusive: boolean;
  readonly lowerPosition: number;
  readonly upperPosition: number;
  /** Position of the opening bracket. */
  readonly position: number;
}

/** `field:*` (and `field:**`...): the field has a value. Bare `**` leaves `field` to the defaults. */
export interface Exists {
  readonly kind: 'exists';
  readonly field?: string;
  readonly fieldPosition?: number;
  readonly position: number;
}

export type Occur = 'must' | 'should' | 'must_not';

export interface Clause<Q> {
  readonly occur: Occur;
  readonly query: Q;
}

/** One clause list (one parenthesis level), with Lucene's MUST / SHOULD / MUST_NOT occurs. */
export interface BooleanQuery {
  readonly kind: 'boolean';
  readonly clauses: readonly Clause<Query>[];
  /** Position of the list's first token. */
  readonly position: number;
}

export type Query = MatchAll | Term | Range | Exists | BooleanQuery;
