/**
 * OARD-format sample-data generator: `office_actions`, `citations` and `rejections` CSVs shaped like the USPTO
 * Office Action Research Dataset (see ../../../shared/reference/legacy-contract.md, "Record fields"
 * and "The OARD bulk files"). Used by tests, benchmarks (1 M+ citation rows) and the bundled
 * sample; a dev tool, not part of the runtime image. This module is the public entry point:
 * options, result and `generateDataset`; the data itself is drawn in core.ts and rejections.ts
 * (their headers describe the shape of the data).
 *
 * - Deterministic: a seeded PRNG (mulberry32, prng.ts) drives everything; same options =>
 *   byte-identical files (gzip and zip output included: no timestamps are written).
 * - Streaming: rows go through write streams with backpressure (output.ts); memory stays flat at
 *   any size.
 * - Headers come from the field catalog (`columnsOf`), values are placed by column name
 *   (rows.ts), so a catalog change re-shapes the output without touching the generator.
 */
import { mkdir } from 'node:fs/promises';
import { resolve, join } from 'node:path';
import { writeBadFiles } from './bad-rows.ts';
import { generateCore, type CoreResult } from './core.ts';
import { LineWriter, openOutput } from './output.ts';
import { CIT_COLUMNS, OA_COLUMNS, REJ_COLUMNS, RowShape } from './rows.ts';

export interface GenerateOptions {
  officeActions: number;
  /** PRNG seed (default 1). */
  seed?: number;
  /** Output format (default 'csv'). `zip` = an archive holding one `<table>.csv`. */
  format?: 'csv' | 'csv.gz' | 'zip';
  /** Also write `citations_bad.csv` / `office_actions_bad.csv` / `rejections_bad.csv` (always plain csv). */
  withBadRows?: boolean;
}

export interface GeneratedDataset {
  /** Absolute file paths. */
  citations: string;
  officeActions: string;
  rejections: string;
  badCitations?: string;
  /** 1-based physical line numbers (header = line 1) of the bad rows in `badCitations`. */
  badLines?: number[];
  badOfficeActions?: string;
  /** 1-based physical line numbers (header = line 1) of the bad rows in `badOfficeActions`. */
  badOfficeActionLines?: number[];
  badRejections?: string;
  /** 1-based physical line numbers (header = line 1) of the bad rows in `badRejections`. */
  badRejectionLines?: number[];
  counts: { officeActions: number; citations: number; applications: number; rejections: number };
  /**
   * What the indexer should find in the main files: citation rows whose non-empty ifw_number has
   * no office action, rows repeating an earlier (app_id, ifw_number, parsed) triple, and rows with
   * an empty ifw_number; rejection rows whose ifw_number has no office action, and rows repeating
   * an earlier row (the same app_id, ifw_number, action_type, action_subtype, claim_numbers).
   */
  expected: {
    orphanCitations: number;
    duplicateCitations: number;
    formOnlyCitations: number;
    orphanRejections: number;
    duplicateRejections: number;
  };
}

export type OutputFormat = NonNullable<GenerateOptions['format']>;
export const FORMATS: readonly OutputFormat[] = ['csv', 'csv.gz', 'zip'];

/** Writes `office_actions.<ext>`, `citations.<ext>` and `rejections.<ext>` (and, on request, the bad-row files) into `dir`. */
export async function generateDataset(dir: string, options: GenerateOptions): Promise<GeneratedDataset> {
  const { officeActions, seed = 1, format = 'csv', withBadRows = false } = options;
  if (!Number.isSafeInteger(officeActions) || officeActions < 0) {
    throw new RangeError(`officeActions must be a non-negative integer, got ${officeActions}`);
  }
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  if (!FORMATS.includes(format)) throw new RangeError(`format must be one of ${FORMATS.join(', ')}, got ${format}`);
  if (officeActions > 100_000_000) throw new RangeError('officeActions above 100 million is not supported');

  const root = resolve(dir);
  await mkdir(root, { recursive: true });
  const oaShape = new RowShape('office_actions', OA_COLUMNS);
  const citShape = new RowShape('citations', CIT_COLUMNS);
  const rejShape = new RowShape('rejections', REJ_COLUMNS);
  const oaPath = join(root, `office_actions.${format}`);
  const citPath = join(root, `citations.${format}`);
  const rejPath = join(root, `rejections.${format}`);
  const oaOut = openOutput(oaPath, format, 'office_actions.csv');
  const citOut = openOutput(citPath, format, 'citations.csv');
  const rejOut = openOutput(rejPath, format, 'rejections.csv');
  const outs = [oaOut, citOut, rejOut];
  const oaWriter = new LineWriter(oaOut.stream, oaOut.done);
  const citWriter = new LineWriter(citOut.stream, citOut.done);
  const rejWriter = new LineWriter(rejOut.stream, rejOut.done);
  let res: CoreResult;
  try {
    oaWriter.write(oaShape.header);
    citWriter.write(citShape.header);
    rejWriter.write(rejShape.header);
    res = await generateCore(officeActions, seed, oaShape, citShape, rejShape, oaWriter.write, citWriter.write, rejWriter.write);
    await oaWriter.flush();
    await citWriter.flush();
    await rejWriter.flush();
  } catch (err) {
    for (const out of outs) out.stream.destroy();
    await Promise.allSettled(outs.map((out) => out.close()));
    throw err;
  }
  await Promise.all(outs.map((out) => out.close()));

  const dataset: GeneratedDataset = {
    citations: citPath,
    officeActions: oaPath,
    rejections: rejPath,
    counts: { officeActions: res.officeActions, citations: res.citations, applications: res.applications, rejections: res.rejections },
    expected: {
      orphanCitations: res.orphans,
      duplicateCitations: res.duplicates,
      formOnlyCitations: res.formOnly,
      orphanRejections: res.orphanRejections,
      duplicateRejections: res.duplicateRejections,
    },
  };
  if (withBadRows) Object.assign(dataset, await writeBadFiles(root, seed, oaShape, citShape, rejShape));
  return dataset;
}
