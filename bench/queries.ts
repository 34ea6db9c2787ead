/**
 * The fixed legacy query mix, and the two ways of sending it:
 * - through the gateway: POST /ds-api/oa_citations/v1/records, form-encoded, as v1 clients do;
 * - straight to Meilisearch: the very request(s) the gateway sends for it (recorded through a
 *   pass-through proxy, see recorder.ts; the filter is checked against compileCriteria), with the
 *   gateway's search-only key.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { lower, NOTHING } from '../src/catalog/layout.ts';
import { render } from '../src/filter/render.ts';
import { compileCriteria } from '../src/legacy/criteria/index.ts';
import { median } from './lib.ts';
import type { LoadRequest } from './load.ts';
import type { RecordedRequest } from './recorder.ts';

export interface LegacyQuery {
  kind: 'field' | 'range' | 'wildcard' | 'boolean' | 'deep-page';
  criteria: string;
  start: number;
  rows: number;
}

/**
 * The mix: two field lookups, a date range, a prefix wildcard, a boolean combination, and two deep
 * pages (start 10 000 of everything, start 5 000 of a filter). `sampleAppId` is an application
 * number present in the data; `total` is the index's document count (deep pages stay inside it).
 *
 * The deep pages are at fixed offsets, not a share of the index, so the scale curve compares the
 * same queries at every size; the page at the very end is measured on its own (phase atscale).
 */
export function legacyMix(sampleAppId: string, total: number): LegacyQuery[] {
  const deep = Math.max(0, Math.min(10_000, Math.floor(total / 2)));
  return [
    { kind: 'field', criteria: 'form892:1', start: 0, rows: 20 },
    { kind: 'field', criteria: `applicationId:${sampleAppId}`, start: 0, rows: 100 },
    { kind: 'range', criteria: 'mailDate:[20120101 TO 20121231]', start: 0, rows: 20 },
    { kind: 'wildcard', criteria: 'Patent_PGPub:2005*', start: 0, rows: 20 },
    { kind: 'boolean', criteria: '(actionType:103 OR actionType:102) AND documentCd:CTFR AND NOT rejection101:1', start: 0, rows: 50 },
    { kind: 'deep-page', criteria: '*:*', start: deep, rows: 20 },
    { kind: 'deep-page', criteria: 'form1449:0', start: Math.floor(deep / 2), rows: 100 },
  ];
}

export const RECORDS_PATH = '/ds-api/oa_citations/v1/records';

/** The application number of the first data row of a citations CSV (a value the data surely holds). */
export function firstAppId(citationsCsv: string): string {
  const fd = openSync(citationsCsv, 'r');
  try {
    const buf = Buffer.alloc(4096);
    const n = readSync(fd, buf, 0, buf.length, 0);
    const line = buf.subarray(0, n).toString('utf8').split('\n')[1] ?? '';
    return line.split(',')[0] ?? '00000000';
  } finally {
    closeSync(fd);
  }
}

export function gatewayRequests(mix: readonly LegacyQuery[]): LoadRequest[] {
  return mix.map((q) => ({
    method: 'POST',
    path: RECORDS_PATH,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ criteria: q.criteria, start: String(q.start), rows: String(q.rows) }).toString(),
  }));
}

/** The (stored) filter the gateway should put in its Meilisearch request for `q` (a sanity check of the recording). */
export function expectedFilter(q: LegacyQuery): string | undefined {
  return render(lower(compileCriteria(q.criteria).filter), NOTHING).text;
}

/**
 * The gateway's CPU for turning the mix's criteria into the filters it sends (compile, lower to the
 * stored layout, render), in microseconds per query: the median of 7 rounds of 200 ms, in process.
 */
export function compileMicros(mix: readonly LegacyQuery[]): number {
  const rounds: number[] = [];
  for (let round = 0; round < 7; round++) {
    let n = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < 200) {
      for (const q of mix) expectedFilter(q);
      n += mix.length;
    }
    rounds.push(((performance.now() - t0) * 1000) / n);
  }
  return median(rounds);
}

/**
 * The direct side: the Meilisearch requests the gateway was recorded making for the mix (see
 * recorder.ts), replayed as they were - method, path, body, Content-Type and the gateway's own
 * search-only key - minus Accept-Encoding: a plain client reads Meilisearch's answers uncompressed.
 */
export function directRequests(recorded: readonly RecordedRequest[]): LoadRequest[] {
  return recorded.map((r) => {
    const headers: Record<string, string> = {};
    for (const name of ['authorization', 'content-type']) {
      const v = r.headers[name];
      if (typeof v === 'string') headers[name] = v;
    }
    return { method: r.method === 'GET' ? 'GET' : 'POST', path: r.path, headers, body: r.body || undefined };
  });
}

/** The modern faceted search: two facets and one filter. */
export const MODERN_SEARCH_PATH = '/api/v1/search?q=&formType=892&facets=formType,artUnit';
