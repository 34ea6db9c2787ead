/**
 * The lanes in front of Meilisearch (src/meili/lanes.ts), on exchanges the test controls: the
 * lanes are this project's own queueing, so they are tested on their own; the flood test
 * (flood.e2e.test.ts) checks them against a real Meilisearch.
 */
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/http/errors.ts';
import { Lanes } from '../../src/meili/lanes.ts';

/** An exchange that settles when the test says so. */
function gate<T = string>() {
  let open!: (v: T) => void;
  const promise = new Promise<T>((ok) => (open = ok));
  let started = false;
  return {
    exchange: () => {
      started = true;
      return promise;
    },
    open,
    get started() {
      return started;
    },
  };
}

const tick = () => new Promise((ok) => setTimeout(ok, 10));

describe('Lanes', () => {
  it('runs at most `heavy` heavy exchanges at once, while light ones go on', async () => {
    const lanes = new Lanes({ light: 4, heavy: 1, queue: 10, waitMs: 5_000 });
    const a = gate();
    const b = gate();
    const pa = lanes.run('heavy', a.exchange);
    const pb = lanes.run('heavy', b.exchange);
    await tick();
    expect(a.started).toBe(true);
    expect(b.started).toBe(false);
    expect(await lanes.run('light', async () => 'light answered')).toBe('light answered');
    a.open('a');
    expect(await pa).toBe('a');
    await tick();
    expect(b.started).toBe(true);
    b.open('b');
    expect(await pb).toBe('b');
  });

  it('refuses with 503 busy and Retry-After when the queue is full', async () => {
    const lanes = new Lanes({ light: 1, heavy: 1, queue: 2, waitMs: 5_000 });
    const held = gate();
    const running = lanes.run('heavy', held.exchange);
    const waiting = [lanes.run('heavy', async () => 1), lanes.run('heavy', async () => 2)];
    const refused = lanes.run('heavy', async () => 3);
    await expect(refused).rejects.toBeInstanceOf(ApiError);
    await expect(refused).rejects.toMatchObject({ status: 503, code: 'busy', extra: { headers: { 'Retry-After': '2' } } });
    held.open('done');
    expect(await Promise.all([running, ...waiting])).toEqual(['done', 1, 2]);
  });

  it('gives up waiting after waitMs with 503, and the abandoned wait never runs', async () => {
    const lanes = new Lanes({ light: 1, heavy: 1, queue: 10, waitMs: 100 });
    const held = gate();
    const running = lanes.run('light', held.exchange);
    let ran = false;
    const late = lanes.run('light', async () => {
      ran = true;
    });
    await expect(late).rejects.toMatchObject({ status: 503, code: 'busy' });
    held.open('x');
    await running;
    await tick();
    expect(ran).toBe(false);
  });

  it('releases a client that aborts at once, but keeps the slot until the exchange itself ends', async () => {
    const lanes = new Lanes({ light: 1, heavy: 1, queue: 10, waitMs: 5_000 });
    const held = gate();
    const client = new AbortController();
    const abandoned = lanes.run('heavy', held.exchange, client.signal);
    await tick();
    client.abort(new Error('client went away'));
    await expect(abandoned).rejects.toThrow('client went away');
    // Meilisearch is still computing the abandoned request: the next heavy one waits for it.
    const next = gate();
    const pnext = lanes.run('heavy', next.exchange);
    await tick();
    expect(next.started).toBe(false);
    expect(lanes.load().heavy).toEqual({ running: 1, waiting: 1 });
    held.open('late answer, discarded');
    await tick();
    expect(next.started).toBe(true);
    next.open('next');
    expect(await pnext).toBe('next');
  });

  it('does not run an exchange whose client aborted while it waited', async () => {
    const lanes = new Lanes({ light: 1, heavy: 1, queue: 10, waitMs: 5_000 });
    const held = gate();
    const running = lanes.run('light', held.exchange);
    const client = new AbortController();
    let ran = false;
    const waiting = lanes.run('light', async () => (ran = true), client.signal);
    client.abort(new Error('gone'));
    await expect(waiting).rejects.toThrow('gone');
    held.open('x');
    await running;
    await tick();
    expect(ran).toBe(false);
  });

  it('runs at once when a slot is free, even with no queue; a wait given up leaves the queue', async () => {
    const lanes = new Lanes({ light: 1, heavy: 1, queue: 1, waitMs: 50 });
    const none = new Lanes({ light: 1, heavy: 1, queue: 0, waitMs: 50 });
    expect(await none.run('light', async () => 'ran')).toBe('ran');
    const held = gate();
    const running = lanes.run('light', held.exchange);
    await expect(lanes.run('light', async () => 'late')).rejects.toMatchObject({ code: 'busy' });
    // The timed-out wait is gone: the queue has room again for the next one.
    expect(lanes.load().light).toEqual({ running: 1, waiting: 0 });
    const next = lanes.run('light', async () => 'next');
    held.open('x');
    await running;
    expect(await next).toBe('next');
  });
});
