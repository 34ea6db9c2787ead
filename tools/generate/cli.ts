/**
 * npm run generate -- --out <dir> --office-actions <N> [--seed S] [--format csv|csv.gz|zip] [--bad-rows]
 *
 * Writes OARD-format sample data (see ./dataset.ts) and prints what it wrote: the command-line
 * face of the generator, for making data sets by hand (the bundled sample, large benchmark
 * inputs); tests and benchmarks call generateDataset directly.
 */
import { parseArgs } from 'node:util';
import { FORMATS, generateDataset, type OutputFormat } from './dataset.ts';

const USAGE = `usage: npm run generate -- --out <dir> --office-actions <N> [--seed S] [--format csv|csv.gz|zip] [--bad-rows]

  --out <dir>             directory to write into (created if missing)
  --office-actions <N>    number of office actions (about 13 citation rows and 2 rejection rows each)
  --seed <S>              PRNG seed, an integer (default 1); same seed => identical files
  --format <F>            csv (default), csv.gz, or zip (one CSV per archive)
  --bad-rows              also write citations_bad.csv / office_actions_bad.csv / rejections_bad.csv
                          with known bad rows
  -h, --help              show this help`;

function fail(message: string): never {
  process.stderr.write(`generate: ${message}\n\n${USAGE}\n`);
  process.exit(2);
}

function wholeNumber(name: string, raw: string | undefined, min: number): number {
  if (raw === undefined || !/^-?\d+$/.test(raw.trim())) fail(`${name} must be a whole number, got ${JSON.stringify(raw)}`);
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < min) fail(`${name} must be a whole number >= ${min}, got ${raw}`);
  return n;
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      out: { type: 'string' },
      'office-actions': { type: 'string' },
      seed: { type: 'string' },
      format: { type: 'string' },
      'bad-rows': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  }));
} catch (err) {
  fail((err as Error).message);
}

if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
if (!values.out) fail('--out <dir> is required');
if (values['office-actions'] === undefined) fail('--office-actions <N> is required');
const officeActions = wholeNumber('--office-actions', values['office-actions'], 0);
if (officeActions > 100_000_000) fail('--office-actions above 100000000 is not supported');
const seed = values.seed === undefined ? 1 : wholeNumber('--seed', values.seed, -(2 ** 31));
const format = (values.format ?? 'csv') as OutputFormat;
if (!FORMATS.includes(format)) fail(`--format must be one of ${FORMATS.join(', ')}, got ${JSON.stringify(values.format)}`);

const started = performance.now();
const ds = await generateDataset(values.out, { officeActions, seed, format, withBadRows: values['bad-rows'] ?? false });
const seconds = (performance.now() - started) / 1000;

const fmt = (n: number) => n.toLocaleString('en-US');
const lines = [
  `office actions  ${fmt(ds.counts.officeActions)} rows  ${ds.officeActions}`,
  `citations       ${fmt(ds.counts.citations)} rows  ${ds.citations}`,
  `rejections      ${fmt(ds.counts.rejections)} rows  ${ds.rejections}`,
  `applications    ${fmt(ds.counts.applications)}`,
  `expected        ${fmt(ds.expected.orphanCitations)} orphan, ${fmt(ds.expected.duplicateCitations)} duplicate, ${fmt(ds.expected.formOnlyCitations)} form-only (empty ifw_number) citation rows`,
  `expected        ${fmt(ds.expected.orphanRejections)} orphan, ${fmt(ds.expected.duplicateRejections)} duplicate rejection rows`,
];
if (ds.badCitations) lines.push(`bad rows        ${ds.badCitations} lines ${ds.badLines!.join(',')}`);
if (ds.badOfficeActions) lines.push(`bad rows        ${ds.badOfficeActions} lines ${ds.badOfficeActionLines!.join(',')}`);
if (ds.badRejections) lines.push(`bad rows        ${ds.badRejections} lines ${ds.badRejectionLines!.join(',')}`);
lines.push(
  `seed ${seed}, format ${format}: ${seconds.toFixed(2)} s, ${fmt(Math.round(ds.counts.citations / Math.max(seconds, 1e-9)))} citation rows/s`,
);
process.stdout.write(lines.join('\n') + '\n');
