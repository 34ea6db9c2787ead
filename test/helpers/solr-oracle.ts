/**
 * An oracle of how the v1 service answered criteria: Solr's standard query parser over string
 * fields (../shared/reference/legacy-contract.md, "How Solr answered criteria"), evaluated on the
 * syntax tree of our Lucene parser (tested against Lucene's own output in test/criteria/parser)
 * and on plain records. It shares nothing with the emitter, the stored layout or the store.
 *
 * - A value matches when it equals the stored text; ranges compare text in UTF-8 byte order
 *   (`cite103Max:[2 TO 10]` is empty: "2" > "10"); wildcards match the text.
 * - Every v1 field holds text: flags "0"/"1", numbers in decimal, a mail date as `yyyyMMdd`.
 * - A clause list of negative clauses only matches nothing, but at the top, where Solr adds `*:*`.
 * - A bare term matches when any of the default fields does.
 *
 * With our one documented difference (README, "What we do differently"): text is compared folded
 * as Meilisearch folds it - trimmed, NFKD, lower case. (The ISO date forms we also accept are not
 * modelled: criteria given to the oracle write dates the v1 way.)
 */
import type { Query } from '../../src/legacy/criteria/ast.ts';

/** The default search fields of oa_citations (a bare term); oa_rejections has applicationId and ifwNumber. */
export const DEFAULT_FIELDS = ['applicationId', 'Patent_PGPub', 'ifwNumber'];

type Row = Readonly<Record<string, unknown>>;

/** A record's v1 text for a field, or undefined when it has none. */
export function v1Text(row: Row, field: string): string | undefined {
  const v = row[field];
  if (v === undefined || v === null) return undefined;
  return field === 'mailDate' ? String(v).replaceAll('-', '') : String(v);
}

const fold = (s: string) => s.trim().normalize('NFKD').toLowerCase();
const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function wildcardMatches(pieces: NonNullable<Extract<Query, { kind: 'term' }>['pattern']>, text: string): boolean {
  const source = pieces.map((p) => (p.kind === 'anyString' ? '[\\s\\S]*' : p.kind === 'anyChar' ? '.' : escapeRe(p.text.normalize('NFKD').toLowerCase()))).join('');
  return new RegExp(`^${source}$`, 'u').test(fold(text));
}

function leafMatches(q: Exclude<Query, { kind: 'boolean' | 'matchAll' }>, row: Row, defaults: readonly string[]): boolean {
  const fields = q.field === undefined ? defaults : [q.field];
  return fields.some((field) => {
    const text = v1Text(row, field);
    if (text === undefined) return false;
    switch (q.kind) {
      case 'exists':
        return true;
      case 'term':
        return q.wildcard ? wildcardMatches(q.pattern ?? [], text) : fold(text) === fold(q.value);
      case 'range': {
        const order = (bound: string) => byteOrder(fold(text), fold(bound));
        const lowerOk = q.lower === undefined || (q.lowerInclusive ? order(q.lower) >= 0 : order(q.lower) > 0);
        const upperOk = q.upper === undefined || (q.upperInclusive ? order(q.upper) <= 0 : order(q.upper) < 0);
        return lowerOk && upperOk;
      }
    }
  });
}

/** Whether Solr would have returned the record for the query (the whole query: `top`). */
export function solrMatches(q: Query, row: Row, top = true, defaults: readonly string[] = DEFAULT_FIELDS): boolean {
  if (q.kind === 'matchAll') return true;
  if (q.kind !== 'boolean') return leafMatches(q, row, defaults);
  const of = (occur: string) => q.clauses.filter((c) => c.occur === occur).map((c) => solrMatches(c.query, row, false, defaults));
  if (of('must_not').some(Boolean)) return false;
  const must = of('must');
  if (must.length > 0) return must.every(Boolean);
  const should = of('should');
  if (should.length > 0) return should.some(Boolean);
  return top;
}
