/**
 * The Meilisearch side: errors say what to do, transient faults are retried, permanent ones are
 * not, batches are acknowledged in order whatever order they finish in.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateDataset } from '../../indexer/generate.ts';
import { runIndex } from '../../indexer/run.ts';
import { BatchUploader, explain, MeiliAdmin, MeiliError, type UploadBatch } from '../../indexer/uploader.ts';
import { freePort } from '../../src/meili/embedded.ts';
import { testMeili, uniqueIndex } from '../helpers/meili.ts';

const dir = mkdtempSync(join(tmpdir(), 'oa-up-'));
const { url, masterKey, client } = testMeili();
const created: string[] = [];
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  for (const uid of created) await client.deleteIndex(uid).waitTask().catch(() => {});
});

describe('MeiliAdmin', () => {
  it('retries an unreachable server, then fails with a clear, transient error', async () => {
    const logs: string[] = [];
    const dead = `http://127.0.0.1:${await freePort()}`; // nothing listens there
    const admin = new MeiliAdmin({ url: dead }, { retries: 2, backoffMs: 5, log: (l) => logs.push(l) });
    for (const body of [undefined, Buffer.from('{}\n')]) {
      logs.length = 0;
      const err = (await admin.requestWithRetry(body ? 'POST' : 'GET', '/health', body).catch((e: unknown) => e)) as MeiliError;
      expect(err).toBeInstanceOf(MeiliError);
      expect(err.message).toContain(`cannot reach Meilisearch at ${dead}`);
      expect(err.info).toMatchObject({ code: 'ECONNREFUSED', transient: true });
      expect(logs.filter((l) => l.startsWith('retrying'))).toHaveLength(2);
    }
  });

  it('does not retry a wrong key, and says which variable to set', async () => {
    const logs: string[] = [];
    const admin = new MeiliAdmin({ url, apiKey: 'wrong' }, { retries: 3, backoffMs: 5, log: (l) => logs.push(l) });
    const err = (await admin.requestWithRetry('GET', '/indexes').catch((e: unknown) => e)) as MeiliError;
    expect(err.info.transient).toBe(false);
    expect(err.message).toMatch(/HTTP 403.*MEILI_MASTER_KEY/);
    expect(logs).toEqual([]);
  });

  it('explains payload-too-large and disk-full errors', () => {
    expect(explain('payload_too_large', 'The provided payload reached the size limit.', 413)).toMatch(/Lower --batch-mb/);
    expect(explain('no_space_left_on_device', 'No space left on device')).toMatch(/ran out of disk space.*re-run the same command to resume/);
    const admin = new MeiliAdmin({ url });
    const failed = admin.taskError(
      { uid: 7, status: 'failed', type: 'documentAdditionOrUpdate', indexUid: 'x', error: { message: 'No space left', code: 'no_space_left_on_device', type: 'system' } },
      'batch 3',
    );
    expect(failed.info.transient).toBe(false);
    expect(failed.message).toMatch(/^batch 3: Meilisearch task 7 failed: Meilisearch ran out of disk space/);
    expect(admin.taskError({ uid: 8, status: 'failed', type: 'x', indexUid: 'x', error: { message: 'boom', code: 'internal', type: 'internal' } }, 'b').info.transient).toBe(true);
  });
});

describe('BatchUploader', () => {
  it('acknowledges batches in order, whatever order they finish in', async () => {
    const uid = uniqueIndex('up_order');
    created.push(uid);
    const admin = new MeiliAdmin({ url, apiKey: masterKey });
    await admin.prepareIndex(uid);
    const acked: number[] = [];
    const up = new BatchUploader(admin, uid, { concurrency: 3, onAcknowledged: (b) => acked.push(b.seq) });
    const doc = (i: number) => JSON.stringify({ id: `d${i}`, applicationId: '1', Patent_PGPub: '2', form892: 1, form1449: 0, citationInOA: 0 });
    const sizes = [300, 0, 2, 1];
    let next = 0;
    for (const [seq, n] of sizes.entries()) {
      const lines = Array.from({ length: n }, () => doc(next++)).join('\n');
      const batch: UploadBatch = { seq, body: Buffer.from(lines), documents: n, firstLine: seq, lastLine: seq };
      await up.submit(batch);
    }
    await up.drain();
    expect(acked).toEqual(sizes.map((_, i) => i));
    expect(up.documentsAcknowledged).toBe(next);
    expect(await admin.documentCount(uid)).toBe(next);
  });

  it('fails loudly on a failed task, naming the batch, and keeps the checkpoint where it was', async () => {
    const uid = uniqueIndex('up_fail');
    created.push(uid);
    await client.createIndex(uid, { primaryKey: 'other' }).waitTask();
    const ds = await generateDataset(join(dir, 'ds'), { officeActions: 10, seed: 5 });
    const err = (await runIndex({
      citations: ds.citations,
      officeActions: ds.officeActions,
      index: uid,
      meili: { url, apiKey: masterKey },
      checkpointDir: join(dir, 'cp'),
    }).catch((e: unknown) => e)) as MeiliError;
    expect(err).toBeInstanceOf(MeiliError);
    expect(err.message).toMatch(/batch 1 \(input lines 2-\d+, \d+ documents\): Meilisearch task \d+ failed: .*primary key/i);
    expect(err.info.transient).toBe(false);
    expect(existsSync(join(dir, 'cp')) ? readdirSync(join(dir, 'cp')) : []).toEqual([]); // nothing acknowledged
  });
});
