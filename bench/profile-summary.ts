/**
 * Summarises a V8 .cpuprofile (from `--cpu-prof`, e.g. written by `npm run bench -- --profile`
 * into bench/profiles/): the functions with the most self time and the most inclusive time,
 * with file:line, and self time grouped by file.
 *
 *   npx tsx bench/profile-summary.ts bench/profiles/parse.cpuprofile [--top 25] [--filter text]
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT } from './lib.ts';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
  children?: number[];
}

interface Profile {
  nodes: Node[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

const { values, positionals } = parseArgs({
  options: { top: { type: 'string', default: '25' }, filter: { type: 'string' } },
  allowPositionals: true,
});
const given = positionals[0];
if (!given) throw new Error('usage: profile-summary.ts <file.cpuprofile | dir> [--top N] [--filter text]');
/**
 * A directory written by --cpu-prof-dir holds one profile per thread (CPU.<date>.<time>.<pid>.<tid>.<seq>):
 * the main thread is tid 0 (tsx's loader-hooks thread writes one too).
 */
function mainThreadProfile(dir: string): string {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  const main = files.filter((f) => f.split('.')[4] === '0');
  const pick = (main.length ? main : files).sort((a, b) => statSync(join(dir, b)).size - statSync(join(dir, a)).size)[0];
  if (!pick) throw new Error(`no .cpuprofile in ${dir}`);
  return join(dir, pick);
}
const file = statSync(given).isDirectory() ? mainThreadProfile(given) : given;
const top = Number(values.top);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;

// Time per sample: the deltas when present, else an even split of the profile's duration.
const selfUs = new Map<number, number>();
if (profile.samples && profile.timeDeltas) {
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    const dt = profile.timeDeltas[i + 1] ?? profile.timeDeltas[i] ?? 0;
    selfUs.set(id, (selfUs.get(id) ?? 0) + Math.max(0, dt));
  }
} else {
  const hits = profile.nodes.reduce((s, n) => s + (n.hitCount ?? 0), 0);
  const per = (profile.endTime - profile.startTime) / Math.max(hits, 1);
  for (const n of profile.nodes) selfUs.set(n.id, (n.hitCount ?? 0) * per);
}
const total = [...selfUs.values()].reduce((a, b) => a + b, 0);

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

function label(n: Node): string {
  const f = n.callFrame;
  const name = f.functionName || '(anonymous)';
  if (!f.url) return name;
  let where = f.url.replace(/^file:\/\//, '');
  if (where.startsWith('/')) where = relative(ROOT, where);
  return `${name}  ${where}:${f.lineNumber + 1}`;
}

const self = new Map<string, number>();
const inclusive = new Map<string, number>();
const byFile = new Map<string, number>();
for (const [id, us] of selfUs) {
  const n = byId.get(id)!;
  const key = label(n);
  self.set(key, (self.get(key) ?? 0) + us);
  const url = n.callFrame.url ? relative(ROOT, n.callFrame.url.replace(/^file:\/\//, '')) : `(${n.callFrame.functionName || 'native'})`;
  byFile.set(url, (byFile.get(url) ?? 0) + us);
  // Inclusive: every distinct frame on the stack gets the sample once.
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const k = label(byId.get(cur)!);
    if (seen.has(k)) continue;
    seen.add(k);
    inclusive.set(k, (inclusive.get(k) ?? 0) + us);
  }
}

const pct = (us: number) => `${((100 * us) / total).toFixed(1).padStart(5)} %`;
const ms = (us: number) => `${(us / 1000).toFixed(0).padStart(7)} ms`;
const show = (title: string, m: Map<string, number>) => {
  const rows = [...m].filter(([k]) => !values.filter || k.includes(values.filter)).sort((a, b) => b[1] - a[1]).slice(0, top);
  process.stdout.write(`\n${title}\n`);
  for (const [k, us] of rows) process.stdout.write(`${pct(us)} ${ms(us)}  ${k}\n`);
};
process.stdout.write(`${file}: ${(total / 1e6).toFixed(2)} s sampled\n`);
show('self time by function', self);
show('inclusive time by function', inclusive);
show('self time by file', byFile);
