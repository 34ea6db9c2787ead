/**
 * The bundled sample (`samples/`, OARD format): loaded into an empty index by `npm start` and by
 * the compose `setup` service (LOAD_SAMPLE), never over an index that holds documents.
 */
import { fileURLToPath } from 'node:url';
import { runIndex } from '../indexer/run.ts';
import type { Logger } from './http/log.ts';
import type { AdminConnection } from './meili/connect.ts';

export const SAMPLE = {
  citations: fileURLToPath(new URL('../samples/citations.csv.gz', import.meta.url)),
  officeActions: fileURLToPath(new URL('../samples/office_actions.csv.gz', import.meta.url)),
};

async function documentCount(admin: AdminConnection, index: string): Promise<number> {
  try {
    return (await admin.client.index(index).getStats()).numberOfDocuments;
  } catch {
    return 0; // no such index yet
  }
}

/** Loads the sample into `index` when it is empty or missing; the number of documents loaded, 0 when it was not empty. */
export async function loadSampleIfEmpty(admin: AdminConnection, index: string, log: Logger): Promise<number> {
  if ((await documentCount(admin, index)) > 0) return 0;
  log.info('loading the bundled sample into an empty index', { index });
  const summary = await runIndex({
    ...SAMPLE,
    index,
    meili: { url: admin.url, apiKey: admin.masterKey },
    resume: false,
    log: (line) => log.debug(line),
  });
  log.info('sample loaded', { documents: summary.indexed, rejected: summary.rejected, elapsedMs: summary.elapsedMs });
  return summary.indexed;
}
