/**
 * The stored layout without Meilisearch: a record comes back from its document unchanged, and a
 * filter over catalog fields, lowered to the stored attributes, selects exactly the records the
 * original selects - both judged by a small evaluator of Meilisearch's own semantics (values
 * normalised, ranges in byte order, NOT as the complement). Facet counts folded from the stored
 * attributes' counts equal the counts of the records themselves.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FIELDS, type FieldName, type FieldSpec } from '../../src/catalog/fields.ts';
import { decode, encode, facetAttributesFor, foldFacets, GROUPS, lower, publicId, storedAttributes, storedId } from '../../src/catalog/layout.ts';
import { REJECTIONS } from '../../src/catalog/rejections.ts';
import type { OaRecord } from '../../src/catalog/schema.ts';
import { condsOf, type Cond, type Filter } from '../../src/filter/ast.ts';
import { normalizeFacet, patternTest } from '../../src/filter/normalize.ts';

// ---- records ----------------------------------------------------------------------------------------

const hexId = fc.stringMatching(/^[0-9a-f]{24}$/);
const flagValue = fc.constantFrom<0 | 1 | undefined>(0, 1, undefined);
const OA_FLAGS = (FIELDS as readonly FieldSpec[]).filter((f) => f.type === 'flag' && f.source.table === 'office_actions').map((f) => f.name);
const usualOr = (f: string, unusual: readonly string[]) => fc.constantFrom<string | undefined>(undefined, ...(FIELDS.find((x) => x.name === f)!.usual ?? []), ...unusual);

const record: fc.Arbitrary<OaRecord> = fc
  .record({
    id: hexId,
    applicationId: fc.constantFrom('12345678', '09000001'),
    Patent_PGPub: fc.constantFrom('7123456', 'EP1234567'),
    citationText: fc.constantFrom<string | undefined | 'same'>(undefined, 'same', 'US 7,123,456 B2'),
    ifwNumber: fc.constantFrom<string | undefined>(undefined, 'A1', 'IFW0000000001'),
    form892: fc.constantFrom<0 | 1>(0, 1),
    form1449: fc.constantFrom<0 | 1>(0, 1),
    citationInOA: fc.constantFrom<0 | 1>(0, 1),
    actionType: usualOr('actionType', ['101', 'nonstatutory double patenting']),
    actionSubtype: usualOr('actionSubtype', ['112(b)', 'Ctnf']),
    hasOa: fc.boolean(),
    documentCd: usualOr('documentCd', ['ctnf', 'NOA']),
    signatureType: usualOr('signatureType', ['9', 'X']),
    mailDate: fc.constantFrom<string | undefined>(undefined, '2012-03-15', '2016-12-31'),
    artUnit: fc.constantFrom<string | undefined>(undefined, '2154', '1700', '21A'),
    cite103Max: fc.constantFrom<number | undefined>(undefined, 0, 3, 12),
    oaFlags: fc.array(flagValue, { minLength: OA_FLAGS.length, maxLength: OA_FLAGS.length }),
  })
  .map(({ hasOa, oaFlags, citationText, ...r }) => {
    const out: Record<string, unknown> = { ...r, citationText: citationText === 'same' ? r.Patent_PGPub : citationText };
    if (!hasOa) for (const f of ['documentCd', 'signatureType', 'mailDate', 'cite103Max']) delete out[f];
    if (hasOa) OA_FLAGS.forEach((f, i) => (out[f] = oaFlags[i]));
    for (const [k, v] of Object.entries(out)) if (v === undefined) delete out[k];
    return out as OaRecord;
  });

/** What a record reads back as: itself, with the derived fields computed (checked by the first test). */
const withDerived = (r: OaRecord): OaRecord => decode(encode(r));

// ---- Meilisearch's semantics, in JS --------------------------------------------------------------------

type Doc = Readonly<Record<string, unknown>>;

const valuesAt = (doc: Doc, field: string): unknown[] => {
  const v = doc[field];
  return v === undefined || v === null ? [] : Array.isArray(v) ? v : [v];
};

const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

/**
 * `intended`: how a filter over catalog fields is meant - a value's type says how it compares (a
 * text condition on a number compares the number's text, as v1's string fields did: "01" is not
 * 1), range bounds compare as Meilisearch holds values, normalised. Otherwise Meilisearch's own
 * reading of a filter it is sent: a text that reads as a number matches the number, bounds as
 * written.
 */
