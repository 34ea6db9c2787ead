import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/http/errors.ts';
import { capturedLog, tinyApp } from './support.ts';

describe('errorHandler and notFound', () => {
  const { log, lines } = capturedLog();
  const codes: (string | undefined)[] = [];
  const app = tinyApp(
    [
      async (c, next) => {
        await next();
        codes.push(c.get('errorCode'));
      },
    ],
    { log },
  );
  app.get('/api-error', () => {
    throw new ApiError(429, 'rate_limited', 'slow down', { headers: { 'Retry-After': '7' }, details: { limit: 1 } });
  });
  app.get('/http-exception', () => {
    throw new HTTPException(401, { message: 'who are you' });
  });
  app.get('/bug', () => {
    throw new Error('secret internals');
  });

  it('sends an ApiError as it is, with its headers, and notes its code on the context', async () => {
    const res = await app.request('/api-error');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('7');
    expect(await res.json()).toEqual({ error: { code: 'rate_limited', message: 'slow down', details: { limit: 1 } } });
    expect(codes.at(-1)).toBe('rate_limited');
  });

  it("turns Hono's HTTPException into the error shape", async () => {
    const res = await app.request('/http-exception');
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: { code: 'http_error', message: 'who are you' } });
    expect(codes.at(-1)).toBe('http_error');
  });

  it('answers anything else with a 500 that says nothing of the internals, logged under the request id', async () => {
    const res = await app.request('/bug');
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toContain('secret internals');
    const body = JSON.parse(text) as { error: { code: string; details: { requestId: string } } };
    expect(body.error.code).toBe('internal');
    const logged = lines.find((l) => l.msg === 'unhandled error')!;
    expect(logged).toMatchObject({ level: 'error', route: '/bug', requestId: body.error.details.requestId });
    expect(String(logged.error)).toContain('secret internals');
  });

  it('answers an unknown route with 404 not_found', async () => {
    const res = await app.request('/nowhere', { method: 'DELETE' });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: 'not_found', message: 'no route DELETE /nowhere' } });
  });

  it('leaves the error code unset when nothing failed', async () => {
    const ok = new Hono();
    let code: string | undefined = 'unset';
    ok.use(async (c, next) => {
      await next();
      code = c.get('errorCode');
    });
    ok.get('/', (c) => c.text('fine'));
    await ok.request('/');
    expect(code).toBeUndefined();
  });
});
