/**
 * Parse-only throughput, in a process of its own (pinned to one CPU by bench/parse.ts):
 * buildRecords = CSV read + validate + join + derive, no upload, no serialisation.
 *
 *   node --import tsx bench/parse-worker.ts <citations.csv> <office_actions.csv> <passes>
 *
 * Each pass reads both files from the start (the office-action map is rebuilt each time, as a run
 * would). Prints one JSON line: { rows, passes: [{ seconds, rowsPerSecond }], ndjsonBytesPerRow }.
 */
import { buildRecords } from '../indexer/run.ts';

const [citations, officeActions, passesArg] = process.argv.slice(2);
if (!citations || !officeActions) throw new Error('usage: parse-worker.ts <citations> <office_actions> [passes]');
const passes = Number(passesArg ?? 3);

const results: { seconds: number; rowsPerSecond: number }[] = [];
let rows = 0;
let rejected = 0;
let sample = 0;
let sampleBytes = 0;
for (let p = 0; p < passes; p++) {
  rows = 0;
  rejected = 0;
  const t0 = performance.now();
  for await (const records of buildRecords({ citations, officeActions, onReject: () => void rejected++ })) {
    rows += records.length;
    // Size of the NDJSON the indexer would send, from a small sample, outside the timing that
    // matters (first pass only; the median of the passes is reported).
    if (p === 0 && sample < 2000) {
      for (const r of records.slice(0, 50)) {
        sampleBytes += Buffer.byteLength(JSON.stringify(r)) + 1;
        sample++;
      }
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  results.push({ seconds, rowsPerSecond: (rows + rejected) / seconds });
}
process.stdout.write(
  `${JSON.stringify({ rows: rows + rejected, records: rows, rejected, passes: results, ndjsonBytesPerRow: sample ? sampleBytes / sample : null })}\n`,
);
