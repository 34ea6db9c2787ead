/**
 * What a bench run does: the flags, read once (a bad flag is one line and exit 2, before anything
 * starts), and the named plans they pick.
 *
 *   quick   100 k, 400 k rows: every phase but the scale ones, small figures (under 3 minutes)
 *   full    100 k, 400 k, 1 M rows: every phase but the scale ones, with the scale curve
 *   scale   1 M, 2 M, 4 M, 8 M rows: the builds (disk, time, memory per size), then queries,
 *           an export and a --reindex on the largest index (about 40 minutes on 2 cores)
 */
import { parseArgs } from 'node:util';

export const PHASES = ['parse', 'ingest', 'rss', 'rejections', 'gateway', 'search', 'atscale', 'reindex'] as const;
export type PhaseName = (typeof PHASES)[number];

export const USAGE =
  'usage: npm run bench -- [--quick | --plan quick|full|scale] [--only parse,ingest,rss,rejections,gateway,search,atscale,reindex] [--sizes 100000,400000,...] [--profile] [--seed N] [--gateway-log-level info|silent]\n';

export interface Plan {
  name: 'quick' | 'full' | 'scale';
  only: ReadonlySet<PhaseName>;
  sizes: readonly number[];
  ingestRows: number;
  ingestPairs: number;
  parsePasses: number;
  connections: number;
  loadSeconds: number;
  warmupSeconds: number;
  loadPairs: number;
  searchSeconds: number;
  c1Seconds: number;
  /** Legacy mix after every build (the scale curve). */
  curve: boolean;
  /** Records of the export measured at scale. */
  exportRecords: number;
  profile: boolean;
  seed: number;
  gatewayLogLevel: string;
}

const BASE = {
  quick: {
    sizes: [100_000, 400_000],
    // 80 k rows: the pipeline still streams while Meilisearch indexes; ~9 s a run.
    ingestRows: 80_000,
    ingestPairs: 2,
    parsePasses: 3,
    connections: 32,
    loadSeconds: 3,
    warmupSeconds: 1,
    loadPairs: 2,
    searchSeconds: 3,
    c1Seconds: 2,
    curve: false,
    exportRecords: 0,
    phases: ['parse', 'ingest', 'rss', 'rejections', 'gateway', 'search'],
  },
  full: {
    sizes: [100_000, 400_000, 1_000_000],
    ingestRows: 400_000,
    ingestPairs: 3,
    parsePasses: 3,
    connections: 32,
    loadSeconds: 10,
    warmupSeconds: 2,
    loadPairs: 3,
    searchSeconds: 10,
    c1Seconds: 8,
    curve: true,
    exportRecords: 0,
    phases: ['parse', 'ingest', 'rss', 'rejections', 'gateway', 'search'],
  },
  scale: {
    sizes: [1_000_000, 2_000_000, 4_000_000, 8_000_000],
    ingestRows: 400_000,
    ingestPairs: 1,
    parsePasses: 1,
    connections: 32,
    loadSeconds: 10,
    warmupSeconds: 2,
    loadPairs: 1,
    searchSeconds: 10,
    c1Seconds: 10,
    curve: false,
    exportRecords: 1_000_000,
    phases: ['rss', 'atscale', 'reindex'],
  },
} as const;

/** A bad flag: one line saying which, the usage, exit 2 (no stack trace). */
export function usageError(message: string): never {
  process.stderr.write(`bench: ${message}\n${USAGE}`);
  process.exit(2);
}

export function readPlan(argv: readonly string[]): Plan {
  let values;
  try {
    values = parseArgs({
      args: [...argv],
      options: {
        quick: { type: 'boolean', default: false },
        plan: { type: 'string' },
        only: { type: 'string' },
        profile: { type: 'boolean', default: false },
        seed: { type: 'string', default: '1' },
        sizes: { type: 'string' },
        'gateway-log-level': { type: 'string', default: 'info' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }).values;
  } catch (e) {
    usageError((e as Error).message);
  }
  if (values.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const name = values.plan ?? (values.quick ? 'quick' : 'full');
  if (name !== 'quick' && name !== 'full' && name !== 'scale') usageError(`--plan: unknown plan "${name}" (plans: quick, full, scale)`);
  if (values.quick && name !== 'quick') usageError('--quick and --plan disagree');
  const base = BASE[name];
  const only = new Set<PhaseName>(
    values.only
      ? values.only.split(',').map((p) => {
          if (!(PHASES as readonly string[]).includes(p)) usageError(`--only: unknown phase "${p}" (phases: ${PHASES.join(', ')})`);
          return p as PhaseName;
        })
      : (base.phases as readonly PhaseName[]),
  );
  const sizes = values.sizes?.split(',').map((s) => {
    const n = Number(s.trim().replace(/_/g, ''));
    if (!Number.isSafeInteger(n) || n < 1000) usageError(`--sizes: "${s}" is not a row count >= 1000`);
    return n;
  });
  const seed = Number(values.seed);
  if (!Number.isSafeInteger(seed)) usageError(`--seed: "${values.seed}" is not a whole number`);
  return {
    name,
    only,
    sizes: sizes ? [...new Set(sizes)].sort((a, b) => a - b) : base.sizes,
    ingestRows: base.ingestRows,
    ingestPairs: base.ingestPairs,
    parsePasses: base.parsePasses,
    connections: base.connections,
    loadSeconds: base.loadSeconds,
    warmupSeconds: base.warmupSeconds,
    loadPairs: base.loadPairs,
    searchSeconds: base.searchSeconds,
    c1Seconds: base.c1Seconds,
    curve: base.curve,
    exportRecords: base.exportRecords,
    profile: values.profile ?? false,
    seed,
    gatewayLogLevel: values['gateway-log-level'] ?? 'info',
  };
}
