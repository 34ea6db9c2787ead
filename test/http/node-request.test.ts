/**
 * The request's body and signal read off the Node request (src/http/node-request.ts), behind the
 * real server: the same form fields as Hono's parseBody reads from the Web Request, and a signal
 * that aborts when the client hangs up before its answer - and only then.
 */
import { connect } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestForm, requestSignal, requestText } from '../../src/http/node-request.ts';
import { startServer, type StartedServer } from '../../src/http/server.ts';
import { tinyApp } from './support.ts';

const app = tinyApp([]);
app.post('/form', async (c) => c.json({ form: await requestForm(c), text: await requestText(c) }));
app.post('/json', async (c) => c.json({ json: await requestText(c).then((t) => JSON.parse(t) as unknown).catch(() => 'invalid') }));
const aborted: string[] = [];
const finished: boolean[] = [];
app.get('/slow', async (c) => {
  const signal = requestSignal(c);
  signal.addEventListener('abort', () => aborted.push(String(signal.reason)));
  await new Promise((ok) => setTimeout(ok, 300));
  return c.text('late');
});
app.get('/quick', (c) => {
  const signal = requestSignal(c);
  setTimeout(() => finished.push(signal.aborted), 100);
  return c.text('ok');
});

// Hono's own reading of the same bodies, from a Web Request, as the legacy parameters took it
// before: the last value of a repeated (`name[]`) field, files left out.
const oracle = tinyApp([]);
oracle.post('/form', async (c) => {
  const form: Record<string, string> = {};
  for (const [k, v] of Object.entries(await c.req.parseBody())) {
    const last = Array.isArray(v) ? v.at(-1) : v;
    if (typeof last === 'string') form[k] = last;
  }
  return c.json({ form, text: await c.req.text() });
});
oracle.post('/json', async (c) => c.json({ json: await c.req.json().catch(() => 'invalid') }));

let started: StartedServer;
let base: string;
beforeAll(async () => {
  started = await startServer(app.fetch, { host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${started.port}`;
});
afterAll(async () => {
  started.server.closeAllConnections();
  await new Promise((ok) => started.server.close(ok));
});

describe('a request read off the Node request', () => {
  it('gives the form fields and text Hono reads from the Web Request, for any urlencoded or multipart body', async () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'Z', '0', ' ', '+', '%', '%2', '%41', '&', '=', 'é', '漢', '\ufeff', '[]', '\r\n'), maxLength: 24 });
    const multipart = fc.array(fc.tuple(fc.stringMatching(/^[a-z]{1,4}(\[\])?$/), fc.string({ maxLength: 8 })), { maxLength: 4 }).map((fields) => {
      const form = new FormData();
      for (const [k, v] of fields) form.append(k, v);
      return form;
    });
    const body = fc.oneof(
      text.map((t) => ({ body: t as BodyInit, type: 'application/x-www-form-urlencoded' })),
      text.map((t) => ({ body: t as BodyInit, type: 'application/x-www-form-urlencoded; charset=UTF-8' })),
      text.map((t) => ({ body: t as BodyInit, type: 'text/plain' })),
      multipart.map((form) => ({ body: form as BodyInit, type: undefined })),
    );
    // A string body goes with its Content-Length (read off the socket); a stream of it chunked
    // (through the Web Request, after the body limit).
    const chunked = (t: string) => () =>
      new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(t));
          controller.close();
        },
      });
    await fc.assert(
      fc.asyncProperty(body, fc.boolean(), async ({ body, type }, stream) => {
        const payload = stream && typeof body === 'string' ? chunked(body) : () => body;
        const init = (): RequestInit => ({ method: 'POST', body: payload(), headers: type ? { 'content-type': type } : undefined, duplex: 'half' } as RequestInit);
        const served = await fetch(`${base}/form`, init());
        const want = await oracle.request('/form', init());
        expect(served.status).toBe(want.status);
        const [got, wanted] = [(await served.json()) as { form: unknown; text: string }, (await want.json()) as { form: unknown; text: string }];
        expect(got.form).toEqual(wanted.form);
        // A multipart body's text holds its boundary, drawn anew for each request.
        if (type) expect(got.text).toBe(wanted.text);
      }),
      { numRuns: 150 },
    );
  });

  it('reads a JSON body as c.req.json() does', async () => {
    const json = fc.oneof(fc.json(), fc.string({ maxLength: 12 }), fc.json().map((j) => `\ufeff${j}`), fc.json().map((j) => `\ufeff\ufeff${j}`));
    await fc.assert(
      fc.asyncProperty(json, async (text) => {
        const init = (): RequestInit => ({ method: 'POST', body: text, headers: { 'content-type': 'application/json' } });
        expect(await (await fetch(`${base}/json`, init())).json()).toEqual(await (await oracle.request('/json', init())).json());
      }),
      { numRuns: 100 },
    );
  });

  it('aborts the signal when the client hangs up before the answer, not after an answer', async () => {
    const socket = connect(started.port, '127.0.0.1');
    await new Promise((ok) => socket.once('connect', ok));
    socket.write('GET /slow HTTP/1.1\r\nHost: x\r\n\r\n');
    await new Promise((ok) => setTimeout(ok, 100));
    socket.destroy();
    await expect.poll(() => aborted.length, { timeout: 2000 }).toBe(1);

    expect(await (await fetch(`${base}/quick`)).text()).toBe('ok');
    await expect.poll(() => finished, { timeout: 2000 }).toEqual([false]);
  });
});
