/**
 * `npm start`: the gateway on the embedded Meilisearch (or MEILI_URL), with the bundled sample
 * loaded into an empty index, until SIGTERM/SIGINT.
 *
 * Start-up order: config -> Meilisearch (admin) -> sample load if the index is empty -> the
 * gateway's read-only key -> HTTP server. The master key stays in this function's scope: the
 * gateway itself only ever sees the search key. Given only a search key (MEILI_SEARCH_KEY or
 * MEILI_SEARCH_KEY_FILE and no master key, as docker-compose.yml runs it) it writes nothing: the
 * compose `setup` service (src/meili/setup-cli.ts) made the key and enabled the features.
 */
import { createApp } from './app.ts';
import { CITATIONS, REJECTIONS } from './catalog/datasets.ts';
import { ConfigError, loadConfig } from './config.ts';
import { createLogger, stdoutLines } from './http/log.ts';
import { serverLimitsFrom, startServer } from './http/server.ts';
import { connectAdmin, enableFeatures, searchKeyFor } from './meili/connect.ts';
import { laneLimitsFrom } from './meili/lanes.ts';
import { MeiliReader } from './meili/reader.ts';
import { Readiness } from './ops/readiness.ts';
import { loadSampleIfEmpty } from './sample.ts';

async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.LOG_LEVEL, stdoutLines());
  const admin = await connectAdmin(config);
  log.info('meilisearch', { url: admin.url, embedded: Boolean(admin.embedded) });
  if (admin.masterKey) await enableFeatures(admin);

  // With only a search key (MEILI_SEARCH_KEY[_FILE], no master key: the compose deployment) the
  // gateway cannot write; data comes from the indexer (or the setup service's LOAD_SAMPLE).
  const searchOnly = Boolean(config.MEILI_SEARCH_KEY) && !admin.masterKey;
  if (config.LOAD_SAMPLE && searchOnly) log.warn('LOAD_SAMPLE ignored: the gateway holds only a search key');
  else if (config.LOAD_SAMPLE) await loadSampleIfEmpty(admin, { citations: config.OA_INDEX, rejections: config.OA_REJECTIONS_INDEX }, log);

  // One search key for both data sets' indexes; one reader each, sharing connections and lanes.
  const searchKey = await searchKeyFor(admin, [config.OA_INDEX, config.OA_REJECTIONS_INDEX], config.MEILI_SEARCH_KEY);
  const reader = new MeiliReader({ url: admin.url, apiKey: searchKey, index: config.OA_INDEX, timeoutMs: config.REQUEST_TIMEOUT_MS, lanes: laneLimitsFrom(config) });
  const rejections = reader.forIndex(config.OA_REJECTIONS_INDEX);
  let accepting = true;
  const readiness = new Readiness(reader, { dataset: CITATIONS.dataset, others: [{ dataset: REJECTIONS.dataset, reader: rejections }] });
  // Links in answers name PUBLIC_URL, else the address listened on (the port known once listening).
  const listenHost = ['0.0.0.0', '::', ''].includes(config.HOST) ? 'localhost' : config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST;
  let publicUrl = config.PUBLIC_URL ?? `http://${listenHost}:${config.PORT}`;
  const app = createApp({ reader, rejections, config, log, accepting: () => accepting, readiness, publicUrl: () => publicUrl });
  // Say once, at start, what keeps the gateway from answering (an old index would answer wrongly).
  const ready = await readiness.check();
  if (!ready.ready) log.warn('not ready', { reason: ready.reason });

  const { server, port } = await startServer(app.fetch, {
    host: config.HOST,
    port: config.PORT,
    limits: serverLimitsFrom(config),
  });
  if (!config.PUBLIC_URL) publicUrl = `http://${listenHost}:${port}`;
  log.info('listening', { url: `http://${config.HOST}:${port}`, index: config.OA_INDEX });
  process.stderr.write(`oa-citations listening on http://${config.HOST}:${port} (try /ds-api/ or /docs)\n`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    accepting = false;
    log.info('shutting down', { signal });
    // Hard stop if in-flight work does not finish in time.
    setTimeout(() => process.exit(1), 9_000).unref();
    server.close();
    server.closeIdleConnections();
    await new Promise<void>((ok) => server.once('close', ok));
    await admin.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`oa-citations: ${err instanceof ConfigError || err instanceof Error ? err.message : String(err)}\n`);
  process.exit(err instanceof ConfigError ? 2 : 1);
});
