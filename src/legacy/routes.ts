/**
 * The legacy DS-API surface - `oa_citations` v1 and `oa_rejections` v1, one store each - served
 * under both prefixes real clients use: `/ds-api/{dataset}/{version}/...` and the Open Data
 * Portal's `/api/v1/patent/oa/{dataset}/{version}/...`. A data set's fields, criteria fields, `fl`
 * and sortable fields all come from its store's catalog.
 *
 * A `/records` request flows: parameters (params.ts) -> criteria compiler (criteria/) -> one
 * Meilisearch request with the emitted filter (MeiliReader.exactPage: exact total, any depth) ->
 * v1 docs (docs.ts) in the Solr-style envelope.
 */
import { Hono, type Context } from 'hono';
import type { FieldName } from '../catalog/fields.ts';
import type { Filter } from '../filter/ast.ts';
import { ApiError, badRequest } from '../http/errors.ts';
import type { RecordStore } from '../store/records.ts';
import { compileCriteria, CriteriaError } from './criteria/index.ts';
import { legacyDocsJson, legacyDocWriter } from './docs.ts';
import { readRecordsParams } from './params.ts';
import { requestSignal } from '../http/node-request.ts';

export interface LegacyOptions {
  /** One store per data set served, in the order `GET /ds-api/` lists them. */
  stores: readonly RecordStore[];
  maxRows: number;
  maxCriteriaLength: number;
  maxDepth?: number;
  maxClauses?: number;
  /** Origin of the absolute links in answers (config PUBLIC_URL): never the request's Host header. */
  publicUrl: () => string;
}

/** Mount points of the same routes (see the contract: both are seen in real clients). */
export const LEGACY_PREFIXES = ['/ds-api', '/api/v1/patent/oa'] as const;

/** "2017-08-01 12:30:05.0": the v1 form of lastDataUpdatedDate. */
function v1Timestamp(iso: string): string {
  const d = new Date(iso);
  return `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 19)}.${Math.floor(d.getUTCMilliseconds() / 100)}`;
}

export function legacyRoutes(prefix: string, options: LegacyOptions): Hono {
  const { stores } = options;
  const app = new Hono();
  const names = stores.map((s) => s.catalog.dataset).join(', ');

  /** The store of the path's data set and version, or a 404 saying what there is. */
  const storeOf = (c: Context): RecordStore => {
    const { dataset, version } = c.req.param() as { dataset: string; version: string };
    const store = stores.find((s) => s.catalog.dataset === dataset);
    if (!store) throw new ApiError(404, 'unknown_dataset', `no data set "${dataset}"; available: ${names}`);
    const { catalog } = store;
    if (version !== catalog.version) {
      throw new ApiError(404, 'unknown_version', `no version "${version}" of ${catalog.dataset}; available: ${catalog.version}`);
    }
    return store;
  };
  const fieldsUrl = (store: RecordStore) => `${options.publicUrl()}${prefix}/${store.catalog.dataset}/${store.catalog.version}/fields`;

  app.get('/', (c) =>
    c.json({
      total: stores.length,
      apis: stores.map((store) => ({
        apiKey: store.catalog.dataset,
        apiVersionNumber: store.catalog.version,
        apiUrl: fieldsUrl(store),
        apiDocumentationUrl: `${options.publicUrl()}/docs`,
      })),
    }),
  );

  app.get('/:dataset/:version/fields', async (c) => {
    const store = storeOf(c);
    const { catalog } = store;
    // The data's date is the index's last update; an index not built yet has none.
    const info = await store.reader.indexInfo(requestSignal(c)).catch((err: unknown) => {
      if (err instanceof ApiError && err.status === 503) return undefined;
      throw err;
    });
    return c.json({
      apiKey: catalog.dataset,
      apiVersionNumber: catalog.version,
      apiUrl: fieldsUrl(store),
      apiDocumentationUrl: `${options.publicUrl()}/docs`,
      apiStatus: 'PUBLISHED',
      fieldCount: catalog.legacy.length,
      fields: catalog.legacy.map((f) => f.name),
      lastDataUpdatedDate: info ? v1Timestamp(info.updatedAt) : null,
    });
  });

  const records = async (c: Context) => {
    const store = storeOf(c);
    const { catalog } = store;
    const started = performance.now();
    const params = await readRecordsParams(c, { maxRows: options.maxRows, catalog });
    let filter: Filter;
    try {
      filter = compileCriteria(params.criteria, {
        maxLength: options.maxCriteriaLength,
        maxDepth: options.maxDepth,
        maxClauses: options.maxClauses,
        catalog,
      }).filter;
    } catch (err) {
      if (err instanceof CriteriaError) throw badRequest(err.code, err.message, { position: err.position });
      throw err;
    }
    const signal = requestSignal(c);
    const fields = params.fl ?? catalog.legacy;
    // Results in the sort, ties (or no sort) in index order: a total order, so paging never repeats
    // or skips a record.
    const page = await store.pageWritten(
      { filter: await store.resolve(filter, signal), offset: params.start, limit: params.rows, fields: fields.map((f) => f.name as FieldName), sort: params.sort },
      legacyDocWriter(catalog.layout, fields),
      signal,
    );
    // The envelope is c.json's text of { responseHeader, response: { numFound, start, docs } }, the
    // docs written straight from the stored documents (docs.ts).
    const header = JSON.stringify({ status: 0, QTime: Math.round(performance.now() - started), params: params.echo });
    const docs = legacyDocsJson(page.texts);
    return c.body(`{"responseHeader":${header},"response":{"numFound":${JSON.stringify(page.total)},"start":${JSON.stringify(params.start)},"docs":${docs}}}`, 200, {
      'Content-Type': 'application/json',
    });
  };
  app.post('/:dataset/:version/records', records);
  // Not in the v1 contract, but harmless and handy from a browser: the same search by GET.
  app.get('/:dataset/:version/records', records);

  return app;
}
