/**
 * The web page, server-rendered:
 *
 *   GET /                          citations search page (state in the URL: the modern API's parameters)
 *   GET /rejections                rejections search page (when oa_rejections is served)
 *   GET /record/:id                one citation with its office-action traits and related lists
 *   GET /office-action/:ifwNumber  one office action: its citations and its rejections together
 *   GET [/rejections]/facet-values/:facet   HTML list items for the art-unit finder (used by app.js)
 *   GET /assets/app.css, app.js    the stylesheet and the progressive-enhancement script
 *
 * The page answers through the same functions as the JSON API (runSearch, facetValues,
 * countRecords, readAll) and the store's record lookup, so it shows exactly what /api/v1 would; it
 * builds no query of its own and never talks to Meilisearch any other way. The search pages are
 * one route over a data set's WebDataset (datasets.ts).
 */
import { readFileSync } from 'node:fs';
import { Hono, type Context } from 'hono';
import { html } from 'hono/html';
import { facetValues } from '../api/facet-values.ts';
import { exactValue } from '../api/filters.ts';
import { countRecords, runSearch, type SearchQuery } from '../api/search.ts';
import { ApiError } from '../http/errors.ts';
import type { RecordStore } from '../store/records.ts';
import type { FieldName } from '../catalog/fields.ts';
import type { OaRecord } from '../catalog/schema.ts';
import { eq } from '../filter/ast.ts';
import { readAll, withoutMissingIndex } from '../api/read-all.ts';
import { groupRejections, type RejectionOut } from '../api/rejections.ts';
import { CITATIONS_WEB, REJECTIONS_WEB, type WebDataset } from './datasets.ts';
import { PAGE_SIZE, PageParams, readFacetFindQuery, readPageQuery } from './page-state.ts';
import { officeActionPage } from './views/office-action-page.ts';
import { notFoundPage, recordPage } from './views/record-page.ts';
import { facetValue, finderPath, searchPage, type DatasetLink } from './views/search-page.ts';
import type { Html } from './views/layout.ts';
import { requestSignal } from '../http/node-request.ts';

/** An office action rejects a few dozen grounds at most; more are not listed on its page. */
const MAX_REJECTIONS_SHOWN = 200;
/** An office action's page lists this many of its citations at most (the search page has them all). */
const MAX_CITATIONS_SHOWN = 500;

const asset = (name: string) => readFileSync(new URL(`./assets/${name}`, import.meta.url), 'utf8');
const ASSETS: ReadonlyMap<string, { type: string; body: string }> = new Map([
  ['app.css', { type: 'text/css; charset=utf-8', body: asset('app.css') }],
  ['app.js', { type: 'text/javascript; charset=utf-8', body: asset('app.js') }],
]);

/** Same-origin everything, no inline script or style: the page needs nothing else. */
const SECURITY_HEADERS = {
  'Content-Security-Policy': "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'same-origin',
};

function page(c: Context, body: Html, status: 200 | 400 | 404 | 503 = 200, headers: Record<string, string> = {}) {
  return c.html(body, status, { ...SECURITY_HEADERS, ...headers });
}

interface Problem {
  status: 400 | 503;
  /** The API's error code (`invalid_parameter`, `index_missing`...). */
  code: string;
  message: string;
  /** The parameters at fault (from the API's `details`). */
  params: string[];
  headers: Record<string, string>;
}

/**
 * A bad parameter or an unavailable search, as the page shows it (the API's own status and
 * message). Its code is noted on the context as the error handler notes it, for the metrics.
 */
function problemOf(c: Context, err: unknown): Problem {
  if (err instanceof ApiError && (err.status === 400 || err.status === 503)) {
    c.set('errorCode', err.code);
    const details = Array.isArray(err.extra.details) ? (err.extra.details as { param?: unknown }[]) : [];
    const params = details.flatMap((d) => (typeof d.param === 'string' ? [d.param] : []));
    return { status: err.status, code: err.code, message: err.message, params, headers: err.extra.headers ?? {} };
  }
  throw err;
}

/** The search page a record was opened from, when the Referer is one of ours; else the start page. */
function backLink(referer: string | undefined, self: string): string {
  try {
    const from = new URL(referer ?? '/', self);
    return from.origin === new URL(self).origin && from.pathname === '/' ? `/${from.search}` : '/';
  } catch {
    return '/'; // not a URL at all
  }
}

/** The routes that show records (behind API_KEYS, they need a key; the assets do not). */
export const WEB_DATA_ROUTES = ['/', '/record/*', '/office-action/*', '/facet-values/*', '/rejections', '/rejections/*'] as const;

/** A data set the page searches, with the store that answers it. */
interface Served {
  readonly web: WebDataset;
  readonly store: RecordStore;
}

