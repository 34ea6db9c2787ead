/**
 * Phase `rss`: the indexer CLI builds an index of each size, one after the other, and for each:
 * - the indexer's peak RSS (GNU time %M) and where its memory was at the peak;
 * - the build time (the CLI summary's elapsedMs) and microseconds per row;
 * - Meilisearch's side (meili-usage.ts): the index's disk, GET /stats databaseSize per row, peak RSS;
 * - the peak extra disk during the build (disk.ts);
 * - with the plan's curve, the legacy mix through a gateway (c = 32) right after the build.
 * Smaller indexes are deleted once measured; the largest stays for the phases after this one.
 */
import { EMBEDDED_PAYLOAD_LIMIT } from '../../src/meili/embedded.ts';
import type { BenchContext } from '../context.ts';
import { sampleDisk, type DiskPeak } from '../disk.ts';
import { deleteIndex, documentCount, fmtInt, round, say } from '../lib.ts';
import type { LoadResult } from '../load.ts';
import { beginBuild, endBuild, type MeiliUsage } from '../meili-usage.ts';
import { runIndexerCli, runLoad, type MemBreakdown } from '../processes.ts';
import { firstAppId, gatewayRequests, legacyMix } from '../queries.ts';

export interface BuildFigures {
  rows: number;
  documents: number;
  peakRssMb: number;
  buildSeconds: number;
  /** Build time per citation row, microseconds. */
  usPerRow: number;
  wallSeconds: number;
  /** Upload payloads the run sent. */
  payloads: number | null;
  memAtPeak: MemBreakdown | undefined;
  meili: MeiliUsage;
  /** databaseSize / documents (GET /stats: every index and the task queue; only this index exists then). */
  databaseBytesPerRow: number | null;
  /** The index's own directory / documents. */
  indexBytesPerRow: number | null;
  disk: DiskPeak;
}

const fmtMb = (x: number | null) => (x === null ? 'n/a' : `${x.toFixed(1)} MB`);

/** One CLI build of `rows` (the data set of that many citation rows; its rejections with `table`) into `index`, measured. */
export async function measuredBuild(
  ctx: BenchContext,
  rows: number,
  index: string,
  extraArgs: string[] = [],
  table: 'citations' | 'rejections' = 'citations',
): Promise<BuildFigures> {
  const ds = await ctx.dataset(rows);
  const tableRows = table === 'citations' ? ds.counts.citations : ds.counts.rejections;
  const meiliPid = ctx.embedded.process.pid ?? 0;
  const usageStart = beginBuild(meiliPid, ctx.meiliDb);
  const disk = sampleDisk(ctx.meiliDb);
  const cli = await runIndexerCli(ctx.cleanup, {
    meili: ctx.target,
    citations: ds.citations,
    officeActions: ds.officeActions,
    index,
    ...(table === 'rejections' ? { rejections: ds.rejections } : {}),
    workDir: ctx.work,
    extraArgs,
    // The bench's Meilisearch takes any payload, as the embedded one does: say so to the CLI.
    env: { MEILI_HTTP_PAYLOAD_SIZE_LIMIT: EMBEDDED_PAYLOAD_LIMIT },
    cpuProfDir: ctx.profileDir,
  });
  const diskPeak = disk.stop();
  const documents = await documentCount(ctx.target, index);
  const usage = await endBuild(usageStart, meiliPid, ctx.meiliDb, ctx.target, index);
  const elapsedMs = cli.summary?.elapsedMs;
  const buildSeconds = typeof elapsedMs === 'number' ? elapsedMs / 1000 : cli.wallSeconds;
  const payloads = typeof cli.summary?.payloads === 'number' ? cli.summary.payloads : null;
  const perRow = (mb: number | null) => (mb === null || documents === 0 ? null : round((mb * 1024 * 1024) / documents, 0));
  return {
    rows: tableRows,
    documents,
    peakRssMb: round(cli.peakRssMb, 1),
    buildSeconds: round(buildSeconds, 2),
    usPerRow: round((buildSeconds * 1e6) / tableRows, 1),
    wallSeconds: round(cli.wallSeconds, 2),
    payloads,
    memAtPeak: cli.memAtPeak,
    meili: usage,
    databaseBytesPerRow: perRow(usage.databaseSizeMb),
    indexBytesPerRow: perRow(usage.indexDiskMb),
    disk: { peakMb: round(diskPeak.peakMb, 1), peakDirMb: round(diskPeak.peakDirMb, 1), dirBeforeMb: round(diskPeak.dirBeforeMb, 1) },
  };
}

export async function rssPhase(ctx: BenchContext, sizes: readonly number[]): Promise<void> {
  ctx.figures.rss = [];
  if (ctx.plan.curve) ctx.figures.scale = [];
  for (const rows of sizes) {
    const index = `bench_cli_${rows}`;
    await deleteIndex(ctx.target, index);
    const f = await measuredBuild(ctx, rows, index);
    ctx.figures.rss.push(f);
    const m = f.memAtPeak;
    say(
      `  ${fmtInt(f.rows)} rows: build ${f.buildSeconds.toFixed(1)} s (${f.usPerRow} us/row, ${f.payloads ?? '?'} payload(s)), indexer peak RSS ${f.peakRssMb} MB` +
        (m ? ` [at peak: heap ${m.heapTotalMb} MB, array buffers ${m.arrayBuffersMb} MB]` : '') +
        `, ${fmtInt(f.documents)} documents`,
    );
    say(
      `  Meilisearch: database ${fmtMb(f.meili.databaseSizeMb)} = ${f.databaseBytesPerRow ?? 'n/a'} B/row (used ${fmtMb(f.meili.usedDatabaseSizeMb)}; index dir ${fmtMb(f.meili.indexDiskMb)} = ${f.indexBytesPerRow ?? 'n/a'} B/row), ` +
        `peak RSS ${fmtMb(f.meili.peakRssMb)} (anon ${fmtMb(f.meili.peakRssAnonMb)}); peak extra disk during the build ${fmtMb(f.disk.peakMb)}`,
    );
    const ds = await ctx.dataset(rows);
    ctx.built.push({ rows, index, cli: { peakRssMb: f.peakRssMb, memAtPeak: f.memAtPeak, rssSource: '', wallSeconds: f.wallSeconds, summary: undefined } });
    if (ctx.figures.scale) {
      const legacy: LoadResult = await ctx.withGateway(index, (gw) =>
        runLoad(ctx.cleanup, {
          url: gw.url,
          requests: gatewayRequests(legacyMix(firstAppId(ds.citations), f.documents)),
          connections: ctx.plan.connections,
          durationSeconds: ctx.plan.loadSeconds,
          warmupSeconds: ctx.plan.warmupSeconds,
          workDir: ctx.work,
        }),
      );
      ctx.figures.scale.push({ rows: f.rows, buildSeconds: f.buildSeconds, legacy });
      say(`  scale ${fmtInt(f.rows)}: legacy p50 ${legacy.p50_ms.toFixed(2)} ms, ${legacy.qps.toFixed(0)} qps`);
    }
    if (rows !== ctx.largest) await deleteIndex(ctx.target, index);
  }
}
