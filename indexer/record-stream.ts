/**
 * A data set's rows (citations, rejections) -> records: the one stream every consumer of records reads - the indexer run
 * (upload.ts), `buildRecords` (benchmarks, tests) and through them the CLI and the sample load.
 *
 * Per row: build the record (records.ts: validate, join, derive), or reject it - counted, listed
 * among the first rejected lines, handed to `onReject` (the rejects file) - and check a sample of
 * records against the zod schema. The counters live in the run's RunCounters, so a resumed run
 * counts on from its checkpoint.
 *
 * The rows of a chunk are built one at a time as the consumer asks, into one reused object: the consumer can stop between two rows (a payload that is full) and ask what
 * the counters were before the row in hand (`countsBefore`), which is what a checkpoint records.
 */
import type { Catalog } from '../src/catalog/catalog.ts';
import { CITATIONS } from '../src/catalog/datasets.ts';
import type { OaRecord } from '../src/catalog/schema.ts';
import type { CheckpointCounters } from './checkpoint.ts';
import type { RunCounters } from './counters.ts';
import type { OfficeActionMap } from './office-actions.ts';
import { RecordBuilder } from './records.ts';
import type { Rejection } from './rejects.ts';
import { pandasReader } from './pandas.ts';
import { bindHeader, checkRecord } from './rules.ts';
import { rawText, readAt, type CsvReader, type RawRow, type RowChunk } from './sources.ts';

/** Built records checked against the zod record schema: the first ones, then one in this many. */
const SCHEMA_SAMPLE_EVERY = 10_000;

/** One row, as the stream yields it: the same object every time (read it before the next). */
export interface BuiltRow {
  /** Physical lines the row starts and ends on. */
  line: number;
  end: number;
  /** Its record; undefined when the row was rejected (already counted and reported). */
  record: OaRecord | undefined;
}

export interface RecordChunk {
  rows: Iterable<BuiltRow>;
  /** Last physical line of the chunk, and the file bytes read with it (see sources.ts). */
  endLine: number;
  bytesRead: number;
}

export class RecordStream {
  private readonly builder: RecordBuilder;
  private readonly pandas: (fields: string[]) => string | undefined;
  private readonly current: BuiltRow = { line: 0, end: 0, record: undefined };
  private orphansBefore = 0;
  private duplicatesBefore = 0;
  private built = 0;

  constructor(
    private readonly reader: CsvReader,
    officeActions: OfficeActionMap | undefined,
    private readonly counters: RunCounters,
    private readonly onReject?: (r: Rejection) => void,
    private readonly catalog: Catalog = CITATIONS,
  ) {
    const binding = bindHeader(catalog.table, reader.header, reader.path, catalog.table, catalog);
    this.builder = new RecordBuilder(binding, officeActions, counters.c);
    this.pandas = pandasReader(binding, counters.c.normalised);
  }

  /** The chunks of the file (from where the reader starts), each with its rows built on demand. */
  async *chunks(signal?: AbortSignal): AsyncGenerator<RecordChunk> {
    for await (const chunk of this.reader.chunks()) {
      if (signal?.aborted) throw signal.reason ?? new DOMException('The run was aborted', 'AbortError');
      yield { rows: this.rowsOf(chunk), endLine: chunk.endLine, bytesRead: chunk.bytesRead };
    }
  }

  /** The counters as they were before the row last yielded (a checkpoint taken in front of it). */
  countsBefore(): CheckpointCounters {
    return this.counters.snapshot({ rowsRead: this.counters.c.rowsRead - 1, orphans: this.orphansBefore, duplicates: this.duplicatesBefore });
  }

  /**
   * The rows of a chunk, built as the consumer asks. A hand-written iterator rather than a
   * generator: it returns one reused result object, where a generator allocates one per row.
   */
  private rowsOf(chunk: RowChunk): Iterable<BuiltRow> {
    const rows = chunk.rows;
    let i = 0;
    const result: IteratorResult<BuiltRow> = { value: this.current, done: false };
    const finished: IteratorResult<BuiltRow> = { value: undefined, done: true };
    const iterator: Iterator<BuiltRow> = { next: () => (i < rows.length ? (this.take(rows[i++]!, chunk), result) : finished) };
    return { [Symbol.iterator]: () => iterator };
  }

  /** Builds (or rejects) one row into `current`. */
  private take(row: RawRow, chunk: RowChunk): void {
    const c = this.counters.c;
    const out = this.current;
    this.orphansBefore = c.orphans;
    this.duplicatesBefore = c.duplicates;
    const rec = row.fields ? (this.pandas(row.fields) ?? this.builder.build(row.fields)) : (row.error ?? 'unparseable row');
    c.rowsRead++;
    out.line = row.line;
    out.end = row.end ?? row.line;
    if (typeof rec === 'string') {
      c.rejected++;
      // Reported where it was read (a shard's file and line; the position is the checkpoint's).
      const { file, line } = readAt(row, chunk, this.reader.path);
      this.counters.noteRejected(file, line);
      this.onReject?.({ file, line, reason: rec, raw: rawText(row) });
      out.record = undefined;
    } else {
      if (this.built++ < 100 || this.built % SCHEMA_SAMPLE_EVERY === 0) checkRecord(rec, this.catalog);
      out.record = rec;
    }
  }
}
