/**
 * Every record of a data set matching a filter, up to a limit: what the graph routes (graph.ts,
 * rejections.ts) read before grouping.
 */
import type { FieldName } from '../catalog/fields.ts';
import type { OaRecord } from '../catalog/schema.ts';
import type { Filter } from '../filter/ast.ts';
import { ApiError } from '../http/errors.ts';
import type { RecordStore } from '../store/records.ts';

const PAGE = 1000;

export interface GraphLimits {
  /** Most records read for one graph answer (an answer above it says `complete: false`). */
  maxRecords: number;
}

/**
 * Every record matching `filter`, up to `max`, in index order (the documents route: exact
 * offsets). Callers order the groups themselves.
 */
export async function readAll(store: RecordStore, filter: Filter, max: number, signal: AbortSignal, fields?: readonly FieldName[]) {
  const records: OaRecord[] = [];
  let total = 0;
  for (let offset = 0; offset < max; offset += PAGE) {
    const page = await store.documents({ filter, offset, limit: Math.min(PAGE, max - offset), ...(fields ? { fields } : {}) }, signal);
    total = page.total;
    records.push(...page.records);
    if (page.records.length === 0 || records.length >= total) break;
  }
  return { records, total, complete: records.length >= total };
}


/** For a read of the other data set: its index never built reads as absent (undefined), not as a 503. */
export function withoutMissingIndex(err: unknown): undefined {
  if (err instanceof ApiError && err.code === 'index_missing') return undefined;
  throw err;
}
