/**
 * The stored layout of a data set: how a record (its catalog's fields) is kept in a Meilisearch document, and how
 * everything asked of the catalog's fields - filters, facets, sorts, the fields to read - is
 * asked of the stored attributes instead. It is invisible above the store (src/store/): what goes
 * in through `encode` comes out of `decode` unchanged.
 *
 * Why a layout at all: Meilisearch 1.21 keeps, for every filterable attribute, one database entry
 * per record and value (about 50 bytes each, measured with mdb_stat on 1 M rows), so the index
 * costs what its documents hold faceted values. The layout holds as few as say the same thing:
 *
 * - **small-domain fields are packed**: the flags (0/1) and the code fields with a few usual
 *   values (actionType, documentCd, signatureType...: the catalog's `usual`) are digits of a few
 *   group codes - the record's own fields, and the office action's in two groups - each a
 *   decimal string. `form892 = 1` reads `codesCitation IN ["1", "3", ...]`: the
 *   codes with that digit, which Meilisearch looks up (most do not occur: a lookup each, nothing
 *   to merge). A group is left out when none of its fields is present (a citation without an
 *   office action has no office-action traits). A flag missing while its group is present (an
 *   empty cell) is named in `codesMissing`; a code field's value that is not a usual one is kept
 *   as written in the field's own attribute (its digit says "other"). Real data fills neither, so
 *   they cost nothing - yet every value, usual or not, answers exactly as before.
 * - **derived fields are computed on read** (derived.ts); formType and techCenter are not stored at
 *   all, mailYear is stored (for its facet counts), as a 4-digit string - sorted and compared as
 *   the number would be, and cheaper to index than a number.
 * - **a field may be stored only when it differs from another** (the catalog's
 *   `storedUnlessSameAs`: citationText, since 93 % of references are written as their bare
 *   number); a record without it stores `null`, so "absent" and "the same as" stay apart.
 * - **a list is stored fenced by commas** (the catalog's `list`: claimNumbers "6,7,8,11" is kept
 *   as ",6,7,8,11,"), so that "lists claim 7" is one `CONTAINS ",7,"` - a claim at either end
 *   included, which the bare list cannot tell from ",70". Conditions on the list as v1 wrote it
 *   are lowered onto the fenced form with the same answers (lowerListed).
 * - **ids are stored in base64url** (16 characters for the 96 bits the API writes as 24 hex
 *   digits): the id is the primary key, kept in every document and in Meilisearch's id map.
 *
 * `storedLayout(catalog)` builds a data set's layout; layout.ts is the citations catalog's. An index
 * built with another layout answers wrongly, so the layout is versioned: its `marker` is a
 * filterable attribute no document holds, and the gateway checks that the index has it.
 */
import type { Catalog } from './catalog.ts';
import type { Counts } from './derived.ts';
import { PRIMARY_KEY, type FieldSpec } from './field-spec.ts';
import type { FieldName } from './fields.ts';
import type { OaRecord } from './schema.ts';
import { and, anyOf, cmp, contains, eq, exists, mapConds, not, or, startsWith, type Cond, type Filter, type Value } from '../filter/ast.ts';
import { meets } from '../filter/evaluate.ts';
import { normalizeFacet, sendableNeedle } from '../filter/normalize.ts';
import { digit, groupWhere, MISSING, stateOf, type Group, type Slot } from './group-codes.ts';

/**
 * A filterable attribute no document holds: an index whose settings name it was built with this
 * layout. Its version is the data set's (the catalog's `layoutVersion`), bumped when that data
 * set's documents or settings change shape - a change here bumps every data set's - so that a
 * change to one data set does not ask for a rebuild of the other.
 */
export const layoutMarker = (version: number) => `oaLayoutV${version}`;

export type StoredDoc = Record<string, unknown>;

/** How a field's values are written, for StoredLayout.writer: the text of one value ('' writes nothing). */
export type FieldText = (field: FieldSpec) => (value: unknown) => string;

// ---- ids -------------------------------------------------------------------------------------------

const HEX_ID = /^[0-9a-f]{24}$/;

