/**
 * A pull-based stream over keyset pages: the next page is fetched only when the consumer asks
 * for more (highWaterMark 0), so a slow client holds back the reading and at most one page is in
 * memory besides what the transport buffers. Cancelling the stream (client gone) or aborting the
 * request signal aborts the page fetch in flight and stops.
 *
 * Keyset, not offset: each page is "the next `pageSize` records after the last one seen" in a
 * total order (the sort keys, then index order: see sort-keyset.ts), so the cost per page stays
 * flat at any depth and the order is stable. A source that cannot keyset (a ranked keyword export)
 * pages by the count of records read instead.
 */

export interface KeysetOptions<T> {
  pageSize: number;
  /**
   * Reads the records after `last` (all from the start when undefined), in the source's order.
   * `read` counts the records served so far, for sources that page by offset instead.
   */
  fetchPage: (last: T | undefined, signal: AbortSignal, read: number) => Promise<T[]>;
  /** A page already read (e.g. to fail early with a proper error status): served first. */
  firstPage?: T[];
  /** Text sent before the first page (a CSV header). */
  prelude?: string;
  /** A page as it is sent: text, or bytes for a binary format. */
  encode: (rows: T[]) => string | Uint8Array;
  /** Sent after the last page when the stream ends complete (a Parquet footer), never on a cut. */
  epilogue?: () => Uint8Array;
  /** The request's signal: its abort stops the stream like a cancel. */
  signal?: AbortSignal;
  /**
   * Longest wait for the consumer to ask for more, in ms: a client that stops reading is cut off
   * (the body ends in an error) rather than holding the stream open.
   */
  idleTimeoutMs?: number;
  /** Called once when the stream ends, however it ends (done, cancelled, failed, cut off). */
  onDone?: () => void;
}

export function keysetStream<T>(options: KeysetOptions<T>): ReadableStream<Uint8Array> {
  const stop = new AbortController();
  const abort = () => stop.abort();
  options.signal?.addEventListener('abort', abort, { once: true });
  const encoder = new TextEncoder();
  let pending = options.firstPage;
  let last: T | undefined;
  let read = 0;
  let prelude = options.prelude;
  let done = false;

  let idle: NodeJS.Timeout | undefined;
  const finish = () => {
    if (done) return;
    done = true;
    clearTimeout(idle);
    options.signal?.removeEventListener('abort', abort);
    options.onDone?.();
  };

  let controller!: ReadableStreamDefaultController<Uint8Array>;
  // From the start and after every page, the consumer has idleTimeoutMs to ask for the next.
  const armIdle = () => {
    if (options.idleTimeoutMs === undefined || done) return;
    idle = setTimeout(() => {
      finish();
      stop.abort();
      controller.error(new Error(`the client read nothing for ${options.idleTimeoutMs} ms`));
    }, options.idleTimeoutMs);
    idle.unref();
  };

  return new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c;
        armIdle();
      },
      async pull(controller) {
        clearTimeout(idle);
        if (done) return;
        if (stop.signal.aborted) {
          finish();
          controller.close();
          return;
        }
        let rows: T[];
        try {
          rows = pending ?? (await options.fetchPage(last, stop.signal, read));
        } catch (err) {
          finish();
          if (stop.signal.aborted) controller.close();
          // A failure mid-stream cannot change the status any more: the body ends in an error,
          // which clients see as a truncated transfer rather than a silently short file.
          else controller.error(err);
          return;
        }
        pending = undefined;
        if (prelude) controller.enqueue(encoder.encode(prelude));
        prelude = undefined;
        const page = rows.length ? options.encode(rows) : '';
        if (page.length) controller.enqueue(typeof page === 'string' ? encoder.encode(page) : page);
        if (rows.length) last = rows[rows.length - 1];
        read += rows.length;
        if (rows.length < options.pageSize) {
          finish();
          if (options.epilogue) controller.enqueue(options.epilogue());
          controller.close();
          return;
        }
        armIdle();
      },
      cancel() {
        finish();
        stop.abort();
      },
    },
    { highWaterMark: 0 },
  );
}
