/**
 * The log's stdout writer: a turn's lines in one write, in order, after the turn; lines pending
 * when the process exits are written, whether it exits through process.exit or an exception.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger, stdoutLines } from '../../src/http/log.ts';

const ROOT = join(import.meta.dirname, '../..');

describe('stdoutLines', () => {
  it('writes the lines of one turn together, in order, once the turn is over', async () => {
    const writes: string[] = [];
    const log = createLogger('info', stdoutLines((t) => writes.push(t)));
    log.info('one', { n: 1 });
    log.info('two', { n: 2 });
    expect(writes).toEqual([]);
    await new Promise((ok) => setImmediate(ok));
    expect(writes).toHaveLength(1);
    expect(writes[0]!.split('\n').filter(Boolean).map((l) => JSON.parse(l).msg)).toEqual(['one', 'two']);
    log.info('three');
    await new Promise((ok) => setImmediate(ok));
    expect(writes).toHaveLength(2);
    expect(JSON.parse(writes[1]!).msg).toBe('three');
  });

  it.each([
    ['process.exit', 'process.exit(3)', 3],
    ['an uncaught exception', "throw new Error('boom')", 1],
  ])('writes what is pending when the process ends by %s', (_how, end, code) => {
    const script = `import { createLogger, stdoutLines } from './src/http/log.ts';
const log = createLogger('info', stdoutLines());
log.info('last words', { n: 1 });
${end};`;
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
    expect(run.status).toBe(code);
    expect(JSON.parse(run.stdout.trim())).toMatchObject({ level: 'info', msg: 'last words', n: 1 });
  });
});
