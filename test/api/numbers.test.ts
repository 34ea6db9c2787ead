/** Number normalization (src/api/numbers.ts): written forms, stored forms, edit distance. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  classifyStored,
  damerauLevenshtein,
  numberQuery,
  oneEditVariants,
  parseNumber,
  storedForms,
} from '../../src/api/numbers.ts';

const first = (raw: string) => parseNumber(raw)?.interpretations[0];

describe('parseNumber', () => {
  it.each([
    ['US 7,123,456 B2', 'patent', '7123456'],
    ['7,123,456', 'patent', '7123456'],
    ['U.S. Pat. No. 7,123,456', 'patent', '7123456'],
    ['US7123456B2', 'patent', '7123456'],
    ['US-7,123,456-B1', 'patent', '7123456'],
    ['7123456', 'patent', '7123456'],
    ['5,123,456 A', 'patent', '5123456'],
    ['US 10,123,456 B2', 'patent', '10123456'],
    ['US 2005/0123456 A1', 'publication', '20050123456'],
    ['US-2005-0123456-A1', 'publication', '20050123456'],
    ['US 2005-0123456', 'publication', '20050123456'],
    ['2005/123456', 'publication', '20050123456'],
    ['20050123456', 'publication', '20050123456'],
    ['12/345,678', 'application', '12345678'],
    ['Appl. No. 12/345,678', 'application', '12345678'],
    ['12345678', 'application', '12345678'],
    ['EP 1234567 A1', 'foreign', 'EP1234567'],
    ['JP 2005-123456 A', 'foreign', 'JP2005123456'],
    ['WO 2005/123456 A1', 'foreign', 'WO2005123456'],
  ])('%s -> %s %s', (raw, kind, normalized) => {
    expect(first(raw)).toEqual({ kind, normalized });
  });

  it('keeps every reading of an ambiguous number, and a named kind rules the others out', () => {
    expect(parseNumber('07123456')?.interpretations).toEqual([
      { kind: 'application', normalized: '07123456' },
      { kind: 'patent', normalized: '7123456' },
    ]);
    expect(parseNumber('7123456')?.interpretations.map((r) => r.kind)).toEqual(['patent', 'application']);
    expect(parseNumber('US 7,123,456 B2')?.interpretations).toHaveLength(1);
    expect(parseNumber('12/345,678')?.hinted).toBe('application');
  });

  it('has no reading for shapes that fit no kind, but still a search text', () => {
    expect(parseNumber('123')).toMatchObject({ interpretations: [], searchText: '123' });
    expect(parseNumber('2005012345')).toMatchObject({ interpretations: [], searchText: '2005012345' });
  });

  it('refuses input without digits', () => {
    expect(parseNumber('')).toBeUndefined();
    expect(parseNumber('US B2')).toBeUndefined();
  });
});

describe('stored forms', () => {
  it('covers zero-padded patents', () => {
    expect(storedForms({ kind: 'patent', normalized: '7123456' })).toEqual(['7123456', '07123456']);
    expect(storedForms({ kind: 'publication', normalized: '20050123456' })).toEqual(['20050123456']);
    expect(storedForms({ kind: 'application', normalized: '09123456' })).toEqual(['09123456']);
  });

  it('classifies stored values', () => {
    expect(classifyStored('applicationId', '09123456')).toEqual({ kind: 'application', normalized: '09123456' });
    expect(classifyStored('Patent_PGPub', '07123456')).toEqual({ kind: 'patent', normalized: '7123456' });
    expect(classifyStored('Patent_PGPub', '20050123456')).toEqual({ kind: 'publication', normalized: '20050123456' });
    expect(classifyStored('Patent_PGPub', 'EP1234567')).toEqual({ kind: 'foreign', normalized: 'EP1234567' });
  });

  it('round-trips: every stored patent / publication / application reads back as itself', () => {
    const patent = fc.integer({ min: 3_000_000, max: 9_999_999 }).map(String);
    const publication = fc.tuple(fc.integer({ min: 2001, max: 2017 }), fc.integer({ min: 1, max: 9_999_999 })).map(([y, n]) => `${y}${String(n).padStart(7, '0')}`);
    fc.assert(
      fc.property(fc.oneof(patent, publication), (value) => {
        const stored = classifyStored('Patent_PGPub', value);
        expect(parseNumber(value)?.interpretations).toContainEqual(stored);
        expect(storedForms(stored)).toContain(value);
      }),
    );
  });
});

describe('numberQuery', () => {
  it('turns a query that is one written number into the indexed token', () => {
    expect(numberQuery('US 7,123,456 B2')).toBe('7123456');
    expect(numberQuery('US 2005/0123456 A1')).toBe('20050123456');
    expect(numberQuery('12/345,678')).toBe('12345678');
  });

  it('leaves words alone', () => {
    expect(numberQuery('neural network 7123456')).toBe('neural network 7123456');
    expect(numberQuery('semiconductor')).toBe('semiconductor');
    expect(numberQuery('2154')).toBe('2154');
  });
});

describe('Damerau-Levenshtein distance', () => {
  const digits = fc.string({ unit: fc.constantFrom(...'0123456789'), maxLength: 12 });

  it('counts a transposition, a substitution, an insertion as one edit', () => {
    expect(damerauLevenshtein('7123456', '7124356')).toBe(1);
    expect(damerauLevenshtein('7123456', '1723456')).toBe(1);
    expect(damerauLevenshtein('7123456', '7123457')).toBe(1);
    expect(damerauLevenshtein('7123456', '71234567')).toBe(1);
    // Unrestricted DL: CA -> AC -> ABC is 2 (restricted "optimal string alignment" would say 3).
    expect(damerauLevenshtein('CA', 'ABC')).toBe(2);
    expect(damerauLevenshtein('kitten', 'sitting')).toBe(3);
  });

  it('is a metric', () => {
    fc.assert(
      fc.property(digits, digits, digits, (a, b, c) => {
        expect(damerauLevenshtein(a, b)).toBe(damerauLevenshtein(b, a));
        expect(damerauLevenshtein(a, b) === 0).toBe(a === b);
        expect(damerauLevenshtein(a, c)).toBeLessThanOrEqual(damerauLevenshtein(a, b) + damerauLevenshtein(b, c));
        expect(damerauLevenshtein(a, b)).toBeLessThanOrEqual(Math.max(a.length, b.length));
      }),
    );
  });

  it('puts every one-edit variant at distance 1', () => {
    fc.assert(
      fc.property(digits.filter((s) => s.length > 0), (s) => {
        const variants = oneEditVariants(s);
        expect(new Set(variants).size).toBe(variants.length);
        for (const v of variants) expect(damerauLevenshtein(s, v)).toBe(1);
      }),
    );
    // 7 positions x 9 other digits + 6 adjacent swaps of distinct digits.
    expect(oneEditVariants('7123456')).toHaveLength(7 * 9 + 6);
  });
});
