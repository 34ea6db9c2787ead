/**
 * The data sets this service serves, each one catalog (citations.ts, rejections.ts). A layer that
 * serves every data set (the legacy routes, the indexer, readiness) iterates this list.
 */
import type { Catalog } from './catalog.ts';
import { CITATIONS } from './citations.ts';
import { REJECTIONS } from './rejections.ts';

export { CITATIONS } from './citations.ts';
export { REJECTIONS } from './rejections.ts';
export type { Catalog } from './catalog.ts';

export const DATASETS: readonly Catalog[] = [CITATIONS, REJECTIONS];

/** The catalog of a v1 data set name, or undefined. */
export function datasetNamed(name: string): Catalog | undefined {
  return DATASETS.find((d) => d.dataset === name);
}

// The office action's traits reach both data sets through one map the indexer loads once: the
// catalogs must hold them alike (they spread the same list, shared-fields.ts; checked here).
{
  const traits = (c: Catalog) => JSON.stringify(c.fields.filter((f) => f.source.table === 'office_actions'));
  if (traits(CITATIONS) !== traits(REJECTIONS)) throw new Error('the data sets disagree on the office action\'s fields');
}
