/**
 * Step 5 of a run: records -> stored documents -> payloads, with the checkpoint kept as payloads
 * are posted and acknowledged, then the wait for Meilisearch to index them.
 *
 *   RecordStream --records--> layout.encode --NDJSON lines--> PayloadUploader --tasks--> CheckpointBook
 *
 * A payload is cut (with a server payload limit) in front of the row that does not fit; the
 * checkpoint mark taken there holds the counters as they were before that row, so a resumed run
 * starts exactly on it.
 */
import type { Catalog } from '../src/catalog/catalog.ts';
import type { MeiliAdmin } from '../src/meili/admin.ts';
import type { Checkpoint, CheckpointBook, CheckpointCounters, Mark } from './checkpoint.ts';
import type { RunCounters } from './counters.ts';
import { PayloadUploader } from './payloads.ts';
import type { IndexProgress } from './progress.ts';
import type { RecordStream } from './record-stream.ts';
import type { RejectsFile } from './rejects.ts';

export interface UploadOptions {
  /** The data set's catalog: its stored layout encodes the records. */
  catalog: Catalog;
  admin: MeiliAdmin;
  writeIndex: string;
  payloadBytes: number;
  book: CheckpointBook;
  counters: RunCounters;
  rejects: RejectsFile | undefined;
  resumeAt: Checkpoint | undefined;
  progress: TableProgress;
  signal?: AbortSignal;
}

export async function uploadRecords(stream: RecordStream, options: UploadOptions): Promise<void> {
  const { book, counters, rejects, progress } = options;
  const { encode } = options.catalog.layout;
  let lastLine = options.resumeAt?.line ?? 1;
  let bytesRead = options.resumeAt?.bytesRead ?? 0;
  const markAt = (c: CheckpointCounters): Mark => {
    rejects?.flush();
    return { line: lastLine, bytesRead, counters: c, rejectsBytes: rejects?.bytes ?? 0 };
  };
  const uploader = new PayloadUploader<Mark>(options.admin, options.writeIndex, {
    maxPayloadBytes: options.payloadBytes,
    onPosted: (p) => book.posted(p),
    onAcknowledged: (p) => {
      book.acknowledge(p.seq, p.documents, p.mark);
      progress.report();
    },
    onIndexing: (percent) => progress.indexingAt(percent),
  });

  try {
    for await (const chunk of stream.chunks(options.signal)) {
      for (const row of chunk.rows) {
        if (row.record) {
          const line = JSON.stringify(encode(row.record)) + '\n';
          const bytes = Buffer.byteLength(line, 'utf8');
          if (!uploader.fits(bytes)) await uploader.cut(markAt(stream.countsBefore()));
          await uploader.add(line, bytes, row.line);
        }
        lastLine = row.end;
      }
      lastLine = Math.max(lastLine, chunk.endLine);
      bytesRead = chunk.bytesRead;
      progress.read(bytesRead);
    }
    const final = markAt(counters.snapshot());
    const posted = await uploader.cut(final);
    // Nothing left to send (every row rejected, or all covered by the resumed run): the mark still advances.
    if (!posted && final.line > book.acknowledged.line) book.advance(final);
    progress.allSent();
    await uploader.drain();
  } catch (err) {
    // Payloads already sent stay enqueued in Meilisearch; the checkpoint lists them, unless one
    // failed: then the lines from the first unacknowledged one on are sent again by a new run.
    uploader.abort();
    if (uploader.failed) book.dropPending();
    throw uploader.failed ?? err;
  }
}

/** The progress lines of a data set's pass: reading its table (ETA from the byte rate), then indexing. */
export class TableProgress {
  private phase: 'citations' | 'rejections' | 'indexing';
  private indexingPercent: number | undefined;
  private bytesRead: number;
  private readonly t0 = performance.now();
  private readonly startRows: number;
  private readonly startBytes: number;

  constructor(
    private readonly options: {
      /** The table read: the reading phase's name. */
      table: 'citations' | 'rejections';
      file: string;
      bytesTotal: number;
      counters: RunCounters;
      book: CheckpointBook;
      /** Rows rejected in other files (office actions, an earlier pass), counted apart. */
      otherRejected: number;
      resumeAt: Checkpoint | undefined;
      onProgress?: (p: IndexProgress) => void;
    },
  ) {
    this.phase = options.table;
    this.startRows = options.counters.c.rowsRead;
    this.startBytes = options.resumeAt?.bytesRead ?? 0;
    this.bytesRead = this.startBytes;
  }

  /** A chunk was read: the file position. */
  read(bytesRead: number): void {
    this.bytesRead = bytesRead;
    this.report();
  }

  /** Meilisearch's progress on the payload it is indexing (percent, when it says). */
  indexingAt(percent: number | undefined): void {
    this.indexingPercent = percent;
    this.report();
  }

  /** Everything is sent: what is left is Meilisearch's indexing. */
  allSent(): void {
    this.phase = 'indexing';
    this.report();
  }

  report(): void {
    const { onProgress, counters, bytesTotal } = this.options;
    if (!onProgress) return;
    const elapsedMs = performance.now() - this.t0;
    const byteRate = (this.bytesRead - this.startBytes) / Math.max(elapsedMs / 1000, 1e-3);
    onProgress({
      phase: this.phase,
      file: this.options.file,
      rowsRead: counters.c.rowsRead,
      rejected: counters.c.rejected + this.options.otherRejected,
      bytesRead: this.bytesRead,
      bytesTotal,
      documentsAcknowledged: this.options.book.acknowledged.documents,
      elapsedMs,
      rowsPerSecond: (counters.c.rowsRead - this.startRows) / Math.max(elapsedMs / 1000, 1e-3),
      ...(this.phase === 'indexing' ? { indexingPercent: this.indexingPercent } : {}),
      etaSeconds: this.phase !== 'indexing' && byteRate > 0 ? (bytesTotal - this.bytesRead) / byteRate : undefined,
    });
  }
}
