/** gzipWhenAccepted: compressed for a client that asks, untouched (and cheap) for one that does not. */
import { gunzipSync } from 'node:zlib';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { gzipWhenAccepted } from '../../src/http/middleware/gzip.ts';

const big = { docs: Array.from({ length: 200 }, (_, i) => ({ id: String(i), text: 'a reference as written '.repeat(4) })) };

function app() {
  const a = new Hono();
  a.use(gzipWhenAccepted());
  a.get('/', (c) => c.json(big));
  return a;
}

describe('gzipWhenAccepted', () => {
  it('gzips for Accept-Encoding: gzip', async () => {
    const res = await app().request('/', { headers: { 'Accept-Encoding': 'gzip, deflate' } });
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(JSON.parse(gunzipSync(Buffer.from(await res.arrayBuffer())).toString())).toEqual(big);
  });

  it('leaves the answer as it is without it, or for another encoding only', async () => {
    for (const headers of [{}, { 'Accept-Encoding': 'br' }, { 'Accept-Encoding': 'identity' }] as Record<string, string>[]) {
      const res = await app().request('/', { headers });
      expect(res.headers.get('content-encoding')).toBeNull();
      expect(await res.json()).toEqual(big);
    }
  });
});
