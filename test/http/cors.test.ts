import { describe, expect, it } from 'vitest';
import { corsFor } from '../../src/http/middleware/cors.ts';
import { tinyApp } from './support.ts';

function appFor(origins: string[]) {
  const app = tinyApp([corsFor(origins)]);
  app.get('/api/v1/search', (c) => c.json({}));
  return app;
}

describe('corsFor', () => {
  it('allows the configured origins only', async () => {
    const app = appFor(['https://a.example', 'https://b.example']);
    const allowed = await app.request('/api/v1/search', { headers: { Origin: 'https://b.example' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://b.example');
    const other = await app.request('/api/v1/search', { headers: { Origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).not.toBe('https://evil.example');
  });

  it('allows any origin for *', async () => {
    const res = await appFor(['*']).request('/api/v1/search', { headers: { Origin: 'https://any.example' } });
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('answers preflights for the API key header, cached ten minutes', async () => {
    const res = await appFor(['https://a.example']).request('/api/v1/search', {
      method: 'OPTIONS',
      headers: { Origin: 'https://a.example', 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'X-API-KEY' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-headers')).toMatch(/X-API-KEY/i);
    expect(res.headers.get('access-control-max-age')).toBe('600');
  });
});
