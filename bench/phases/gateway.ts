/**
 * Phase `gateway`: the legacy /records mix through the gateway against the very Meilisearch
 * requests the gateway sends for it, straight to Meilisearch, on the largest index (bench/README.md,
 * figure 4): learnt through a recording proxy, then loaded side by side in ABBA order at
 * c = 32, then unloaded at c = 1.
 */
import type { BenchContext } from '../context.ts';
import { documentCount, say } from '../lib.ts';
import type { LoadResult } from '../load.ts';
import { probe, runLoad } from '../processes.ts';
import { compileMicros, directRequests, expectedFilter, firstAppId, gatewayRequests, legacyMix } from '../queries.ts';
import { startRecorder, type RecordedRequest } from '../recorder.ts';

export interface GatewayFigures {
  rows: number;
  /** Meilisearch requests the gateway makes per legacy query (averaged over the mix). */
  meiliRequestsPerQuery: number;
  upstream: string[];
  upstreamAcceptEncoding: string | null;
  gateway: LoadResult[];
  direct: LoadResult[];
  gatewayC1?: LoadResult;
  directC1?: LoadResult;
  /** In-process CPU of criteria -> stored filter text, µs per query of the mix. */
  compileMicros: number;
}

/**
 * CPU microseconds per answered request of the gateway process and of Meilisearch, over one
 * measured gateway run (both serve the same requests), and their ratio: what the gateway costs
 * whatever the machine.
 */
export interface CpuPerRequest {
  gatewayUs: number;
  meiliUs: number;
  ratio: number;
}

export function cpuPerRequest(run: LoadResult | undefined): CpuPerRequest | undefined {
  const cpu = run?.cpuSeconds;
  if (!run || !cpu || run.ok === 0 || cpu.gateway === undefined || cpu.meili === undefined) return undefined;
  const gatewayUs = (cpu.gateway * 1e6) / run.ok;
  const meiliUs = (cpu.meili * 1e6) / run.ok;
  return { gatewayUs, meiliUs, ratio: meiliUs > 0 ? gatewayUs / meiliUs : NaN };
}

