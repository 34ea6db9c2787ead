/**
 * The compose deployment's key handoff, against the test run's real Meilisearch: the setup
 * one-shot (src/meili/setup-cli.ts, holding the master key) ensures the gateway's search-only key
 * and writes it to a file; a gateway process started with only MEILI_URL + MEILI_SEARCH_KEY_FILE
 * (no master key in its environment) is ready and serves searches; the key cannot write.
 */
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { GATEWAY_KEY_ACTIONS, gatewayKeyUid } from '../../src/meili/connect.ts';
import { testMeili, uniqueIndex } from '../helpers/meili.ts';
import { runScript } from '../helpers/run-script.ts';

const root = new URL('../..', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'oa-keys-'));
const { url, masterKey, client } = testMeili();
const index = uniqueIndex('deploy');
const rejectionsIndex = `${index}_rej`;
const SAMPLE_REJECTIONS = 5_616; // rejection rows of samples/rejections.csv.gz (samples/README.md)
const keyFile = join(dir, 'keys', 'search.key');
const SAMPLE_ROWS = 38_831; // citation rows of samples/citations.csv.gz (samples/README.md)

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await client.deleteKey(gatewayKeyUid([index, rejectionsIndex])).catch(() => {});
  await client.deleteIndex(index).waitTask().catch(() => {});
  await client.deleteIndex(rejectionsIndex).waitTask().catch(() => {});
});

/** A child with exactly `env` (plus PATH): nothing leaks in from the test's own environment. */
const run = (script: string, args: string[], env: Record<string, string>) => runScript(script, args, { PATH: process.env.PATH ?? '', ...env });

const setup = (args: string[], env: Record<string, string> = {}) =>
  run('src/meili/setup-cli.ts', args, { MEILI_URL: url, MEILI_MASTER_KEY: masterKey, OA_INDEX: index, OA_REJECTIONS_INDEX: rejectionsIndex, ...env });

describe('MEILI_SEARCH_KEY_FILE', () => {
  it('is read (trimmed) into MEILI_SEARCH_KEY; a missing or empty file or both variables are errors naming it', () => {
    const f = join(dir, 'k1');
    writeFileSync(f, '  abc123\n');
    expect(loadConfig({ MEILI_SEARCH_KEY_FILE: f }).MEILI_SEARCH_KEY).toBe('abc123');
    expect(() => loadConfig({ MEILI_SEARCH_KEY_FILE: join(dir, 'nope') })).toThrow(ConfigError);
    expect(() => loadConfig({ MEILI_SEARCH_KEY_FILE: join(dir, 'nope') })).toThrow(/MEILI_SEARCH_KEY_FILE: cannot read .*nope \(ENOENT\)/);
    writeFileSync(join(dir, 'empty'), '\n');
    expect(() => loadConfig({ MEILI_SEARCH_KEY_FILE: join(dir, 'empty') })).toThrow(/MEILI_SEARCH_KEY_FILE: .*empty is empty/);
    expect(() => loadConfig({ MEILI_SEARCH_KEY_FILE: f, MEILI_SEARCH_KEY: 'x' })).toThrow(/not both/);
  });
});