function condMatches(c: Cond, doc: Doc, intended: boolean): boolean {
  const values = valuesAt(doc, c.field);
  const asNumber = (x: string) => (x.trim() !== '' && Number.isFinite(Number(x)) ? Number(x) : undefined);
  const same = (v: unknown, x: unknown): boolean => {
    if (typeof v === 'number' && typeof x === 'number') return v === x;
    if (typeof v === 'number') return intended ? String(v) === normalizeFacet(String(x)) : asNumber(String(x)) === v;
    if (typeof x === 'number') return intended ? false : asNumber(String(v)) === x;
    return normalizeFacet(String(v)) === normalizeFacet(String(x));
  };
  switch (c.kind) {
    case 'exists':
      return values.length > 0;
    case 'eq':
      return values.some((v) => same(v, c.value));
    case 'in':
      return values.some((v) => c.values.some((x) => same(v, x)));
    case 'cmp':
      return values.some((v) => {
        // Numbers compare numerically, text (stored normalised) with the bound as written.
        const bound = intended ? normalizeFacet(String(c.value)) : String(c.value);
        const numeric = typeof v === 'number' && typeof c.value === 'number';
        const order = numeric ? v - (c.value as number) : byteOrder(normalizeFacet(String(v)), bound);
        return c.op === '<' ? order < 0 : c.op === '<=' ? order <= 0 : c.op === '>' ? order > 0 : order >= 0;
      });
    case 'startsWith':
      return values.some((v) => normalizeFacet(String(v)).startsWith(c.text.toLowerCase()));
    case 'contains':
      return values.some((v) => normalizeFacet(String(v)).includes(c.text.toLowerCase()));
    case 'pattern':
      return values.some((v) => patternTest(c.pieces)(String(v)));
    case 'lists':
      // An item between commas of the list as written (the ends count as commas).
      return values.some((v) => `,${normalizeFacet(String(v))},`.includes(`,${normalizeFacet(c.item)},`));
  }
}

function matches(f: Filter, doc: Doc, intended = false): boolean {
  switch (f.op) {
    case 'all':
      return true;
    case 'none':
      return false;
    case 'cond':
      return condMatches(f.cond, doc, intended);
    case 'not':
      return !matches(f.arg, doc, intended);
    case 'and':
      return f.args.every((a) => matches(a, doc, intended));
    case 'or':
      return f.args.some((a) => matches(a, doc, intended));
  }
}

// ---- conditions ----------------------------------------------------------------------------------------

const c = (cond: Cond): Filter => ({ op: 'cond', cond });
const PACKED = GROUPS.flatMap((g) => g.slots.map((s) => s.field));
const flagCond = fc.record({ field: fc.constantFrom(...PACKED.filter((f) => f.type === 'flag').map((f) => f.name)), v: fc.constantFrom(0, 1, 2) }).chain(({ field, v }) =>
  fc.constantFrom<Filter>(
    c({ kind: 'eq', field, value: v }),
    c({ kind: 'exists', field }),
    c({ kind: 'in', field, values: [0, 1] }),
    c({ kind: 'cmp', field, op: '>=', value: v }),
  ),
);
/** The legacy criteria's conditions: v1 values as text, on flags and on the number cite103Max. */
const legacyCond = fc
  .record({ field: fc.constantFrom('form892', 'citationInOA', 'rejection101', 'cite103Eq1', 'cite103Max'), v: fc.constantFrom('0', '1', '01', 'true', ' 1', '3', '03', '12', '') })
  .chain(({ field, v }) =>
    fc.constantFrom<Filter>(
      c({ kind: 'eq', field, value: v }),
      c({ kind: 'in', field, values: [v, '1'] }),
      ...(field === 'cite103Max'
        ? []
        : [
            c({ kind: 'cmp', field, op: '<=', value: v }),
            c({ kind: 'startsWith', field, text: v }),
            c({ kind: 'contains', field, text: v }),
            c({ kind: 'pattern', field, pieces: [{ kind: 'anyChar' }] }),
            c({ kind: 'pattern', field, pieces: [{ kind: 'anyString' }, { kind: 'literal', text: v }] }),
          ]),
    ),
  );
const textCond = fc
  .record({ field: fc.constantFrom('actionType', 'actionSubtype', 'documentCd', 'signatureType'), v: fc.constantFrom('102', '103(a)', 'CTNF', 'ctfr', 'NOA', '2', '9', 'X', '1', 'C', '') })
  .chain(({ field, v }) =>
    fc.constantFrom<Filter>(
      c({ kind: 'eq', field, value: v }),
      c({ kind: 'exists', field }),
      c({ kind: 'in', field, values: [v, '103'] }),
      c({ kind: 'cmp', field, op: '>=', value: v }),
      c({ kind: 'cmp', field, op: '<', value: v }),
      c({ kind: 'startsWith', field, text: v.slice(0, 2) }),
      c({ kind: 'contains', field, text: v.slice(1) }),
    ),
  );
