/**
 * The bench's figures, as a table on stdout and, as the very last line, one JSON object with
 * every figure (bench/README.md names each).
 */
import { totalmem } from 'node:os';
import type { IngestFigures } from './ingest.ts';
import { fmtInt, median, round, table } from './lib.ts';
import type { LoadResult } from './load.ts';
import type { ParseFigures } from './parse.ts';
import type { FormatFigures } from './phases/parse.ts';
import type { AtScaleFigures } from './phases/atscale.ts';
import { cpuPerRequest, type CpuPerRequest, type GatewayFigures } from './phases/gateway.ts';
import type { ReindexFigures } from './phases/reindex.ts';
import type { BuildFigures } from './phases/rss.ts';
import type { RejectionsFigures } from './phases/rejections.ts';
import type { SearchFigures } from './phases/search.ts';
import type { Plan } from './plan.ts';
import { HAS_GNU_TIME } from './processes.ts';

export interface Figures {
  plan: Plan['name'];
  machine: { cpus: number; node: string };
  datasets: Record<string, { citations: number; officeActions: number; csvMb: number }>;
  parse: ParseFigures | null;
  /** The parse rate of the same citations as NDJSON and as a pandas copy, beside the CSV's. */
  formats?: FormatFigures | null;
  ingest: IngestFigures | null;
  rss: BuildFigures[] | null;
  rejections: RejectionsFigures | null;
  gateway: GatewayFigures | null;
  search: SearchFigures | null;
  scale: { rows: number; buildSeconds: number; legacy: LoadResult | null }[] | null;
  atScale: AtScaleFigures | null;
  reindex: ReindexFigures | null;
  errors: string[];
}

/** CPU per request over the gateway runs at c = 32: the median of each side's figure, and their ratio. */
function medianCpu(runs: readonly LoadResult[] | undefined): CpuPerRequest | undefined {
  const all = (runs ?? []).flatMap((r) => cpuPerRequest(r) ?? []);
  if (!all.length) return undefined;
  const gatewayUs = median(all.map((c) => c.gatewayUs));
  const meiliUs = median(all.map((c) => c.meiliUs));
  return { gatewayUs, meiliUs, ratio: meiliUs > 0 ? gatewayUs / meiliUs : NaN };
}

export const TARGETS = {
  parse_rows_per_s: 250_000,
  indexer_vs_raw_ratio: 0.9,
  indexer_peak_rss_ratio: 1.2,
  gateway_vs_direct_qps_ratio: 0.9,
  gateway_overhead_p50_ms: 2,
  /** Gateway CPU per request over Meilisearch's, legacy mix at c = 32 (issue 17). */
  gateway_cpu_per_request_ratio: 0.15,
  /** Meilisearch databaseSize per row (issue: at most 1,000; stretch 700). */
  database_bytes_per_row: 1000,
  /** Build microseconds per row at the largest size over the smallest. */
  build_us_per_row_ratio: 1.3,
  indexer_peak_rss_mb: 600,
};

