/**
 * The Meilisearch side: errors say what to do, transient faults are retried, permanent ones are
 * not; payloads stream in, cut where the caller says, and are acknowledged in order.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateDataset } from '../../tools/generate/dataset.ts';
import { runIndex } from '../../indexer/run.ts';
import { PayloadUploader } from '../../indexer/payloads.ts';
import { explain, MeiliAdmin, MeiliError } from '../../src/meili/admin.ts';
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
    expect(explain('payload_too_large', 'The provided payload reached the size limit.', 413)).toMatch(/MEILI_HTTP_PAYLOAD_SIZE_LIMIT.*lower --batch-mb/);
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

describe('PayloadUploader', () => {
  const doc = (i: number) => `${JSON.stringify({ id: `d${i}`, applicationId: '1', Patent_PGPub: '2', flagsCitation: '0' })}\n`;

  it('streams documents into payloads cut where asked, acknowledged in order', async () => {
    const uid = uniqueIndex('up_order');
    created.push(uid);
    const admin = new MeiliAdmin({ url, apiKey: masterKey });
    await admin.prepareIndex(uid);
    const posted: number[] = [];
    const acked: string[] = [];
    const up = new PayloadUploader<string>(admin, uid, {
      maxPayloadBytes: 4096,
      onPosted: (p) => posted.push(p.taskUid),
      onAcknowledged: (p) => acked.push(p.mark),
    });
    let marks = 0;
    for (let i = 0; i < 400; i++) {
      const line = doc(i);
      const bytes = Buffer.byteLength(line);
      if (!up.fits(bytes)) await up.cut(`mark ${marks++}`);
      await up.add(line, bytes, i + 2);
    }
    const last = await up.cut(`mark ${marks++}`);
    expect(last?.lastLine).toBe(401);
    await up.drain();
    expect(marks).toBeGreaterThan(3);
    expect(posted).toHaveLength(marks);
    expect(acked).toEqual(Array.from({ length: marks }, (_, i) => `mark ${i}`));
    expect(up.documentsAcknowledged).toBe(400);
    expect(await admin.documentCount(uid)).toBe(400);
  });

  it('reports a server that refuses the payload with what to do, not a broken pipe', async () => {
    // Answers 413 at once and drops the connection, as a server does when a body is over its limit.
    const server = createServer((req, res) => {
      res.writeHead(413, { 'Content-Type': 'application/json', Connection: 'close' });
      res.end(JSON.stringify({ message: 'The provided payload reached the size limit.', code: 'payload_too_large' }));
      req.socket.destroy();
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const port = (server.address() as { port: number }).port;
    try {
      const up = new PayloadUploader<null>(new MeiliAdmin({ url: `http://127.0.0.1:${port}` }), 'x', { maxPayloadBytes: 0 });
      const err = await (async () => {
        for (let i = 0; i < 20_000; i++) await up.add(doc(i), doc(i).length, i + 2);
        await up.cut(null);
      })().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MeiliError);
      expect((err as Error).message).toMatch(/payload 1 \(input lines 2-\d+, \d+ documents\): Meilisearch answered HTTP 413.*MEILI_HTTP_PAYLOAD_SIZE_LIMIT/);
    } finally {
      server.close();
    }
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
    expect(err.message).toMatch(/payload 1 \(input lines 2-\d+, \d+ documents\): Meilisearch task \d+ failed: .*primary key/i);
    expect(err.info.transient).toBe(false);
    expect(existsSync(join(dir, 'cp')) ? readdirSync(join(dir, 'cp')) : []).toEqual([]); // nothing acknowledged
  });
});
