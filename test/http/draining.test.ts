import { describe, expect, it } from 'vitest';
import { draining } from '../../src/http/middleware/draining.ts';
import { tinyApp } from './support.ts';

function appWith(accepting: () => boolean) {
  const app = tinyApp([draining(accepting)]);
  for (const path of ['/health', '/metrics', '/ready', '/api/v1/search']) app.get(path, (c) => c.text('ok'));
  return app;
}

describe('draining', () => {
  it('lets everything through while the gateway accepts requests', async () => {
    const app = appWith(() => true);
    for (const path of ['/health', '/metrics', '/ready', '/api/v1/search']) expect((await app.request(path)).status).toBe(200);
  });

  it('refuses new requests once shutting down: 503 shutting_down, Retry-After, Connection: close', async () => {
    const app = appWith(() => false);
    for (const path of ['/ready', '/api/v1/search', '/nowhere']) {
      const res = await app.request(path);
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1');
      expect(res.headers.get('connection')).toBe('close');
      expect(await res.json()).toEqual({ error: { code: 'shutting_down', message: 'the gateway is shutting down' } });
    }
  });

  it('keeps /health and /metrics open while shutting down', async () => {
    const app = appWith(() => false);
    expect((await app.request('/health')).status).toBe(200);
    expect((await app.request('/metrics')).status).toBe(200);
  });

  it('asks on every request, so it follows the switch', async () => {
    let accepting = true;
    const app = appWith(() => accepting);
    expect((await app.request('/api/v1/search')).status).toBe(200);
    accepting = false;
    expect((await app.request('/api/v1/search')).status).toBe(503);
  });
});
