/** `npm run bench` refuses bad flags with one line and exit 2, before it starts anything. */
import { describe, expect, it } from 'vitest';
import { runScript } from './helpers/run-script.ts';

describe('npm run bench flags', () => {
  it.each([
    [['--sizes', '100000,12x'], 'bench: --sizes: "12x" is not a row count >= 1000'],
    [['--only', 'parse,nope'], 'bench: --only: unknown phase "nope"'],
    [['--bogus'], "bench: Unknown option '--bogus'"],
  ])('%j', async (args, message) => {
    const run = await runScript('bench/run.ts', args, { PATH: process.env.PATH ?? '' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stderr).toContain('usage: npm run bench');
    expect(run.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  });
});
