/**
 * The legacy DS-API `oa_citations` v1 surface, served under both prefixes real clients use:
 * `/ds-api/{dataset}/{version}/...` and the Open Data Portal's `/api/v1/patent/oa/{dataset}/{version}/...`.
 *
 * A `/records` request flows: parameters (params.ts) -> criteria compiler (criteria/) -> one
 * Meilisearch request with the emitted filter (MeiliReader.exactPage: exact total, any depth) ->
 * v1 docs (docs.ts) in the Solr-style envelope.
 */
import { Hono, type Context } from 'hono';
import { LEGACY_FIELDS } from '../catalog/fields.ts';
import type { Filter } from '../filter/ast.ts';
import { ApiError, badRequest } from '../http/errors.ts';
import type { CitationStore } from '../store/citations.ts';
import { compileCriteria, CriteriaError } from './criteria/index.ts';
import { LEGACY_FIELD_NAMES, toLegacyDoc } from './docs.ts';
import { readRecordsParams } from './params.ts';

export const DATASET = 'oa_citations';
export const VERSION = 'v1';

export interface LegacyOptions {
  store: CitationStore;
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

function checkDataset(c: Context): void {
  const { dataset, version } = c.req.param() as { dataset: string; version: string };
  if (dataset !== DATASET) {
    throw new ApiError(404, 'unknown_dataset', `no data set "${dataset}"; available: ${DATASET}`);
  }
  if (version !== VERSION) {
    throw new ApiError(404, 'unknown_version', `no version "${version}" of ${DATASET}; available: ${VERSION}`);
  }
}

export function legacyRoutes(prefix: string, options: LegacyOptions): Hono {
  const { store } = options;
  const app = new Hono();

  app.get('/', (c) =>
    c.json({
      total: 1,
      apis: [
        {
          apiKey: DATASET,
          apiVersionNumber: VERSION,
          apiUrl: `${options.publicUrl()}${prefix}/${DATASET}/${VERSION}/fields`,
          apiDocumentationUrl: `${options.publicUrl()}/docs`,
        },
      ],
    }),
  );

  app.get('/:dataset/:version/fields', async (c) => {
    checkDataset(c);
    // The data's date is the index's last update; an index not built yet has none.
    const info = await store.reader.indexInfo(c.req.raw.signal).catch((err: unknown) => {
      if (err instanceof ApiError && err.status === 503) return undefined;
      throw err;
    });
    return c.json({
      apiKey: DATASET,
      apiVersionNumber: VERSION,
      apiUrl: `${options.publicUrl()}${prefix}/${DATASET}/${VERSION}/fields`,
      apiDocumentationUrl: `${options.publicUrl()}/docs`,
      apiStatus: 'PUBLISHED',
      fieldCount: LEGACY_FIELDS.length,
      fields: LEGACY_FIELD_NAMES,
      lastDataUpdatedDate: info ? v1Timestamp(info.updatedAt) : null,
    });
  });

  const records = async (c: Context) => {
    checkDataset(c);
    const started = performance.now();
    const params = await readRecordsParams(c, { maxRows: options.maxRows });
    let filter: Filter;
    try {
      filter = compileCriteria(params.criteria, {
        maxLength: options.maxCriteriaLength,
        maxDepth: options.maxDepth,
        maxClauses: options.maxClauses,
      }).filter;
    } catch (err) {
      if (err instanceof CriteriaError) throw badRequest(err.code, err.message, { position: err.position });
      throw err;
    }
    const signal = c.req.raw.signal;
    const fields = params.fl ?? LEGACY_FIELDS;
    // Results in the sort, ties (or no sort) in index order: a total order, so paging never repeats
    // or skips a record.
    const page = await store.page(
      { filter: await store.resolve(filter, signal), offset: params.start, limit: params.rows, fields: fields.map((f) => f.name), sort: params.sort },
      signal,
    );
    return c.json({
      responseHeader: { status: 0, QTime: Math.round(performance.now() - started), params: params.echo },
      response: { numFound: page.total, start: params.start, docs: page.records.map((r) => toLegacyDoc(r, fields)) },
    });
  };
  app.post('/:dataset/:version/records', records);
  // Not in the v1 contract, but harmless and handy from a browser: the same search by GET.
  app.get('/:dataset/:version/records', records);

  return app;
}
