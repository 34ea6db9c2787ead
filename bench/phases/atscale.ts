/**
 * Phase `atscale`: what a client sees on the largest index, through a gateway process:
 * - the legacy mix and the modern search (two facets, one filter), at c = 1 and c = 32: p50, p99, rps;
 * - deep paging: the very last record of `*:*` and of a filter (`start` = numFound - 1), c = 1;
 * - an export of about `exportRecords` records (the tech center whose count is nearest), read to
 *   the end: time, and the gateway's peak RSS while it streams (VmHWM, reset before).
 */
import type { BenchContext } from '../context.ts';
import { documentCount, fmtInt, round, say } from '../lib.ts';
import type { LoadRequest, LoadResult } from '../load.ts';
import { procMemoryKb, resetPeakRss } from '../meili-usage.ts';
import { probe, runLoad } from '../processes.ts';
import { firstAppId, gatewayRequests, legacyMix, MODERN_SEARCH_PATH, RECORDS_PATH } from '../queries.ts';

export interface ExportFigures {
  filter: string;
  records: number;
  seconds: number;
  recordsPerSecond: number;
  mb: number;
  gatewayRssBeforeMb: number | null;
  gatewayPeakRssMb: number | null;
}

export interface AtScaleFigures {
  rows: number;
  legacyC1: LoadResult;
  legacyC32: LoadResult;
  searchC1: LoadResult;
  searchC32: LoadResult;
  deepPages: { criteria: string; numFound: number; start: number; result: LoadResult }[];
  export: ExportFigures | null;
}

const records = (criteria: string, start: number, rows: number): LoadRequest => ({
  method: 'POST',
  path: RECORDS_PATH,
  headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({ criteria, start: String(start), rows: String(rows) }).toString(),
});

export async function atScalePhase(ctx: BenchContext, index: string): Promise<void> {
  const plan = ctx.plan;
  const ds = await ctx.dataset(ctx.largest);
  const count = await documentCount(ctx.target, index);
  const legacy = gatewayRequests(legacyMix(firstAppId(ds.citations), count));
  const search: LoadRequest[] = [{ method: 'GET', path: MODERN_SEARCH_PATH }];
  await ctx.withGateway(index, async (gw) => {
    const load = (requests: LoadRequest[], connections: number) =>
      runLoad(ctx.cleanup, { url: gw.url, requests, connections, durationSeconds: connections === 1 ? plan.c1Seconds : plan.loadSeconds, warmupSeconds: plan.warmupSeconds, workDir: ctx.work });
    const legacyC1 = await load(legacy, 1);
    const legacyC32 = await load(legacy, plan.connections);
    say(`  legacy mix: c=1 p50 ${legacyC1.p50_ms.toFixed(1)} ms p99 ${legacyC1.p99_ms.toFixed(1)} ms | c=${plan.connections} p50 ${legacyC32.p50_ms.toFixed(1)} ms p99 ${legacyC32.p99_ms.toFixed(1)} ms, ${legacyC32.qps.toFixed(0)} rps`);
    const searchC1 = await load(search, 1);
    const searchC32 = await load(search, plan.connections);
    say(`  modern search: c=1 p50 ${searchC1.p50_ms.toFixed(1)} ms p99 ${searchC1.p99_ms.toFixed(1)} ms | c=${plan.connections} p50 ${searchC32.p50_ms.toFixed(1)} ms p99 ${searchC32.p99_ms.toFixed(1)} ms, ${searchC32.qps.toFixed(0)} rps`);

    const deepPages: AtScaleFigures['deepPages'] = [];
    for (const criteria of ['*:*', 'form892:1']) {
      const first = await probe(gw.url, records(criteria, 0, 0));
      const numFound = (JSON.parse(first.text) as { response: { numFound: number } }).response.numFound;
      const start = Math.max(0, numFound - 1);
      const last = await probe(gw.url, records(criteria, start, 1));
      const docs = (JSON.parse(last.text) as { response: { docs: unknown[] } }).response.docs;
      if (last.status !== 200 || docs.length !== 1) throw new Error(`the last record of ${criteria} (start ${start}) did not come back: ${last.text.slice(0, 200)}`);
      const result = await runLoad(ctx.cleanup, { url: gw.url, requests: [records(criteria, start, 1)], connections: 1, durationSeconds: Math.min(plan.c1Seconds, 5), warmupSeconds: 1, workDir: ctx.work });
      deepPages.push({ criteria, numFound, start, result });
      say(`  deep page: ${criteria} start ${fmtInt(start)} of ${fmtInt(numFound)}: p50 ${result.p50_ms.toFixed(1)} ms p99 ${result.p99_ms.toFixed(1)} ms`);
    }

    let exported: ExportFigures | null = null;
    if (plan.exportRecords > 0) {
      const overview = JSON.parse((await probe(gw.url, { method: 'GET', path: '/api/v1/stats/overview' })).text) as { byTechCenter: Record<string, number> };
      const [center] = Object.entries(overview.byTechCenter).sort((a, b) => Math.abs(a[1] - plan.exportRecords) - Math.abs(b[1] - plan.exportRecords))[0] ?? [];
      if (!center) throw new Error('no tech center to export');
      const filter = `techCenter=${center}`;
      const reset = resetPeakRss(gw.pid);
      const before = procMemoryKb(gw.pid);
      const t0 = performance.now();
      const res = await fetch(`${gw.url}/api/v1/export?format=ndjson&${filter}`);
      if (!res.ok || !res.body) throw new Error(`export answered ${res.status}`);
      let lines = 0;
      let bytes = 0;
      for await (const chunk of res.body) {
        bytes += chunk.length;
        for (let i = 0; i < chunk.length; i++) if (chunk[i] === 10) lines++;
      }
      const seconds = (performance.now() - t0) / 1000;
      const after = procMemoryKb(gw.pid);
      const expected = Number(res.headers.get('x-total-count'));
      if (lines !== expected) throw new Error(`the export streamed ${lines} records, X-Total-Count said ${expected}`);
      exported = {
        filter,
        records: lines,
        seconds: round(seconds, 1),
        recordsPerSecond: round(lines / seconds, 0),
        mb: round(bytes / 1e6, 1),
        gatewayRssBeforeMb: before ? round(before.rssKb / 1024, 1) : null,
        gatewayPeakRssMb: after && reset ? round(after.hwmKb / 1024, 1) : null,
      };
      say(`  export ${filter}: ${fmtInt(lines)} records (${exported.mb} MB) in ${exported.seconds} s, gateway RSS ${exported.gatewayRssBeforeMb} MB before, peak ${exported.gatewayPeakRssMb} MB`);
    }
    ctx.figures.atScale = { rows: ds.counts.citations, legacyC1, legacyC32, searchC1, searchC32, deepPages, export: exported };
  });
}