describe('the setup one-shot and a gateway holding only the search key', () => {
  it('setup refuses to run without the master key, without --key-file, or when Meilisearch does not answer', async () => {
    const noMaster = await run('src/meili/setup-cli.ts', ['--key-file', join(dir, 'x.key')], { MEILI_URL: url, OA_INDEX: index });
    expect(noMaster.code).toBe(2);
    expect(noMaster.stderr).toMatch(/MEILI_URL and MEILI_MASTER_KEY are required/);
    const noFile = await setup([]);
    expect(noFile.code).toBe(2);
    expect(noFile.stderr).toMatch(/--key-file <path> is required/);
    const down = await setup(['--key-file', join(dir, 'x.key'), '--wait', '0'], { MEILI_URL: 'http://127.0.0.1:9' });
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/did not answer \/health/);
  });

  it('setup loads the sample into the empty index and writes the read-only key (0600, HMAC of its uid); a re-run keeps the same key', async () => {
    const first = await setup(['--key-file', keyFile], { LOAD_SAMPLE: 'true' });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).not.toContain(masterKey);

    const key = readFileSync(keyFile, 'utf8').trim();
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(first.stdout).not.toContain(key);
    // One key for both data sets' indexes.
    const uid = gatewayKeyUid([index, rejectionsIndex]);
    // Meilisearch derives a key from its uid and the master key: the value is stable.
    expect(key).toBe(createHmac('sha256', masterKey).update(uid).digest('hex'));
    const stored = await client.getKey(uid);
    expect(stored.key).toBe(key);
    expect([...stored.actions].sort()).toEqual([...GATEWAY_KEY_ACTIONS].sort());
    expect(stored.indexes).toEqual([index, rejectionsIndex]);
    expect(stored.expiresAt).toBeNull();
    // Rows repeating an (app_id, ifw_number, parsed) triple share a document: a few fewer documents than rows.
    const documents = (await client.index(index).getStats()).numberOfDocuments;
    expect(documents).toBeGreaterThan(SAMPLE_ROWS * 0.99);
    expect(documents).toBeLessThanOrEqual(SAMPLE_ROWS);
    const rejections = (await client.index(rejectionsIndex).getStats()).numberOfDocuments;
    expect(rejections).toBeGreaterThan(SAMPLE_REJECTIONS * 0.99);
    expect(rejections).toBeLessThanOrEqual(SAMPLE_REJECTIONS);

    const keysBefore = (await client.getKeys({ limit: 1000 })).results.length;
    const again = await setup(['--key-file', keyFile], { LOAD_SAMPLE: 'true' });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/sample not loaded/);
    expect(readFileSync(keyFile, 'utf8').trim()).toBe(key);
    expect((await client.getKeys({ limit: 1000 })).results.length).toBe(keysBefore);
  });

  it('the gateway with only MEILI_URL + MEILI_SEARCH_KEY_FILE is ready and searches; LOAD_SAMPLE is ignored', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: root,
      // No MEILI_MASTER_KEY, and LOAD_SAMPLE left at its default (true).
      env: { PATH: process.env.PATH ?? '', MEILI_URL: url, MEILI_SEARCH_KEY_FILE: keyFile, OA_INDEX: index, OA_REJECTIONS_INDEX: rejectionsIndex, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    try {
      const base = await new Promise<string>((ok, fail) => {
        const timer = setTimeout(() => fail(new Error(`gateway did not start:\n${out}`)), 30_000);
        child.stderr.on('data', () => {
          const m = /listening on (http:\/\/\S+)/.exec(out);
          if (m) {
            clearTimeout(timer);
            ok(m[1]!);
          }
        });
        child.once('exit', (code) => fail(new Error(`gateway exited (${code}):\n${out}`)));
      });
      expect(out).toMatch(/LOAD_SAMPLE ignored: the gateway holds only a search key/);

      const ready = await fetch(`${base}/ready`);
      expect(ready.status).toBe(200);
      const legacy = await fetch(`${base}/ds-api/oa_citations/v1/records`, { method: 'POST', body: new URLSearchParams({ criteria: 'form892:1', rows: '2' }) });
      expect(legacy.status).toBe(200);
      const body = (await legacy.json()) as { response: { numFound: number; docs: unknown[] } };
      expect(body.response.numFound).toBeGreaterThan(0);
      expect(body.response.docs).toHaveLength(2);
      const rejections = await fetch(`${base}/ds-api/oa_rejections/v1/records`, { method: 'POST', body: new URLSearchParams({ criteria: 'actionType:103', rows: '1' }) });
      expect(rejections.status).toBe(200);
      expect(((await rejections.json()) as { response: { numFound: number } }).response.numFound).toBeGreaterThan(0);
      const modern = await fetch(`${base}/api/v1/search?q=&facets=formType`);
      expect(modern.status).toBe(200);
      // `*infix*` needs the containsFilter feature, which the setup (not the gateway) enabled.
      const infix = await fetch(`${base}/ds-api/oa_citations/v1/records`, { method: 'POST', body: new URLSearchParams({ criteria: 'Patent_PGPub:*00*', rows: '1' }) });
      expect(infix.status).toBe(200);

      const key = readFileSync(keyFile, 'utf8').trim();
      expect(out).not.toContain(key);
      expect(out).not.toContain(masterKey);
    } finally {
      const gone = new Promise((ok) => child.once('exit', ok));
      child.kill('SIGTERM');
      await gone;
    }
  });

  it('the search key cannot write, manage keys or reach another index', async () => {
    const key = readFileSync(keyFile, 'utf8').trim();
    const call = (method: string, path: string, body?: unknown) =>
      fetch(`${url}${path}`, {
        method,
        headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      }).then((r) => r.status);
    expect(await call('POST', `/indexes/${index}/search`, { q: '', limit: 1 })).toBe(200);
    expect(await call('POST', `/indexes/${index}/documents`, [{ id: 'x' }])).toBe(403);
    expect(await call('DELETE', `/indexes/${index}/documents`)).toBe(403);
    expect(await call('PATCH', `/indexes/${index}/settings`, { filterableAttributes: [] })).toBe(403);
    expect(await call('DELETE', `/indexes/${index}`)).toBe(403);
    expect(await call('POST', '/indexes', { uid: `${index}_other` })).toBe(403);
    expect(await call('POST', '/swap-indexes', [{ indexes: [index, `${index}_other`] }])).toBe(403);
    expect(await call('GET', '/keys')).toBe(403);
    expect(await call('POST', '/dumps')).toBe(403);
    expect(await call('POST', `/indexes/${index}_other/search`, { q: '' })).toBe(403);
  });
});
