import { describe, expect, it } from 'vitest';
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
});
