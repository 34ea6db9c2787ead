/**
 * Parse-only throughput: read + validate + join + derive (buildRecords), no upload.
 *
 *   npx tsx indexer/measure-build.ts --citations <file> [--office-actions <file>]
 *
 * Prints rows/s over the citations pass (the office-action load is timed separately) and the
 * process's peak RSS.
 */
import { parseArgs } from 'node:util';
import { loadOfficeActions } from './office-actions.ts';
import { RecordBuilder } from './records.ts';
import { bindHeader, checkRecord } from './rules.ts';
import { buildRecords } from './run.ts';
import { openCsv } from './sources.ts';

export interface BuildMeasurement {
  rows: number;
  records: number;
  rejected: number;
  officeActionSeconds: number;
  citationSeconds: number;
  rowsPerSecond: number;
  maxRssMb: number;
}

/** Times the two phases separately (same code path as buildRecords, split to time the load apart). */
export async function measureBuild(citations: string, officeActions?: string): Promise<BuildMeasurement> {
  const t0 = performance.now();
  const map = officeActions ? (await loadOfficeActions(officeActions)).map : undefined;
  const t1 = performance.now();
  const reader = await openCsv(citations, { what: 'citations' });
  const builder = new RecordBuilder(bindHeader('citations', reader.header, citations, 'citations'), map);
  let rows = 0;
  let records = 0;
  let rejected = 0;
  for await (const chunk of reader.chunks()) {
    for (const row of chunk.rows) {
      rows++;
      const r = row.fields ? builder.build(row.fields) : 'unparseable';
      if (typeof r === 'string') rejected++;
      else if (++records % 10_000 === 0) checkRecord(r);
    }
  }
  const t2 = performance.now();
  return {
    rows,
    records,
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
    process.stderr.write('usage: npx tsx indexer/measure-build.ts --citations <file> [--office-actions <file>] [--api]\n');
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
