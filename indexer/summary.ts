/** What a run reports when it ends (the CLI prints it, `--json` as one line), and the strict-mode error. */
import type { Checkpoint } from './checkpoint.ts';
import type { RunCounters } from './counters.ts';
import { DEFAULT_DUPLICATE_WINDOW } from './duplicates.ts';
import type { OfficeActionCounts } from './office-action-load.ts';
import type { Normalised } from './pandas.ts';

/** What one data set's pass reports. */
export interface TableSummary {
  /** The data set (`oa_citations`, `oa_rejections`). */
  dataset: string;
  /** Index written (the target uid). */
  index: string;
  /** Data rows of its table's file (header and blank lines excluded; a resumed prefix included). */
  rowsRead: number;
  /** Documents in the index at the end (from its stats). */
  indexed: number;
  /** Rejected rows of its file, and of the office actions when this pass read them (the first pass). */
  rejected: number;
  /** First 20 rejected rows, by file and physical line. */
  rejectedLines: { file: string; line: number }[];
  /** The rejects file, when rows were rejected and one was configured. */
  rejectsFile?: string;
  /** Rows whose non-empty ifw_number matches no office action. */
  orphans: number;
  /** Rows repeating the id columns (a citation's app_id, ifw_number, parsed) of a row seen within the duplicate window. */
  duplicates: number;
  /** How far apart a duplicate may be from its original and still be counted (rows, at least). */
  duplicateWindow: number;
  officeActions: OfficeActionCounts;
  /** Upload payloads sent (by this run and the one it resumed). */
  payloads: number;
  elapsedMs: number;
  /** Rows read by this pass per second of its elapsed time (office-action load and final waits included). */
  rowsPerSecond: number;
  /** The pandas readings of the table's cells (pandas.ts; all 0 for the published files). */
  normalised: Normalised;
  /** First position of the table read by this run, when it resumed from a checkpoint (its line, for one CSV file). */
  resumedFromLine?: number;
  /** With reindex: the build index that was swapped in. */
  builtIndex?: string;
}

/**
 * What a run reports: its first pass's summary (the citations', when it read them) at the top, as
 * earlier versions printed it, and the rejections' pass beside it when one run built both.
 */
export interface IndexSummary extends TableSummary {
  rejections?: TableSummary;
}

/** Thrown by a strict run that completed with rejected rows; the index is complete all the same. */
export class RejectedRowsError extends Error {
  constructor(readonly summary: IndexSummary) {
    super(`${summary.rejected} row${summary.rejected === 1 ? ' was' : 's were'} rejected (strict mode)`);
    this.name = 'RejectedRowsError';
  }
}

export function summarize(run: {
  dataset: string;
  index: string;
  indexed: number;
  counters: RunCounters;
  officeActions: OfficeActionCounts;
  /** Whether the office actions' rejected rows count in this pass's `rejected`. */
  officeActionRejectsHere: boolean;
  payloads: number;
  startedMs: number;
  resumeAt: Checkpoint | undefined;
  rejectsFile: string | undefined;
  builtIndex: string | undefined;
}): TableSummary {
  const { c } = run.counters;
  const elapsedMs = performance.now() - run.startedMs;
  const rejected = c.rejected + (run.officeActionRejectsHere ? run.officeActions.rejected : 0);
  const summary: TableSummary = {
    dataset: run.dataset,
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
    normalised: { ...c.normalised },
    elapsedMs,
    rowsPerSecond: (c.rowsRead - (run.resumeAt?.counters.rowsRead ?? 0)) / Math.max(elapsedMs / 1000, 1e-3),
  };
  if (rejected > 0 && run.rejectsFile) summary.rejectsFile = run.rejectsFile;
  if (run.resumeAt) summary.resumedFromLine = run.resumeAt.line + 1;
  if (run.builtIndex) summary.builtIndex = run.builtIndex;
  return summary;
}
