/**
 * Memory of the office-action map, in bytes per office action.
 *
 *   npx tsx --expose-gc tools/measure/measure-map.ts <office_actions file>
 *   npx tsx --expose-gc tools/measure/measure-map.ts --synthetic 4400000
 *
 * The synthetic mode fills the map directly with OARD-like values (ifw ids of 10 or 13 chars,
 * ~2 office actions per application, a few thousand distinct dates / art units / classes), so the
 * full release's 4.4 M office actions can be measured without a 2.6 GB input file. The figure is
 * the growth of V8 heap + array buffers after a full GC, divided by the office actions held.
 * A dev tool (test/indexer/office-actions.test.ts runs it); not part of the runtime image.
 */
import { columnsOf } from '../../src/catalog/fields.ts';
import { loadOfficeActions, OfficeActionMap } from '../../indexer/office-actions.ts';
import { bindHeader, type StoredValue } from '../../indexer/rules.ts';

export interface MapMeasurement {
  officeActions: number;
  applications: number;
  /** Heap + array buffer bytes held by the map. */
  bytes: number;
  bytesPerOfficeAction: number;
  loadSeconds: number;
}

function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (!g) throw new Error('run with --expose-gc (npx tsx --expose-gc tools/measure/measure-map.ts ...)');
  g();
  g();
}

function used(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** Fills a map with `n` synthetic OARD-like office actions. */
export function syntheticMap(n: number): OfficeActionMap {
  const cols = columnsOf('office_actions');
  const binding = bindHeader('office_actions', cols, 'synthetic', 'office actions');
  const map = new OfficeActionMap(binding);
  let seed = 12345;
  const rnd = (k: number) => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed % k;
  };
  const pad = (v: number, w: number) => String(v).padStart(w, '0');
  let app = 9_000_000;
  for (let i = 0; i < n; i++) {
    if (i % 2 === 0) app += 1 + rnd(3);
    const ifw = rnd(10) < 3 ? `IFW${pad((i * 7919 + 17) % 1e10, 10)}` : pad((i * 104729 + 7) % 1e10, 10);
    const day = 1 + rnd(28);
    const values: Record<string, StoredValue> = {};
    for (const r of binding.rules) {
      const f = r.field!;
      switch (r.type) {
        case 'flag':
          values[f] = rnd(10) < 2 ? 1 : 0;
          break;
        case 'int':
          values[f] = rnd(6);
          break;
        case 'date':
          values[f] = `${2008 + rnd(10)}-${pad(1 + rnd(12), 2)}-${pad(day, 2)}`;
          break;
        default:
          values[f] =
            r.column === 'art_unit'
              ? String(1600 + rnd(2200))
              : r.column === 'uspc_subclass'
                ? rnd(5) === 0
                  ? `${1 + rnd(600)}.${1 + rnd(30)}`
                  : pad(1 + rnd(999), 3)
                : r.column === 'document_cd'
                  ? rnd(2) === 0
                    ? 'CTNF'
                    : 'CTFR'
                  : pad(rnd(800), 3);
      }
    }
    map.add(pad(app, 8), ifw, values);
  }
  map.compact();
  return map;
}

export async function measureMap(source: { file: string } | { synthetic: number }): Promise<MapMeasurement> {
  gc();
  const before = used();
  const t0 = performance.now();
  const map = 'file' in source ? (await loadOfficeActions(source.file)).map : syntheticMap(source.synthetic);
  const loadSeconds = (performance.now() - t0) / 1000;
  gc();
  const bytes = used() - before;
  // keep the map alive until measured
  if (map.size < 0) throw new Error('unreachable');
  return { officeActions: map.size, applications: map.applications, bytes, bytesPerOfficeAction: bytes / Math.max(1, map.size), loadSeconds };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const source = args[0] === '--synthetic' ? { synthetic: Number(args[1] ?? 4_400_000) } : args[0] ? { file: args[0] } : undefined;
  if (!source || ('synthetic' in source && !((source.synthetic ?? 0) > 0))) {
    process.stderr.write('usage: npx tsx --expose-gc tools/measure/measure-map.ts <office_actions file> | --synthetic <N>\n');
    process.exit(2);
  }
  const m = await measureMap(source);
  process.stdout.write(
    `${m.officeActions.toLocaleString('en-US')} office actions (${m.applications.toLocaleString('en-US')} applications): ` +
      `${(m.bytes / 1e6).toFixed(1)} MB, ${m.bytesPerOfficeAction.toFixed(1)} bytes per office action (loaded in ${m.loadSeconds.toFixed(1)} s)\n`,
  );
}