export function report(f: Figures, plan: Plan): void {
  const n = (x: number | null | undefined, d = 2) => (x === null || x === undefined || !Number.isFinite(x) ? null : round(x, d));
  const verdict = (ok: boolean | null) => (ok === null ? 'n/a' : ok ? 'PASS' : 'MISS');

  const parseRate = f.parse?.rowsPerSecond ?? null;
  const ingestRatio = f.ingest?.ratio ?? null;
  const rss = f.rss ?? [];
  const rssFirst = rss[0];
  const rssLast = rss.length > 1 ? rss[rss.length - 1] : undefined;
  const rssRatio = rssFirst && rssLast ? rssLast.peakRssMb / rssFirst.peakRssMb : null;
  const usRatio = rssFirst && rssLast ? rssLast.usPerRow / rssFirst.usPerRow : null;
  const gwQps = f.gateway ? median(f.gateway.gateway.map((r) => r.qps)) : null;
  const dQps = f.gateway ? median(f.gateway.direct.map((r) => r.qps)) : null;
  const qpsRatio = f.gateway ? median(f.gateway.gateway.map((g, i) => g.qps / f.gateway!.direct[i]!.qps)) : null;
  const gwP50 = f.gateway ? median(f.gateway.gateway.map((r) => r.p50_ms)) : null;
  const gwP99 = f.gateway ? median(f.gateway.gateway.map((r) => r.p99_ms)) : null;
  const dP50 = f.gateway ? median(f.gateway.direct.map((r) => r.p50_ms)) : null;
  const dP99 = f.gateway ? median(f.gateway.direct.map((r) => r.p99_ms)) : null;
  const overhead = f.gateway ? median(f.gateway.gateway.map((g, i) => g.p50_ms - f.gateway!.direct[i]!.p50_ms)) : null;
  const search = f.search?.result ?? null;

  const rows: [string, string, string?][] = [];
  const v = (x: number | null, unit = '', d = 2) => (x === null || !Number.isFinite(x) ? 'null' : `${x.toLocaleString('en-US', { maximumFractionDigits: d })}${unit}`);
  rows.push(['data sets (citation rows)', Object.values(f.datasets).map((d) => fmtInt(d.citations)).join(' / ')]);
  if (f.parse || plan.only.has('parse')) {
    rows.push([
      `parse_rows_per_s (${f.parse ? fmtInt(f.parse.rows) : '-'} rows, 1 core)`,
      v(parseRate, '', 0),
      `target >= 250,000  ${verdict(parseRate === null ? null : parseRate >= TARGETS.parse_rows_per_s)}`,
    ]);
  }
  if (f.formats) {
    const x = f.formats;
    rows.push([
      `ndjson_vs_csv_parse_ratio (${fmtInt(x.rows)} rows)`,
      v(x.ndjsonVsCsv, '', 3),
      `NDJSON ${fmtInt(x.ndjsonRowsPerSecond)} vs CSV ${fmtInt(x.csvRowsPerSecond)} rows/s, 1 core; target >= 1  ${verdict(x.ndjsonVsCsv >= 1)}`,
    ]);
    rows.push([`parquet_vs_csv_parse_ratio`, v(x.parquetVsCsv, '', 3), `Parquet ${fmtInt(x.parquetRowsPerSecond)} rows/s; target >= 1  ${verdict(x.parquetVsCsv >= 1)}`]);
    rows.push([`pandas_vs_csv_parse_ratio`, v(x.pandasVsCsv, '', 3), `pandas copy ${fmtInt(x.pandasRowsPerSecond)} rows/s; target >= 1  ${verdict(x.pandasVsCsv >= 1)}`]);
  }
  if (f.ingest) {
    rows.push([`raw NDJSON upload rows/s (${fmtInt(f.ingest.rows)} rows)`, v(f.ingest.rawRowsPerSecond, '', 0), `median of ${f.ingest.runs.filter((r) => r.kind === 'raw').length} runs`]);
    rows.push(['runIndex rows/s', v(f.ingest.indexerRowsPerSecond, '', 0), `median of ${f.ingest.runs.filter((r) => r.kind === 'indexer').length} runs`]);
    rows.push(['indexer_vs_raw_ratio', v(ingestRatio, '', 3), `target >= 0.90  ${verdict(ingestRatio === null ? null : ingestRatio >= TARGETS.indexer_vs_raw_ratio)}`]);
  }
  for (const r of rss) {
    rows.push([
      `build @ ${fmtInt(r.rows)} rows`,
      `${v(r.databaseBytesPerRow, ' B/row', 0)}`,
      `databaseSize ${v(r.meili.databaseSizeMb, ' MB', 0)} (target <= ${TARGETS.database_bytes_per_row} B/row ${verdict(r.databaseBytesPerRow === null ? null : r.databaseBytesPerRow <= TARGETS.database_bytes_per_row)}); ` +
        `${v(r.usPerRow, ' us/row', 1)} (${r.buildSeconds.toFixed(1)} s); indexer RSS ${v(r.peakRssMb, ' MB', 0)}; Meilisearch RSS ${v(r.meili.peakRssMb, ' MB', 0)} (anon ${v(r.meili.peakRssAnonMb, ' MB', 0)}); peak extra disk ${v(r.disk.peakMb, ' MB', 0)}`,
    ]);
  }
  if (rssRatio !== null) rows.push(['indexer peak RSS ratio (largest / smallest)', v(rssRatio, '', 3), `target <= 1.20  ${verdict(rssRatio <= TARGETS.indexer_peak_rss_ratio)}`]);
  if (usRatio !== null) rows.push(['build us/row ratio (largest / smallest)', v(usRatio, '', 3), `target <= 1.30  ${verdict(usRatio <= TARGETS.build_us_per_row_ratio)}`]);
  if (rssLast) rows.push([`indexer peak RSS @ ${fmtInt(rssLast.rows)} rows`, v(rssLast.peakRssMb, ' MB', 0), `target <= 600 MB  ${verdict(rssLast.peakRssMb <= TARGETS.indexer_peak_rss_mb)}`]);
  if (f.gateway) {
    rows.push([`legacy /records via gateway qps (${fmtInt(f.gateway.rows)} rows, c=${plan.connections})`, v(gwQps, '', 0), `p50 ${v(gwP50, ' ms')}  p99 ${v(gwP99, ' ms')}`]);
    rows.push([`same Meilisearch requests direct (${f.gateway.upstream.join(', ')}) qps`, v(dQps, '', 0), `p50 ${v(dP50, ' ms')}  p99 ${v(dP99, ' ms')}`]);
    rows.push(['gateway_vs_direct_qps_ratio', v(qpsRatio, '', 3), `target >= 0.90  ${verdict(qpsRatio === null ? null : qpsRatio >= TARGETS.gateway_vs_direct_qps_ratio)}`]);
    rows.push(['gateway_overhead_p50_ms', v(overhead, ' ms'), `target <= 2 ms  ${verdict(overhead === null ? null : overhead <= TARGETS.gateway_overhead_p50_ms)}`]);
    if (f.gateway.gatewayC1 && f.gateway.directC1) {
      const g1 = f.gateway.gatewayC1.p50_ms;
      const d1 = f.gateway.directC1.p50_ms;
      rows.push(['  same, unloaded (c=1): gateway p50 - direct p50', v(g1 - d1, ' ms'), `gateway ${v(g1, ' ms')}, direct ${v(d1, ' ms')} (diagnostic)`]);
    }
    const cpu32 = medianCpu(f.gateway.gateway);
    const cpu1 = cpuPerRequest(f.gateway.gatewayC1);
    if (cpu32) {
      rows.push([
        'gateway_cpu_per_request_ratio (c=32)',
        v(cpu32.ratio, '', 3),
        `target <= 0.15  ${verdict(cpu32.ratio <= TARGETS.gateway_cpu_per_request_ratio)}; gateway ${v(cpu32.gatewayUs, ' µs', 0)}, Meilisearch ${v(cpu32.meiliUs, ' µs', 0)} CPU per request`,
      ]);
    }
    if (cpu1) rows.push(['  same, c=1', v(cpu1.ratio, '', 3), `gateway ${v(cpu1.gatewayUs, ' µs', 0)}, Meilisearch ${v(cpu1.meiliUs, ' µs', 0)} CPU per request`]);
    rows.push(['  criteria -> Meilisearch filter (compile, lower, render)', v(f.gateway.compileMicros, ' µs', 1), 'per query of the mix, in-process CPU (median of 7 rounds)']);
  }
  if (f.search) rows.push(['search_p50_ms / search_p99_ms (c=1)', search ? `${v(search.p50_ms, ' ms')} / ${v(search.p99_ms, ' ms')}` : 'null', f.search.status !== 'ok' ? f.search.status : search ? `${search.qps.toFixed(0)} qps` : '']);
  for (const s of f.scale ?? []) {
    rows.push([`scale ${fmtInt(s.rows)} rows`, `build ${s.buildSeconds.toFixed(1)} s`, s.legacy ? `legacy p50 ${s.legacy.p50_ms.toFixed(2)} ms, ${s.legacy.qps.toFixed(0)} qps` : '']);
  }
  const a = f.atScale;
  if (a) {
    const l = (r: LoadResult) => `p50 ${v(r.p50_ms, ' ms', 1)}  p99 ${v(r.p99_ms, ' ms', 1)}  ${v(r.qps, ' rps', 0)}`;
    rows.push([`at ${fmtInt(a.rows)} rows: legacy mix c=1`, l(a.legacyC1)]);
    rows.push([`at ${fmtInt(a.rows)} rows: legacy mix c=${plan.connections}`, l(a.legacyC32)]);
    rows.push([`at ${fmtInt(a.rows)} rows: modern search c=1`, l(a.searchC1)]);
    rows.push([`at ${fmtInt(a.rows)} rows: modern search c=${plan.connections}`, l(a.searchC32)]);
    for (const d of a.deepPages) rows.push([`at ${fmtInt(a.rows)} rows: last record of ${d.criteria} (start ${fmtInt(d.start)})`, l(d.result)]);
    if (a.export) {
      rows.push([
        `at ${fmtInt(a.rows)} rows: export ${a.export.filter}`,
        `${fmtInt(a.export.records)} records in ${a.export.seconds} s`,
        `${fmtInt(a.export.recordsPerSecond)} records/s; gateway RSS ${v(a.export.gatewayRssBeforeMb, ' MB', 0)} before, peak ${v(a.export.gatewayPeakRssMb, ' MB', 0)}`,
      ]);
    }
  }
  if (f.reindex) {
    const r = f.reindex;
    rows.push([
      `--reindex @ ${fmtInt(r.rows)} rows beside the live index`,
      `${r.buildSeconds.toFixed(1)} s`,
      `peak extra disk ${v(r.disk.peakMb, ' MB', 0)} (live index ${v(r.liveDatabaseMb, ' MB', 0)}); Meilisearch RSS ${v(r.meili.peakRssMb, ' MB', 0)}`,
    ]);
  }
  if (f.rejections) {
    const r = f.rejections;
    rows.push([
      `rejections @ ${fmtInt(r.rows)} rows`,
      v(r.indexBytesPerRow, ' B/row', 0),
      `index dir (the citations' budget: <= ${TARGETS.database_bytes_per_row} B/row ${verdict(r.indexBytesPerRow === null ? null : r.indexBytesPerRow <= TARGETS.database_bytes_per_row)}); ` +
        `citations ${v(r.citationsIndexBytesPerRow, ' B/row', 0)} in this run, rejections_vs_citations_bytes_per_row ${v(r.ratio, '', 3)}; ${v(r.usPerRow, ' us/row', 1)}`,
    ]);
    rows.push([
      `rejections claim=N search p50`,
      v(r.claimSearchP50Ms, ' ms', 1),
      `claim 1 lists ${fmtInt(r.claimOneHits ?? NaN)}; v1 claim wildcards: ${r.legacyClaimStatus ?? 'n/a'} in ${v(r.legacyClaimMs, ' ms', 1)}; office-action page p50 ${v(r.officeActionPageP50Ms, ' ms', 1)}`,
    ]);
  }
  for (const e of f.errors) rows.push(['ERROR', '', e.split('\n')[0]!]);

  process.stdout.write(`${table(`oa-citations bench (${f.plan}; ${f.machine.cpus} cpus, node ${f.machine.node})`, rows)}\n`);

  const bySize = <T>(pick: (r: BuildFigures) => T) => (rss.length ? Object.fromEntries(rss.map((r) => [String(r.rows), pick(r)])) : null);
  const load = (r: LoadResult | undefined) => (r ? { p50_ms: n(r.p50_ms, 3), p99_ms: n(r.p99_ms, 3), rps: n(r.qps, 0) } : null);
  const json = {
    mode: f.plan,
    cpus: f.machine.cpus,
    datasets: f.datasets,
    parse_rows_per_s: n(parseRate, 0),
    parse_formats_rows: f.formats?.rows ?? null,
    parse_csv_rows_per_s_same_rows: f.formats?.csvRowsPerSecond ?? null,
    parse_ndjson_rows_per_s: f.formats?.ndjsonRowsPerSecond ?? null,
    parse_pandas_rows_per_s: f.formats?.pandasRowsPerSecond ?? null,
    ndjson_vs_csv_parse_ratio: f.formats?.ndjsonVsCsv ?? null,
    pandas_vs_csv_parse_ratio: f.formats?.pandasVsCsv ?? null,
    parse_parquet_rows_per_s: f.formats?.parquetRowsPerSecond ?? null,
    parquet_vs_csv_parse_ratio: f.formats?.parquetVsCsv ?? null,
    rejections_rows: f.rejections?.rows ?? null,
    rejections_index_bytes_per_row: f.rejections?.indexBytesPerRow ?? null,
    rejections_vs_citations_bytes_per_row: f.rejections?.ratio ?? null,
    rejections_claim_search_p50_ms: f.rejections?.claimSearchP50Ms ?? null,
    rejections_legacy_claim_status: f.rejections?.legacyClaimStatus ?? null,
    rejections_legacy_claim_ms: f.rejections?.legacyClaimMs ?? null,
    office_action_page_p50_ms: f.rejections?.officeActionPageP50Ms ?? null,
    parse_rows: f.parse?.rows ?? null,
    parse_passes_rows_per_s: f.parse ? f.parse.passes.map((p) => Math.round(p.rowsPerSecond)) : null,
    parse_pinned_one_cpu: f.parse?.pinned ?? null,
    indexer_vs_raw_ratio: n(ingestRatio, 3),
    indexer_rows_per_s: n(f.ingest?.indexerRowsPerSecond, 0),
    raw_rows_per_s: n(f.ingest?.rawRowsPerSecond, 0),
    ingest_rows: f.ingest?.rows ?? null,
    ingest_runs: f.ingest?.runs ?? null,
    database_bytes_per_row: bySize((r) => r.databaseBytesPerRow),
    index_bytes_per_row: bySize((r) => r.indexBytesPerRow),
    build_us_per_row: bySize((r) => r.usPerRow),
    build_us_per_row_ratio: n(usRatio, 3),
    build_payloads: bySize((r) => r.payloads),
    build_peak_disk_mb: bySize((r) => r.disk.peakMb),
    indexer_peak_rss_mb: bySize((r) => r.peakRssMb),
    indexer_peak_rss_ratio: n(rssRatio, 3),
    indexer_rss_source: HAS_GNU_TIME ? '/usr/bin/time %M' : 'cli summary',
    indexer_build_s: bySize((r) => r.buildSeconds),
    indexer_mem_at_peak: bySize((r) => r.memAtPeak ?? null),
    meili_index_disk_mb: bySize((r) => n(r.meili.indexDiskMb, 1)),
    meili_database_size_mb: bySize((r) => n(r.meili.databaseSizeMb, 1)),
    meili_used_database_size_mb: bySize((r) => n(r.meili.usedDatabaseSizeMb, 1)),
    meili_raw_documents_mb: bySize((r) => n(r.meili.rawDocumentsMb, 1)),
    meili_peak_rss_mb: bySize((r) => n(r.meili.peakRssMb, 0)),
    meili_peak_rss_anon_mb: bySize((r) => n(r.meili.peakRssAnonMb, 0)),
    meili_peak_rss_file_mb: bySize((r) => n(r.meili.peakRssFileMb, 0)),
    meili_rss_before_mb: bySize((r) => n(r.meili.rssBeforeMb, 0)),
    meili_peak_rss_reset: rss.length ? rss.every((r) => r.meili.peakRssReset) : null,
    // Meilisearch's indexing memory budget defaults to 2/3 of the machine's RAM: peak RSS depends on it.
    machine_mem_gb: round(totalmem() / 1024 ** 3, 1),
    gateway_vs_direct_qps_ratio: n(qpsRatio, 3),
    gateway_qps: n(gwQps, 0),
    direct_qps: n(dQps, 0),
    gateway_p50_ms: n(gwP50, 3),
    gateway_p99_ms: n(gwP99, 3),
    direct_p50_ms: n(dP50, 3),
    direct_p99_ms: n(dP99, 3),
    gateway_overhead_p50_ms: n(overhead, 3),
    gateway_c1_p50_ms: n(f.gateway?.gatewayC1?.p50_ms, 3),
    direct_c1_p50_ms: n(f.gateway?.directC1?.p50_ms, 3),
    gateway_overhead_p50_ms_c1: f.gateway?.gatewayC1 && f.gateway.directC1 ? n(f.gateway.gatewayC1.p50_ms - f.gateway.directC1.p50_ms, 3) : null,
    criteria_compile_us: n(f.gateway?.compileMicros, 1),
    gateway_cpu_per_request_ratio: n(medianCpu(f.gateway?.gateway)?.ratio, 3),
    gateway_cpu_us_per_request: n(medianCpu(f.gateway?.gateway)?.gatewayUs, 1),
    meili_cpu_us_per_request: n(medianCpu(f.gateway?.gateway)?.meiliUs, 1),
    gateway_cpu_per_request_ratio_c1: n(cpuPerRequest(f.gateway?.gatewayC1)?.ratio, 3),
    gateway_cpu_us_per_request_c1: n(cpuPerRequest(f.gateway?.gatewayC1)?.gatewayUs, 1),
    meili_cpu_us_per_request_c1: n(cpuPerRequest(f.gateway?.gatewayC1)?.meiliUs, 1),
    gateway_rows: f.gateway?.rows ?? null,
    gateway_upstream: f.gateway?.upstream ?? null,
    gateway_upstream_accept_encoding: f.gateway?.upstreamAcceptEncoding ?? null,
    gateway_meili_requests_per_query: f.gateway ? round(f.gateway.meiliRequestsPerQuery, 2) : null,
    gateway_connections: plan.connections,
    gateway_log_level: plan.gatewayLogLevel,
    search_p50_ms: n(search?.p50_ms, 3),
    search_p99_ms: n(search?.p99_ms, 3),
    search_status: f.search?.status ?? null,
    scale: f.scale ? f.scale.map((s) => ({ rows: s.rows, build_s: s.buildSeconds, legacy_p50_ms: n(s.legacy?.p50_ms, 3), legacy_qps: n(s.legacy?.qps, 0) })) : null,
    at_scale: a
      ? {
          rows: a.rows,
          legacy_c1: load(a.legacyC1),
          legacy_c32: load(a.legacyC32),
          search_c1: load(a.searchC1),
          search_c32: load(a.searchC32),
          deep_pages: a.deepPages.map((d) => ({ criteria: d.criteria, start: d.start, ...load(d.result) })),
          export: a.export,
        }
      : null,
    reindex: f.reindex
      ? { rows: f.reindex.rows, build_s: f.reindex.buildSeconds, peak_disk_mb: f.reindex.disk.peakMb, live_database_mb: f.reindex.liveDatabaseMb, meili_peak_rss_mb: n(f.reindex.meili.peakRssMb, 0) }
      : null,
    errors: f.errors,
  };
  process.stdout.write(`${JSON.stringify(json)}\n`);
}
