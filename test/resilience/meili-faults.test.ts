/**
 * Meilisearch stops mid-load and comes back: clients get 503 + Retry-After within a second (no
 * hanging, no 500), /ready turns false while /health stays true, and service resumes by itself.
 * Uses its own real Meilisearch process, killed with SIGKILL and restarted on the same port.
 */
import { Meilisearch } from 'meilisearch';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { createLogger } from '../../src/http/log.ts';
import { adminOn, searchKeyFor } from '../../src/meili/connect.ts';
import { startEmbeddedMeili, type EmbeddedMeili } from '../../src/meili/embedded.ts';
import { MeiliReader } from '../../src/meili/reader.ts';
import { TEST_CONFIG } from '../helpers/config.ts';
import { createSmallIndex } from '../helpers/small-index.ts';

const dir = mkdtempSync(join(tmpdir(), 'oa-faults-'));
let meili: EmbeddedMeili | undefined;
afterAll(async () => {
  await meili?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('Meilisearch killed and restarted under load', () => {
  it('answers 503 quickly while it is down and recovers without a restart of the gateway', async () => {
    meili = await startEmbeddedMeili({ dataDir: dir });
    const port = Number(new URL(meili.url).port);
    const admin = adminOn(meili.url, meili.masterKey);
    await createSmallIndex(new Meilisearch({ host: meili.url, apiKey: meili.masterKey }), 'faults');
    const key = await searchKeyFor(admin, 'faults');
    const reader = new MeiliReader({ url: meili.url, apiKey: key, index: 'faults', timeoutMs: 1000 });
    const app = createApp({ reader, config: TEST_CONFIG, log: createLogger('silent') });
    const ask = async () => {
      const started = Date.now();
      const res = await app.request('/ds-api/oa_citations/v1/records', { method: 'POST', body: new URLSearchParams({ criteria: 'form892:1', rows: '5' }) });
      return { status: res.status, ms: Date.now() - started, retryAfter: res.headers.get('retry-after'), body: await res.text() };
    };

    const before = await ask();
    expect(before.status, before.body).toBe(200);
    expect(JSON.parse(before.body).response.numFound).toBe(100);

    // Load in the background while Meilisearch dies.
    const statuses: number[] = [];
    let loading = true;
    const load = (async () => {
      while (loading) statuses.push((await ask()).status);
    })();
    await new Promise((r) => setTimeout(r, 200));
    meili.process.kill('SIGKILL');
    await new Promise<void>((ok) => meili!.process.once('exit', () => ok()));

    const down = await ask();
    expect(down.status).toBe(503);
    expect(down.retryAfter).toBe('1');
    expect(down.ms).toBeLessThan(1000);
    expect(JSON.parse(down.body).error.message).toMatch(/Meilisearch/);
    expect((await app.request('/ready')).status).toBe(503);
    expect((await app.request('/health')).status).toBe(200);

    meili = await startEmbeddedMeili({ dataDir: dir, port });
    let after = await ask();
    for (let i = 0; i < 50 && after.status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 100));
      after = await ask();
    }
    loading = false;
    await load;
    expect(after.status, after.body).toBe(200);
    expect(JSON.parse(after.body).response.numFound).toBe(100);
    expect((await app.request('/ready')).status).toBe(200);
    // Under the whole episode: only successes and 503s, never a 500.
    expect(statuses.length).toBeGreaterThan(3);
    expect(statuses.filter((s) => s !== 200 && s !== 503)).toEqual([]);
  });
});
