/**
 * `npm run soak`: the load test of the Security and Operations section. A mixed legacy + modern
 * query load at 64 connections for 60 s (`--seconds`, `--connections` to change) against a
 * gateway in its own process, on its own Meilisearch with a generated data set. Passes (exit 0)
 * only with 0 errors, 0 timeouts and no non-2xx answer; prints p50/p99 and one JSON line last.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateDataset } from '../tools/generate/dataset.ts';
import { runIndex } from '../indexer/run.ts';
import { adminOn, enableFeatures, searchKeyFor } from '../src/meili/connect.ts';
import { startEmbeddedMeili } from '../src/meili/embedded.ts';
import { Cleanup, say } from './lib.ts';
import type { LoadRequest } from './load.ts';
import { probe, runLoad, startGateway } from './processes.ts';

const { values: argv } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    connections: { type: 'string', default: '64' },
    'office-actions': { type: 'string', default: '8000' },
  },
});

const form = (criteria: string, rows = 20, start = 0): LoadRequest => ({
  method: 'POST',
  path: '/ds-api/oa_citations/v1/records',
  headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({ criteria, rows: String(rows), start: String(start) }).toString(),
});

function mix(appId: string, reference: string): LoadRequest[] {
  return [
    form('form892:1'),
    form(`applicationId:${appId}`, 100),
    form('mailDate:[20120101 TO 20121231] AND documentCd:CTNF'),
    form('Patent_PGPub:2005*'),
    form('(actionType:103 OR actionType:102) AND NOT rejection101:1', 50),
    form('*:*', 20, 2000),
    { method: 'GET', path: '/api/v1/search?formType=892&facets=formType,artUnit' },
    { method: 'GET', path: `/api/v1/search?q=${reference}` },
    { method: 'GET', path: `/api/v1/lookup?number=${encodeURIComponent(`US ${reference} B2`)}` },
    { method: 'GET', path: `/api/v1/references/${reference}/citing` },
    { method: 'GET', path: '/api/v1/stats/top-references?techCenter=2100&limit=10' },
    { method: 'GET', path: '/api/v1/facets/artUnit?q=21' },
  ];
}

const cleanup = new Cleanup();

async function main(): Promise<void> {
  const root = cleanup.tempDir('oa-soak-');
  say('starting Meilisearch');
  const meili = await startEmbeddedMeili({ dataDir: join(root, 'meili') });
  cleanup.add('stop Meilisearch', () => meili.stop());
  const admin = adminOn(meili.url, meili.masterKey);
  await enableFeatures(admin);
  const data = await generateDataset(join(root, 'data'), { officeActions: Number(argv['office-actions']), seed: 3 });
  say(`indexing ${data.counts.citations.toLocaleString('en-US')} citation rows`);
  const index = 'soak';
  await runIndex({ citations: data.citations, officeActions: data.officeActions, index, meili: { url: meili.url, apiKey: meili.masterKey }, checkpointDir: join(root, 'cp'), rejectsFile: join(root, 'rejects.ndjson'), resume: false });
  const gateway = await startGateway(cleanup, {
    meiliUrl: meili.url,
    searchKey: (await searchKeyFor(admin, index))!,
    index,
    logFile: join(root, 'gateway.log'),
    logLevel: 'info',
  });
  const top = (await (await fetch(`${gateway.url}/api/v1/stats/top-references?limit=1`)).json()) as { references: { number: string }[] };
  const some = (await (await fetch(`${gateway.url}/api/v1/search?pageSize=1`)).json()) as { hits: { applicationId: string }[] };
  const requests = mix(some.hits[0]!.applicationId, top.references[0]!.number);
  for (const r of requests) {
    const p = await probe(gateway.url, r);
    if (p.status !== 200) throw new Error(`${r.method} ${r.path} answered ${p.status}: ${p.text.slice(0, 300)}`);
  }
  const seconds = Number(argv.seconds);
  const connections = Number(argv.connections);
  say(`load: ${connections} connections for ${seconds} s, ${requests.length} request kinds`);
  const result = await runLoad(cleanup, { url: gateway.url, requests, connections, durationSeconds: seconds, warmupSeconds: 3, workDir: root });
  const pass = result.errors === 0 && result.timeouts === 0 && result.non2xx === 0;
  process.stdout.write(
    `requests ${result.requests}  qps ${result.qps.toFixed(0)}  p50 ${result.p50_ms.toFixed(1)} ms  p99 ${result.p99_ms.toFixed(1)} ms  ` +
      `errors ${result.errors}  timeouts ${result.timeouts}  non-2xx ${result.non2xx}  ${pass ? 'PASS' : 'FAIL'}\n`,
  );
  process.stdout.write(`${JSON.stringify({ connections, durationSeconds: seconds, ...result, pass })}\n`);
  if (!pass) process.exitCode = 1;
}

main()
  .catch((err: unknown) => {
    process.stderr.write(`soak: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  })
  .finally(() => cleanup.run());
