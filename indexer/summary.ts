/** What a run reports when it ends (the CLI prints it, `--json` as one line), and the strict-mode error. */
import type { Checkpoint } from './checkpoint.ts';
import type { RunCounters } from './counters.ts';
import { DEFAULT_DUPLICATE_WINDOW } from './duplicates.ts';
import type { OfficeActionCounts } from './office-action-load.ts';

export interface IndexSummary {
  /** Index written (the target uid). */
  index: string;
  /** Data rows of the citations file (header and blank lines excluded; a resumed prefix included). */
  rowsRead: number;
  /** Documents in the index at the end (from its stats). */
  indexed: number;
  /** Rejected rows of both files. */
  rejected: number;
  /** First 20 rejected rows, by file and physical line. */
  rejectedLines: { file: string; line: number }[];
  /** The rejects file, when rows were rejected and one was configured. */
  rejectsFile?: string;
  /** Citations whose non-empty ifw_number matches no office action. */
  orphans: number;
  /** Rows repeating an (app_id, ifw_number, parsed) triple seen within the duplicate window. */
  duplicates: number;
  /** How far apart a duplicate may be from its original and still be counted (rows, at least). */
  duplicateWindow: number;
  officeActions: OfficeActionCounts;
  /** Upload payloads sent (by this run and the one it resumed). */
  payloads: number;
  elapsedMs: number;
  /** Citation rows read by this run per second of its elapsed time (office-action load and final waits included). */
  rowsPerSecond: number;
  /** First citations line read by this run, when it resumed from a checkpoint. */
  resumedFromLine?: number;
  /** With reindex: the build index that was swapped in. */
  builtIndex?: string;
}

/** Thrown by a strict run that completed with rejected rows; the index is complete all the same. */
export class RejectedRowsError extends Error {
  constructor(readonly summary: IndexSummary) {
    super(`${summary.rejected} row${summary.rejected === 1 ? ' was' : 's were'} rejected (strict mode)`);
    this.name = 'RejectedRowsError';
  }
}

export function summarize(run: {
  index: string;
  indexed: number;
  counters: RunCounters;
  officeActions: OfficeActionCounts;
  payloads: number;
  startedMs: number;
  resumeAt: Checkpoint | undefined;
  rejectsFile: string | undefined;
  builtIndex: string | undefined;
}): IndexSummary {
  const { c } = run.counters;
  const elapsedMs = performance.now() - run.startedMs;
  const rejected = c.rejected + run.officeActions.rejected;
  const summary: IndexSummary = {
    index: run.index,
    rowsRead: c.rowsRead,
    indexed: run.indexed,
    rejected,
    rejectedLines: c.rejectedLines,
    orphans: c.orphans,
    duplicates: c.duplicates,
    duplicateWindow: DEFAULT_DUPLICATE_WINDOW,
    officeActions: run.officeActions,
    payloads: run.payloads,
    elapsedMs,
    rowsPerSecond: (c.rowsRead - (run.resumeAt?.counters.rowsRead ?? 0)) / Math.max(elapsedMs / 1000, 1e-3),
  };
  if (rejected > 0 && run.rejectsFile) summary.rejectsFile = run.rejectsFile;
  if (run.resumeAt) summary.resumedFromLine = run.resumeAt.line + 1;
  if (run.builtIndex) summary.builtIndex = run.builtIndex;
  return summary;
}
