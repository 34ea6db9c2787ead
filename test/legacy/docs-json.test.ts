/**
 * The legacy answer's docs written straight as JSON text (legacyDocsJson) against the docs built
 * as objects and serialised (toLegacyDoc + JSON.stringify): the same text, byte for byte, for any
 * records and any choice of fields - `fl` subsets, a name twice, either data set's fields.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CITATIONS } from '../../src/catalog/citations.ts';
import { REJECTIONS } from '../../src/catalog/rejections.ts';
import type { OaRecord } from '../../src/catalog/schema.ts';
import { legacyDocsJson, toLegacyDoc } from '../../src/legacy/docs.ts';

const text = fc.oneof(fc.string({ maxLength: 10 }), fc.string({ unit: fc.constantFrom('"', '\\', '\n', '\u0000', 'é', '\ud800', '😀', '</'), maxLength: 4 }));
const value = fc.oneof(text, fc.constant(''), fc.constant(null), fc.constant(undefined), fc.integer(), fc.array(text, { maxLength: 3 }), fc.constantFrom('2012-03-04', '0', '1'));

describe('legacy docs as JSON text', () => {
  it.each([CITATIONS, REJECTIONS])('is JSON.stringify of the docs, for any records and fields of %s', (catalog) => {
    const specs = catalog.legacy;
    const record = fc.dictionary(fc.constantFrom(...specs.map((f) => f.name)), value) as fc.Arbitrary<OaRecord>;
    const fields = fc.oneof(fc.constant(specs), fc.subarray([...specs]), fc.array(fc.constantFrom(...specs), { maxLength: 6 }));
    fc.assert(
      fc.property(fc.array(record, { maxLength: 5 }), fields, (records, chosen) => {
        expect(legacyDocsJson(records, chosen)).toBe(JSON.stringify(records.map((r) => toLegacyDoc(r, chosen))));
      }),
      { numRuns: 400 },
    );
  });
});
