/**
 * pyarrow and pandas, the readers most users of a Parquet export have, as a third opinion on our
 * Parquet (beside hyparquet and DuckDB). They are Python packages, not npm ones: a test that
 * needs them runs when a Python with both can be found - `OA_PYTHON` (set by .ci/run when it could
 * install them from pip's configured index), else `python3` - and is skipped, saying so, when none can.
 */
import { execFileSync } from 'node:child_process';

/** A Python interpreter that imports pyarrow and pandas, or undefined. */
export function pyarrowPython(): string | undefined {
  for (const python of [process.env.OA_PYTHON, 'python3']) {
    if (!python) continue;
    try {
      execFileSync(python, ['-c', 'import pyarrow, pandas'], { stdio: 'ignore', timeout: 30_000 });
      return python;
    } catch {
      // not this one
    }
  }
  return undefined;
}

/**
 * A Parquet file as pyarrow and pandas read it: pyarrow's column types (`string`, `bool`,
 * `date32[day]`, `int32`, `list<element: string>`...) and rows (a date as 'YYYY-MM-DD'), and
 * pandas' rows from `read_parquet` (its missing values as null, a date as 'YYYY-MM-DD').
 */
export function pyarrowRead(python: string, path: string): { types: Record<string, string>; rows: Record<string, unknown>[]; pandasRows: Record<string, unknown>[] } {
  const script = `
import datetime, json, math, sys
import pyarrow.parquet as pq, pandas as pd
table = pq.read_table(sys.argv[1])
def plain(v):
    if v is None or v is pd.NaT or v is pd.NA: return None
    if isinstance(v, datetime.date): return v.isoformat()[:10]
    if hasattr(v, 'tolist'): v = v.tolist()
    if isinstance(v, list): return [plain(x) for x in v]
    if isinstance(v, float) and math.isnan(v): return None
    return v
frame = pd.read_parquet(sys.argv[1])
print(json.dumps({
  'types': {f.name: str(f.type) for f in table.schema},
  'rows': [{k: plain(v) for k, v in r.items()} for r in table.to_pylist()],
  'pandasRows': [{k: plain(v) for k, v in r.items()} for r in frame.to_dict(orient='records')],
}))
`;
  const out = execFileSync(python, ['-c', script, path], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, timeout: 120_000 });
  return JSON.parse(out) as ReturnType<typeof pyarrowRead>;
}
