/**
 * Where Meilisearch is and which keys to use with it.
 *
 * `connectAdmin` gives the indexer (and start-up) a client holding the master key: the external
 * server from MEILI_URL/MEILI_MASTER_KEY, or the embedded one started here. `searchKeyFor` gives
 * the gateway its read-only key, so the master key never serves a search.
 */
import type { Config } from '../config.ts';
import { MeiliAdmin } from './admin.ts';
import { masterKeyIn, runningEmbedded, startEmbeddedMeili, type EmbeddedMeili } from './embedded.ts';
import { join } from 'node:path';
import { createHash } from 'node:crypto';

export interface AdminConnection {
  readonly url: string;
  readonly masterKey: string | undefined;
  /** The write side's client, holding the master key (src/meili/admin.ts). */
  readonly admin: MeiliAdmin;
  /** Set when this process started Meilisearch itself. */
  readonly embedded: EmbeddedMeili | undefined;
  close(): Promise<void>;
}

export async function connectAdmin(config: Pick<Config, 'MEILI_URL' | 'MEILI_MASTER_KEY' | 'DATA_DIR' | 'MEILI_PORT'>): Promise<AdminConnection> {
  let url: string;
  let masterKey: string | undefined;
  let embedded: EmbeddedMeili | undefined;
  if (config.MEILI_URL) {
    url = config.MEILI_URL.replace(/\/+$/, '');
    masterKey = config.MEILI_MASTER_KEY;
  } else {
    const dataDir = join(config.DATA_DIR, 'meilisearch');
    const running = await runningEmbedded(dataDir);
    if (running) {
      // Another process of ours (npm start) already serves this data dir: share it.
      url = running;
      masterKey = masterKeyIn(dataDir);
    } else {
      embedded = await startEmbeddedMeili({ dataDir, port: config.MEILI_PORT });
      url = embedded.url;
      masterKey = embedded.masterKey;
    }
  }
  return {
    url,
    masterKey,
    admin: new MeiliAdmin({ url, apiKey: masterKey }),
    embedded,
    close: async () => {
      await embedded?.stop();
    },
  };
}

/** An AdminConnection on a server someone else runs (nothing to stop on close). */
export function adminOn(url: string, masterKey: string | undefined): AdminConnection {
  return { url, masterKey, admin: new MeiliAdmin({ url, apiKey: masterKey }), embedded: undefined, close: async () => {} };
}

/** Actions of the gateway's key: read documents and search, nothing that writes. */
export const GATEWAY_KEY_ACTIONS = ['search', 'documents.get', 'indexes.get', 'stats.get'] as const;

/**
 * A stable key uid per set of indexes, so restarts reuse the key instead of piling up new ones.
 * Meilisearch derives a key's value from its uid and the master key (HMAC-SHA256), so the value is
 * stable too. (A key's indexes cannot be changed: other indexes are another key.)
 */
export function gatewayKeyUid(indexUids: string | readonly string[]): string {
  const h = createHash('sha256').update(`oa-citations gateway ${[indexUids].flat().join(' ')}`).digest('hex');
  // Shape it as a UUID v4-like string, as Meilisearch requires for key uids.
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * The read-only key the gateway searches with: MEILI_SEARCH_KEY when given, otherwise a key this
 * function creates (once) with the master key, restricted to the gateway's actions and index.
 * Without any key (a Meilisearch run without a master key) it returns undefined.
 */
export async function searchKeyFor(admin: AdminConnection, indexUids: string | readonly string[], given?: string): Promise<string | undefined> {
  if (given) return given;
  if (!admin.masterKey) return undefined;
  const indexes = [indexUids].flat();
  const uid = gatewayKeyUid(indexes);
  try {
    return (await admin.admin.getKey(uid)).key;
  } catch {
    const key = await admin.admin.createKey({
      uid,
      name: `oa-citations gateway (${indexes.join(', ')})`,
      description: 'Read-only key of the oa-citations gateway',
      actions: [...GATEWAY_KEY_ACTIONS],
      indexes,
      expiresAt: null,
    });
    return key.key;
  }
}

/** Experimental features the query layers rely on (CONTAINS for `*infix*` wildcards). */
export async function enableFeatures(admin: AdminConnection): Promise<void> {
  await admin.admin.enableFeatures();
}
