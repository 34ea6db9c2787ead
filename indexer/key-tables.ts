/**
 * Hash tables over typed arrays for the office-action map's two lookups (ifw_number -> ordinal,
 * application -> ordinal), because a JS Map of 4.4 M string keys costs ~85 bytes per entry (the
 * key string ~32, the Map's entry and bucket arrays ~53) and leaves millions of small objects for
 * every major GC to trace while the citations stream. Here:
 * - `AsciiKeyTable`: keys' bytes in one arena (ASCII keys up to 255 chars), start offset and
 *   length per ordinal, open addressing (linear probing, load <= 0.7) over an Int32Array of
 *   ordinals: ~22-28 bytes per key for OARD ids. Other keys go to a small Map.
 * - `IntKeyTable`: non-negative int32 keys -> int32 values, open addressing: ~12-23 bytes per key.
 * Neither deletes: the map only ever adds.
 */

const EMPTY = -1;
/** Grow when more than this share of the slots is taken (linear probing stays short below it). */
const MAX_LOAD = 0.7;

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function isAsciiKey(s: string): boolean {
  if (s.length === 0 || s.length > 255) return false;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 127) return false;
  return true;
}

/** string key -> ordinal (the caller's dense 0-based numbering). */
export class AsciiKeyTable {
  private arena = new Uint8Array(1 << 16);
  private arenaUsed = 0;
  private starts: Uint32Array;
  private lengths: Uint8Array;
  private slots: Int32Array;
  private mask: number;
  private count = 0;
  private readonly others = new Map<string, number>();

  constructor(capacity = 1 << 14) {
    this.starts = new Uint32Array(capacity);
    this.lengths = new Uint8Array(capacity);
    this.slots = new Int32Array(1 << 15).fill(EMPTY);
    this.mask = this.slots.length - 1;
  }

  get size(): number {
    return this.count + this.others.size;
  }

  private equals(ord: number, key: string): boolean {
    if (this.lengths[ord] !== key.length) return false;
    const a = this.arena;
    const start = this.starts[ord]!;
    for (let i = 0; i < key.length; i++) if (a[start + i] !== key.charCodeAt(i)) return false;
    return true;
  }

  /** The key's ordinal, or -1. */
  get(key: string): number {
    if (!isAsciiKey(key)) return this.others.get(key) ?? EMPTY;
    const slots = this.slots;
    const mask = this.mask;
    for (let i = fnv1a(key) & mask; ; i = (i + 1) & mask) {
      const ord = slots[i]!;
      if (ord === EMPTY) return EMPTY;
      if (this.equals(ord, key)) return ord;
    }
  }

  /** Adds the key with `ord` unless present (one probe); returns the ordinal it already had, or -1 when added. */
  addIfAbsent(key: string, ord: number): number {
    if (!isAsciiKey(key)) {
      const had = this.others.get(key);
      if (had !== undefined) return had;
      this.others.set(Buffer.from(key, 'utf8').toString('utf8'), ord); // a copy, not a view of the chunk
      return EMPTY;
    }
    if (this.count + 1 > this.slots.length * MAX_LOAD) this.rehash(this.slots.length * 2);
    const slots = this.slots;
    const mask = this.mask;
    let i = fnv1a(key) & mask;
    for (let o = slots[i]!; o !== EMPTY; o = slots[i]!) {
      if (this.equals(o, key)) return o;
      i = (i + 1) & mask;
    }
    if (ord >= this.starts.length) this.growPerOrdinal(Math.max(ord + 1, this.starts.length * 2));
    if (this.arenaUsed + key.length > this.arena.length) {
      const next = new Uint8Array(Math.max(this.arena.length * 2, this.arenaUsed + key.length));
      next.set(this.arena.subarray(0, this.arenaUsed));
      this.arena = next;
    }
    const start = this.arenaUsed;
    for (let k = 0; k < key.length; k++) this.arena[start + k] = key.charCodeAt(k);
    this.arenaUsed += key.length;
    this.starts[ord] = start;
    this.lengths[ord] = key.length;
    slots[i] = ord;
    this.count++;
    return EMPTY;
  }

  /** Adds a key known to be absent, with its ordinal. */
  add(key: string, ord: number): void {
    if (this.addIfAbsent(key, ord) !== EMPTY) throw new Error('AsciiKeyTable.add: the key is already present');
  }

  private place(hash: number, ord: number): void {
    const slots = this.slots;
    let i = hash & this.mask;
    while (slots[i] !== EMPTY) i = (i + 1) & this.mask;
    slots[i] = ord;
  }

  private hashOf(ord: number): number {
    let h = 0x811c9dc5;
    const start = this.starts[ord]!;
    const end = start + this.lengths[ord]!;
    for (let i = start; i < end; i++) h = Math.imul(h ^ this.arena[i]!, 0x01000193);
    return h >>> 0;
  }

  private rehash(capacity: number): void {
    const old = this.slots;
    this.slots = new Int32Array(capacity).fill(EMPTY);
    this.mask = capacity - 1;
    for (const ord of old) if (ord !== EMPTY) this.place(this.hashOf(ord), ord);
  }

  private growPerOrdinal(capacity: number): void {
    const starts = new Uint32Array(capacity);
    starts.set(this.starts.subarray(0, Math.min(capacity, this.starts.length)));
    const lengths = new Uint8Array(capacity);
    lengths.set(this.lengths.subarray(0, Math.min(capacity, this.lengths.length)));
    this.starts = starts;
    this.lengths = lengths;
  }

  /** Drops spare capacity once every key is in (`ordinals` = the caller's count). */
  compact(ordinals: number): void {
    this.arena = this.arena.slice(0, this.arenaUsed);
    this.growPerOrdinal(Math.max(1, ordinals));
  }
}

/** Non-negative int32 key -> int32 value. */
export class IntKeyTable {
  private keys: Int32Array;
  private values: Int32Array;
  private mask: number;
  private count = 0;

  constructor(capacity = 1 << 14) {
    this.keys = new Int32Array(capacity).fill(EMPTY);
    this.values = new Int32Array(capacity);
    this.mask = capacity - 1;
  }

  get size(): number {
    return this.count;
  }

  private slotOf(key: number): number {
    const mask = this.mask;
    const keys = this.keys;
    let i = (Math.imul(key, 0x9e3779b1) >>> 0) & mask;
    for (let k = keys[i]!; k !== EMPTY && k !== key; k = keys[i]!) i = (i + 1) & mask;
    return i;
  }

  /** The value, or -1. */
  get(key: number): number {
    const i = this.slotOf(key);
    return this.keys[i] === EMPTY ? EMPTY : this.values[i]!;
  }

  set(key: number, value: number): void {
    if (!(key >= 0 && key <= 0x7fffffff)) throw new RangeError(`IntKeyTable keys are non-negative int32, got ${key}`);
    let i = this.slotOf(key);
    if (this.keys[i] === EMPTY) {
      if (this.count + 1 > this.keys.length * MAX_LOAD) {
        this.rehash(this.keys.length * 2);
        i = this.slotOf(key);
      }
      this.keys[i] = key;
      this.count++;
    }
    this.values[i] = value;
  }

  private rehash(capacity: number): void {
    const { keys, values } = this;
    this.keys = new Int32Array(capacity).fill(EMPTY);
    this.values = new Int32Array(capacity);
    this.mask = capacity - 1;
    for (let j = 0; j < keys.length; j++) {
      if (keys[j] !== EMPTY) {
        const i = this.slotOf(keys[j]!);
        this.keys[i] = keys[j]!;
        this.values[i] = values[j]!;
      }
    }
  }
}
