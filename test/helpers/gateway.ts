/**
 * A gateway over a freshly indexed generated data set, for end-to-end tests: generator ->
 * indexer -> real Meilisearch -> the Hono app (called in-process with app.request).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type GatewayConfig } from '../../src/app.ts';
import { TEST_CONFIG } from './config.ts';
import { REJECTIONS } from '../../src/catalog/datasets.ts';
import { decode, type StoredDoc } from '../../src/catalog/layout.ts';
import type { OaRecord } from '../../src/catalog/schema.ts';
import { createLogger } from '../../src/http/log.ts';
import { searchKeyFor } from '../../src/meili/connect.ts';
import { MeiliReader } from '../../src/meili/reader.ts';
import { generateDataset } from '../../tools/generate/dataset.ts';
import { runIndex } from '../../indexer/run.ts';
import { testAdmin, uniqueIndex } from './meili.ts';

export { TEST_CONFIG };

export interface TestGateway {
  index: string;
  /** The rejections' index (with `rejections: true`). */
  rejectionsIndex: string;
  /** Every record, read straight from Meilisearch and decoded from the stored layout (the oracle's input). */
  records: OaRecord[];
  /** Every rejection, read the same way (with `rejections: true`; else none). */
  rejections: OaRecord[];
  /** The generated data set's files and counts. */
  data: Awaited<ReturnType<typeof generateDataset>>;
  /** The indexer's summary. */
  summary: Awaited<ReturnType<typeof runIndex>>;
  app: ReturnType<typeof createApp>;
  reader: MeiliReader;
  cleanup(): Promise<void>;
}

/** Reads every document of an index and decodes it with a layout. */
async function readAll(admin: ReturnType<typeof testAdmin>, index: string, decodeDoc: (d: StoredDoc) => OaRecord): Promise<OaRecord[]> {
  const records: OaRecord[] = [];
  for (let offset = 0; ; offset += 1000) {
    const page = await admin.client.index(index).getDocuments<StoredDoc>({ offset, limit: 1000 });
    records.push(...page.results.map(decodeDoc));
    if (page.results.length < 1000) break;
  }
  return records;
}

export async function startTestGateway(options: {
  officeActions: number;
  seed?: number;
  config?: Partial<GatewayConfig>;
  /** Also index the generated rejections (one run builds both). */
  rejections?: boolean;
}): Promise<TestGateway> {
  const admin = testAdmin();
  const dir = mkdtempSync(join(tmpdir(), 'oa-gw-'));
  const data = await generateDataset(dir, { officeActions: options.officeActions, seed: options.seed ?? 7 });
  const index = uniqueIndex('gw');
  const rejectionsIndex = `${index}_rej`;
  const summary = await runIndex({
    citations: data.citations,
    ...(options.rejections ? { rejections: data.rejections, rejectionsIndex } : {}),
    officeActions: data.officeActions,
    index,
    meili: { url: admin.url, apiKey: admin.masterKey },
    checkpointDir: join(dir, 'checkpoints'),
    rejectsFile: join(dir, 'rejects.ndjson'),
    resume: false,
  });
  const records = await readAll(admin, index, decode);
  const rejections = options.rejections ? await readAll(admin, rejectionsIndex, REJECTIONS.layout.decode) : [];
  const searchKey = await searchKeyFor(admin, [index, rejectionsIndex]);
  const reader = new MeiliReader({ url: admin.url, apiKey: searchKey, index, timeoutMs: 10_000 });
  const app = createApp({ reader, rejections: reader.forIndex(rejectionsIndex), config: { ...TEST_CONFIG, ...options.config }, log: createLogger('silent') });
  return {
    index,
    rejectionsIndex,
    records,
    rejections,
    data,
    summary,
    app,
    reader,
    cleanup: async () => {
      rmSync(dir, { recursive: true, force: true });
      await admin.client.deleteIndex(index).waitTask();
      if (options.rejections) await admin.client.deleteIndex(rejectionsIndex).waitTask();
    },
  };
}