/** The stored form of a record id (base64url of its 12 bytes); undefined for a string that is no id. */
export function storedId(id: string): string | undefined {
  const hex = id.toLowerCase();
  return HEX_ID.test(hex) ? Buffer.from(hex, 'hex').toString('base64url') : undefined;
}

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** A base64url digit's value by its char code (-1: not a digit). */
const SEXTETS = new Int8Array(128).fill(-1);
for (let i = 0; i < 64; i++) SEXTETS[BASE64URL.charCodeAt(i)] = i;
const sextet = (s: string, i: number): number => {
  const c = s.charCodeAt(i);
  return c < 128 ? SEXTETS[c]! : -1;
};
const HEX_BYTE = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

/**
 * The API's form of a stored id (24 hex digits): `Buffer.from(stored, 'base64url').toString('hex')`.
 * A stored id (16 base64url digits) is read four digits - three bytes - at a time from tables:
 * every hit of every answer has one, and the two Buffers cost more than the rest of its decoding.
 * Anything else (another length, a char that is no digit) is read by Buffer, as before.
 */
export function publicId(stored: string): string {
  if (stored.length !== 16) return Buffer.from(stored, 'base64url').toString('hex');
  let hex = '';
  for (let i = 0; i < 16; i += 4) {
    const a = sextet(stored, i);
    const b = sextet(stored, i + 1);
    const c = sextet(stored, i + 2);
    const d = sextet(stored, i + 3);
    if ((a | b | c | d) < 0) return Buffer.from(stored, 'base64url').toString('hex');
    const n = (a << 18) | (b << 12) | (c << 6) | d;
    hex += HEX_BYTE[n >>> 16]! + HEX_BYTE[(n >>> 8) & 255]! + HEX_BYTE[n & 255]!;
  }
  return hex;
}

/** A condition with its number values as text. */
function asText(c: Cond): Cond {
  const text = (v: Value) => String(v);
  switch (c.kind) {
    case 'eq':
    case 'cmp':
      return { ...c, value: text(c.value) };
    case 'in':
      return { ...c, values: c.values.map(text) };
    default:
      return c;
  }
}

// ---- lists -----------------------------------------------------------------------------------------

/** A list as stored: fenced by commas. */
const fence = (list: string) => `,${list},`;
/** A stored list as the record holds it. */
const unfence = (stored: string) => (stored.length >= 2 && stored.startsWith(',') && stored.endsWith(',') ? stored.slice(1, -1) : stored);
const COMMA = 0x2c;

/** The number a text spells as Meilisearch would print it (`"3"`, not `"03"` or `"3.0"`). */
const canonicalNumber = (text: string): number | undefined => (/^(?:0|-?[1-9]\d{0,14})$/.test(text) ? Number(text) : undefined);

/** NONE as Meilisearch reads it: every record has its application id. */
export const NOTHING: Filter = not(exists('applicationId'));

export interface StoredAttribute {
  readonly name: string;
  /** Range operators (<, >=, TO): strings and dates compare lexicographically, numbers numerically. */
  readonly comparison: boolean;
  readonly facetSearch: boolean;
  readonly sort: boolean;
}

