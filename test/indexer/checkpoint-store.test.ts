/**
 * A checkpoint's files: removing it also removes the temp file a run killed while writing it left
 * behind (a run killed between writing the temp file and renaming it into place), but never the
 * temp file of a run still alive.
 */
import { spawnSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CheckpointStore } from '../../indexer/checkpoint.ts';

const dir = mkdtempSync(join(tmpdir(), 'oa-cp-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('CheckpointStore.remove', () => {
  it("removes the checkpoint and a killed run's temp file, keeping a live run's and other checkpoints'", () => {
    const store = new CheckpointStore(dir, { index: 'idx', reindex: false });
    const other = new CheckpointStore(dir, { index: 'other', reindex: false });
    store.save({ version: 2, key: store.key } as never);
    other.save({ version: 2, key: other.key } as never);
    // A process that has ended: its id names no running process.
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    const live = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      const stale = `${store.path}.${dead}.tmp`;
      const running = `${store.path}.${live.pid}.tmp`;
      const others = `${other.path}.${dead}.tmp`;
      for (const f of [stale, running, others]) writeFileSync(f, '{');
      store.remove();
      expect(existsSync(store.path)).toBe(false);
      expect(existsSync(stale)).toBe(false);
      expect(existsSync(running)).toBe(true);
      expect(existsSync(others)).toBe(true);
      expect(existsSync(other.path)).toBe(true);
    } finally {
      live.kill('SIGKILL');
    }
    // Nothing written yet: nothing to remove, and no error.
    expect(() => new CheckpointStore(join(dir, 'none'), { index: 'x', reindex: false }).remove()).not.toThrow();
    expect(readdirSync(dir).length).toBeGreaterThan(0);
  });
});
