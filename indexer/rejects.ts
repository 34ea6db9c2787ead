/**
 * The rejects file: one NDJSON line per bad row, `{"file","line","reason","raw"}`, so a bad row
 * can be found (physical line number, header = 1), understood and fixed without stopping a run.
 *
 * Writes are buffered and synchronous: rejects are rare, and the checkpoint records how many bytes
 * of this file belong to the acknowledged prefix, so a resumed run can cut off the lines a killed
 * run wrote past its checkpoint (otherwise they would be written twice).
 */
import { closeSync, existsSync, mkdirSync, openSync, statSync, truncateSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export interface Rejection {
  /** The input file, as given. */
  file: string;
  /** Physical line number (header = 1). */
  line: number;
  reason: string;
  /** The row as written (cut at MAX_RAW characters). */
  raw: string;
}

/** Longest `raw` kept in the rejects file (a runaway quoted record can be huge). */
export const MAX_RAW = 10_000;

const FLUSH_AT = 1 << 16;

export class RejectsFile {
  private fd: number | undefined;
  private buffer = '';
  private written: number;

  /**
   * @param path where the rejects go
   * @param resumeAtBytes when resuming: the length the file had at the checkpoint (anything
   *   after it came from past the checkpoint and is cut); undefined for a fresh run (file replaced)
   */
  constructor(
    readonly path: string,
    resumeAtBytes?: number,
  ) {
    if (resumeAtBytes === undefined) {
      if (existsSync(path)) unlinkSync(path);
      this.written = 0;
    } else {
      const size = existsSync(path) ? statSync(path).size : 0;
      if (size > resumeAtBytes) truncateSync(path, resumeAtBytes);
      this.written = Math.min(size, resumeAtBytes);
    }
  }

  /** Bytes in the file once buffered lines are flushed. */
  get bytes(): number {
    return this.written + Buffer.byteLength(this.buffer);
  }

  write(r: Rejection): void {
    const raw = r.raw.length > MAX_RAW ? `${r.raw.slice(0, MAX_RAW)}...` : r.raw;
    this.buffer += JSON.stringify({ file: r.file, line: r.line, reason: r.reason, raw }) + '\n';
    if (this.buffer.length >= FLUSH_AT) this.flush();
  }

  flush(): void {
    if (this.buffer === '') return;
    if (this.fd === undefined) {
      mkdirSync(dirname(this.path), { recursive: true });
      this.fd = openSync(this.path, 'a');
    }
    const data = Buffer.from(this.buffer, 'utf8');
    this.buffer = '';
    let off = 0;
    while (off < data.length) off += writeSync(this.fd, data, off);
    this.written += data.length;
  }

  close(): void {
    this.flush();
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
