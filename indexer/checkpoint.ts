/**
 * Resume points. A run writes, after every acknowledged batch, how far into the citations file
 * everything is safely in Meilisearch: the physical line the last acknowledged batch ends on (all
 * earlier batches acknowledged too), with the counters as of that line. A killed run re-started
 * with the same arguments skips those lines; the deterministic record ids make any overlap
 * harmless.
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

export interface Checkpoint {
  version: 1;
  key: CheckpointKey;
  /** The index being written: the target, or the build index of a --reindex run. */
  writeIndex: string;
  /** Last physical line of the citations file whose records are all acknowledged. */
  line: number;
  /** File bytes read when that line was reached (for progress). */
  bytesRead: number;
  counters: CheckpointCounters;
  batches: number;
  documents: number;
  /** Length of the rejects file at the checkpoint (lines after it are cut on resume). */
  rejectsFile?: string;
  rejectsBytes: number;
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
    if (cp?.version !== 1 || JSON.stringify(cp.key) !== JSON.stringify(this.key) || !(cp.line >= 1)) return undefined;
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
