/**
 * How many requests this gateway has inside Meilisearch at once, in two lanes.
 *
 * Meilisearch runs a few searches at a time (one per core) and queues the rest; it never stops a
 * search whose client has gone. So a gateway that forwards whatever arrives lets a flood of
 * expensive requests fill every search worker and the queue behind them, and simple requests wait
 * for all of it. Here every request takes a slot of its lane first:
 * - `light` (almost all traffic) has many slots;
 * - `heavy` (a filter above HEAVY_COST, src/filter/cost.ts) has few - one by default - so heavy
 *   work can hold at most that many of Meilisearch's workers and light requests keep the others.
 * A request waits for a slot at most `waitMs`, and at most `queue` requests wait per lane; beyond
 * either it is answered 503 with Retry-After at once, rather than piling up.
 *
 * A slot is held until Meilisearch has answered, not until the client stops waiting: a request
 * abandoned mid-flight still occupies Meilisearch, so it still counts here (the gateway's own
 * timeout, REQUEST_TIMEOUT_MS, ends that wait).
 */
import PQueue from 'p-queue';
import { ApiError } from '../http/errors.ts';

export type Lane = 'light' | 'heavy';

export interface LaneLimits {
  /** Requests in Meilisearch at once from the light lane. */
  light: number;
  /** From the heavy lane. */
  heavy: number;
  /** Requests waiting per lane; more are refused. */
  queue: number;
  /** Longest wait for a slot, in milliseconds. */
  waitMs: number;
}

export const DEFAULT_LANE_LIMITS: LaneLimits = { light: 32, heavy: 1, queue: 64, waitMs: 2_000 };

/** The limits as configured (src/config.ts). */
export function laneLimitsFrom(config: { MEILI_MAX_CONCURRENT: number; MEILI_MAX_HEAVY: number; MEILI_QUEUE_MAX: number; MEILI_QUEUE_WAIT_MS: number }): LaneLimits {
  return { light: config.MEILI_MAX_CONCURRENT, heavy: config.MEILI_MAX_HEAVY, queue: config.MEILI_QUEUE_MAX, waitMs: config.MEILI_QUEUE_WAIT_MS };
}

const busy = (lane: Lane, why: string) =>
  new ApiError(503, 'busy', `the search service is busy (${why}); retry in a few seconds${lane === 'heavy' ? ', or narrow the criteria' : ''}`, {
    headers: { 'Retry-After': '2' },
  });

export class Lanes {
  private readonly queues: Record<Lane, PQueue>;

  constructor(readonly limits: LaneLimits = DEFAULT_LANE_LIMITS) {
    this.queues = { light: new PQueue({ concurrency: limits.light }), heavy: new PQueue({ concurrency: limits.heavy }) };
  }

  /** Requests in Meilisearch now, and waiting, per lane. */
  load(): Record<Lane, { running: number; waiting: number }> {
    const of = (q: PQueue) => ({ running: q.pending, waiting: q.size });
    return { light: of(this.queues.light), heavy: of(this.queues.heavy) };
  }

  /**
   * Run `exchange` in a slot of `lane`. The caller's promise settles when the exchange does, when
   * its signal aborts, or with 503 when no slot frees in time; the slot is released only when the
   * exchange itself has settled.
   */
  run<T>(lane: Lane, exchange: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const queue = this.queues[lane];
    if (signal?.aborted) return Promise.reject(signal.reason);
    // Refused only when it would have to wait: with a slot free it runs at once, whatever the queue.
    const full = queue.pending >= queue.concurrency && queue.size >= this.limits.queue;
    if (full) return Promise.reject(busy(lane, `${queue.size} ${lane} requests are waiting already`));
    // With a slot free and nobody waiting, p-queue starts the task within add(): there is no wait
    // to time out or give up, so neither a timer nor a way out of the queue is made for it.
    const waits = queue.size > 0 || queue.pending >= queue.concurrency;
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      let started = false;
      // A wait given up (timed out, or its client gone) leaves the queue at once, so it neither
      // counts against the queue limit nor takes a slot later. Only a wait: p-queue would also
      // free the slot of a running task whose signal aborts, and a running one must keep it.
      const leave = waits ? new AbortController() : undefined;
      const finish = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (!started) leave?.abort();
        fn();
      };
      const timer = waits ? setTimeout(() => finish(() => reject(busy(lane, `no ${lane} slot freed within ${this.limits.waitMs} ms`))), this.limits.waitMs) : undefined;
      const onAbort = () => finish(() => reject(signal!.reason));
      signal?.addEventListener('abort', onAbort, { once: true });
      queue
        .add(
          async () => {
            if (settled) return; // given up just as the slot came: unused
            started = true;
            clearTimeout(timer);
            // From here the slot is held until the exchange settles, even if the client goes.
            await exchange().then(
              (value) => finish(() => resolve(value)),
              (err: unknown) => finish(() => reject(err)),
            );
          },
          leave && { signal: leave.signal },
        )
        .catch(() => undefined); // removed from the queue after giving up: nothing to do
    });
  }
}
