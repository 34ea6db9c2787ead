/**
 * Debian's Chromium for the browser tests, driven by playwright-core (which downloads no browser
 * of its own). Installed here when missing and we may (root with apt-get), as on a fresh machine
 * or in CI; otherwise the tests fail with the command to run, rather than skipping silently.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags for a closed network: no background connections, no sandbox (we run as root in CI). */
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export function ensureChromium(): void {
  if (existsSync(CHROMIUM)) return;
  const root = process.getuid?.() === 0;
  if (!root || !existsSync('/usr/bin/apt-get')) {
    throw new Error(`the browser tests need Chromium at ${CHROMIUM}: run \`apt-get install chromium\` (or set CHROMIUM_PATH)`);
  }
  process.stderr.write('browser tests: installing Debian chromium (apt-get install chromium)...\n');
  const run = (args: string[]) => execFileSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  run(['update', '-qq']);
  run(['install', '-y', '-qq', '--no-install-recommends', 'chromium']);
  if (!existsSync(CHROMIUM)) throw new Error(`apt-get installed chromium but ${CHROMIUM} is missing`);
}

export async function launchChromium(): Promise<Browser> {
  ensureChromium();
  return chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
}
