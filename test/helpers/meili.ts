/** The test run's real Meilisearch (started by test/setup/meili.global.ts). */
import { randomBytes } from 'node:crypto';
import { Meilisearch } from 'meilisearch';
import { inject } from 'vitest';
import { adminOn, type AdminConnection } from '../../src/meili/connect.ts';

export function testMeili() {
  const { url, masterKey } = inject('meili');
  return { url, masterKey, client: new Meilisearch({ host: url, apiKey: masterKey }) };
}

/**
 * An AdminConnection on the shared test server (nothing to stop on close), plus the official SDK
 * as `client`: tests check the project's clients against an independent one.
 */
export function testAdmin(): AdminConnection & { client: Meilisearch } {
  const { url, masterKey, client } = testMeili();
  return { ...adminOn(url, masterKey), client };
}

/** A fresh index uid, so test files never share state. */
export function uniqueIndex(prefix = 'test'): string {
  return `${prefix}_${randomBytes(4).toString('hex')}`;
}
