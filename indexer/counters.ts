/**
 * The counters of a run's citations pass - rows read, rejected, orphans, duplicates - and the
 * first rejected lines of both files, as the summary and the checkpoint keep them. One object:
 * the record stream counts into it, the checkpoint copies it, the summary reads it.
 */
import type { CheckpointCounters } from './checkpoint.ts';
import { noNormalisations, type Normalised } from './pandas.ts';

/** Rejected lines the summary lists (the rejects file has them all). */
export const MAX_REJECTED_LINES = 20;

export class RunCounters {
  private constructor(readonly c: CheckpointCounters & { normalised: Normalised }) {}

  /** Zero, or where a resumed run's checkpoint left them. */
  static from(resumed?: CheckpointCounters): RunCounters {
    const c = resumed ? structuredClone(resumed) : { rowsRead: 0, rejected: 0, orphans: 0, duplicates: 0, rejectedLines: [] };
    return new RunCounters({ ...c, normalised: { ...noNormalisations(), ...c.normalised } });
  }

  /** A rejected row of either file: listed among the first ones (the citations' count is `rejected`). */
  noteRejected(file: string, line: number): void {
    if (this.c.rejectedLines.length < MAX_REJECTED_LINES) this.c.rejectedLines.push({ file, line });
  }

  /** A copy as of now, or with some counts as they were earlier (before the row being handled). */
  snapshot(earlier: Partial<Omit<CheckpointCounters, 'rejectedLines'>> = {}): CheckpointCounters {
    return { ...this.c, ...earlier, rejectedLines: [...this.c.rejectedLines], normalised: { ...this.c.normalised } };
  }
}
