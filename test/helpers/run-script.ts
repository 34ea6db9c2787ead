/** Runs one of the project's TypeScript entry points as a child process, as users run them. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

export interface ScriptRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

const ROOT = join(import.meta.dirname, '../..');

/**
 * `node --import tsx <script> ...args` in the project root, with exactly `env` (pass PATH, or
 * process.env, explicitly: nothing leaks in otherwise). `onSpawn` gets a SIGKILL for the child.
 */
export function runScript(script: string, args: string[], env: NodeJS.ProcessEnv, onSpawn?: (kill: () => void) => void): Promise<ScriptRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    onSpawn?.(() => child.kill('SIGKILL'));
  });
}