const derivedCond = fc.constantFrom<Filter>(
  c({ kind: 'eq', field: 'techCenter', value: '2100' }),
  c({ kind: 'in', field: 'mailYear', values: [2012, 2016] }),
  c({ kind: 'eq', field: 'formType', value: 'oa-text' }),
  c({ kind: 'exists', field: 'formType' }),
);
const leaf = fc.oneof(flagCond, legacyCond, textCond, derivedCond);
const filter: fc.Arbitrary<Filter> = fc.letrec<{ f: Filter }>((tie) => ({
  f: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.record({ op: fc.constant('not' as const), arg: tie('f') }),
    fc.record({ op: fc.constantFrom('and' as const, 'or' as const), args: fc.array(tie('f'), { minLength: 2, maxLength: 3 }) }),
  ),
})).f;

describe('the stored layout', () => {
  it('gives back every record unchanged (derived fields added)', () => {
    fc.assert(
      fc.property(record, (r) => {
        const doc = encode(r);
        const back = decode(doc);
        for (const [k, v] of Object.entries(r)) expect(back[k as FieldName], k).toEqual(v);
        for (const k of Object.keys(back)) if (!(k in r)) expect(['formType', 'techCenter', 'mailYear'], k).toContain(k);
        // Nothing but stored attributes (the layout's and the searchable ones) in the document.
        const known = new Set([...storedAttributes().map((a) => a.name), 'id', 'citationText']);
        for (const k of Object.keys(doc)) expect(known, k).toContain(k);
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps usual values in the group code and stores unusual ones as written', () => {
    const base = { id: 'a'.repeat(24), applicationId: '1', Patent_PGPub: '2', form892: 1, form1449: 0, citationInOA: 0 } as OaRecord;
    expect(encode({ ...base, actionType: '103' })).not.toHaveProperty('actionType');
    expect(encode({ ...base, actionType: '101' })).toHaveProperty('actionType', '101');
    expect(encode({ ...base, citationText: '2' })).not.toHaveProperty('citationText');
    expect(encode(base)).toHaveProperty('citationText', null);
    expect(publicId(storedId('0123456789abcdef01234567')!)).toBe('0123456789abcdef01234567');
    expect(storedId('not an id')).toBeUndefined();
  });

  it("reads a stored id as Node's base64url decoder does, for any id and any other text", () => {
    const viaBuffer = (s: string) => Buffer.from(s, 'base64url').toString('hex');
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 12, maxLength: 12 }), (bytes) => {
        const stored = Buffer.from(bytes).toString('base64url');
        expect(publicId(stored)).toBe(Buffer.from(bytes).toString('hex'));
      }),
      { numRuns: 2000 },
    );
    // A stored id with a char or two replaced by one that is no base64url digit (one above ASCII
    // must not be read as the digit of its low bits), and text of other lengths: Buffer's reading.
    const spoilt = fc
      .tuple(
        fc.uint8Array({ minLength: 12, maxLength: 12 }),
        fc.array(fc.tuple(fc.nat(15), fc.constantFrom('+', '/', '=', ' ', '.', '\u00c1', '\u0141', '\u4e00', '\u0000')), { minLength: 1, maxLength: 2 }),
      )
      .map(([bytes, swaps]) => {
        const chars = [...Buffer.from(bytes).toString('base64url')];
        for (const [at, ch] of swaps) chars[at] = ch;
        return chars.join('');
      });
    fc.assert(
      fc.property(fc.oneof(spoilt, fc.string({ maxLength: 20 })), (s) => {
        expect(publicId(s)).toBe(viaBuffer(s));
      }),
      { numRuns: 2000 },
    );
  });

  it('lowers filters to stored attributes that select exactly the same records', () => {
    fc.assert(
      fc.property(filter, fc.array(record, { minLength: 1, maxLength: 12 }), (f, records) => {
        const lowered = lower(f);
        const stored = new Set(storedAttributes().map((a) => a.name));
        for (const cond of condsOf(lowered)) expect(stored, cond.field).toContain(cond.field);
        for (const r of records) {
          const read = withDerived(r);
          expect(matches(lowered, encode(r)), JSON.stringify({ f, r })).toBe(matches(f, read, true));
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('folds stored facet counts into the counts of the records themselves', () => {
    const fields = FIELDS.filter((f) => f.facet).map((f) => f.name);
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 30 }), (records) => {
        const count = (docs: Doc[], names: readonly string[]) => {
          const out: Record<string, Record<string, number>> = {};
          for (const name of names) {
            out[name] = {};
            for (const d of docs) for (const v of new Set(valuesAt(d, name).map(String))) out[name]![v] = (out[name]![v] ?? 0) + 1;
          }
          return out;
        };
        const stored = count(records.map(encode), facetAttributesFor(fields));
        const expected = count(records.map(withDerived), fields);
        const folded = foldFacets(fields, stored);
        // Meilisearch counts values it holds as the same ("ctnf", "CTNF") as one, under one spelling.
        const byNormalized = (counts: Record<string, number> | undefined) => {
          const out: Record<string, number> = {};
          for (const [v, n] of Object.entries(counts ?? {})) out[normalizeFacet(v)] = (out[normalizeFacet(v)] ?? 0) + n;
          return out;
        };
        for (const f of fields) {
          expect(byNormalized(folded[f]), f).toEqual(byNormalized(expected[f]));
          for (const v of Object.keys(folded[f] ?? {})) expect(Object.keys(expected[f] ?? {}), `${f} spelling`).toContain(v);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

// ---- a list (the rejections' claimNumbers, stored fenced by commas) ---------------------------------------

describe("a list field's stored layout (claimNumbers)", () => {
  const layout = REJECTIONS.layout;
  // Characters below "," (space, "!", "+") are where the fenced order could part from the list's.
  const piece = fc.constantFrom('1', '2', '7', '12', ',', ',', ' ', '!', '+', 'A');
  const list = fc.array(piece, { minLength: 1, maxLength: 7 }).map((a) => a.join('').trim()).filter((s) => s.length > 0);
  const rejection = fc
    .record({ id: hexId, applicationId: fc.constant('12345678'), actionType: fc.constant('103'), claimNumbers: fc.option(list, { nil: undefined }) })
    .map((r) => {
      if (r.claimNumbers === undefined) delete (r as Partial<typeof r>).claimNumbers;
      return r as unknown as OaRecord;
    });
  const text = fc.array(piece, { maxLength: 4 }).map((a) => a.join(''));
  const field = 'claimNumbers';
  const listCond = fc.tuple(text, text).chain(([t, u]) =>
    fc.constantFrom<Filter>(
      c({ kind: 'eq', field, value: t }),
      c({ kind: 'in', field, values: [t, u] }),
      c({ kind: 'exists', field }),
      ...(['<', '<=', '>', '>='] as const).map((op) => c({ kind: 'cmp', field, op, value: t })),
      c({ kind: 'startsWith', field, text: t.trim() }),
      c({ kind: 'contains', field, text: t.trim() }),
      c({ kind: 'lists', field, item: t.trim() }),
    ),
  );
  const listFilter: fc.Arbitrary<Filter> = fc.letrec<{ f: Filter }>((tie) => ({
    f: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      listCond,
      fc.record({ op: fc.constant('not' as const), arg: tie('f') }),
      fc.record({ op: fc.constantFrom('and' as const, 'or' as const), args: fc.array(tie('f'), { minLength: 2, maxLength: 3 }) }),
    ),
  })).f;

  it('stores the list fenced and gives it back as written', () => {
    fc.assert(
      fc.property(rejection, (r) => {
        const doc = layout.encode(r);
        const written = (r as Record<string, unknown>).claimNumbers;
        expect(doc.claimNumbers).toBe(written === undefined ? undefined : `,${String(written)},`);
        expect((layout.decode(doc) as Record<string, unknown>).claimNumbers).toBe(written);
        expect(layout.listedValue(field, String(doc.claimNumbers ?? ',,'))).toBe(written ?? '');
      }),
      { numRuns: 500 },
    );
  });

  it('lowers equality, ranges, prefixes, substrings and items onto the fenced form, selecting exactly the same records', () => {
    let checked = 0;
    fc.assert(
      fc.property(listFilter, fc.array(rejection, { minLength: 1, maxLength: 12 }), (f, records) => {
        // What needs the listed values (a substring at a comma) is answered by the store, not lowered.
        fc.pre(!condsOf(f).some(layout.needsValues));
        checked++;
        const lowered = layout.lower(f);
        for (const r of records) {
          expect(matches(lowered, layout.encode(r)), JSON.stringify({ f, r, lowered })).toBe(matches(f, layout.decode(layout.encode(r)), true));
        }
      }),
      { numRuns: 4000 },
    );
    expect(checked).toBeGreaterThan(2000);
  });

  it('finds an item anywhere in the list, and only a whole item', () => {
    const at = (list: string, item: string) => matches(layout.lower(c({ kind: 'lists', field, item })), layout.encode({ id: 'a'.repeat(24), claimNumbers: list } as unknown as OaRecord));
    expect(['7', '7,8', '6,7', '6,7,8'].map((l) => at(l, '7'))).toEqual([true, true, true, true]);
    expect(['70', '17', '6,70', '17,8', '6,77,8'].map((l) => at(l, '7'))).toEqual([false, false, false, false, false]);
    // A substring at a comma needs the listed values: the fenced form would match across a fence.
    expect(layout.needsValues({ kind: 'contains', field, text: ',6' })).toBe(true);
    expect(layout.needsValues({ kind: 'contains', field, text: '6,7' })).toBe(false);
  });
});
