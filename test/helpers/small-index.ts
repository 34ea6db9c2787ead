/** A tiny hand-made index (no generator, no indexer) for tests about faults and processes. */
import type { Meilisearch } from 'meilisearch';
import { indexSettings, PRIMARY_KEY } from '../../src/catalog/index-settings.ts';
import { encode } from '../../src/catalog/layout.ts';

const flag = (on: boolean): 0 | 1 => (on ? 1 : 0);

export function smallRecords(n: number) {
  return Array.from({ length: n }, (_, i) => ({
    id: String(i).padStart(24, '0'),
    applicationId: String(12_000_000 + (i % 40)),
    Patent_PGPub: String(7_000_000 + i),
    form892: flag(i % 2 === 1),
    form1449: flag((i + 1) % 2 === 1),
    citationInOA: flag(i % 3 === 0),
    artUnit: String(2100 + (i % 60)),
    mailDate: `201${i % 8}-0${1 + (i % 9)}-1${i % 10}`,
  }));
}

export async function createSmallIndex(client: Meilisearch, uid: string, n = 200): Promise<void> {
  await client.createIndex(uid, { primaryKey: PRIMARY_KEY }).waitTask();
  await client.index(uid).updateSettings(indexSettings()).waitTask();
  await client.index(uid).addDocuments(smallRecords(n).map(encode)).waitTask();
}
