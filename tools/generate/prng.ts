/**
 * The generator's randomness: a seeded PRNG (mulberry32), independent sub-streams derived from
 * the user seed, and the small drawing helpers built on it. Everything the generator writes comes
 * from here, which is what makes the same seed give byte-identical files.
 */

export type Rng = () => number;

/** mulberry32: tiny, fast, good enough for test data. Returns [0, 1). */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Derives an independent stream seed from the user seed and a salt. */
export function subSeed(seed: number, salt: number): number {
  let h = Math.imul((seed ^ 0x9e3779b9) >>> 0, 0x85ebca6b) ^ Math.imul(salt, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  return h >>> 0;
}

export const int = (rng: Rng, n: number) => Math.floor(rng() * n);
export const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;
export const pad = (n: number, width: number) => String(n).padStart(width, '0');

export function weighted<T>(entries: readonly (readonly [T, number])[]): (rng: Rng) => T {
  const total = entries.reduce((s, [, w]) => s + w, 0);
  const cum: number[] = [];
  let acc = 0;
  for (const [, w] of entries) cum.push((acc += w / total));
  return (rng) => {
    const u = rng();
    for (let i = 0; i < cum.length; i++) if (u < cum[i]!) return entries[i]![0];
    return entries[entries.length - 1]![0];
  };
}
