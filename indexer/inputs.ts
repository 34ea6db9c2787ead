/**
 * Step 1 of a run: the arguments and the input files checked before anything is written - a
 * valid index uid and payload size, readable files whose headers have the catalog's columns - so a
 * mistake is one clear error (file and what is wrong) and never a half-built index.
 */
import type { Catalog } from '../src/catalog/catalog.ts';
import { CITATIONS, REJECTIONS } from '../src/catalog/datasets.ts';
import type { FileIdentity } from './checkpoint.ts';
import { bindHeader, type Table } from './rules.ts';
import { checkTable, checkTableHeaders, tableIdentity } from './table-reader.ts';

const INDEX_UID = /^[A-Za-z0-9_-]{1,400}$/;

export interface CheckedInputs {
  citations?: FileIdentity;
  rejections?: FileIdentity;
  officeActions?: FileIdentity;
}

/** Throws a RangeError naming the bad argument. */
export function checkArguments(indexes: readonly string[], payloadBytes: number): void {
  for (const index of indexes) if (!INDEX_UID.test(index)) throw new RangeError(`invalid index uid ${JSON.stringify(index)} (letters, digits, - and _ only)`);
  if (new Set(indexes).size !== indexes.length) throw new RangeError(`the citations and the rejections need indexes of their own, not both ${JSON.stringify(indexes[0])}`);
  if (!Number.isSafeInteger(payloadBytes) || (payloadBytes !== 0 && payloadBytes < 1024)) {
    throw new RangeError(`payloadBytes must be 0 (one payload) or a whole number >= 1024, got ${payloadBytes}`);
  }
}

/** The files' identities (for the checkpoint key), after checking each is readable and has the columns (InputError otherwise). */
export async function checkInputs(files: { citations?: string; rejections?: string; officeActions?: string }): Promise<CheckedInputs> {
  if (!files.citations && !files.rejections) throw new RangeError('nothing to index: give a citations file, a rejections file, or both');
  const citations = files.citations ? await inputIdentity(files.citations, 'citations') : undefined;
  const rejections = files.rejections ? await inputIdentity(files.rejections, 'rejections') : undefined;
  const officeActions = files.officeActions ? await inputIdentity(files.officeActions, 'office actions') : undefined;
  if (files.officeActions) await checkHeader(files.officeActions, 'office_actions', 'office actions', CITATIONS);
  if (files.citations) await checkHeader(files.citations, 'citations', 'citations', CITATIONS);
  if (files.rejections) await checkHeader(files.rejections, 'rejections', 'rejections', REJECTIONS);
  return { ...(citations ? { citations } : {}), ...(rejections ? { rejections } : {}), ...(officeActions ? { officeActions } : {}) };
}

async function inputIdentity(spec: string, what: string): Promise<FileIdentity> {
  await checkTable(spec, what);
  return tableIdentity(spec, what);
}

/** Opens each file of a table just to check its header against the catalog (InputError when it lacks columns). */
async function checkHeader(spec: string, table: Table, what: string, catalog: Catalog): Promise<void> {
  await checkTableHeaders(spec, { what, table, catalog }, (header, file) => bindHeader(table, header, file, what, catalog));
}
