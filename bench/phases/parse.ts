/**
 * Phase `parse`: read + validate + join + derive on one pinned core (buildRecords, no upload):
 * bench/parse.ts. Then the same citations as users have them in other forms (BigQuery's
 * newline-delimited JSON, its Parquet export in 100,000-row groups, a pandas copy: tools/generate/variants.ts), each read the same way side
 * by side with the plain CSV, on a data set of at most 1 M rows (the writers hold a table in memory):
 * `ndjson_vs_csv_parse_ratio`, `parquet_vs_csv_parse_ratio`, `pandas_vs_csv_parse_ratio` (>= 1: not slower per row).
 * The forms are read in rounds (CSV, NDJSON, pandas, Parquet, the faster of two warm passes each), at least five:
 * each ratio is the median of its rounds' ratios, so a slow spell of the machine hits both sides of one.
 */
import { join } from 'node:path';
import type { BenchContext } from '../context.ts';
import { median, round, say } from '../lib.ts';
import { measureParse } from '../parse.ts';
import { writeNdjson, writePandas, writeParquet } from '../../tools/generate/variants.ts';

export interface FormatFigures {
  rows: number;
  csvRowsPerSecond: number;
  ndjsonRowsPerSecond: number;
  pandasRowsPerSecond: number;
  parquetRowsPerSecond: number;
  ndjsonVsCsv: number;
  parquetVsCsv: number;
  pandasVsCsv: number;
}

const FORMAT_ROWS = 1_000_000;

export async function parsePhase(ctx: BenchContext): Promise<void> {
  const ds = await ctx.dataset(ctx.largest);
  ctx.figures.parse = await measureParse(ctx.cleanup, {
    citations: ds.citations,
    officeActions: ds.officeActions,
    passes: ctx.plan.parsePasses,
    cpuProfDir: ctx.profileDir,
  });

  const size = ctx.plan.sizes.filter((s) => s <= FORMAT_ROWS).at(-1) ?? FORMAT_ROWS;
  const small = await ctx.dataset(size);
  const ndjson = writeNdjson(small.citations, join(ctx.work, `citations-${size}.ndjson`));
  const pandas = writePandas(small.citations, join(ctx.work, `citations-${size}.pandas.csv`));
  const parquet = writeParquet(small.citations, join(ctx.work, `citations-${size}.parquet`), 100_000);
  // Three passes in one process, the faster warm one taken: a real run reads millions of rows,
  // so the compiler's warm-up over the first few hundred thousand (up to half the rate of a cold
  // pass) is no part of its per-row cost; and this machine's interference only ever slows a pass
  // (warm passes of one process spread by a quarter), so the faster is the nearer the form's cost.
  const rate = async (citations: string) =>
    Math.max(...(await measureParse(ctx.cleanup, { citations, officeActions: small.officeActions, passes: 3 })).passes.slice(1).map((p) => p.rowsPerSecond));
  const forms = { csv: small.citations, ndjson, pandas, parquet };
  const rounds: Record<keyof typeof forms, number>[] = [];
  // Nine rounds at least: the machine's speed moves by up to a third between one process and the
  // next, and the median of five such ratios still moved by a tenth between runs.
  for (let r = 0; r < Math.max(9, ctx.plan.parsePasses); r++) {
    const taken = { csv: 0, ndjson: 0, pandas: 0, parquet: 0 };
    for (const form of Object.keys(forms) as (keyof typeof forms)[]) taken[form] = await rate(forms[form]);
    rounds.push(taken);
  }
  const rateOf = (form: keyof typeof forms) => median(rounds.map((r) => r[form]));
  const ratioOf = (form: keyof typeof forms) => round(median(rounds.map((r) => r[form] / r.csv)), 3);
  const [csvRate, ndjsonRate, pandasRate, parquetRate] = [rateOf('csv'), rateOf('ndjson'), rateOf('pandas'), rateOf('parquet')];
  ctx.figures.formats = {
    rows: ctx.figures.datasets[String(size)]?.citations ?? size,
    csvRowsPerSecond: Math.round(csvRate),
    ndjsonRowsPerSecond: Math.round(ndjsonRate),
    pandasRowsPerSecond: Math.round(pandasRate),
    parquetRowsPerSecond: Math.round(parquetRate),
    ndjsonVsCsv: ratioOf('ndjson'),
    parquetVsCsv: ratioOf('parquet'),
    pandasVsCsv: ratioOf('pandas'),
  };
  say(`  formats @ ${size}: csv ${Math.round(csvRate)} rows/s, ndjson ${Math.round(ndjsonRate)}, pandas csv ${Math.round(pandasRate)}, parquet ${Math.round(parquetRate)} (one core each; medians of ${rounds.length} rounds)`);
}
