/** Helpers shared by the modern-API tests. */

/** A strict RFC 4180 reader, independent of the writer: rows of fields, CRLF line ends. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
      } else if (ch === '"') {
        quoted = false;
        i++;
      } else {
        field += ch;
        i++;
      }
    } else if (ch === '"' && field === '') {
      quoted = true;
      i++;
    } else if (ch === ',') {
      row.push(field);
      field = '';
      i++;
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += 2;
    } else {
      if (ch === '"' || ch === '\n' || ch === '\r') throw new Error(`bare ${JSON.stringify(ch)} at ${i}`);
      field += ch;
      i++;
    }
  }
  if (quoted) throw new Error('unterminated quote');
  if (field !== '' || row.length) throw new Error('last row without CRLF');
  return rows;
}

import { CITATIONS } from '../../src/catalog/citations.ts';
import { Hono } from 'hono';
import { modernRoutes, type ModernDeps } from '../../src/api/routes.ts';
import { ApiError } from '../../src/http/errors.ts';
import { MeiliReader } from '../../src/meili/reader.ts';
import { RecordStore } from '../../src/store/records.ts';
import { legacyPaths } from '../../src/legacy/reference.ts';
import { LEGACY_PREFIXES } from '../../src/legacy/routes.ts';

/** The modern routes with the gateway's error rendering, on a given store. */
export function apiApp(deps: ModernDeps): Hono {
  const app = new Hono();
  app.route('/', modernRoutes(deps));
  app.onError((err, c) => {
    if (err instanceof ApiError) return c.json(err.body(), err.status);
    throw err;
  });
  return app;
}

/** A reader whose Meilisearch is never there (port 9 refuses): any search is a 503. */
export const offlineReader = () => new MeiliReader({ url: 'http://127.0.0.1:9', apiKey: undefined, index: 'none', timeoutMs: 500 });

/** The modern API with no Meilisearch behind it (the legacy routes in its reference, as the gateway has them): for what must answer before any search. */
export const offlineApp = () => apiApp({ store: new RecordStore(CITATIONS, offlineReader()), otherPaths: legacyPaths(LEGACY_PREFIXES, 1000) });

import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

/** The end-to-end gateway of these tests (generator -> indexer -> Meilisearch -> app). */
export const startApiGateway = (options: { officeActions: number; seed: number }): Promise<TestGateway> => startTestGateway(options);

import type { FieldName } from '../../src/catalog/fields.ts';
import type { OaRecord } from '../../src/catalog/schema.ts';
import { parseDate } from '../../src/catalog/values.ts';

// ---------------------------------------------------------------------------------------------
// The oracle: plain-JS evaluation over the stored records, independent of Meilisearch.

/** A record's values of a field as strings (multi-valued fields give several, absent none). */
export function valuesOf(r: OaRecord, field: FieldName): string[] {
  const v = r[field];
  if (v === undefined) return [];
  return Array.isArray(v) ? v.map(String) : [String(v)];
}

/** Field -> accepted values (OR), all fields AND-ed; `mailDate` bounds inclusive. */
export interface OracleFilter {
  values?: Partial<Record<FieldName, string[]>>;
  mailDateFrom?: string;
  mailDateTo?: string;
}

export function matches(r: OaRecord, f: OracleFilter, except?: string): boolean {
  for (const [field, accepted] of Object.entries(f.values ?? {}) as [FieldName, string[]][]) {
    if (field === except) continue;
    const lower = accepted.map((a) => a.toLowerCase());
    if (!valuesOf(r, field).some((v) => lower.includes(v.toLowerCase()))) return false;
  }
  if (except !== 'mailDate' && (f.mailDateFrom || f.mailDateTo)) {
    const d = r.mailDate as string | undefined;
    if (d === undefined) return false;
    if (f.mailDateFrom && d < parseDate(f.mailDateFrom)!) return false;
    if (f.mailDateTo && d > parseDate(f.mailDateTo)!) return false;
  }
  return true;
}

export function countBy(rows: readonly OaRecord[], field: FieldName): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of rows) for (const v of valuesOf(r, field)) out[v] = (out[v] ?? 0) + 1;
  return out;
}

/** The most frequent values of a field, most first (ties by value). */
export function topValues(rows: readonly OaRecord[], field: FieldName, n: number): string[] {
  return Object.entries(countBy(rows, field))
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, n)
    .map(([v]) => v);
}

/** The query string of a filter, as the API takes it (repeated parameters). */
export function filterQuery(f: OracleFilter): URLSearchParams {
  const q = new URLSearchParams();
  for (const [field, values] of Object.entries(f.values ?? {})) for (const v of values) q.append(field, v);
  if (f.mailDateFrom) q.set('mailDateFrom', f.mailDateFrom);
  if (f.mailDateTo) q.set('mailDateTo', f.mailDateTo);
  return q;
}
