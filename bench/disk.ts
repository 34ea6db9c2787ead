/**
 * Peak disk use during a build: the filesystem's used bytes (statfs), sampled every 500 ms. It
 * counts everything written on that filesystem while the build runs - Meilisearch's index, the
 * payload's update file, its temporary sort files (in the system temp dir) - not just the index
 * directory; the bench's own data sets are written before sampling starts. A shared machine adds
 * whatever else writes meanwhile, so the figure is an upper bound.
 */
import { statfsSync } from 'node:fs';
import { allocatedBytes } from './meili-usage.ts';

const MB = 1024 * 1024;

function usedBytes(path: string): number {
  const s = statfsSync(path);
  return (s.blocks - s.bfree) * s.bsize;
}

export interface DiskPeak {
  /** Most extra bytes in use on the filesystem during the span, MB. */
  peakMb: number;
  /** Most bytes under `dir` during the span (the Meilisearch database directory), MB. */
  peakDirMb: number;
  /** Bytes under `dir` when the span started, MB. */
  dirBeforeMb: number;
}

export function sampleDisk(dir: string): { stop(): DiskPeak } {
  const before = usedBytes(dir);
  const dirBefore = allocatedBytes(dir);
  let peak = before;
  let peakDir = dirBefore;
  const sample = () => {
    peak = Math.max(peak, usedBytes(dir));
    peakDir = Math.max(peakDir, allocatedBytes(dir));
  };
  const timer = setInterval(sample, 500);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      sample();
      return { peakMb: (peak - before) / MB, peakDirMb: peakDir / MB, dirBeforeMb: dirBefore / MB };
    },
  };
}
