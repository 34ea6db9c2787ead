/**
 * Parse-only throughput: read + validate + join + derive (buildRecords), no upload.
 *
 *   npx tsx tools/measure/measure-build.ts --citations <file> [--office-actions <file>]
 *
 * Prints rows/s over the citations pass (the office-action load is timed separately) and the
 * process's peak RSS. A dev tool for tuning the indexer's hot path; not part of the runtime image.
 */
import { parseArgs } from 'node:util';
import { RunCounters } from '../../indexer/counters.ts';
import { loadOfficeActions } from '../../indexer/office-actions.ts';
import { RecordStream } from '../../indexer/record-stream.ts';
import { buildRecords } from '../../indexer/run.ts';
import { openCsv } from '../../indexer/sources.ts';

export interface BuildMeasurement {
  rows: number;
  records: number;
  rejected: number;
  officeActionSeconds: number;
  citationSeconds: number;
  rowsPerSecond: number;
  maxRssMb: number;
}

/** Times the two phases separately (the run's record stream, as buildRecords reads it, with the load timed apart). */
export async function measureBuild(citations: string, officeActions?: string): Promise<BuildMeasurement> {
  const t0 = performance.now();
  const map = officeActions ? (await loadOfficeActions(officeActions)).map : undefined;
  const t1 = performance.now();
  const reader = await openCsv(citations, { what: 'citations' });
  const counters = RunCounters.from();
  try {
    for await (const chunk of new RecordStream(reader, map, counters).chunks()) for (const _row of chunk.rows);
  } finally {
    reader.close();
  }
  const t2 = performance.now();
  const { rowsRead: rows, rejected } = counters.c;
  return {
    rows,
    records: rows - rejected,
    rejected,
    officeActionSeconds: (t1 - t0) / 1000,
    citationSeconds: (t2 - t1) / 1000,
    rowsPerSecond: rows / ((t2 - t1) / 1000),
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { citations: { type: 'string' }, 'office-actions': { type: 'string' }, api: { type: 'boolean' } } });
  if (!values.citations) {
    process.stderr.write('usage: npx tsx tools/measure/measure-build.ts --citations <file> [--office-actions <file>] [--api]\n');
    process.exit(2);
  }
  if (values.api) {
    // through the public generator, end to end (office-action load included)
    const t0 = performance.now();
    let n = 0;
    for await (const chunk of buildRecords({ citations: values.citations, officeActions: values['office-actions'] })) n += chunk.length;
    const s = (performance.now() - t0) / 1000;
    process.stdout.write(`buildRecords: ${n} records in ${s.toFixed(2)} s (${Math.round(n / s)} records/s incl. office-action load), max RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB\n`);
  } else {
    const m = await measureBuild(values.citations, values['office-actions']);
    process.stdout.write(
      `office actions loaded in ${m.officeActionSeconds.toFixed(2)} s; citations: ${m.rows} rows (${m.records} records, ${m.rejected} rejected) ` +
        `in ${m.citationSeconds.toFixed(2)} s = ${Math.round(m.rowsPerSecond).toLocaleString('en-US')} rows/s; max RSS ${m.maxRssMb.toFixed(0)} MB\n`,
    );
  }
}
