/**
 * Starts one real Meilisearch (the pinned binary) for the test run: own free port, own temp data
 * dir, removed afterwards. Tests reach it through `inject('meili')` (see ../helpers/meili.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedMeili } from '../../src/meili/embedded.ts';

export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'oa-test-meili-'));
  const meili = await startEmbeddedMeili({ dataDir: dir });
  const res = await fetch(`${meili.url}/experimental-features`, {
    method: 'PATCH',
    headers: { Authorization: `Bearer ${meili.masterKey}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ containsFilter: true }),
  });
  if (!res.ok) throw new Error(`could not enable experimental features: ${await res.text()}`);
  project.provide('meili', { url: meili.url, masterKey: meili.masterKey, dataDir: dir, pid: meili.process.pid ?? 0 });
  return async () => {
    await meili.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    meili: { url: string; masterKey: string; dataDir: string; pid: number };
  }
}
