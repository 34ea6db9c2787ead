/**
 * A bounded number of concurrent holders, in all and per holder key: the gateway's long-running
 * work (exports) takes a slot for as long as it runs, so clients that open many and read nothing
 * cannot hold the gateway's memory or Meilisearch's time without limit.
 */
export type Taken = { release: () => void } | { full: 'all' | 'key' };

export class Slots {
  private total = 0;
  private readonly byKey = new Map<string, number>();

  constructor(
    readonly max: number,
    readonly perKey: number,
  ) {}

  /** A slot (release it exactly once; a second release does nothing), or which limit is full. */
  take(key?: string): Taken {
    if (this.total >= this.max) return { full: 'all' };
    const mine = key === undefined ? 0 : (this.byKey.get(key) ?? 0);
    if (key !== undefined && mine >= this.perKey) return { full: 'key' };
    this.total++;
    if (key !== undefined) this.byKey.set(key, mine + 1);
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.total--;
        if (key === undefined) return;
        const left = (this.byKey.get(key) ?? 1) - 1;
        if (left > 0) this.byKey.set(key, left);
        else this.byKey.delete(key);
      },
    };
  }

  get inUse(): number {
    return this.total;
  }
}