/** A data set's stored layout: what the store and the indexer ask of it. */
export interface StoredLayout {
  /** A record as a stored document. */
  encode(record: Readonly<OaRecord>): StoredDoc;
  /** A stored document (any subset of its attributes) as a record, derived fields computed. */
  decode(doc: Readonly<StoredDoc>): OaRecord;
  /**
   * Stored documents written straight as text, for an answer that only serialises its records (the
   * legacy docs): the writer gives `chosen.map((f) => text(f)(v))` joined by `separator`, `v` each
   * field's value in `decode(doc)`, a field without one (or whose text is '') left out - without
   * building the record, and with each value a packed field can take written once, when the writer
   * is made (so `text(f)` must depend on its value alone). Made per list of fields: keep one rather
   * than make it per answer.
   */
  writer(chosen: readonly FieldSpec[], text: FieldText, separator: string): (doc: Readonly<StoredDoc>) => string;
  /** The stored attributes needed to decode the given fields. */
  attributesFor(fields: readonly string[]): string[];
  /** Whether a condition needs the values its field holds, listed by the store (see below). */
  needsValues(c: Cond): boolean;
  /**
   * For a condition that needs values: a filter over stored attributes that holds every record
   * it matches, to keep the listing small (undefined: list them all).
   */
  narrowing(c: Cond): Filter | undefined;
  /** A value of an attribute's facet counts as the value of the catalog field (a list unfenced). */
  listedValue(field: string, stored: string): string;
  /** The values of a packed field decided without Meilisearch (its usual values). */
  usualValues(field: string): readonly string[];
  /** A filter over catalog fields as a filter over stored attributes. */
  lower(filter: Filter): Filter;
  /** The stored attributes whose facet counts give the counts of the given fields. */
  facetAttributesFor(fields: readonly string[]): string[];
  /** Facet counts of the given fields from the stored attributes' counts. */
  foldFacets(fields: readonly string[], stored: Readonly<Record<string, Counts>>): Partial<Record<FieldName, Counts>>;
  /** Whether Meilisearch can search a field's facet values itself. */
  facetSearchable(name: string): boolean;
  /** A sort over catalog fields (`mailYear:desc`) as a sort over stored attributes. */
  lowerSort(sort: readonly string[]): string[];
  /** Every filterable attribute of the layout, with what Meilisearch must build for it. */
  storedAttributes(): StoredAttribute[];
  /** The filterable attribute that says an index was built with this layout (layoutMarker). */
  readonly marker: string;
}

