import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startServer } from '../../src/http/server.ts';
import { bodyLimitOf } from '../../src/http/middleware/body-limit.ts';
import { tinyApp } from './support.ts';

describe('bodyLimitOf', () => {
  const app = tinyApp([bodyLimitOf(100)]);
  app.post('/echo', async (c) => c.text(await c.req.text()));

  it('passes a body within the limit', async () => {
    const res = await app.request('/echo', { method: 'POST', body: 'a'.repeat(100) });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('a'.repeat(100));
  });

  it('refuses a larger body with 413 body_too_large in the one error shape', async () => {
    const res = await app.request('/echo', { method: 'POST', body: 'a'.repeat(101) });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ error: { code: 'body_too_large', message: 'the request body is larger than 100 bytes' } });
  });

  it('behind the real server: a bodiless GET passes untouched, bodies by length or chunked are limited', async () => {
    const served = tinyApp([bodyLimitOf(100)]);
    served.get('/get', (c) => c.text('ok'));
    served.post('/echo', async (c) => c.text(await c.req.text()));
    const { server, port } = await startServer(served.fetch, { host: '127.0.0.1', port: 0 });
    try {
      const base = `http://127.0.0.1:${port}`;
      expect(await (await fetch(`${base}/get`)).text()).toBe('ok');
      expect((await fetch(`${base}/echo`, { method: 'POST', body: 'a'.repeat(100) })).status).toBe(200);
      expect((await fetch(`${base}/echo`, { method: 'POST', body: 'a'.repeat(101) })).status).toBe(413);
      const chunked = new ReadableStream({
        start(c) {
          c.enqueue(new TextEncoder().encode('a'.repeat(80)));
          c.enqueue(new TextEncoder().encode('a'.repeat(80)));
          c.close();
        },
      });
      const res = await fetch(`${base}/echo`, { method: 'POST', body: chunked, duplex: 'half' } as RequestInit);
      expect(res.status).toBe(413);
      // A GET that declares a body has none to the Web Request: passed, as Hono's check passes it.
      const socket = connect(port, '127.0.0.1');
      let answer = '';
      socket.on('data', (d) => (answer += d.toString()));
      socket.write(`GET /get HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\nConnection: close\r\n\r\n${'a'.repeat(500)}`);
      await new Promise((ok) => socket.once('close', ok));
      expect(answer).toMatch(/^HTTP\/1\.1 200 /);
    } finally {
      server.closeAllConnections();
      await new Promise((ok) => server.close(ok));
    }
  });
});
