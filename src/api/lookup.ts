/**
 * Number lookup: a written application, patent or publication number -> ranked candidates from
 * the index, each with its kind and how many citation records carry it.
 *
 * One multi-search collects candidate values per field (applicationId, Patent_PGPub):
 * 1. exact-and-near: a filter `field IN [...]` over the stored forms of every reading of the
 *    input plus every one-substitution / one-transposition variant of it. Meilisearch counts a
 *    typo on the first character as two and allows only one typo below 9 characters, so its own
 *    typo search misses "1723456" for 7123456; these explicit variants catch every single wrong
 *    or swapped digit, wherever it is.
 * 2. typo search: `q` = the number, searched on that field only, for what (1) cannot enumerate
 *    (a missing or extra digit, two typos on publication numbers).
 * Both ask for the field's facet distribution, which gives each matching value with its exact
 * record count (every record with that value matches the same way). Values further than
 * Damerau-Levenshtein 2 from the input are dropped; the rest are ranked: exact first, then by
 * distance, then by how well the kind fits the writing (named by "B2", "A1", "12/345,678", or
 * the likelier reading of bare digits), then by record count.
 */
import { z } from 'zod';
import { anyOf } from '../filter/ast.ts';
import type { RecordStore, SearchQuery } from '../store/records.ts';
import {
  classifyStored,
  damerauLevenshtein,
  fieldOfKind,
  NUMBER_FIELDS,
  oneEditVariants,
  parseNumber,
  storedForms,
  type NumberField,
  type NumberKind,
  type ParsedNumber,
} from './numbers.ts';
import { defineRoute, invalidParameters } from './registry.ts';
import { countOut, intParam, jsonResponse, numberKindOut } from './schemas.ts';
import { requestSignal } from '../http/node-request.ts';

export const MAX_DISTANCE = 2;

export const candidateOut = z.object({
  number: z.string().describe('Normalized number: 8-digit application, patent without leading zeros, 11-digit publication, or a foreign id.'),
  kind: numberKindOut,
  field: z.enum(NUMBER_FIELDS).describe('The record field holding it.'),
  storedValues: z.array(z.string()).describe('The values stored in that field (a patent may be stored zero-padded too).'),
  records: countOut.describe('Citation records carrying it.'),
  match: z.enum(['exact', 'corrected']),
  distance: z.number().int().nonnegative().describe('Damerau-Levenshtein distance from the input (0 = exact).'),
});
export type Candidate = z.output<typeof candidateOut>;

export const lookupOut = z.object({
  input: z.string(),
  interpretations: z.array(z.object({ kind: numberKindOut, normalized: z.string() })).describe('What the input can be read as, most likely first.'),
  candidates: z.array(candidateOut).describe('Best first: exact, then by distance, then by record count.'),
});

/** Whether to look in `field`: a reading of that kind, or no reading at all and no contrary hint. */
function searchesField(parsed: ParsedNumber, field: NumberField): boolean {
  if (parsed.interpretations.some((r) => fieldOfKind(r.kind) === field)) return true;
  return parsed.interpretations.length === 0 && (!parsed.hinted || fieldOfKind(parsed.hinted) === field);
}

/** Longest number whose one-edit variants are enumerated (no real number is longer; keeps filters small). */
const MAX_VARIANT_LENGTH = 16;
const variantsOf = (s: string) => (s.length <= MAX_VARIANT_LENGTH ? oneEditVariants(s) : []);

function candidateQueries(parsed: ParsedNumber, field: NumberField): SearchQuery[] {
  const readings = parsed.interpretations.filter((r) => fieldOfKind(r.kind) === field);
  const values = new Set<string>();
  const texts = new Set<string>();
  if (readings.length === 0) {
    texts.add(parsed.searchText);
    for (const v of [parsed.searchText, ...variantsOf(parsed.searchText)]) values.add(v);
  }
  for (const r of readings) {
    texts.add(r.normalized);
    for (const v of [r.normalized, ...variantsOf(r.normalized)]) {
      for (const stored of storedForms({ kind: r.kind, normalized: v })) values.add(stored);
    }
  }
  const counted = { facets: [field], fields: [], limit: 0 };
  return [
    { filter: anyOf(field, [...values]), ...counted },
    // matchingStrategy all: "EP1234567" may split into two words, and both must match.
    ...[...texts].map((q) => ({ q, attributesToSearchOn: [field], matchingStrategy: 'all' as const, ...counted })),
  ];
}

