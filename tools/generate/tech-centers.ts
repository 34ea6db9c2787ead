/**
 * Tech centers, art units and USPC classes, each tech center with its pool of "classic"
 * references (so "top references" and "which applications cited X" have interesting answers),
 * and the weighted code distributions of office-action and citation rows (signature type,
 * 102 / 103 subtypes). Built once per seed from its own PRNG stream.
 */
import { int, mulberry32, subSeed, weighted } from './prng.ts';
import { freshRef, type Ref } from './references.ts';

export interface TechCenter {
  prefix: string;
  classes: readonly string[];
  artUnits: string[];
  pool: Ref[];
}

export const TECH_CENTER_DEFS: readonly (readonly [string, number, readonly string[]])[] = [
  ['16', 10, ['424', '435', '514', '530', '536', '800']],
  ['17', 12, ['427', '428', '264', '252', '106', '156', '429']],
  ['21', 16, ['707', '709', '711', '712', '713', '715', '717', '718']],
  ['24', 14, ['370', '375', '455', '725', '726', '380', '709']],
  ['26', 13, ['345', '348', '358', '382', '381', '704', '386']],
  ['28', 15, ['257', '438', '326', '327', '361', '324', '073']],
  ['36', 10, ['705', '701', '180', '235', '296', '248', '052']],
  ['37', 10, ['606', '604', '600', '623', '128', '165', '473']],
];

export const SIGNATURE_TYPE = weighted([
  ['1', 55],
  ['2', 30],
  ['3', 10],
  ['4', 4],
  ['0', 1],
] as const);

export const SUBTYPE_103 = weighted([
  ['103(a)', 90],
  ['103', 10],
] as const);

export const SUBTYPE_102 = weighted([
  ['102(b)', 50],
  ['102(e)', 30],
  ['102(a)', 12],
  ['102(a)(1)', 5],
  ['102', 3],
] as const);

export const POOL_SIZE = 4000;

export function buildTechCenters(seed: number): TechCenter[] {
  const rng = mulberry32(subSeed(seed, 101));
  return TECH_CENTER_DEFS.map(([prefix, , classes]) => {
    const artUnits: string[] = [];
    for (let g = 1; g <= 8; g++) for (let u = 1; u <= 9; u++) if (rng() < 0.6) artUnits.push(`${prefix}${g}${u}`);
    if (artUnits.length === 0) artUnits.push(`${prefix}11`);
    const seen = new Set<string>();
    const pool: Ref[] = [];
    while (pool.length < POOL_SIZE) {
      // Pool references are "classics": issued / published by 2008 at the latest.
      const ref = freshRef(rng, 2005 + int(rng, 4));
      if (!seen.has(ref.parsed)) {
        seen.add(ref.parsed);
        pool.push(ref);
      }
    }
    return { prefix, classes, artUnits, pool };
  });
}
