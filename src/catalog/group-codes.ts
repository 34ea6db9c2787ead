/**
 * The stored layout's group codes (see layout.ts): the flags and the code fields with usual values
 * packed as the digits of a few decimal codes, and the filters that select codes by one digit.
 * Each data set's catalog names its groups (GroupSpec); `groupsOf` checks and numbers them.
 */
import type { FieldSpec } from './field-spec.ts';
import { and, anyOfDistinct, exists, NONE, not, type Filter } from '../filter/ast.ts';

/**
 * A field packed into a group code, as one digit of it:
 * - a flag: 2 states, its value (a flag missing while its group is present is named in MISSING);
 * - a field with usual values: state 0 = absent, 1..k = the usual values in catalog order,
 *   k + 1 = another value, which is then also stored as written in the field's own attribute.
 */
export interface Slot {
  readonly field: FieldSpec;
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
 * A group as a catalog names it: the stored attribute holding the code, and the fields packed in
 * it, lowest digit first. Every flag and every field with usual values of a catalog is packed
 * exactly once (checked by groupsOf). A group holds fields of one scope, so it is left out exactly
 * when they all are: the record's own fields, and the office action's (shared-fields.ts). Codes
 * stay small enough that a condition on one field lists at most a few hundred of them
 * (Meilisearch looks each up; few exist).
 */
export type GroupSpec = readonly [attribute: string, fields: readonly string[]];

/** The groups of a catalog's fields, checked: one scope per group, every packable field packed once. */
export function groupsOf(fields: readonly FieldSpec[], specs: readonly GroupSpec[]): Group[] {
  const byName = new Map(fields.map((f) => [f.name, f]));
  const groups = specs.map(([attribute, names]) => {
    let weight = 1;
    const slots = names.map((name): Slot => {
      const field = byName.get(name);
      if (!field) throw new Error(`layout: group ${attribute} names ${name}, which is no field of its catalog`);
      const kind = field.type === 'flag' ? 'flag' : 'usual';
      if (kind === 'usual' && !field.usual?.length) throw new Error(`layout: ${name} has no usual values to pack`);
      const values = kind === 'flag' ? [] : field.usual!;
      const radix = kind === 'flag' ? 2 : values.length + 2;
      const slot = { field, kind, values, radix, weight } as const;
      weight *= radix;
      return slot;
    });
    const scopes = new Set(slots.map((sl) => sl.field.source.table));
    if (scopes.size !== 1) throw new Error(`layout: group ${attribute} mixes fields of different tables`);
    return { attribute, slots, size: weight };
  });
  const packed = groups.flatMap((g) => g.slots.map((sl) => sl.field.name));
  const packable = fields.filter((f) => f.stored && (f.type === 'flag' || f.usual)).map((f) => f.name);
  if (packed.length !== new Set(packed).size || packed.sort().join() !== packable.sort().join()) {
    throw new Error(`layout: the groups must pack every flag and every field with usual values exactly once (packed: ${packed.join(', ')})`);
  }
  return groups;
}

/** Names of flags that are missing from a record although their group is present. (A stored attribute, no catalog field: typed as any string.) */
export const MISSING: string = 'codesMissing';

export const digit = (code: number, slot: Slot) => Math.floor(code / slot.weight) % slot.radix;

/** A slot's state for a record's value (undefined: absent); 'other' for a value that is not usual. */
export function stateOf(slot: Slot, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (slot.kind === 'flag') return value === 1 ? 1 : 0;
  const i = slot.values.indexOf(value as string);
  return i < 0 ? slot.values.length + 1 : i + 1;
}

/** Per group: the code lists already computed, by slot and states. */
const codeLists = new WeakMap<Group, Map<string, readonly string[]>>();

/** The codes of a group whose slot is in one of `states` (computed once per combination). */
function codesWith(group: Group, slot: Slot, states: ReadonlySet<number>): readonly string[] {
  let lists = codeLists.get(group);
  if (!lists) codeLists.set(group, (lists = new Map()));
  const key = `${slot.field.name} ${[...states].sort((a, b) => a - b).join()}`;
  let codes = lists.get(key);
  if (!codes) {
    const list: string[] = [];
    for (let code = 0; code < group.size; code++) if (states.has(digit(code, slot))) list.push(String(code));
    lists.set(key, (codes = list));
  }
  return codes;
}

/** `group IN [codes with the slot in states]`, or its complement when that lists fewer codes. */
export function groupWhere(group: Group, slot: Slot, states: ReadonlySet<number>): Filter {
  if (states.size === 0) return NONE;
  const others = new Set(Array.from({ length: slot.radix }, (_, i) => i).filter((i) => !states.has(i)));
  if (others.size === 0) return exists(group.attribute);
  if (states.size <= others.size) return anyOfDistinct(group.attribute, codesWith(group, slot, states));
  return and([exists(group.attribute), not(anyOfDistinct(group.attribute, codesWith(group, slot, others)))]);
}
