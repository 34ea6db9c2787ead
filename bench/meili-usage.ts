/**
 * What an index costs Meilisearch, for sizing: its disk (the index's own LMDB directory, and
 * GET /stats) and the Meilisearch process's peak resident memory while building it.
 *
 * Peak RSS is the kernel's high-water mark (VmHWM in /proc/<pid>/status) of the meilisearch
 * process the bench started itself. Before each build it is reset to the current RSS by writing
 * `5` to /proc/<pid>/clear_refs (Linux >= 4.0), so each figure covers one build only; where that
 * write is refused, the figure is the peak since Meilisearch started (`peakRssReset: false`).
 * VmHWM counts the pages of LMDB's memory map the process touched (file pages: the page cache,
 * which the kernel can reclaim) as well as its heap, so /proc/<pid>/status is also sampled every
 * 250 ms during the build for the largest RssAnon (heap: what cannot be reclaimed) and RssFile.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { meili, type MeiliTarget } from './lib.ts';

const MB = 1024 * 1024;

export interface MeiliUsage {
  /** Allocated bytes (like `du`) of the index's own directory under `<db>/indexes/`, MB. */
  indexDiskMb: number | null;
  /** GET /stats `databaseSize` (all indexes + task queue + keys), MB. */
  databaseSizeMb: number | null;
  /** GET /stats `usedDatabaseSize`, MB. */
  usedDatabaseSizeMb: number | null;
  /** GET /indexes/{uid}/stats `rawDocumentDbSize`: the stored documents alone, MB. */
  rawDocumentsMb: number | null;
  /** VmHWM of the meilisearch process over the build, MB. */
  peakRssMb: number | null;
  /** VmRSS right before the build (after the reset, the floor of the peak), MB. */
  rssBeforeMb: number | null;
  /** VmRSS after the build, MB. */
  rssAfterMb: number | null;
  /** Whether the high-water mark could be reset before the build. */
  peakRssReset: boolean;
  /** Largest RssAnon (anonymous memory: heap, indexing buffers) sampled during the build, MB. */
  peakRssAnonMb: number | null;
  /** Largest RssFile (resident pages of the memory-mapped database) sampled during the build, MB. */
  peakRssFileMb: number | null;
}

interface ProcMemory {
  hwmKb: number;
  rssKb: number;
  anonKb: number;
  fileKb: number;
}

/** VmHWM, VmRSS, RssAnon and RssFile of a process, in KiB (undefined off Linux or when the process is gone). */
export function procMemoryKb(pid: number): ProcMemory | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB$`, 'm').exec(status)?.[1]);
    const mem = { hwmKb: field('VmHWM'), rssKb: field('VmRSS'), anonKb: field('RssAnon'), fileKb: field('RssFile') };
    return Object.values(mem).every(Number.isFinite) ? mem : undefined;
  } catch {
    return undefined;
  }
}

/** Resets the process's peak RSS to its current RSS; false when the kernel refuses. */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** The index directories of a Meilisearch database (`<db>/indexes/<uuid>`). */
export function indexDirs(dbPath: string): Set<string> {
  try {
    return new Set(readdirSync(join(dbPath, 'indexes')).map((d) => join(dbPath, 'indexes', d)));
  } catch {
    return new Set();
  }
}

/** Bytes allocated on disk under a path (st_blocks x 512, as `du` counts; sparse files count what they use). */
export function allocatedBytes(path: string): number {
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st) return 0;
  if (!st.isDirectory()) return st.blocks * 512;
  let total = st.blocks * 512;
  for (const name of readdirSync(path)) total += allocatedBytes(join(path, name));
  return total;
}

export interface BuildMeasure {
  before: Set<string>;
  reset: boolean;
  rssBeforeKb: number | undefined;
  peak: { anonKb: number; fileKb: number };
  timer: NodeJS.Timeout;
}

/** Starts measuring one build: resets the peak, notes the index directories that exist already, samples RssAnon/RssFile. */
export function beginBuild(pid: number, dbPath: string): BuildMeasure {
  const reset = resetPeakRss(pid);
  const peak = { anonKb: 0, fileKb: 0 };
  const sample = () => {
    const m = procMemoryKb(pid);
    if (!m) return;
    peak.anonKb = Math.max(peak.anonKb, m.anonKb);
    peak.fileKb = Math.max(peak.fileKb, m.fileKb);
  };
  sample();
  const timer = setInterval(sample, 250);
  timer.unref();
  return { before: indexDirs(dbPath), reset, rssBeforeKb: procMemoryKb(pid)?.rssKb, peak, timer };
}

/** Ends measuring one build of `index`: its new directory's size, the database stats and the peak RSS. */
export async function endBuild(started: BuildMeasure, pid: number, dbPath: string, target: MeiliTarget, index: string): Promise<MeiliUsage> {
  clearInterval(started.timer);
  const mem = procMemoryKb(pid);
  if (mem) {
    started.peak.anonKb = Math.max(started.peak.anonKb, mem.anonKb);
    started.peak.fileKb = Math.max(started.peak.fileKb, mem.fileKb);
  }
  const sampled = started.peak.anonKb > 0;
  const created = [...indexDirs(dbPath)].filter((d) => !started.before.has(d));
  // The index is the one directory the build created (a --reindex build swaps names, not directories).
  const indexDiskMb = created.length === 1 ? allocatedBytes(created[0]!) / MB : null;
  let stats: { databaseSize?: number; usedDatabaseSize?: number } = {};
  let indexStats: { rawDocumentDbSize?: number } = {};
  try {
    stats = await meili(target, 'GET', '/stats');
    indexStats = await meili(target, 'GET', `/indexes/${index}/stats`);
  } catch {
    // leave them null
  }
  const mb = (x: number | undefined) => (typeof x === 'number' ? x / MB : null);
  return {
    indexDiskMb,
    databaseSizeMb: mb(stats.databaseSize),
    usedDatabaseSizeMb: mb(stats.usedDatabaseSize),
    rawDocumentsMb: mb(indexStats.rawDocumentDbSize),
    peakRssMb: mem ? mem.hwmKb / 1024 : null,
    rssBeforeMb: started.rssBeforeKb === undefined ? null : started.rssBeforeKb / 1024,
    rssAfterMb: mem ? mem.rssKb / 1024 : null,
    peakRssReset: started.reset,
    peakRssAnonMb: sampled ? started.peak.anonKb / 1024 : null,
    peakRssFileMb: sampled ? started.peak.fileKb / 1024 : null,
  };
}
