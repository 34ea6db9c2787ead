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
});
