/**
 * Step 4 of a run: the office actions into the compact map (office-actions.ts), with progress and
 * their rejected rows reported like the citations'.
 */
import { loadOfficeActions, type OfficeActionMap } from './office-actions.ts';
import type { IndexProgress } from './progress.ts';
import type { Normalised } from './pandas.ts';
import type { Rejection } from './rejects.ts';

export interface OfficeActionCounts {
  read: number;
  rejected: number;
  duplicates: number;
  /** The pandas readings of the office actions' cells (pandas.ts). */
  normalised?: Normalised;
}

export async function loadOfficeActionStage(
  file: string,
  options: {
    signal?: AbortSignal;
    onProgress?: (p: IndexProgress) => void;
    /** Each rejected row (none for a resumed run: its counters already cover them). */
    onReject?: (r: Rejection) => void;
    /** Rejected rows counted before this file (for the progress line). */
    rejectedBefore: () => number;
    log: (line: string) => void;
  },
): Promise<{ map: OfficeActionMap; counts: OfficeActionCounts }> {
  const t0 = performance.now();
  const res = await loadOfficeActions(file, {
    signal: options.signal,
    onReject: options.onReject,
    onChunk: (p) => {
      const elapsedMs = performance.now() - t0;
      options.onProgress?.({
        phase: 'office-actions',
        file,
        rowsRead: p.rowsRead,
        rejected: p.rejected + options.rejectedBefore(),
        bytesRead: p.bytesRead,
        bytesTotal: p.bytesTotal,
        documentsAcknowledged: 0,
        elapsedMs,
        rowsPerSecond: p.rowsRead / Math.max(elapsedMs / 1000, 1e-3),
        etaSeconds: p.bytesRead > 0 ? ((p.bytesTotal - p.bytesRead) * elapsedMs) / p.bytesRead / 1000 : undefined,
      });
    },
  });
  options.log(
    `office actions: ${res.map.size} loaded (${res.rejected} rejected, ${res.duplicates} repeated ifw_number) ` +
      `for ${res.map.applications} applications in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  return { map: res.map, counts: { read: res.read, rejected: res.rejected, duplicates: res.duplicates, normalised: res.normalised } };
}
