/**
 * The stored layout's group codes (see layout.ts): the flags and the code fields with usual values
 * packed as the digits of three decimal codes, and the filters that select codes by one digit.
 */
import { FIELDS, fieldSpec, type CatalogField, type FieldName } from './fields.ts';
import { and, anyOf, exists, NONE, not, type Filter } from '../filter/ast.ts';

/**
 * A field packed into a group code, as one digit of it:
 * - a flag: 2 states, its value (a flag missing while its group is present is named in MISSING);
 * - a field with usual values: state 0 = absent, 1..k = the usual values in catalog order,
 *   k + 1 = another value, which is then also stored as written in the field's own attribute.
 */
export interface Slot {
  readonly field: CatalogField;
  readonly kind: 'flag' | 'usual';
  /** The values of states 1..k (usual fields only). */
  readonly values: readonly string[];
  /** States of the digit. */
  readonly radix: number;
  /** What one unit of the digit is worth in the code. */
  readonly weight: number;
}

export interface Group {
  /** The stored attribute holding the code, a decimal string. */
  readonly attribute: string;
  readonly slots: readonly Slot[];
  /** Codes 0 .. size - 1. */
  readonly size: number;
}

/**
 * The groups, by field name: every flag and every field with usual values packed exactly once
 * (checked below). A group holds fields of one scope, so it is left out exactly when they all are:
 * the citation's own fields, and the office action's in two groups. Codes stay small enough that a
 * condition on one field lists at most a few hundred of them (Meilisearch looks each up; few exist).
 */
const GROUP_FIELDS: readonly (readonly [string, readonly FieldName[]])[] = [
  ['codesCitation', ['form892', 'form1449', 'citationInOA', 'actionType', 'actionSubtype']],
  ['codesOffice1', ['documentCd', 'headerMissing', 'formParagraphMissing', 'rejectFpMisMatch', 'closingMissing', 'rejection101', 'rejection102', 'rejection103']],
  ['codesOffice2', ['signatureType', 'rejection112', 'rejectionDp', 'objection', 'allowedClaims', 'cite102Gt1', 'cite103Gt3', 'cite103Eq1']],
];

function groupsOf(): Group[] {
  const groups = GROUP_FIELDS.map(([attribute, names]) => {
    let weight = 1;
    const slots = names.map((name): Slot => {
      const field = fieldSpec(name);
      const kind = field.type === 'flag' ? 'flag' : 'usual';
      if (kind === 'usual' && !field.usual?.length) throw new Error(`layout: ${name} has no usual values to pack`);
      const values = kind === 'flag' ? [] : field.usual!;
      const radix = kind === 'flag' ? 2 : values.length + 2;
      const slot = { field, kind, values, radix, weight } as const;
      weight *= radix;
      return slot;
    });
    const scopes = new Set(slots.map((sl) => (sl.field.source.table === 'office_actions' ? 'office' : sl.field.source.table)));
    if (scopes.size !== 1) throw new Error(`layout: group ${attribute} mixes fields of different tables`);
    return { attribute, slots, size: weight };
  });
  const packed = groups.flatMap((g) => g.slots.map((sl) => sl.field.name));
  const packable = FIELDS.filter((f) => f.stored && (f.type === 'flag' || f.usual)).map((f) => f.name);
  if (packed.length !== new Set(packed).size || packed.sort().join() !== packable.sort().join()) {
    throw new Error(`layout: the groups must pack every flag and every field with usual values exactly once (packed: ${packed.join(', ')})`);
  }
  return groups;
}

export const GROUPS: readonly Group[] = groupsOf();
/** Names of flags that are missing from a record although their group is present. (A stored attribute, no catalog field: typed as any string.) */
export const MISSING: string = 'codesMissing';

export const SLOT_OF: ReadonlyMap<string, { group: Group; slot: Slot }> = new Map(
  GROUPS.flatMap((group) => group.slots.map((slot) => [slot.field.name, { group, slot }] as const)),
);

export const digit = (code: number, slot: Slot) => Math.floor(code / slot.weight) % slot.radix;

/** A slot's state for a record's value (undefined: absent); 'other' for a value that is not usual. */
export function stateOf(slot: Slot, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (slot.kind === 'flag') return value === 1 ? 1 : 0;
  const i = slot.values.indexOf(value as string);
  return i < 0 ? slot.values.length + 1 : i + 1;
}

const codeLists = new Map<string, readonly string[]>();

/** The codes of a group whose slot is in one of `states` (computed once per combination). */
function codesWith(group: Group, slot: Slot, states: ReadonlySet<number>): readonly string[] {
  const key = `${group.attribute} ${slot.field.name} ${[...states].sort((a, b) => a - b).join()}`;
  let codes = codeLists.get(key);
  if (!codes) {
    const list: string[] = [];
    for (let code = 0; code < group.size; code++) if (states.has(digit(code, slot))) list.push(String(code));
    codeLists.set(key, (codes = list));
  }
  return codes;
}

/** `group IN [codes with the slot in states]`, or its complement when that lists fewer codes. */
export function groupWhere(group: Group, slot: Slot, states: ReadonlySet<number>): Filter {
  if (states.size === 0) return NONE;
  const others = new Set(Array.from({ length: slot.radix }, (_, i) => i).filter((i) => !states.has(i)));
  if (others.size === 0) return exists(group.attribute);
  if (states.size <= others.size) return anyOf(group.attribute, codesWith(group, slot, states));
  return and([exists(group.attribute), not(anyOf(group.attribute, codesWith(group, slot, others)))]);
}
