/**
 * Step 2 of a run: where it starts. A fresh run writes the target index (or, with --reindex, a
 * new build index); a run that finds the checkpoint of an interrupted one with the same arguments
 * continues it - waiting first for the payloads that run had sent (Meilisearch kept their tasks, so
 * their lines are not sent again) - unless told not to resume. A stale checkpoint is dropped with a
 * line saying why.
 */
import { positionText } from './table-reader.ts';
import type { MeiliAdmin } from '../src/meili/admin.ts';
import { CheckpointBook, CheckpointStore, type Checkpoint, type Mark, type PendingPayload } from './checkpoint.ts';
import type { CheckedInputs } from './inputs.ts';
import type { IndexProgress } from './progress.ts';

export interface StartPoint {
  /** The pass was completed by the interrupted run (its checkpoint says `done`): nothing to do. */
  done: boolean;
  /** The index written: the target, or the build index of a --reindex run. */
  writeIndex: string;
  book: CheckpointBook;
  /** The acknowledged state of the interrupted run continued, if any. */
  resumeAt: Checkpoint | undefined;
}

export interface ResumeOptions {
  index: string;
  /** The pass's table: its file's identity keys the checkpoint. */
  table: 'citations' | 'rejections';
  reindex: boolean;
  /** Where checkpoints go (none: the run is not resumable). */
  checkpointDir?: string;
  resume: boolean;
  rejectsFile?: string;
  /** The table file (for messages). */
  file: string;
  onProgress?: (p: IndexProgress) => void;
  log: (line: string) => void;
}

export async function startOrResume(admin: MeiliAdmin, inputs: CheckedInputs, options: ResumeOptions): Promise<StartPoint> {
  const { log } = options;
  // The key's fields in this order: checkpoint files of earlier versions (citations only) keep their names.
  const store = options.checkpointDir
    ? new CheckpointStore(options.checkpointDir, {
        index: options.index,
        reindex: options.reindex,
        [options.table]: inputs[options.table],
        officeActions: inputs.officeActions,
      })
    : undefined;
  const earlier = store?.load();
  let cp: Checkpoint | undefined = options.resume ? earlier : undefined;
  // A pass the interrupted run completed (swapped in, with --reindex) is not done again.
  if (cp?.done && (await admin.indexExists(options.index))) {
    log(`${options.file} was indexed completely by the interrupted run (${cp.documents} documents): skipping it`);
    return { done: true, writeIndex: options.index, book: new CheckpointBook(store, options.index, cp, options.rejectsFile), resumeAt: cp };
  }
  if (cp?.done) cp = undefined;
  if (earlier && !cp && !earlier.done && earlier.writeIndex !== options.index) {
    log(`ignoring the checkpoint of an interrupted --reindex run: deleting its build index ${earlier.writeIndex}`);
    await admin.deleteIndex(earlier.writeIndex);
  }
  if (cp && !(await admin.indexExists(cp.writeIndex))) {
    log(`the checkpoint's index ${cp.writeIndex} no longer exists: starting from the beginning`);
    cp = undefined;
  }
  const writeIndex = cp?.writeIndex ?? (options.reindex ? buildIndexName(options.index) : options.index);
  const book = new CheckpointBook(store, writeIndex, cp, options.rejectsFile);
  if (cp?.pending.length) await awaitPending(admin, book, cp.pending, options);
  const resumeAt = cp ? book.acknowledged : undefined;
  if (resumeAt && resumeAt.line > 1) {
    // Positions past the first 2^32 are in a later file of a sharded table (table-reader.ts).
    const upTo = resumeAt.line < 2 ** 32 ? `lines 2-${resumeAt.line}` : `the rows up to ${positionText(resumeAt.line)}`;
    log(`resuming: ${upTo} of ${options.file} were indexed by an earlier run (${resumeAt.documents} documents); skipping them`);
  }
  return { done: false, writeIndex, book, resumeAt };
}

function buildIndexName(index: string): string {
  const t = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
  return `${index}__build_${t}${Math.floor(Math.random() * 0x10000).toString(16).padStart(4, '0')}`;
}

/**
 * Waits for the payloads an interrupted run sent. Stops at the first that did not succeed (its
 * lines, and later ones, are sent again).
 */
async function awaitPending(admin: MeiliAdmin, book: CheckpointBook, pending: readonly PendingPayload[], options: ResumeOptions): Promise<void> {
  const { log } = options;
  for (const p of pending) {
    const known = await admin.task(p.taskUid);
    if (!known) {
      log(`the payload sent by the interrupted run (task ${p.taskUid}) is unknown to Meilisearch: sending lines ${p.firstLine}-${p.mark.line} again`);
      break;
    }
    log(`waiting for the payload the interrupted run sent (lines ${p.firstLine}-${p.mark.line}, Meilisearch task ${p.taskUid}, ${known.status})`);
    const t0 = performance.now();
    const task = await admin.waitTask(p.taskUid, (percent) => options.onProgress?.(indexingProgress(options.file, p.mark, book.acknowledged.documents, t0, percent)));
    if (task.status !== 'succeeded') {
      log(`${admin.taskError(task, `the payload of lines ${p.firstLine}-${p.mark.line}`).message}: sending those lines again`);
      break;
    }
    book.acknowledge(p.seq, p.documents, p.mark);
  }
  book.dropPending();
}

function indexingProgress(file: string, mark: Mark, documents: number, t0: number, percent: number | undefined): IndexProgress {
  const elapsedMs = performance.now() - t0;
  return {
    phase: 'indexing',
    file,
    rowsRead: mark.counters.rowsRead,
    rejected: mark.counters.rejected,
    bytesRead: mark.bytesRead,
    bytesTotal: mark.bytesRead,
    documentsAcknowledged: documents,
    elapsedMs,
    rowsPerSecond: 0,
    indexingPercent: percent,
    etaSeconds: percent && percent > 0 ? (elapsedMs / 1000) * ((100 - percent) / percent) : undefined,
  };
}
