/**
 * Output files: plain csv, gzip, or a single-entry zip (zip-writer.ts), behind one shape, and a
 * line writer that batches rows into ~64 KiB chunks and waits only on backpressure - so the
 * generator streams at any size with flat memory, and a failed write ends the run with its error
 * instead of hanging or surfacing as an unhandled rejection.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { Transform, type Writable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { crc32, createDeflateRaw, createGzip } from 'node:zlib';
import type { OutputFormat } from './dataset.ts';
import { zipFramer } from './zip-writer.ts';

export interface Output {
  stream: Writable;
  /** Settles when the file is completely written, or rejects with the first error. */
  done: Promise<void>;
  /** Ends the stream and resolves once the file is completely written. */
  close(): Promise<void>;
}

export function openOutput(path: string, format: OutputFormat, entryName: string): Output {
  const file = createWriteStream(path, { highWaterMark: 1 << 20 });
  let head: Writable;
  let done: Promise<void>;
  if (format === 'csv') {
    head = file;
    done = finished(file);
  } else if (format === 'csv.gz') {
    const gz = createGzip({ level: 6, chunkSize: 1 << 16 });
    head = gz;
    done = pipeline(gz, file);
  } else {
    let crc = 0;
    let size = 0;
    const tap = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        crc = crc32(chunk, crc);
        size += chunk.length;
        cb(null, chunk);
      },
    });
    head = tap;
    const deflate = createDeflateRaw({ level: 6, chunkSize: 1 << 16 });
    done = pipeline(tap, deflate, zipFramer(entryName, () => ({ crc, size })), file);
  }
  // Errors surface through close() (and through 'drain' waits); never as unhandled rejections.
  done.catch(() => {});
  return {
    stream: head,
    done,
    close: async () => {
      head.end();
      await done;
    },
  };
}

/** Batches lines into ~64 KiB chunks; write() returns a promise only on backpressure. */
export class LineWriter {
  private buf = '';
  private readonly failed: Promise<never>;

  /** `done` settles when the output finishes or fails: a failure ends any wait for 'drain'. */
  constructor(
    private readonly out: Writable,
    done: Promise<void>,
  ) {
    this.failed = done.then(() => Promise.reject(new Error('output closed while writing')));
    this.failed.catch(() => {});
  }

  write = (line: string): Promise<void> | undefined => {
    this.buf += line;
    return this.buf.length >= 1 << 16 ? this.flush() : undefined;
  };

  flush(): Promise<void> | undefined {
    if (this.out.errored) return Promise.reject(this.out.errored);
    if (this.buf === '') return undefined;
    const ok = this.out.write(Buffer.from(this.buf, 'utf8'));
    this.buf = '';
    return ok ? undefined : Promise.race([once(this.out, 'drain').then(() => undefined), this.failed]);
  }
}
