/**
 * The legacy answer's docs written straight from the stored documents (legacyDocWriter, through
 * the layout's writer, then legacyDocsJson) against the docs built as objects from the decoded
 * records and serialised (decode + toLegacyDoc + JSON.stringify): the same text, byte for byte,
 * for any stored documents - real ones (records encoded) and any attributes with any values (codes
 * out of range, unusual values, null, numbers, missing-flag lists) - and any choice of fields:
 * `fl` subsets, a name twice, a field computed from others, either data set's fields.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Catalog } from '../../src/catalog/catalog.ts';
import { CITATIONS } from '../../src/catalog/citations.ts';
import { MISSING, type StoredDoc } from '../../src/catalog/layout.ts';
import { REJECTIONS } from '../../src/catalog/rejections.ts';
import type { OaRecord } from '../../src/catalog/schema.ts';
import { legacyDocsJson, legacyDocWriter, toLegacyDoc } from '../../src/legacy/docs.ts';

const text = fc.oneof(fc.string({ maxLength: 10 }), fc.string({ unit: fc.constantFrom('"', '\\', '\n', '\u0000', 'é', '\ud800', '😀', '</', ','), maxLength: 4 }));

/** Any document over a catalog's stored attributes, its group codes mostly in range. */
function storedDoc(catalog: Catalog): fc.Arbitrary<StoredDoc> {
  const names = catalog.fields.map((f) => f.name);
  const code = (size: number) => fc.oneof(fc.nat(size - 1).map(String), fc.constantFrom('', '-1', '1.5', 'x', String(size), '007'), fc.integer());
  const groups = catalog.groups.map((g) => [g.attribute, code(g.size)] as const);
  const value = fc.oneof(text, fc.constant(''), fc.constant(null), fc.integer(), fc.array(text, { maxLength: 3 }), fc.constantFrom('2012-03-04', '0', '1', ',7,12,', ','));
  const id = fc.oneof(fc.uint8Array({ minLength: 12, maxLength: 12 }).map((b) => Buffer.from(b).toString('base64url')), text);
  return fc
    .record(
      {
        ...Object.fromEntries(names.map((n) => [n, value])),
        ...Object.fromEntries(groups),
        id,
        [MISSING]: fc.oneof(fc.subarray(names), fc.constant('form892')),
      },
      { requiredKeys: [] },
    )
    .map((d) => d as StoredDoc);
}

/** A real document: a generated record as the indexer would store it. */
function encodedDoc(catalog: Catalog): fc.Arbitrary<StoredDoc> {
  const decodeOf = catalog.layout.decode;
  return storedDoc(catalog).map((d) => {
    const record = decodeOf(d) as Record<string, unknown>;
    // Back to a record the indexer could have read: no derived fields, an id of 24 hex digits.
    for (const name of catalog.derivations.keys()) delete record[name];
    if (typeof record.id !== 'string' || !/^[0-9a-f]{24}$/.test(record.id)) record.id = '0123456789abcdef01234567';
    return catalog.layout.encode(record as OaRecord);
  });
}

describe('legacy docs written from the stored documents', () => {
  it.each([CITATIONS, REJECTIONS].map((c) => [c.dataset, c] as const))('are JSON.stringify of the decoded records’ docs, for any documents and fields of %s', (_name, catalog) => {
    const legacy = catalog.legacy;
    const derived = catalog.fields.filter((f) => catalog.derivation(f.name));
    const fields = fc.oneof(
      fc.constant(legacy),
      fc.subarray([...legacy]),
      fc.array(fc.constantFrom(...legacy), { maxLength: 6 }),
      // Not v1 fields, but the writer takes any: computed ones go through the record.
      fc.array(fc.constantFrom(...legacy, ...derived), { minLength: 1, maxLength: 6 }),
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(storedDoc(catalog), encodedDoc(catalog)), { maxLength: 5 }), fields, (docs, chosen) => {
        const written = legacyDocsJson(docs.map(legacyDocWriter(catalog.layout, chosen)));
        expect(written).toBe(JSON.stringify(docs.map((d) => toLegacyDoc(catalog.layout.decode(d), chosen))));
      }),
      { numRuns: 1500 },
    );
  });

  it('writes an unusual code as written and leaves out a flag named missing', () => {
    const record = { id: '0123456789abcdef01234567', applicationId: '09018009', Patent_PGPub: '7123456', ifwNumber: 'IFW1', form892: 0, form1449: 1, citationInOA: 0, actionType: 'nonstatutory', documentCd: 'NOA', headerMissing: 1 } as OaRecord;
    const doc = CITATIONS.layout.encode(record);
    expect(doc).toHaveProperty('actionType', 'nonstatutory');
    const text = legacyDocsJson([legacyDocWriter(CITATIONS.layout, CITATIONS.legacy)(doc)]);
    expect(JSON.parse(text)).toEqual([
      { id: '0123456789abcdef01234567', applicationId: ['09018009'], Patent_PGPub: ['7123456'], ifwNumber: ['IFW1'], actionType: ['nonstatutory'], form892: ['0'], form1449: ['1'], citationInOA: ['0'], documentCd: ['NOA'], headerMissing: ['1'] },
    ]);
  });

  it('writes every field of a real document, a flag and a code from their group codes', () => {
    const record = { id: '0123456789abcdef01234567', applicationId: '09018009', Patent_PGPub: '20070082898', form892: 1, form1449: 0, citationInOA: 0, actionType: '103', mailDate: '2008-02-06' } as OaRecord;
    const doc = CITATIONS.layout.encode(record);
    expect(doc).not.toHaveProperty('form892');
    const text = legacyDocsJson([legacyDocWriter(CITATIONS.layout, CITATIONS.legacy)(doc)]);
    expect(JSON.parse(text)).toEqual([
      { id: '0123456789abcdef01234567', applicationId: ['09018009'], Patent_PGPub: ['20070082898'], actionType: ['103'], form892: ['1'], form1449: ['0'], citationInOA: ['0'], mailDate: ['2008-02-06T00:00:00'] },
    ]);
  });
});
