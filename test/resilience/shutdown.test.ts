/**
 * `npm start`'s process (src/main.ts) on an external Meilisearch: it serves, refuses to leak the
 * master key, and on SIGTERM lets an in-flight request finish, refuses new connections and exits
 * 0 within 10 s.
 */
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { createSmallIndex } from '../helpers/small-index.ts';
import { testMeili, uniqueIndex } from '../helpers/meili.ts';

const root = new URL('../..', import.meta.url).pathname;

function startGateway(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const listening = new Promise<string>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`gateway did not start:\n${out}`)), 30_000);
    const check = () => {
      const m = /listening on (http:\/\/[^\s]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        ok(m[1]!);
      }
    };
    child.stderr.on('data', check);
    child.once('exit', (code) => fail(new Error(`gateway exited (${code}):\n${out}`)));
  });
  return { child, listening, output: () => out };
}

describe('the gateway process', () => {
  const { url, masterKey, client } = testMeili();
  const index = uniqueIndex('proc');
  afterAll(async () => {
    await client.deleteIndex(index).waitTask();
  });

  it('serves, never logs the master key, and shuts down gracefully on SIGTERM', async () => {
    await createSmallIndex(client, index);
    const gw = startGateway({ MEILI_URL: url, MEILI_MASTER_KEY: masterKey, OA_INDEX: index, LOAD_SAMPLE: 'false', PORT: '0', LOG_LEVEL: 'debug' });
    const base = await gw.listening;
    const ok = await fetch(`${base}/ds-api/oa_citations/v1/records`, { method: 'POST', body: new URLSearchParams({ criteria: '*:*', rows: '1' }) });
    expect(ok.status).toBe(200);

    // An in-flight request: headers and half the body sent before SIGTERM, the rest after.
    const body = 'criteria=form892:1&rows=3';
    const inflight = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(`${base}/ds-api/oa_citations/v1/records`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': Buffer.byteLength(body) },
      });
      req.on('response', (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', reject);
      req.write(body.slice(0, 10));
      setTimeout(() => {
        gw.child.kill('SIGTERM');
        setTimeout(() => req.end(body.slice(10)), 300);
      }, 200);
    });
    const started = Date.now();
    const exited = new Promise<number | null>((ok) => gw.child.once('exit', (code) => ok(code)));
    const done = await inflight;
    expect(done.status).toBe(200);
    expect(JSON.parse(done.text).response.docs).toHaveLength(3);
    // New connections are refused once the server has closed.
    await new Promise((r) => setTimeout(r, 300));
    await expect(fetch(`${base}/health`)).rejects.toThrow();
    expect(await exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(gw.output()).not.toContain(masterKey);
    expect(gw.output()).toMatch(/"msg":"request"/);
  });
});
