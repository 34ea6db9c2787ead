/**
 * Resume points. A run writes how far into the citations file everything is safely in
 * Meilisearch - the physical line the last acknowledged payload ends on (every earlier one
 * acknowledged too), with the counters as of that line - and the payloads sent after it whose
 * tasks had not finished yet. A killed run re-started with the same arguments waits for those
 * tasks (Meilisearch keeps its queue: the work is not sent twice), then skips every line they and
 * the acknowledged ones cover; the deterministic record ids make any overlap harmless.
 *
 * One file per (index uid, --reindex or not, input files), the files identified by absolute
 * path, size and modification time: a changed input never resumes from a stale checkpoint.
 * Written atomically (temp file + rename); removed when the run completes, with any temp file a
 * run killed while writing it left behind.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { RunCounters } from './counters.ts';
import type { Normalised } from './pandas.ts';

export interface FileIdentity {
  path: string;
  /** For a folder or glob of shards: their total size, latest modification and number. */
  size: number;
  mtimeMs: number;
  files?: number;
}

export async function identify(path: string): Promise<FileIdentity> {
  const abs = resolve(path);
  const s = await stat(abs);
  return { path: abs, size: s.size, mtimeMs: Math.trunc(s.mtimeMs) };
}

/** What a checkpoint belongs to: one data set's pass (its index and table file) of one run's arguments. */
export interface CheckpointKey {
  index: string;
  reindex: boolean;
  /** The table file of the pass: citations, or rejections. */
  citations?: FileIdentity;
  rejections?: FileIdentity;
  officeActions?: FileIdentity;
}

/** Counters of the pass's table file up to the checkpoint line. */
export interface CheckpointCounters {
  rowsRead: number;
  rejected: number;
  orphans: number;
  duplicates: number;
  /** First rejected lines (both files), as the summary lists them. */
  rejectedLines: { file: string; line: number }[];
  /** The pandas readings applied (pandas.ts), by kind; absent in checkpoints of earlier versions. */
  normalised?: Normalised;
}

/** The state of a run as of one line of the citations file. */
export interface Mark {
  /** Last physical line of the citations file covered. */
  line: number;
  /** File bytes read when that line was reached (for progress). */
  bytesRead: number;
  counters: CheckpointCounters;
  /** Length of the rejects file at that line (lines after it are cut on resume). */
  rejectsBytes: number;
}

/** A payload whose task had not finished when the checkpoint was written. */
export interface PendingPayload {
  seq: number;
  taskUid: number;
  documents: number;
  firstLine: number;
  mark: Mark;
}

export interface Checkpoint extends Mark {
  version: 2;
  key: CheckpointKey;
  /** The index being written: the target, or the build index of a --reindex run. */
  writeIndex: string;
  /** Payloads acknowledged, and their documents, up to `line`. */
  payloads: number;
  documents: number;
  /** Payloads sent after `line`, in order, whose tasks may still be running. */
  pending: PendingPayload[];
  rejectsFile?: string;
  /**
   * The pass is complete (and swapped in, with --reindex), while a later pass of the same run is
   * not yet: a re-run skips it. Removed with the others when the whole run completes.
   */
  done?: boolean;
  updatedAt: string;
}

export class CheckpointStore {
  readonly path: string;

  constructor(
    dir: string,
    readonly key: CheckpointKey,
  ) {
    const digest = createHash('sha1').update(JSON.stringify(key)).digest('hex').slice(0, 16);
    this.path = join(resolve(dir), `${key.index}${key.reindex ? '.reindex' : ''}.${digest}.json`);
  }

  /** The checkpoint of an earlier run with the same key, or undefined (none, unreadable, other key). */
  load(): Checkpoint | undefined {
    let cp: Checkpoint;
    try {
      cp = JSON.parse(readFileSync(this.path, 'utf8')) as Checkpoint;
    } catch {
      return undefined;
    }
    if (cp?.version !== 2 || JSON.stringify(cp.key) !== JSON.stringify(this.key) || !(cp.line >= 1)) return undefined;
    return cp;
  }

  save(cp: Checkpoint): void {
    mkdirSync(join(this.path, '..'), { recursive: true });
    const tmp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(cp, null, 2) + '\n');
    renameSync(tmp, this.path);
  }

  /** The checkpoint gone, and the temp files that runs killed while writing it left (`save`). */
  remove(): void {
    rmSync(this.path, { force: true });
    const dir = dirname(this.path);
    const prefix = `${basename(this.path)}.`;
    let names: string[] = [];
    try {
      names = readdirSync(dir);
    } catch {
      return; // no directory: nothing was ever written
    }
    for (const name of names) {
      const pid = name.startsWith(prefix) && name.endsWith('.tmp') ? Number(name.slice(prefix.length, -'.tmp'.length)) : NaN;
      if (Number.isInteger(pid) && pid !== process.pid && !alive(pid)) rmSync(join(dir, name), { force: true });
    }
  }
}

/** Whether a process of that id runs (one that cannot be signalled by us still runs). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The checkpoint file's bookkeeping during a run: the acknowledged prefix and the payloads posted
 * after it. Payloads are acknowledged in order, so the prefix only grows. Without a store (no
 * checkpoint directory) it keeps the same state in memory, for the summary.
 */
export class CheckpointBook {
  private cp: Checkpoint;

  constructor(
    private readonly store: CheckpointStore | undefined,
    writeIndex: string,
    start: Checkpoint | undefined,
    rejectsFile: string | undefined,
  ) {
    this.cp = start ?? {
      version: 2,
      key: store?.key ?? { index: writeIndex, reindex: false },
      writeIndex,
      line: 1,
      bytesRead: 0,
      counters: RunCounters.from().c,
      rejectsBytes: 0,
      payloads: 0,
      documents: 0,
      pending: [],
      rejectsFile,
      updatedAt: new Date().toISOString(),
    };
  }

  get acknowledged(): Checkpoint {
    return this.cp;
  }

  posted(p: PendingPayload): void {
    this.cp = { ...this.cp, pending: [...this.cp.pending, { seq: p.seq, taskUid: p.taskUid, documents: p.documents, firstLine: p.firstLine, mark: p.mark }] };
    this.save();
  }

  acknowledge(seq: number, documents: number, mark: Mark): void {
    this.cp = {
      ...this.cp,
      ...mark,
      payloads: this.cp.payloads + 1,
      documents: this.cp.documents + documents,
      pending: this.cp.pending.filter((p) => p.seq !== seq),
    };
    this.save();
  }

  /** Moves the prefix over lines that sent nothing (rejected rows only). */
  advance(mark: Mark): void {
    this.cp = { ...this.cp, ...mark };
    this.save();
  }

  /** Forgets payloads that will not be acknowledged (their task failed): they are sent again. */
  dropPending(): void {
    this.cp = { ...this.cp, pending: [] };
    // Nothing acknowledged and nothing pending: there is nothing to resume from.
    if (this.cp.payloads === 0 && this.cp.line <= 1) this.store?.remove();
    else this.save();
  }

  /** The pass is complete: its checkpoint says so until the run is (`remove`), or goes now. */
  finish(options: { keepUntilRunEnds?: boolean } = {}): void {
    if (options.keepUntilRunEnds) {
      this.cp = { ...this.cp, pending: [], done: true };
      this.save();
    } else this.store?.remove();
  }

  /** The run is complete: no checkpoint is left behind. */
  remove(): void {
    this.store?.remove();
  }

  private save(): void {
    this.store?.save({ ...this.cp, updatedAt: new Date().toISOString() });
  }
}
