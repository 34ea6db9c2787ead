/**
 * DuckDB (its own C++ Parquet reader and writer, not hyparquet's) as a second opinion on our
 * Parquet: it writes tables the way BigQuery's export does (every column a nullable string, in the
 * codec asked for, dictionary-encoded where it pays), and it reads back what the export streams.
 * The binary ships inside the npm package (@duckdb/node-bindings-linux-x64): nothing is downloaded.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

let connection: Promise<DuckDBConnection> | undefined;
function duck(): Promise<DuckDBConnection> {
  connection ??= DuckDBInstance.create(':memory:').then((db) => db.connect());
  return connection;
}

const quote = (path: string) => `'${path.replaceAll("'", "''")}'`;

/** A CSV table rewritten as Parquet by DuckDB: every column VARCHAR, an empty cell NULL. */
export async function duckdbParquet(csv: string, out: string, options: { codec: 'snappy' | 'gzip' | 'zstd' | 'uncompressed'; rowGroupSize: number }): Promise<string> {
  const c = await duck();
  await c.run(
    `COPY (SELECT * FROM read_csv(${quote(csv)}, header = true, delim = ',', quote = '"', escape = '"', all_varchar = true))` +
      ` TO ${quote(out)} (FORMAT parquet, COMPRESSION ${options.codec}, ROW_GROUP_SIZE ${options.rowGroupSize})`,
  );
  return out;
}

/** A Parquet file as DuckDB reads it: its columns' SQL types, and its rows as JSON values (a DATE as 'YYYY-MM-DD'). */
export async function duckdbRead(path: string): Promise<{ types: Record<string, string>; rows: Record<string, unknown>[] }> {
  const c = await duck();
  const described = await c.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${quote(path)})`);
  const types = Object.fromEntries(described.getRowObjectsJson().map((r) => [String(r.column_name), String(r.column_type)]));
  const read = await c.runAndReadAll(`SELECT * FROM read_parquet(${quote(path)})`);
  return { types, rows: read.getRowObjectsJson() as Record<string, unknown>[] };
}
