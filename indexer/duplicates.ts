/**
 * Counting duplicate citation rows - rows repeating an earlier (app_id, ifw_number, parsed) triple,
 * i.e. an earlier record id - in bounded memory.
 *
 * An exact set over the full release (59 M ids) would take gigabytes, so this remembers the ids of
 * a sliding window of recent rows: 52-bit fingerprints (the first 13 hex digits of the id) in two
 * open-addressing Float64Array tables used as generations. When the current generation holds
 * `window` ids, the older one is cleared and the two swap. A duplicate is therefore counted when
 * it follows its original within at least `window` (and at most 2 x `window`) distinct rows.
 * OARD rows are grouped by application, so repeats sit close together. Memory stays at most
 * 2 x 2 x window x 8 bytes (64 MB for the default window of 2^21) and grows only as needed.
 *
 * Duplicates are still sent to Meilisearch: the deterministic id makes the later row replace the
 * earlier one, the same outcome whether or not the window caught it.
 */

const EMPTY = 0;

class FingerprintTable {
  private slots: Float64Array;
  private mask: number;
  size = 0;

  constructor(capacity: number) {
    this.slots = new Float64Array(capacity);
    this.mask = capacity - 1;
  }

  has(fp: number): boolean {
    const slots = this.slots;
    for (let i = fp >>> 0 & this.mask; ; i = (i + 1) & this.mask) {
      const v = slots[i]!;
      if (v === fp) return true;
      if (v === EMPTY) return false;
    }
  }

  /** Adds a fingerprint known to be absent. */
  add(fp: number, maxCapacity: number): void {
    if ((this.size + 1) * 2 > this.slots.length && this.slots.length < maxCapacity) this.rehash(this.slots.length * 2);
    const slots = this.slots;
    let i = fp >>> 0 & this.mask;
    while (slots[i] !== EMPTY) i = (i + 1) & this.mask;
    slots[i] = fp;
    this.size++;
  }

  private rehash(capacity: number): void {
    const old = this.slots;
    this.slots = new Float64Array(capacity);
    this.mask = capacity - 1;
    this.size = 0;
    for (const v of old) if (v !== EMPTY) this.add(v, capacity);
  }

  clear(): void {
    this.slots.fill(EMPTY);
    this.size = 0;
  }

  get bytes(): number {
    return this.slots.byteLength;
  }
}

export const DEFAULT_DUPLICATE_WINDOW = 1 << 21;

export class RecentIds {
  private current: FingerprintTable;
  private previous: FingerprintTable;
  private readonly maxCapacity: number;

  constructor(readonly window = DEFAULT_DUPLICATE_WINDOW) {
    if (!Number.isInteger(Math.log2(window))) throw new RangeError('window must be a power of two');
    this.maxCapacity = window * 2;
    const start = Math.min(1 << 12, this.maxCapacity);
    this.current = new FingerprintTable(start);
    this.previous = new FingerprintTable(start);
  }

  /** Records a hex id; true when it was already seen within the window. */
  seen(id: string): boolean {
    let fp = parseInt(id.slice(0, 13), 16);
    if (fp === EMPTY || Number.isNaN(fp)) fp = 1;
    if (this.current.has(fp) || this.previous.has(fp)) return true;
    if (this.current.size >= this.window) {
      const old = this.previous;
      old.clear();
      this.previous = this.current;
      this.current = old;
    }
    this.current.add(fp, this.maxCapacity);
    return false;
  }

  get bytes(): number {
    return this.current.bytes + this.previous.bytes;
  }
}
