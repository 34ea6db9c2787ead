/**
 * What a table option names (`--citations`, `--office-actions`, `--rejections`): one file, a
 * folder of shards, or a glob over file names (`'exports/citations-*.csv.gz'`, quoted so the shell
 * leaves it alone) - as BigQuery exports a table of any size: `citations-000000000000.csv.gz`,
 * `citations-000000000001.csv.gz`... The files are one table, read in name order.
 *
 * Each file's format comes from its name:
 *
 *   .csv  .csv.gz  .zip (the first CSV inside)       the published bulk files, Kaggle, pandas
 *   .json .ndjson  (optionally .gz)                  BigQuery's newline-delimited JSON
 *   .parquet                                         BigQuery's Parquet export (parquet.ts)
 *
 * A single file with another name is read as the bytes say (gzip or zip by their magic, else CSV),
 * as before; in a folder or a glob, files of no known format are left out (a `_SUCCESS` marker, a
 * README), and a folder or glob with none of a known format is refused.
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import picomatch from 'picomatch';
import { describe, InputError } from './byte-source.ts';

export type FileFormat = 'csv' | 'ndjson' | 'parquet';

/** The row format of a file by its name, or undefined when the name says none. */
export function formatOfName(path: string): FileFormat | undefined {
  const name = basename(path).toLowerCase().replace(/\.gz$/, '');
  if (name.endsWith('.csv') || name.endsWith('.zip')) return 'csv';
  if (name.endsWith('.json') || name.endsWith('.ndjson') || name.endsWith('.jsonl')) return 'ndjson';
  if (name.endsWith('.parquet')) return 'parquet';
  return undefined;
}

const KNOWN = '.csv, .csv.gz, .zip, .json, .ndjson, .jsonl (each optionally .gz), .parquet';

const isGlob = (spec: string) => picomatch.scan(spec).isGlob;

/** One file of a table, with the format it is read in. */
export interface TableFile {
  readonly path: string;
  readonly format: FileFormat;
}

/**
 * The files a table option names, in name order; an InputError naming the option's value when it
 * names nothing readable.
 */
export async function tableFiles(spec: string, what: string): Promise<TableFile[]> {
  let isDir = false;
  try {
    isDir = (await stat(spec)).isDirectory();
  } catch (err) {
    // A path that exists is a path, even with brackets in its name ("OARD (2017)/citations.csv").
    if (isGlob(spec)) return globFiles(spec, what);
    throw new InputError(spec, `cannot read ${what} file ${spec}: ${describe(err)}`);
  }
  if (!isDir) return [{ path: spec, format: formatOfName(spec) ?? 'csv' }];
  const names = (await readdir(spec, { withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name);
  return known(names.map((n) => join(spec, n)), spec, what, 'folder');
}

async function globFiles(spec: string, what: string): Promise<TableFile[]> {
  const dir = dirname(spec);
  if (isGlob(dir)) throw new InputError(spec, `${what}: ${spec}: a glob may match file names only, not folders (write the folder out: exports/citations-*.csv.gz)`);
  let names: string[];
  try {
    names = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name);
  } catch (err) {
    throw new InputError(spec, `cannot read the folder of ${what} glob ${spec}: ${describe(err)}`);
  }
  const matches = picomatch(basename(spec), { dot: false });
  const matched = names.filter((n) => matches(n)).map((n) => join(dir, n));
  if (!matched.length) throw new InputError(spec, `${what}: no file matches ${spec}`);
  return known(matched, spec, what, 'glob');
}

function known(paths: string[], spec: string, what: string, kind: 'folder' | 'glob'): TableFile[] {
  const files = paths.flatMap((path) => {
    const format = formatOfName(path);
    return format ? [{ path, format }] : [];
  });
  if (!files.length) throw new InputError(spec, `${what} ${kind} ${spec} holds no file of a known format (${KNOWN})`);
  // Name order, as BigQuery numbers its shards (fixed width): byte order, not locale order.
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
