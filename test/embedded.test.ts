import { mkdtempSync, rmSync, statSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedMeili } from '../src/meili/embedded.ts';

describe('embedded Meilisearch runner', () => {
  const dir = mkdtempSync(join(tmpdir(), 'oa-embedded-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('starts the pinned binary on loopback with a 0600 master key, refuses keyless calls, and stops', async () => {
    const meili = await startEmbeddedMeili({ dataDir: dir });
    try {
      expect(meili.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const keyFile = join(dir, 'master.key');
      expect(statSync(keyFile).mode & 0o777).toBe(0o600);
      expect(readFileSync(keyFile, 'utf8').trim()).toBe(meili.masterKey);
      const version = await fetch(`${meili.url}/version`, { headers: { Authorization: `Bearer ${meili.masterKey}` } });
      expect(((await version.json()) as { pkgVersion: string }).pkgVersion).toBe('1.21.0');
      const anonymous = await fetch(`${meili.url}/indexes`);
      expect(anonymous.status).toBe(401);
    } finally {
      await meili.stop();
    }
    expect(meili.process.exitCode !== null || meili.process.signalCode !== null).toBe(true);
    // The key survives a restart: same data dir, same key.
    const again = await startEmbeddedMeili({ dataDir: dir });
    try {
      expect(again.masterKey).toBe(meili.masterKey);
    } finally {
      await again.stop();
    }
  });
});
