/**
 * What the modern API serves of each data set: the routes that search, count and export records
 * (search.ts, facet-values.ts, export.ts) are written once and take one of these. Everything in
 * it is derived from the data set's catalog, but where its routes live and what they are called.
 *
 *   citations    /api/v1/search, /api/v1/facets/{facet}, /api/v1/export
 *   rejections   /api/v1/rejections/search, /api/v1/rejections/facets/{facet}, /api/v1/rejections/export
 */
import type { z } from 'zod';
import type { Catalog } from '../catalog/catalog.ts';
import { CITATIONS } from '../catalog/citations.ts';
import type { FieldName } from '../catalog/fields.ts';
import { REJECTIONS } from '../catalog/rejections.ts';
import { CITATION_FILTERS, filterSet, type FilterSet } from './filters.ts';
import { apiSchemas, fieldParams, recordOut, type FieldParams } from './schemas.ts';

export interface ApiDataset {
  readonly catalog: Catalog;
  readonly filters: FilterSet;
  readonly params: FieldParams;
  /** The schema of one record, named as an OpenAPI component. */
  readonly recordOut: z.ZodType;
  /** Where its routes live: `${base}/search`, `${base}/export`, `${base}/facets/{facet}`. */
  readonly base: string;
  /** Operation ids and response schema names: `${ids}Search`... (empty for citations: `search`). */
  readonly ids: string;
  /** Its OpenAPI tag's qualifier and its export file's name. */
  readonly plural: string;
  readonly file: string;
  /** Facets counted when a search names none. */
  readonly defaultFacets: readonly FieldName[];
  /** Whether a keyword query (`q`) searches anything: some field is full-text searchable. */
  readonly keywords: boolean;
}

export const CITATIONS_API: ApiDataset = {
  catalog: CITATIONS,
  filters: CITATION_FILTERS,
  params: fieldParams(CITATIONS),
  recordOut,
  base: '/api/v1',
  ids: '',
  plural: 'citations',
  file: 'oa-citations',
  defaultFacets: ['formType', 'artUnit'],
  keywords: true,
};

const rejectionRecordOut = REJECTIONS.recordSchema.describe('A rejection record: catalog names, flags 0/1, mailDate yyyy-MM-dd, empty fields absent.');
apiSchemas.add(rejectionRecordOut, { id: 'RejectionRecord' });

export const REJECTIONS_API: ApiDataset = {
  catalog: REJECTIONS,
  filters: filterSet(REJECTIONS),
  params: fieldParams(REJECTIONS),
  recordOut: rejectionRecordOut,
  base: '/api/v1/rejections',
  ids: 'rejections',
  plural: 'rejections',
  file: 'oa-rejections',
  defaultFacets: ['actionType', 'artUnit'],
  keywords: REJECTIONS.fields.some((f) => f.search),
};

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** A data set's operation id: `search` / `rejectionsSearch`. */
export const operationOf = (api: ApiDataset, name: string): string => (api.ids ? api.ids + capital(name) : name);

/** A data set's response schema name: `SearchResponse` / `RejectionsSearchResponse`. */
export const schemaOf = (api: ApiDataset, name: string): string => capital(api.ids) + name;
