/**
 * Issue 15.2: clients that open connections and then trickle (or never send) their request must
 * not exhaust the gateway. The real server (startServer, as `npm start` runs it) with small limits:
 * hundreds of slow connections, and /health still answers; slow headers and slow bodies are cut
 * off by the server within its timeouts.
 */
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { createLogger } from '../../src/http/log.ts';
import { startServer, type StartedServer } from '../../src/http/server.ts';
import { MeiliReader } from '../../src/meili/reader.ts';
import { TEST_CONFIG } from '../helpers/config.ts';
import { testMeili } from '../helpers/meili.ts';

let started: StartedServer;
const sockets: Socket[] = [];

beforeAll(async () => {
  const reader = new MeiliReader({ url: testMeili().url, apiKey: undefined, index: 'slow_clients_none', timeoutMs: 2_000 });
  const app = createApp({ reader, config: TEST_CONFIG, log: createLogger('silent') });
  started = await startServer(app.fetch, {
    host: '127.0.0.1',
    port: 0,
    limits: { headersTimeoutMs: 1_500, requestTimeoutMs: 3_000, keepAliveTimeoutMs: 1_000, maxConnections: 64 },
  });
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  started.server.closeAllConnections();
  await new Promise((ok) => started.server.close(ok));
});

function open(): Promise<Socket> {
  return new Promise((ok, fail) => {
    const s = connect(started.port, '127.0.0.1', () => ok(s));
    s.on('error', () => undefined); // evicted sockets see ECONNRESET: that is the point
    s.once('error', fail);
    sockets.push(s);
  });
}

const closed = (s: Socket) => new Promise<void>((ok) => (s.destroyed ? ok() : s.once('close', () => ok())));

/** Writes `chunk` every `everyMs` until the server closes the socket; the milliseconds that took. */
async function trickleUntilClosed(s: Socket, chunk: string, everyMs: number): Promise<number> {
  const t0 = performance.now();
  const timer = setInterval(() => s.writable && s.write(chunk), everyMs);
  await closed(s);
  clearInterval(timer);
  return performance.now() - t0;
}

async function health(): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${started.port}/health`, { signal: AbortSignal.timeout(2_000) });
  return res.status;
}

describe('slow clients', () => {
  it('keeps /health answering with four times the connection cap held open by silent clients', async () => {
    const silent = await Promise.all(Array.from({ length: 256 }, open));
    expect(await health()).toBe(200);
    // The cap held: at most 64 open, the oldest silent ones closed to make room.
    expect(started.connections()).toBeLessThanOrEqual(64);
    const alive = silent.filter((s) => !s.destroyed).length;
    expect(alive).toBeLessThanOrEqual(64);
    for (const s of silent) s.destroy();
  });

  it('closes a connection whose headers trickle in past the headers timeout', async () => {
    const s = await open();
    s.write('GET /health HTTP/1.1\r\nHost: x\r\n');
    const waited = await trickleUntilClosed(s, 'X-Slow: 1\r\n', 300);
    expect(waited).toBeGreaterThan(1_000);
    expect(waited).toBeLessThan(6_000);
  });

  it('cuts off a body sent a byte at a time when the request timeout passes', async () => {
    const s = await open();
    let answer = '';
    s.on('data', (d: Buffer) => (answer += d.toString()));
    s.write('POST /ds-api/oa_citations/v1/records HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n');
    const waited = await trickleUntilClosed(s, 'c', 200);
    expect(waited).toBeGreaterThan(2_000);
    expect(waited).toBeLessThan(8_000);
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  });

  it('closes an idle keep-alive connection after the idle timeout', async () => {
    const s = await open();
    let answer = '';
    s.on('data', (d: Buffer) => (answer += d.toString()));
    s.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n');
    const t0 = performance.now();
    await closed(s);
    expect(answer).toMatch(/^HTTP\/1\.1 200/);
    expect(performance.now() - t0).toBeLessThan(4_000);
  });

  it('does not evict a connection that is being answered', async () => {
    // A server whose one route takes a second to answer: fill its cap while a request waits.
    const slow = await startServer(
      async () => {
        await new Promise((ok) => setTimeout(ok, 1_000));
        return new Response('done');
      },
      { host: '127.0.0.1', port: 0, limits: { maxConnections: 16 } },
    );
    try {
      const inFlight = fetch(`http://127.0.0.1:${slow.port}/`).then((r) => r.text());
      await new Promise((ok) => setTimeout(ok, 100));
      const flood = await Promise.all(
        Array.from(
          { length: 64 },
          () =>
            new Promise<Socket>((ok) => {
              const s = connect(slow.port, '127.0.0.1', () => ok(s));
              s.on('error', () => undefined);
            }),
        ),
      );
      expect(await inFlight).toBe('done');
      expect(slow.connections()).toBeLessThanOrEqual(16);
      for (const s of flood) s.destroy();
    } finally {
      slow.server.closeAllConnections();
      await new Promise((ok) => slow.server.close(ok));
    }
  });

  it('can evict a connection whose request was answered without its body being read', async () => {
    // A 404 never reads the POST body; Node discards it after the response. The connection is then
    // idle, and must stay evictable.
    const small = await startServer(() => new Response('nope', { status: 404 }), { host: '127.0.0.1', port: 0, limits: { maxConnections: 16 } });
    try {
      const answered = await Promise.all(
        Array.from(
          { length: 16 },
          () =>
            new Promise<Socket>((ok) => {
              const s = connect(small.port, '127.0.0.1', () => s.write('POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello'));
              s.on('error', () => undefined);
              s.once('data', () => ok(s));
            }),
        ),
      );
      // Every connection is idle now; newcomers evict them rather than being refused.
      const fresh = await Promise.all(Array.from({ length: 16 }, () => new Promise<Socket>((ok) => {
        const s = connect(small.port, '127.0.0.1', () => ok(s));
        s.on('error', () => undefined);
      })));
      await new Promise((ok) => setTimeout(ok, 200));
      expect(fresh.filter((s) => !s.destroyed)).toHaveLength(16);
      expect(answered.filter((s) => !s.destroyed).length).toBe(0);
      for (const s of [...answered, ...fresh]) s.destroy();
    } finally {
      small.server.closeAllConnections();
      await new Promise((ok) => small.server.close(ok));
    }
  });
});