export function webRoutes(store: RecordStore, rejections?: RecordStore): Hono {
  const app = new Hono();
  const served: Served[] = [{ web: CITATIONS_WEB, store }, ...(rejections ? [{ web: REJECTIONS_WEB, store: rejections }] : [])];

  /** The data-set switch: each page served, keeping the filters it shares with this one. */
  const switches = (params: PageParams, current: WebDataset): DatasetLink[] =>
    served.map(({ web }) => ({
      title: web.title,
      current: web === current,
      href: params.on(web.path, (name) => Object.hasOwn(web.schemas.page.shape, name)).href(),
    }));

  for (const { web, store: data } of served) {
    app.get(web.path, async (c) => {
      const params = PageParams.of(c, web.schemas, web.path);
      try {
        const query = readPageQuery(c, web.schemas);
        const search = { ...query, facets: [...web.facets], pageSize: PAGE_SIZE } as SearchQuery;
        const answer = await runSearch(data, search, requestSignal(c), web.api);
        return page(c, searchPage({ web, params, switches: switches(params, web), answer, criteria: web.criteria(query) }));
      } catch (err) {
        const problem = problemOf(c, err);
        return page(c, searchPage({ web, params, switches: switches(params, web), error: problem }), problem.status, problem.headers);
      }
    });

    app.get(finderPath(web, ':facet'), async (c) => {
      const facet = c.req.param('facet') as FieldName;
      if (!web.facets.includes(facet)) throw new ApiError(404, 'not_found', `no facet panel "${facet}"`);
      const { facetQuery, q, ...filters } = readFacetFindQuery(c, web.schemas);
      const found = await facetValues(data, facet, { prefix: facetQuery, filters, keywords: q }, requestSignal(c), web.api);
      const params = PageParams.of(c, web.schemas, web.path);
      // Values already chosen stay in the list (checked), whatever was typed: replacing the list
      // must not drop a filter from the form.
      const listed = new Set(found.values.map((v) => v.value));
      const kept = params.values(facet).filter((v) => !listed.has(v));
      const items = [
        ...kept.map((value) => facetValue(web, facet, value, undefined, true)),
        ...found.values.slice(0, 50).map(({ value, count }) => facetValue(web, facet, value, count, params.has(facet, value))),
      ];
      return c.html(items.length ? html`${items}` : html`<li class="empty">no value starts with that</li>`, 200, SECURITY_HEADERS);
    });
  }

  app.get('/record/:id', async (c) => {
    try {
      return await showRecord(c);
    } catch (err) {
      const problem = problemOf(c, err);
      return page(c, notFoundPage(problem.message, 'Search is unavailable'), problem.status, problem.headers);
    }
  });

  async function showRecord(c: Context) {
    const id = c.req.param('id')!;
    const signal = requestSignal(c);
    const record = await store.get(id, signal);
    if (!record) return page(c, notFoundPage(`No citation record has the id "${id}".`), 404);
    // The records holding exactly this record's application number, and its reference.
    const [application = 0, reference = 0] = await countRecords(
      store,
      [exactValue('applicationId', String(record.applicationId)), exactValue('Patent_PGPub', String(record.Patent_PGPub))],
      signal,
    );
    const back = backLink(c.req.header('Referer'), c.req.url);
    const read = record.ifwNumber === undefined ? undefined : await officeActionRejections(String(record.ifwNumber), signal);
    return page(c, recordPage(record, back, { application, reference }, read?.rejections));
  }

  /** The rejections of an office action; undefined without the rejections data set (or its index). */
  async function officeActionRejections(ifwNumber: string, signal: AbortSignal): Promise<{ rejections: RejectionOut[]; total: number; first?: OaRecord } | undefined> {
    if (!rejections) return undefined;
    const read = await readAll(rejections, eq('ifwNumber', ifwNumber), MAX_REJECTIONS_SHOWN, signal).catch(withoutMissingIndex);
    return read && { rejections: groupRejections(read.records).flatMap((g) => g.rejections), total: read.total, first: read.records[0] };
  }

  app.get('/office-action/:ifwNumber', async (c) => {
    const ifwNumber = c.req.param('ifwNumber');
    const signal = requestSignal(c);
    try {
      // Either index may not be built yet: the page shows what the other holds.
      const [citations, rejected] = await Promise.all([
        readAll(store, eq('ifwNumber', ifwNumber), MAX_CITATIONS_SHOWN, signal).catch(withoutMissingIndex),
        officeActionRejections(ifwNumber, signal),
      ]);
      // Neither index built: the citations' own answer (503, index_missing) says so.
      if (!citations && !rejected) await readAll(store, eq('ifwNumber', ifwNumber), 1, signal);
      const record = citations?.records[0] ?? rejected?.first;
      if (!record) return page(c, notFoundPage(`No office action has the document id "${ifwNumber}".`), 404);
      return page(
        c,
        officeActionPage({
          ifwNumber,
          record,
          ...(citations ? { citations: { items: citations.records, total: citations.total } } : {}),
          ...(rejected ? { rejections: { items: rejected.rejections, total: rejected.total } } : {}),
        }),
      );
    } catch (err) {
      const problem = problemOf(c, err);
      return page(c, notFoundPage(problem.message, problem.status === 400 ? 'This office action cannot be shown' : 'Search is unavailable'), problem.status, problem.headers);
    }
  });

  app.get('/assets/:name', (c) => {
    const file = ASSETS.get(c.req.param('name'));
    if (!file) throw new ApiError(404, 'not_found', `no asset ${c.req.param('name')}`);
    return c.body(file.body, 200, { 'Content-Type': file.type, 'Cache-Control': 'public, max-age=300', ...SECURITY_HEADERS });
  });

  return app;
}
