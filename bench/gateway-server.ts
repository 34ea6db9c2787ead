/**
 * The gateway as the bench runs it: its own process, wired like src/main.ts (createApp +
 * MeiliReader + startServer) but without the admin side - it gets a ready
 * search-only key and never sees the master key.
 *
 * Environment: MEILI_URL, MEILI_SEARCH_KEY, OA_INDEX, OA_REJECTIONS_INDEX, LOG_LEVEL (and any other gateway setting of
 * src/config.ts; the production defaults apply). Listens on 127.0.0.1 on a free port and reports
 * `{"port": N}` over the IPC channel (or stderr when there is none). Stops on SIGTERM/SIGINT.
 */
import { createApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { createLogger, stdoutLines } from '../src/http/log.ts';
import { serverLimitsFrom, startServer } from '../src/http/server.ts';
import { laneLimitsFrom } from '../src/meili/lanes.ts';
import { MeiliReader } from '../src/meili/reader.ts';

const config = loadConfig({ ...process.env, HOST: '127.0.0.1', PORT: '0', LOAD_SAMPLE: 'false' });
if (!config.MEILI_URL) throw new Error('gateway-server: MEILI_URL is required');
const reader = new MeiliReader({
  url: config.MEILI_URL,
  apiKey: config.MEILI_SEARCH_KEY,
  index: config.OA_INDEX,
  timeoutMs: config.REQUEST_TIMEOUT_MS,
  lanes: laneLimitsFrom(config),
});
const app = createApp({ reader, rejections: reader.forIndex(config.OA_REJECTIONS_INDEX), config, log: createLogger(config.LOG_LEVEL, stdoutLines()) });
const { server, port } = await startServer(app.fetch, { host: '127.0.0.1', port: 0, limits: serverLimitsFrom(config) });
if (process.send) process.send({ port, pid: process.pid });
else process.stderr.write(`${JSON.stringify({ port, pid: process.pid })}\n`);

const stop = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 2_000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.on('disconnect', stop); // the bench went away: do not linger
