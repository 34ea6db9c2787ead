/**
 * Cited references: US patents, US publications and foreign documents, drawn plausibly for an
 * office action's year, and written the way examiners and applicants write them (~93 % bare
 * digits, the rest free text such as "US 7,123,456 B2" or "EP 1234567 A1"), so the indexer's
 * parsed / raw-text handling sees realistic input. Also the Zipf-like index used to draw from
 * per-tech-center pools of popular references.
 */
import { int, pad, pick, type Rng } from './prng.ts';

export const enum Kind {
  Patent = 0,
  Publication = 1,
  Foreign = 2,
}

export interface Ref {
  parsed: string;
  kind: Kind;
}

const FOREIGN = ['EP', 'JP', 'WO', 'DE', 'CN', 'KR'] as const;

function foreignRef(rng: Rng, maxYear: number): Ref {
  const cc = pick(rng, FOREIGN);
  const year = 1990 + int(rng, maxYear - 1990 + 1);
  let parsed: string;
  switch (cc) {
    case 'EP':
      parsed = `EP${pad(200_000 + int(rng, 2_800_000), 7)}`;
      break;
    case 'JP':
      parsed = `JP${year}${pad(1 + int(rng, 399_999), 6)}`;
      break;
    case 'WO':
      parsed = `WO${year}${pad(1 + int(rng, 149_999), 6)}`;
      break;
    case 'DE':
      parsed = `DE${pad(10_000_000 + int(rng, 90_000_000), 8)}`;
      break;
    case 'CN':
      parsed = `CN${pad(100_000_000 + int(rng, 900_000_000), 9)}`;
      break;
    case 'KR':
      parsed = `KR${year >= 2000 ? 10 : 20}${year}${pad(1 + int(rng, 99_999), 7)}`;
      break;
  }
  return { parsed, kind: Kind.Foreign };
}

/** A reference plausible for an office action mailed in `year` (or, for pools, an older one). */
export function freshRef(rng: Rng, year: number): Ref {
  const u = rng();
  if (u < 0.015) return foreignRef(rng, year);
  if (u < 0.33) {
    const py = 2001 + int(rng, Math.min(year, 2017) - 2001 + 1);
    return { parsed: `${py}${pad(1 + int(rng, 399_999), 7)}`, kind: Kind.Publication };
  }
  // US patents: numbers up to what had issued by `year`, skewed towards recent ones.
  const max = 7_300_000 + (year - 2008) * 270_000;
  const v = rng();
  const n = max - Math.floor((max - 3_000_000) * v * v);
  // ~1 % zero-padded to 8 digits, as some USPTO systems store patent numbers.
  return { parsed: rng() < 0.01 ? pad(n, 8) : String(n), kind: Kind.Patent };
}

function withCommas(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** The reference as written: ~93 % bare digits overall, the rest free text. */
export function rawText(rng: Rng, ref: Ref): string {
  const p = ref.parsed;
  if (ref.kind === Kind.Foreign) {
    if (rng() < 0.5) return p;
    const cc = p.slice(0, 2);
    const rest = p.slice(2);
    switch (cc) {
      case 'JP':
        return `JP ${rest.slice(0, 4)}-${rest.slice(4)} A`;
      case 'WO':
        return `WO ${rest.slice(0, 4)}/${rest.slice(4)} A1`;
      default:
        return `${cc} ${rest} ${rng() < 0.7 ? 'A1' : 'B1'}`;
    }
  }
  if (rng() >= 0.055) return p;
  if (ref.kind === Kind.Publication) {
    const y = p.slice(0, 4);
    const s = p.slice(4);
    switch (int(rng, 5)) {
      case 0:
        return `US ${y}/${s} A1`;
      case 1:
        return `US ${p} A1`;
      case 2:
        return `${y}/${s}`;
      case 3:
        return `US-${y}-${s}-A1`;
      default:
        return `US ${y}-${s}`;
    }
  }
  const d = p.replace(/^0+/, '');
  const kind = Number(d) >= 6_000_000 ? (rng() < 0.7 ? 'B2' : 'B1') : 'A';
  switch (int(rng, 6)) {
    case 0:
      return `US ${withCommas(d)} ${kind}`;
    case 1:
      return `${d} ${kind}`;
    case 2:
      return `US-${withCommas(d)}-${kind}`;
    case 3:
      return `US${d}`;
    case 4:
      return withCommas(d);
    default:
      return `U.S. Pat. No. ${withCommas(d)}`;
  }
}

/** Zipf-Mandelbrot-ish index in [0, size): rank k has weight ~ 1 / (k + q). */
export function zipfIndex(rng: Rng, size: number, q = 10): number {
  const lnq = Math.log(q);
  const k = Math.floor(Math.exp(lnq + rng() * (Math.log(size + q) - lnq))) - q;
  return k < 0 ? 0 : k >= size ? size - 1 : k;
}