export function storedLayout(catalog: Catalog): StoredLayout {
  // ---- records <-> documents ------------------------------------------------------------------------

    const { fields, byName, groups, slotOf: SLOT_OF } = catalog;
    // The field stored only when it differs from another (citationText, unless it is the reference).
    const SAME = catalog.storedUnlessSameAs;

  /** The comma-separated lists, stored fenced by commas. */
  const LISTS: ReadonlySet<string> = new Set(fields.filter((f) => f.list).map((f) => f.name));

  /** Stored catalog fields kept as attributes of their own name: everything but the packed fields (whose unusual values are kept there too). */
  const marker = layoutMarker(catalog.layoutVersion);

  const PLAIN_FIELDS: readonly FieldSpec[] = fields.filter((f) => f.stored && !SLOT_OF.has(f.name));

  /** A record as a stored document. */
  function encode(rec: Readonly<OaRecord>): StoredDoc {
    // By name: the catalog's fields are any data set's (names typed as strings).
    const record = rec as Readonly<Record<string, unknown>>;
    const doc: StoredDoc = {};
    for (const f of PLAIN_FIELDS) {
      const derivation = catalog.derivation(f.name);
      if (derivation) {
        const v = derivation.compute(record);
        if (v !== undefined) doc[f.name] = String(v);
        continue;
      }
      const v = record[f.name];
      if (f.name === PRIMARY_KEY) {
        const id = storedId(String(v));
        if (id === undefined) throw new Error(`internal: record id ${JSON.stringify(v)} is not 24 hex digits`);
        doc[f.name] = id;
      } else if (f.name === SAME?.field) {
        if (v === undefined) doc[f.name] = null;
        else if (v !== record[SAME.as]) doc[f.name] = v;
      } else if (LISTS.has(f.name)) {
        if (v !== undefined) doc[f.name] = fence(String(v));
      } else if (v !== undefined) doc[f.name] = v;
    }
    const missing: string[] = [];
    for (const group of groups) {
      // A group none of whose fields is present is left out (the record has no such traits).
      if (!group.slots.some((sl) => record[sl.field.name] !== undefined)) continue;
      let code = 0;
      for (const slot of group.slots) {
        const v = record[slot.field.name];
        const state = stateOf(slot, v);
        if (state === undefined) {
          if (slot.kind === 'flag') missing.push(slot.field.name);
          continue;
        }
        code += state * slot.weight;
        if (slot.kind === 'usual' && state === slot.radix - 1) doc[slot.field.name] = v;
      }
      doc[group.attribute] = String(code);
    }
    if (missing.length) doc[MISSING] = missing;
    return doc;
  }

  /**
   * How each stored field is read back from a document, decided once for the layout rather than
   * per document and field (reading is on the path of every answer). Each group code is parsed
   * once per document, before the fields are read, into `codes` (NaN when the document lacks it).
   *
   * A packed field is read as a state - its digit of the group code, or -1 when the document says
   * nothing of it - and each state stands for one value, fixed for the layout (`states`; undefined:
   * no value; FREE: the value is in the field's own attribute, an unusual one). So a writer can
   * write each state's text once, when it is made, rather than once per document. Every other field
   * is read as a value from its own attribute (`value`; undefined: none).
   */
  interface FieldRead {
    readonly field: FieldSpec;
    readonly packed?: { state: (codes: readonly number[], missing: readonly string[] | undefined) => number; states: readonly unknown[] };
    readonly value: (doc: Readonly<StoredDoc>) => unknown;
  }
  const FREE = Symbol('the field\'s own attribute');
  const GROUP_ATTRIBUTES = groups.map((g) => g.attribute);
  const ownValue = (name: string) => (doc: Readonly<StoredDoc>) => {
    const v = doc[name];
    return v === null ? undefined : v;
  };
  const READS: ReadonlyMap<string, FieldRead> = new Map(
    fields.flatMap((field): [string, FieldRead][] => {
      // Derived fields come from their sources (decode computes them after the stored ones).
      if (!field.stored || catalog.derivation(field.name)) return [];
      const name = field.name;
      const packed = SLOT_OF.get(name);
      if (packed) {
        const { slot } = packed;
        const at = GROUP_ATTRIBUTES.indexOf(packed.group.attribute);
        if (slot.kind === 'flag') {
          // A present group still lacks a flag named missing.
          const state = (codes: readonly number[], missing: readonly string[] | undefined) => {
            const code = codes[at]!;
            return code === code && !missing?.includes(name) ? digit(code, slot) : -1;
          };
          return [[name, { field, packed: { state, states: [0, 1] }, value: () => undefined }]];
        }
        // 0: none; 1..n: the usual values; n + 1: an unusual one, in the field's own attribute.
        const state = (codes: readonly number[]) => {
          const code = codes[at]!;
          return code === code ? digit(code, slot) : -1;
        };
        const value = (doc: Readonly<StoredDoc>) => (typeof doc[name] === 'string' ? doc[name] : undefined);
        return [[name, { field, packed: { state, states: [undefined, ...slot.values, FREE] }, value }]];
      }
      if (name === PRIMARY_KEY) {
        return [[name, { field, value: (doc) => (typeof doc[name] === 'string' ? publicId(doc[name]) : undefined) }]];
      }
      if (name === SAME?.field) {
        // Left out: the same as the other field; null: none.
        const as = SAME.as;
        const own = ownValue(name);
        return [[name, { field, value: (doc) => (doc[name] === undefined ? doc[as] : own(doc)) }]];
      }
      if (LISTS.has(name)) {
        return [[name, { field, value: (doc) => (typeof doc[name] === 'string' ? unfence(doc[name]) : undefined) }]];
      }
      return [[name, { field, value: ownValue(name) }]];
    }),
  );
  /** The stored fields in the catalog's order (the record's keys come out in that order). */
  const READ_LIST: readonly FieldRead[] = [...READS.values()];
  const DERIVATIONS = [...catalog.derivations.values()];
  // The documents' group codes as numbers, refilled per document (a read runs to its end
  // synchronously, so one array serves every call).
  const codes: number[] = GROUP_ATTRIBUTES.map(() => NaN);

  /** Fills `codes` from the document's group codes; returns its missing-flags list. */
  function readCodes(doc: Readonly<StoredDoc>): readonly string[] | undefined {
    for (let i = 0; i < GROUP_ATTRIBUTES.length; i++) {
      const code = doc[GROUP_ATTRIBUTES[i]!];
      codes[i] = typeof code === 'string' ? Number(code) : NaN;
    }
    return Array.isArray(doc[MISSING]) ? (doc[MISSING] as string[]) : undefined;
  }

  /** A field's value in a document whose codes have been read (undefined: none). */
  function readField(r: FieldRead, doc: Readonly<StoredDoc>, missing: readonly string[] | undefined): unknown {
    if (!r.packed) return r.value(doc);
    const state = r.packed.state(codes, missing);
    if (state < 0) return undefined;
    const v = r.packed.states[state];
    return v === FREE ? r.value(doc) : v;
  }

  /** A stored document (any subset of its attributes) as a record, derived fields computed. */
  function decode(doc: Readonly<StoredDoc>): OaRecord {
    const record: Record<string, unknown> = {};
    const missing = readCodes(doc);
    for (const r of READ_LIST) {
      const v = readField(r, doc, missing);
      if (v !== undefined) record[r.field.name] = v;
    }
    for (const d of DERIVATIONS) {
      const v = d.compute(record);
      if (v !== undefined) record[d.name] = v;
    }
    return record as OaRecord;
  }

  /**
   * A writer of stored documents straight to text (see StoredLayout.writer): per field, a packed
   * one's states written once, here. When a field computed from others is among those chosen,
   * each whole document is decoded first (no v1 field is computed: legacy answers never are).
   */
  function writer(chosen: readonly FieldSpec[], text: FieldText, separator: string): (doc: Readonly<StoredDoc>) => string {
    const writers = chosen.map(text);
    /** `out` and then `piece`, the separator between them when both are there. */
    const joined = (out: string, piece: string) => (piece === '' ? out : out === '' ? piece : out + separator + piece);
    if (chosen.some((f) => catalog.derivation(f.name))) {
      return (doc) => {
        const record = decode(doc) as Readonly<Record<string, unknown>>;
        let out = '';
        for (let i = 0; i < chosen.length; i++) {
          const v = record[chosen[i]!.name];
          if (v !== undefined) out = joined(out, writers[i]!(v));
        }
        return out;
      };
    }
    // A field the layout does not store has no value in any document: nothing to write.
    const plan = chosen.flatMap((f, i) => {
      const r = READS.get(f.name);
      if (!r) return [];
      const write = writers[i]!;
      return [{ r, write, texts: r.packed?.states.map((v) => (v === undefined || v === FREE ? undefined : write(v))) }];
    });
    return (doc) => {
      const missing = readCodes(doc);
      let out = '';
      for (const { r, write, texts } of plan) {
        if (texts) {
          const state = r.packed!.state(codes, missing);
          if (state < 0) continue;
          const written = texts[state];
          if (written !== undefined) {
            out = joined(out, written);
            continue;
          }
          if (r.packed!.states[state] !== FREE) continue;
        }
        const v = r.value(doc);
        if (v !== undefined) out = joined(out, write(v));
      }
      return out;
    };
  }

  // ---- fields to read --------------------------------------------------------------------------------

  /**
   * The stored attributes behind fields: a field computed from others (`through` says which) by
   * the attributes of those, a packed field by its group code (its own attribute for an unusual
   * value, the missing-flags list for an optional flag), any other by its own attribute - and,
   * when decoding, the field a same-as field falls back to.
   */
  function attributesBehind(fields: readonly FieldName[], through: (name: string) => unknown, decoding: boolean): string[] {
    const out = new Set<string>();
    const add = (name: FieldName): void => {
      if (through(name)) return catalog.derivation(name)!.from.forEach(add);
      const packed = SLOT_OF.get(name);
      if (packed) {
        out.add(packed.group.attribute);
        if (packed.slot.kind === 'usual') out.add(name);
        else if (!packed.slot.field.required) out.add(MISSING);
        return;
      }
      out.add(name);
      if (decoding && name === SAME?.field) out.add(SAME.as);
    };
    fields.forEach(add);
    return [...out];
  }

  /** The stored attributes needed to decode the given fields (every derived field through its sources). */
  function attributesFor(fields: readonly FieldName[]): string[] {
    return attributesBehind(fields, (name) => catalog.derivation(name), true);
  }

  // ---- filters ---------------------------------------------------------------------------------------

  /** A condition on a packed field, over its group's code (and, for unusual values, its own attribute). */
  function lowerPacked(c: Cond, group: Group, slot: Slot): Filter {
    if (slot.kind === 'flag') {
      const states = new Set(([0, 1] as const).filter((v) => meets(c, v)));
      // A present group still lacks the flag when it is named missing (required flags never are).
      const notMissing = slot.field.required || !states.has(0) ? [] : [not(anyOf(MISSING, [slot.field.name]))];
      return and([groupWhere(group, slot, states), ...notMissing]);
    }
    // Present: any state but 0 (the "other" state included: its value is in the own attribute).
    if (c.kind === 'exists') return groupWhere(group, slot, new Set(Array.from({ length: slot.radix - 1 }, (_, i) => i + 1)));
    const states = new Set(slot.values.flatMap((v, i) => (meets(c, v) ? [i + 1] : [])));
    // Unusual values are in the field's own attribute, which only they fill: the condition as is.
    return or([groupWhere(group, slot, states), lowerPlain(c)]);
  }

  /** Whether a field is kept as a number in an attribute of its own name (cite103Max). */
  function numericAttribute(name: string): boolean {
    return byName.get(name)?.type === 'int' && !catalog.derivation(name);
  }

  /**
   * Whether a condition needs the values its field holds, listed by the store (src/store/values.ts),
   * rather than being lowered as it is: Meilisearch has no operator for it. Those are wildcards of
   * other shapes than `abc*` / `*abc*` (`pattern`), texts that begin or end with a space (which
   * Meilisearch trims from STARTS WITH / CONTAINS), and text ranges or wildcards over a number
   * attribute (the v1 string fields compared `cite103Max` as text: "2" > "10"). Packed flags never
   * need it: their two values are decided here.
   */
  function needsValues(c: Cond): boolean {
    if (SLOT_OF.get(c.field)?.slot.kind === 'flag') return false;
    switch (c.kind) {
      case 'pattern':
        return true;
      case 'startsWith':
        return !sendableNeedle(c.text) || numericAttribute(c.field);
      case 'contains':
        // On a list, a text at a comma could match across a fence (",6" in ",6,7," but not in "6,7").
        return !sendableNeedle(c.text) || numericAttribute(c.field) || (LISTS.has(c.field) && /^,|,$/.test(c.text));
      case 'cmp':
        return typeof c.value === 'string' && numericAttribute(c.field);
      default:
        return false;
    }
  }

  /** The values of a packed field decided without Meilisearch (its usual values), for the store's listing. */
  function usualValues(field: string): readonly string[] {
    return SLOT_OF.get(field)?.slot.values ?? [];
  }

  /**
   * A filter Meilisearch can answer that holds every record a condition needing values matches:
   * the pattern's literal start, or its longest literal piece (Meilisearch trims the text, which
   * only widens it). Dates and numbers list everything: they have few values.
   */
  function narrowing(c: Cond): Filter | undefined {
    const type = byName.get(c.field)?.type;
    if (type !== 'string' && type !== 'strings') return undefined;
    let kind: 'startsWith' | 'contains' | undefined;
    let text = '';
    if (c.kind === 'startsWith' || c.kind === 'contains') [kind, text] = [c.kind, c.text.trim()];
    else if (c.kind === 'pattern') {
      const first = c.pieces[0];
      const literals = c.pieces.flatMap((p) => (p.kind === 'literal' && p.text.trim() ? [p.text.trim()] : []));
      if (first?.kind === 'literal' && first.text.trim()) [kind, text] = ['startsWith', first.text.trim()];
      else if (literals.length) [kind, text] = ['contains', literals.reduce((a, b) => (b.length > a.length ? b : a))];
    }
    if (!kind || !text) return undefined;
    // A list's fenced form begins with a comma; any text it contains, the fenced form contains.
    if (kind === 'startsWith') return startsWith(c.field, LISTS.has(c.field) ? `,${text}` : text);
    return contains(c.field, text);
  }

  function listedValue(field: string, stored: string): string {
    return LISTS.has(field) ? unfence(stored) : stored;
  }

  /**
   * A condition on a list, over its fenced form F = ",x," (x the list as Meilisearch holds it,
   * normalised; the indexer trims every value, so nothing but x sits between the fences).
   * Equality, IN and an item are the fenced values; `x STARTS WITH t` is `F STARTS WITH ",t"`,
   * less F = ",t" when t ends with a comma; a CONTAINS that does not begin or end with a comma is
   * the same on F (the others need the values, see needsValues).
   *
   * Ranges: x+"," and y+"," order as x and y do, but where one is a proper prefix of the other
   * and the longer goes on with a character below "," (space, "!", "+"...). Those values are
   * known: A, the prefixes p of y followed in y by such a character (x < y, yet F > ",y,"), and
   * B, the values where x starts with y (S, lowered as above) and F < ",y," (x > y, yet F below).
   * So, with Y = ",y,",
   *   x < y  is  (F < Y AND NOT S) OR F IN A    (<= adds F = Y)
   *   x > y  is  (F > Y AND NOT F IN A) OR (S AND F < Y)    (>= adds F = Y)
   * exactly (test/catalog/layout.test.ts checks all of it on lists of such characters).
   */
  function listStartsWith(f: string, text: string): Filter {
    const from = startsWith(f, `,${text}`);
    return text.endsWith(',') ? and([from, not(eq(f, `,${text}`))]) : from;
  }

  function lowerListed(c: Cond): Filter {
    const f = c.field;
    const fenced = (v: Value) => fence(normalizeFacet(String(v)));
    switch (c.kind) {
      case 'eq':
        return eq(f, fenced(c.value));
      case 'in':
        return anyOf(f, c.values.map(fenced));
      case 'lists':
        return contains(f, fenced(c.item));
      case 'startsWith':
        return listStartsWith(f, c.text);
      case 'cmp': {
        const y = normalizeFacet(String(c.value));
        const Y = fence(y);
        const below = (i: number) => y.charCodeAt(i) < COMMA;
        const prefixes = Array.from({ length: y.length }, (_, i) => i).filter((i) => i > 0 && below(i)).map((i) => fence(y.slice(0, i)));
        const A = anyOf(f, prefixes);
        const S = listStartsWith(f, y);
        const equal = c.op === '<=' || c.op === '>=' ? [eq(f, Y)] : [];
        if (c.op === '<' || c.op === '<=') return or([and([cmp(f, '<', Y), not(S)]), ...equal, A]);
        return or([and([cmp(f, '>', Y), not(A)]), ...equal, and([S, cmp(f, '<', Y)])]);
      }
      default:
        return { op: 'cond', cond: c };
    }
  }

  /** A condition on an attribute of the field's own name. */
  function lowerPlain(c: Cond): Filter {
    if (needsValues(c)) throw new Error(`internal: a ${c.kind} condition on ${c.field} reached the layout unanswered (see needsValues)`);
    if (c.kind === 'lists' && !LISTS.has(c.field)) throw new Error(`internal: ${c.field} is no list`);
    if (LISTS.has(c.field)) return lowerListed(c);
    // Meilisearch compares a range bound, as written, with normalised stored values: normalise it too.
    if (c.kind === 'cmp' && typeof c.value === 'string') return { op: 'cond', cond: { ...c, value: normalizeFacet(c.value) } };
    // A text value of a number attribute matches the number it spells as the number is written.
    if (numericAttribute(c.field) && (c.kind === 'eq' || c.kind === 'in')) {
      const values = (c.kind === 'eq' ? [c.value] : c.values).flatMap((v) => (typeof v === 'number' ? [v] : (canonicalNumber(normalizeFacet(v)) ?? [])));
      return anyOf(c.field, values);
    }
    return { op: 'cond', cond: c };
  }

  function lowerCond(c: Cond): Filter {
    const derivation = catalog.unstored(c.field);
    if (derivation) return lower(derivation.rewrite(c));
    // A stored derived number (mailYear) is kept as its decimal text.
    if (catalog.derivation(c.field)) return lowerPlain(asText(c));
    const packed = SLOT_OF.get(c.field);
    if (packed) return lowerPacked(c, packed.group, packed.slot);
    if (!byName.get(c.field)?.filter) throw new Error(`internal: ${c.field} is not a filterable field`);
    return lowerPlain(c);
  }

  /** A filter over catalog fields as a filter over stored attributes. */
  function lower(filter: Filter): Filter {
    return mapConds(filter, lowerCond);
  }

  // ---- facets ----------------------------------------------------------------------------------------

  /** The stored attributes whose facet counts give the counts of the given fields (a stored derived field counts itself). */
  function facetAttributesFor(fields: readonly FieldName[]): string[] {
    return attributesBehind(fields, (name) => catalog.unstored(name), false);
  }

  /** Counts of a packed field from its group's counts (code -> records). */
  function packedCounts(packed: { group: Group; slot: Slot }, stored: Readonly<Record<string, Counts>>): Counts {
    const { group, slot } = packed;
    const byState = new Map<number, number>();
    for (const [code, n] of Object.entries(stored[group.attribute] ?? {})) {
      const state = digit(Number(code), slot);
      byState.set(state, (byState.get(state) ?? 0) + n);
    }
    const counts: Counts = {};
    if (slot.kind === 'flag') {
      // Records naming the flag missing hold a 0 digit for it; they count for neither value.
      const zeros = (byState.get(0) ?? 0) - (stored[MISSING]?.[slot.field.name] ?? 0);
      if (zeros > 0) counts['0'] = zeros;
      if ((byState.get(1) ?? 0) > 0) counts['1'] = byState.get(1)!;
      return counts;
    }
    slot.values.forEach((v, i) => {
      const n = byState.get(i + 1) ?? 0;
      if (n > 0) counts[v] = n;
    });
    // Unusual values, from the own attribute. One that Meilisearch holds as the same value as a usual
    // one ("ctnf" and "CTNF") adds to it: Meilisearch counts them as one value, under one spelling.
    for (const [value, n] of Object.entries(stored[slot.field.name] ?? {})) {
      const usual = slot.values.find((u) => counts[u] !== undefined && normalizeFacet(u) === normalizeFacet(value));
      const key = usual ?? value;
      counts[key] = (counts[key] ?? 0) + n;
    }
    return counts;
  }

  /** Facet counts of the given fields from the stored attributes' counts. */
  function foldFacets(fields: readonly FieldName[], stored: Readonly<Record<string, Counts>>): Partial<Record<FieldName, Counts>> {
    const memo = new Map<FieldName, Counts>();
    const countsOf = (name: FieldName): Counts => {
      const known = memo.get(name);
      if (known) return known;
      const derivation = catalog.unstored(name);
      const packed = SLOT_OF.get(name);
      const counts = derivation
        ? derivation.fold(Object.fromEntries(derivation.from.map((f) => [f, countsOf(f)])))
        : packed
          ? packedCounts(packed, stored)
          : { ...(stored[name] ?? {}) };
      memo.set(name, counts);
      return counts;
    };
    return Object.fromEntries(fields.map((f) => [f, countsOf(f)]));
  }

  /** Whether Meilisearch can search a field's facet values itself (text attributes stored as themselves only). */
  function facetSearchable(name: string): boolean {
    const f = byName.get(name);
    return Boolean(f?.facet && f.stored && !SLOT_OF.has(name) && (f.type === 'string' || f.type === 'strings'));
  }

  // ---- sorting ---------------------------------------------------------------------------------------

  /** A sort over catalog fields (`mailYear:desc`) as a sort over stored attributes. */
  function lowerSort(sort: readonly string[]): string[] {
    return sort.map((s) => {
      const [field, dir] = s.split(':') as [string, string];
      const by = catalog.unstored(field)?.sortBy ?? field;
      if (!byName.get(by)?.sort || SLOT_OF.has(by)) throw new Error(`internal: ${field} is not sortable`);
      return `${by}:${dir}`;
    });
  }

  /** Every filterable attribute of the layout, with what Meilisearch must build for it. */
  function storedAttributes(): StoredAttribute[] {
    const own = fields
      .filter((f) => f.stored && (f.filter || f.sort) && SLOT_OF.get(f.name)?.slot.kind !== 'flag')
      .map((f) => ({
        name: f.name,
        // Any v1 field may be ranged over in criteria (a packed field's unusual values are here).
        comparison: true,
        facetSearch: facetSearchable(f.name),
        sort: f.sort,
      }));
    const codes = [...groups.map((g) => g.attribute), MISSING, marker].map((name) => ({ name, comparison: false, facetSearch: false, sort: false }));
    return [...own, ...codes];
  }

  return { encode, decode, writer, attributesFor, needsValues, narrowing, listedValue, usualValues, lower, facetAttributesFor, foldFacets, facetSearchable, lowerSort, storedAttributes, marker };
}