/**
 * How well a candidate's kind fits the writing, lower is better: the kind the writing names, then
 * the readings in their order of likelihood ("7123457" is rather a patent than application
 * 07123457), then kinds no reading has.
 */
function kindPreference(parsed: ParsedNumber, kind: NumberKind): number {
  if (parsed.hinted === kind) return 0;
  const i = parsed.interpretations.findIndex((r) => r.kind === kind);
  return i < 0 ? 100 : 1 + i;
}

/** Candidates for a parsed number, best first (at most `limit`). */
export async function lookupNumber(store: RecordStore, parsed: ParsedNumber, limit: number, signal?: AbortSignal): Promise<Candidate[]> {
  const plan = NUMBER_FIELDS.filter((f) => searchesField(parsed, f)).flatMap((field) => candidateQueries(parsed, field).map((body) => ({ field, body })));
  if (plan.length === 0) return [];
  const results = await store.multiSearch(plan.map((p) => p.body), signal);

  // Stored value -> record count, per field (the same value may come back from several queries).
  const counts = new Map<string, { field: NumberField; value: string; records: number }>();
  plan.forEach(({ field }, i) => {
    for (const [value, records] of Object.entries(results[i]?.facetDistribution[field] ?? {})) {
      counts.set(`${field}\u0000${value}`, { field, value, records });
    }
  });

  const targets = [...new Set([parsed.searchText, ...parsed.interpretations.map((r) => r.normalized)])];
  const byNumber = new Map<string, Candidate & { preference: number }>();
  for (const { field, value, records } of counts.values()) {
    const { kind, normalized } = classifyStored(field, value);
    const distance = Math.min(...targets.map((t) => damerauLevenshtein(t.toUpperCase(), normalized.toUpperCase())));
    if (distance > MAX_DISTANCE) continue;
    const exact = parsed.interpretations.some((r) => r.kind === kind && r.normalized.toUpperCase() === normalized.toUpperCase());
    const key = `${kind}\u0000${normalized}`;
    const known = byNumber.get(key);
    if (known) {
      known.records += records;
      known.storedValues.push(value);
      continue;
    }
    byNumber.set(key, {
      number: normalized,
      kind,
      field,
      storedValues: [value],
      records,
      match: exact ? 'exact' : 'corrected',
      distance: exact ? 0 : Math.max(distance, 1),
      preference: kindPreference(parsed, kind),
    });
  }
  return [...byNumber.values()]
    .sort(
      (a, b) =>
        Number(b.match === 'exact') - Number(a.match === 'exact') ||
        a.distance - b.distance ||
        a.preference - b.preference ||
        b.records - a.records ||
        (a.number < b.number ? -1 : a.number > b.number ? 1 : 0),
    )
    .slice(0, limit)
    .map(({ preference: _preference, ...candidate }) => ({ ...candidate, storedValues: candidate.storedValues.sort() }));
}

/** parseNumber, or a 400 naming the parameter. */
export function requireNumber(param: string, raw: string, expected?: NumberKind): ParsedNumber {
  const parsed = parseNumber(raw);
  if (!parsed) {
    const what = expected ? `an ${expected === 'application' ? 'application' : 'patent or publication'} number` : 'a number';
    throw invalidParameters([{ param, message: `must be ${what}, got "${raw}"` }]);
  }
  return parsed;
}

export function lookupRoute(store: RecordStore) {
  return defineRoute({
    method: 'get',
    path: '/api/v1/lookup',
    operationId: 'lookup',
    tag: 'Numbers',
    summary: 'Find application, patent and publication numbers written in any common form, typos included',
    description:
      'Accepts "US 7,123,456 B2", "7123456", "US 2005/0123456 A1", "20050123456", "12/345,678", "EP 1234567 A1" ... A number with one wrong or transposed digit still finds the intended one when it exists (as a corrected candidate).',
    query: z.object({
      number: z.string({ error: 'is required' }).max(100, { error: 'must be at most 100 characters' }).describe('The number as written.'),
      limit: intParam(1, 100).optional().describe('Most candidates to return (default 10).'),
    }),
    response: jsonResponse('LookupResponse', 'Ranked candidates.', lookupOut),
    errors: [503],
    handler: async (c, { query }) => {
      const parsed = requireNumber('number', query.number);
      const candidates = await lookupNumber(store, parsed, query.limit ?? 10, requestSignal(c));
      return { input: parsed.input, interpretations: parsed.interpretations, candidates };
    },
  });
}
