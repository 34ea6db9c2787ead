/**
 * An independent reading of the contract for the indexer tests: parses the CSVs with
 * csv-parse/sync and applies the rules of ../shared/reference/legacy-contract.md by hand (its own
 * column -> field table, validation, join, latest office action, id, duplicates), so the
 * indexer's catalog-derived code is checked against a second implementation.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { parseDate } from '../../src/catalog/values.ts';

export type Doc = Record<string, string | number | string[]>;

const CIT_TEXT: Record<string, string> = {
  app_id: 'applicationId',
  ifw_number: 'ifwNumber',
  parsed: 'Patent_PGPub',
  citation_pat_pgpub_id: 'citationText',
  action_type: 'actionType',
  action_subtype: 'actionSubtype',
};
const CIT_FLAGS: Record<string, string> = { form892: 'form892', form1449: 'form1449', citation_in_oa: 'citationInOA' };
const OA_APP: Record<string, string> = { art_unit: 'artUnit', uspc_class: 'uspcClass', uspc_subclass: 'uspcSubClass' };
const OA_DOC_TEXT: Record<string, string> = { document_cd: 'documentCd', signature_type: 'signatureType' };
const OA_FLAGS: Record<string, string> = {
  header_missing: 'headerMissing',
  fp_missing: 'formParagraphMissing',
  rejection_fp_mismatch: 'rejectFpMisMatch',
  closing_missing: 'closingMissing',
  rejection_101: 'rejection101',
  rejection_102: 'rejection102',
  rejection_103: 'rejection103',
  rejection_112: 'rejection112',
  rejection_dp: 'rejectionDp',
  objection: 'objection',
  allowed_claims: 'allowedClaims',
  cite102_gt1: 'cite102Gt1',
  cite103_gt3: 'cite103Gt3',
  cite103_eq1: 'cite103Eq1',
};

function flag(v: string): 0 | 1 | undefined {
  const s = v.trim().toLowerCase();
  return s === '1' || s === 'true' ? 1 : s === '0' || s === 'false' ? 0 : undefined;
}

interface Row {
  line: number;
  get(col: string): string;
  width: number;
}

function rowsOf(path: string): { width: number; rows: Row[] } {
  const records = parse(readFileSync(path, 'utf8'), { relax_column_count: true, skip_empty_lines: true, info: true, bom: true }) as unknown as {
    record: string[];
    info: { lines: number };
  }[];
  const header = records[0]!.record.map((h) => h.trim().toLowerCase());
  const at = new Map(header.map((h, i) => [h, i]));
  return {
    width: header.length,
    rows: records.slice(1).map((r) => ({
      line: r.info.lines,
      width: r.record.length,
      get: (col: string) => (r.record[at.get(col)!] ?? '').trim(),
    })),
  };
}

interface OfficeAction {
  app: string;
  date: string;
  doc: Doc;
  app_: Doc;
}

export interface Expected {
  docs: Map<string, Doc>;
  rows: number;
  rejectedLines: number[];
  officeActionRejectedLines: number[];
  orphans: number;
  duplicates: number;
}

export function expectedIndex(citations: string, officeActions?: string): Expected {
  const byIfw = new Map<string, OfficeAction>();
  const latest = new Map<string, OfficeAction>();
  const officeActionRejectedLines: number[] = [];
  if (officeActions) {
    const { width, rows } = rowsOf(officeActions);
    for (const r of rows) {
      const bad = () => officeActionRejectedLines.push(r.line);
      if (r.width !== width || r.get('app_id') === '' || r.get('ifw_number') === '') {
        bad();
        continue;
      }
      const doc: Doc = {};
      const app_: Doc = {};
      let ok = true;
      for (const [c, f] of Object.entries(OA_APP)) if (r.get(c) !== '') app_[f] = doc[f] = r.get(c);
      for (const [c, f] of Object.entries(OA_DOC_TEXT)) if (r.get(c) !== '') doc[f] = r.get(c);
      for (const [c, f] of Object.entries(OA_FLAGS)) {
        if (r.get(c) === '') continue;
        const v = flag(r.get(c));
        if (v === undefined) ok = false;
        else doc[f] = v;
      }
      if (r.get('cite103_max') !== '') {
        if (/^\d+$/.test(r.get('cite103_max'))) doc.cite103Max = Number(r.get('cite103_max'));
        else ok = false;
      }
      let date = '';
      if (r.get('mail_dt') !== '') {
        const d = parseDate(r.get('mail_dt'));
        if (d === undefined) ok = false;
        else {
          date = d;
          doc.mailDate = d;
          doc.mailYear = Number(d.slice(0, 4));
        }
      }
      if (!ok) {
        bad();
        continue;
      }
      if (typeof doc.artUnit === 'string' && /^\d{4}$/.test(doc.artUnit)) app_.techCenter = doc.techCenter = `${doc.artUnit.slice(0, 2)}00`;
      const oa: OfficeAction = { app: r.get('app_id'), date, doc, app_ };
      if (byIfw.has(r.get('ifw_number'))) continue; // first kept
      byIfw.set(r.get('ifw_number'), oa);
      const prev = latest.get(oa.app);
      if (!prev || oa.date >= prev.date) latest.set(oa.app, oa);
    }
  }

  const docs = new Map<string, Doc>();
  const rejectedLines: number[] = [];
  let orphans = 0;
  let duplicates = 0;
  const { width, rows } = rowsOf(citations);
  for (const r of rows) {
    if (r.width !== width || r.get('app_id') === '' || r.get('parsed') === '') {
      rejectedLines.push(r.line);
      continue;
    }
    const flags = Object.entries(CIT_FLAGS).map(([c]) => flag(r.get(c)));
    if (flags.some((f) => f === undefined)) {
      rejectedLines.push(r.line);
      continue;
    }
    const id = createHash('sha1').update(`${r.get('app_id')}\0${r.get('ifw_number')}\0${r.get('parsed')}`).digest('hex').slice(0, 24);
    const doc: Doc = { id };
    for (const [c, f] of Object.entries(CIT_TEXT)) if (r.get(c) !== '') doc[f] = r.get(c);
    Object.values(CIT_FLAGS).forEach((f, i) => (doc[f] = flags[i]!));
    const types = [flags[0] ? '892' : '', flags[1] ? '1449' : '', flags[2] ? 'oa-text' : ''].filter(Boolean);
    if (types.length > 0) doc.formType = types;
    if (officeActions) {
      const oa = r.get('ifw_number') === '' ? undefined : byIfw.get(r.get('ifw_number'));
      if (oa) Object.assign(doc, oa.doc);
      else {
        if (r.get('ifw_number') !== '') orphans++;
        Object.assign(doc, latest.get(r.get('app_id'))?.app_ ?? {});
      }
    }
    if (docs.has(id)) duplicates++;
    docs.set(id, doc); // a later row replaces an earlier one
  }
  return { docs, rows: rows.length, rejectedLines, officeActionRejectedLines, orphans, duplicates };
}

/** Documents with their keys sorted, for order-independent comparison. */
export function normalized(doc: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(doc).filter(([, v]) => v !== undefined).sort(([a], [b]) => a.localeCompare(b)));
}
