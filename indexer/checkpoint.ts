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
 * Written atomically (temp file + rename); removed when the run completes.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';

export interface FileIdentity {
  path: string;
  size: number;
  mtimeMs: number;
}

export async function identify(path: string): Promise<FileIdentity> {
  const abs = resolve(path);
  const s = await stat(abs);
  return { path: abs, size: s.size, mtimeMs: Math.trunc(s.mtimeMs) };
}

export interface CheckpointKey {
  index: string;
  reindex: boolean;
  citations: FileIdentity;
  officeActions?: FileIdentity;
}

/** Counters of the citations file up to the checkpoint line. */
export interface CheckpointCounters {
  rowsRead: number;
  rejected: number;
  orphans: number;
  duplicates: number;
  /** First rejected lines (both files), as the summary lists them. */
  rejectedLines: { file: string; line: number }[];
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

  remove(): void {
    rmSync(this.path, { force: true });
  }
}