export async function gatewayPhase(ctx: BenchContext, index: string): Promise<void> {
  const ds = await ctx.dataset(ctx.largest);
  const count = await documentCount(ctx.target, index);
  const mix = legacyMix(firstAppId(ds.citations), count);
  const viaGateway = gatewayRequests(mix);

  // Learn what the gateway sends Meilisearch for each query: a gateway pointed at a recording
  // proxy answers each query once.
  const recorder = await startRecorder(ctx.target.url);
  ctx.cleanup.add('recorder', () => recorder.close());
  const recorded: RecordedRequest[] = [];
  await ctx.withGateway(
    index,
    async (gw) => {
      recorder.take();
      for (const [i, q] of mix.entries()) {
        const g = await probe(gw.url, viaGateway[i]!);
        if (g.status !== 200) throw new Error(`gateway answered ${g.status} to ${q.criteria}: ${g.text.slice(0, 300)}`);
        const reqs = recorder.take().filter((r) => !r.path.startsWith('/health'));
        if (reqs.length === 0) throw new Error(`the gateway made no Meilisearch request for ${q.criteria}`);
        const filter = expectedFilter(q);
        if (filter !== undefined && !reqs.some((r) => r.body.includes(JSON.stringify(filter).slice(1, -1)))) {
          say(`  warning: the recorded request for ${q.criteria} does not carry the compiled filter ${filter}`);
        }
        recorded.push(...reqs);
      }
    },
    { target: { url: recorder.url, apiKey: ctx.target.apiKey } },
  );
  await recorder.close();
  const upstream = [...new Set(recorded.map((r) => `${r.method} ${r.path.replace(index, '{uid}')}`))];
  const acceptEncoding = recorded.find((r) => r.headers['accept-encoding'])?.headers['accept-encoding'];
  say(`  the gateway sends ${recorded.length} Meilisearch request(s) for the ${mix.length} queries: ${upstream.join(', ')}${acceptEncoding ? ` (Accept-Encoding: ${String(acceptEncoding)})` : ''}`);
  const direct = directRequests(recorded);

  const results: GatewayFigures = {
    rows: ds.counts.citations,
    meiliRequestsPerQuery: recorded.length / mix.length,
    upstream,
    upstreamAcceptEncoding: acceptEncoding === undefined ? null : String(acceptEncoding),
    gateway: [],
    direct: [],
    compileMicros: compileMicros(mix),
  };
  say(`  criteria -> Meilisearch filter (compile, lower, render): ${results.compileMicros.toFixed(1)} µs per query of the mix`);
  const plan = ctx.plan;
  await ctx.withGateway(
    index,
    async (gw) => {
      // Both sides answer every request, with the same totals.
      for (const [i, q] of mix.entries()) {
        const g = await probe(gw.url, viaGateway[i]!);
        if (g.status !== 200) throw new Error(`gateway answered ${g.status} to ${q.criteria}: ${g.text.slice(0, 300)}`);
      }
      for (const r of direct) {
        const d = await probe(ctx.target.url, r);
        if (d.status !== 200) throw new Error(`Meilisearch answered ${d.status} to ${r.path} ${r.body ?? ''}: ${d.text.slice(0, 300)}`);
      }
      // Both processes' CPU over each gateway run (bench/README.md, "CPU per request").
      const cpuOf = { gateway: gw.pid, meili: ctx.meiliPid };
      // The gateway's JIT warmed first, unmeasured (a served gateway runs warm for days; the
      // natively compiled Meilisearch needs none): three warm-ups' worth of the mix at full load.
      await runLoad(ctx.cleanup, { url: gw.url, requests: viaGateway, connections: plan.connections, durationSeconds: 3 * plan.warmupSeconds, warmupSeconds: 0, workDir: ctx.work });
      for (let pair = 0; pair < plan.loadPairs; pair++) {
        const common = { connections: plan.connections, durationSeconds: plan.loadSeconds, warmupSeconds: plan.warmupSeconds, workDir: ctx.work };
        // ABBA order: direct first in even pairs, gateway first in odd ones.
        const runDirect = () => runLoad(ctx.cleanup, { url: ctx.target.url, requests: direct, ...common });
        const runGateway = () => runLoad(ctx.cleanup, { url: gw.url, requests: viaGateway, cpuOf, ...common });
        let d: LoadResult;
        let g: LoadResult;
        if (pair % 2 === 0) {
          d = await runDirect();
          g = await runGateway();
        } else {
          g = await runGateway();
          d = await runDirect();
        }
        // Direct qps in legacy queries: one legacy query = meiliRequestsPerQuery Meilisearch requests.
        d.qps /= results.meiliRequestsPerQuery;
        results.direct.push(d);
        results.gateway.push(g);
        say(`  pair ${pair + 1}: direct ${d.qps.toFixed(0)} qps p50 ${d.p50_ms.toFixed(2)} ms | gateway ${g.qps.toFixed(0)} qps p50 ${g.p50_ms.toFixed(2)} ms`);
      }
      // Unloaded: one connection each, so the p50 difference is the gateway's own latency, not queueing.
      const one = { connections: 1, durationSeconds: plan.c1Seconds, warmupSeconds: plan.warmupSeconds, workDir: ctx.work };
      results.directC1 = await runLoad(ctx.cleanup, { url: ctx.target.url, requests: direct, ...one });
      results.gatewayC1 = await runLoad(ctx.cleanup, { url: gw.url, requests: viaGateway, cpuOf, ...one });
      say(`  c=1: direct p50 ${results.directC1.p50_ms.toFixed(2)} ms | gateway p50 ${results.gatewayC1.p50_ms.toFixed(2)} ms`);
      for (const [label, run] of [...results.gateway.map((g, i) => [`c=${plan.connections} pair ${i + 1}`, g] as const), ['c=1', results.gatewayC1] as const]) {
        const cpu = cpuPerRequest(run);
        if (cpu) say(`  CPU per request, ${label}: gateway ${cpu.gatewayUs.toFixed(0)} µs, Meilisearch ${cpu.meiliUs.toFixed(0)} µs (ratio ${cpu.ratio.toFixed(3)})`);
      }
    },
    { cpuProfDir: ctx.profileDir },
  );
  ctx.figures.gateway = results;
}
