import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, envSchema, loadConfig } from '../src/config.ts';

describe('configuration', () => {
  it('the README configuration table names exactly the variables the code reads', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('## Security'));
    const documented = [...section.matchAll(/^\| `([A-Z_]+)`(?: \/ `([A-Z_]+)`)?/gm)].flatMap((m) => [m[1], m[2]].filter(Boolean));
    expect(documented.sort()).toEqual(Object.keys(envSchema.shape).sort());
  });

  it('has sensible defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ OA_INDEX: 'oa_citations', PORT: 8080, HOST: '127.0.0.1', MAX_ROWS: 1000, LOAD_SAMPLE: true });
    expect(c.MEILI_URL).toBeUndefined();
  });

  it('says which variable is wrong', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ MEILI_URL: 'not a url' })).toThrow(/MEILI_URL/);
    expect(() => loadConfig({ MAX_DEPTH: '100' })).toThrow(/MAX_DEPTH/);
    expect(loadConfig({ API_KEYS: 'a, b ,,c' }).API_KEYS).toEqual(['a', 'b', 'c']);
  });

  it('refuses bad values of the hardening settings, naming them', () => {
    expect(() => loadConfig({ PUBLIC_URL: 'ftp://oa.example.org' })).toThrow(/PUBLIC_URL: must be an http\(s\) URL/);
    expect(loadConfig({ PUBLIC_URL: 'https://oa.example.org/' }).PUBLIC_URL).toBe('https://oa.example.org');
    expect(() => loadConfig({ MAX_FILTER_COST: '0' })).toThrow(/MAX_FILTER_COST/);
    expect(() => loadConfig({ MEILI_MAX_HEAVY: 'one' })).toThrow(/MEILI_MAX_HEAVY/);
    expect(() => loadConfig({ MAX_CONNECTIONS: '2' })).toThrow(/MAX_CONNECTIONS/);
    expect(() => loadConfig({ EXPORT_IDLE_TIMEOUT_MS: '10' })).toThrow(/EXPORT_IDLE_TIMEOUT_MS/);
    expect(() => loadConfig({ WEB_PUBLIC: 'maybe' })).toThrow(/WEB_PUBLIC/);
    // Node refuses a headers timeout above the request timeout: a configuration error, not a crash at listen.
    expect(() => loadConfig({ CLIENT_HEADERS_TIMEOUT_MS: '60000' })).toThrow(ConfigError);
    expect(() => loadConfig({ CLIENT_HEADERS_TIMEOUT_MS: '60000' })).toThrow(/CLIENT_HEADERS_TIMEOUT_MS: must not exceed CLIENT_REQUEST_TIMEOUT_MS \(30000\)/);
    expect(loadConfig({ CLIENT_HEADERS_TIMEOUT_MS: '60000', CLIENT_REQUEST_TIMEOUT_MS: '60000' }).CLIENT_HEADERS_TIMEOUT_MS).toBe(60_000);
  });
});
