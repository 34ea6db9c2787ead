/**
 * Row -> record without Meilisearch: every record of a generated data set equals the oracle's
 * and passes the zod record schema; validation messages; the office-action map; duplicate window.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { columnsOf } from '../../src/catalog/fields.ts';
import { recordSchema, type OaRecord } from '../../src/catalog/schema.ts';
import { RecentIds } from '../../indexer/duplicates.ts';
import { generateDataset, type GeneratedDataset } from '../../tools/generate/dataset.ts';
import { loadOfficeActions } from '../../indexer/office-actions.ts';
import { RecordBuilder, recordId } from '../../indexer/records.ts';
import type { Rejection } from '../../indexer/rejects.ts';
import { bindHeader } from '../../indexer/rules.ts';
import { buildRecords } from '../../indexer/run.ts';
import { InputError } from '../../indexer/sources.ts';
import { expectedIndex, normalized } from './oracle.ts';
import { decode, encode } from '../../src/catalog/layout.ts';

/** A built record as the index gives it back: stored, then read (derived fields computed). */
const asRead = (r: OaRecord) => decode(encode(r));

const dir = mkdtempSync(join(tmpdir(), 'oa-rec-'));
let ds: GeneratedDataset;
beforeAll(async () => {
  ds = await generateDataset(join(dir, 'ds'), { officeActions: 150, seed: 21, withBadRows: true });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CIT = columnsOf('citations');
const OA = columnsOf('office_actions');
const csv = (name: string, header: readonly string[], rows: string[][]) => {
  const p = join(dir, name);
  writeFileSync(p, [header.join(','), ...rows.map((r) => r.join(','))].join('\n') + '\n');
  return p;
};
/** A citations row by column name (unnamed columns empty). */
const cit = (v: Record<string, string>) => CIT.map((c) => v[c] ?? '');
const oa = (v: Record<string, string>) => OA.map((c) => v[c] ?? (c.startsWith('rej') || c.endsWith('missing') ? '0' : ''));

async function collect(citations: string, officeActions?: string) {
  const rejects: Rejection[] = [];
  const records: OaRecord[] = [];
  for await (const chunk of buildRecords({ citations, officeActions, onReject: (r) => rejects.push(r) })) records.push(...chunk.map(asRead));
  return { records, rejects };
}

describe('buildRecords on generated data', () => {
  it('gives the oracle documents, each valid against the record schema', async () => {
    const { records, rejects } = await collect(ds.citations, ds.officeActions);
    expect(rejects).toEqual([]);
    expect(records.length).toBe(ds.counts.citations);
    for (const r of records) expect(recordSchema.safeParse(r).success, JSON.stringify(r)).toBe(true);
    const last = new Map(records.map((r) => [r.id, normalized(r)]));
    const want = expectedIndex(ds.citations, ds.officeActions);
    expect(last.size).toBe(want.docs.size);
    expect(ds.counts.citations - last.size).toBe(ds.expected.duplicateCitations);
    for (const [id, doc] of want.docs) expect(last.get(id), id).toEqual(normalized(doc));
  });

  it('reports bad rows by line and keeps their neighbours', async () => {
    const { records, rejects } = await collect(ds.badCitations!, ds.badOfficeActions);
    const want = expectedIndex(ds.badCitations!, ds.badOfficeActions);
    expect(rejects.filter((r) => r.file === ds.badCitations).map((r) => r.line)).toEqual(ds.badLines);
    expect(rejects.filter((r) => r.file === ds.badOfficeActions).map((r) => r.line)).toEqual(ds.badOfficeActionLines);
    expect(want.rejectedLines).toEqual(ds.badLines);
    expect(want.officeActionRejectedLines).toEqual(ds.badOfficeActionLines);
    const last = new Map(records.map((r) => [r.id, normalized(r)]));
    expect([...last.keys()].sort()).toEqual([...want.docs.keys()].sort());
    for (const [id, doc] of want.docs) expect(last.get(id)).toEqual(normalized(doc));
    for (const r of rejects) {
      expect(r.reason).toMatch(/columns|expected 0\/1|empty|date|whole number/);
      expect(r.raw.length).toBeGreaterThan(0);
    }
  });
});

describe('RecordBuilder', () => {
  const oaFile = () =>
    csv('oa.csv', OA, [
      oa({ app_id: '12345678', ifw_number: 'A1', document_cd: 'CTNF', mail_dt: '2012-03-15', art_unit: '2154', uspc_class: '707', uspc_subclass: '100', cite103_max: '2', rejection_103: 'true' }),
      oa({ app_id: '12345678', ifw_number: 'A2', document_cd: 'CTFR', mail_dt: '15mar2013', art_unit: '2155', uspc_class: '707', uspc_subclass: '200' }),
      oa({ app_id: '12345678', ifw_number: 'A0', document_cd: 'CTNF', mail_dt: '20110101', art_unit: '2100', uspc_class: '700' }),
      oa({ app_id: '12345678', ifw_number: 'A1', document_cd: 'CTFR', mail_dt: '2016-01-01', art_unit: '9999' }), // repeated ifw: first kept
    ]);

  it('joins, borrows application traits for form-only rows and orphans, derives fields', async () => {
    const { map, duplicates } = await loadOfficeActions(oaFile());
    expect(duplicates).toBe(1);
    const header = [...CIT].reverse(); // column order does not matter
    const b = new RecordBuilder(bindHeader('citations', header, 'c.csv', 'citations'), map);
    const row = (v: Record<string, string>) => header.map((c) => v[c] ?? '');
    const base = { app_id: '12345678', parsed: '7123456', form892: '1', form1449: '0', citation_in_oa: '1' };

    const joined = asRead(b.build(row({ ...base, ifw_number: 'A1', citation_pat_pgpub_id: 'US 7,123,456 B2', action_type: '103' })) as OaRecord);
    expect(joined).toEqual({
      id: recordId('12345678', 'A1', '7123456'),
      applicationId: '12345678',
      Patent_PGPub: '7123456',
      citationText: 'US 7,123,456 B2',
      ifwNumber: 'A1',
      actionType: '103',
      form892: 1,
      form1449: 0,
      citationInOA: 1,
      formType: ['892', 'oa-text'],
      documentCd: 'CTNF',
      mailDate: '2012-03-15',
      mailYear: 2012,
      artUnit: '2154',
      techCenter: '2100',
      uspcClass: '707',
      uspcSubClass: '100',
      cite103Max: 2,
      rejection103: 1,
      headerMissing: 0,
      formParagraphMissing: 0,
      rejectFpMisMatch: 0,
      closingMissing: 0,
      rejection101: 0,
      rejection102: 0,
      rejection112: 0,
      rejectionDp: 0,
    });
    expect(joined.id).toBe(createHash('sha1').update('12345678\0A1\x007123456').digest('hex').slice(0, 24));

    // form-only: the latest office action (A2, 2013) lends its application traits, nothing else
    const formOnly = asRead(b.build(row({ ...base, citation_in_oa: '0', form1449: 'TRUE' })) as OaRecord);
    expect(formOnly).toEqual({
      id: recordId('12345678', '', '7123456'),
      applicationId: '12345678',
      Patent_PGPub: '7123456',
      form892: 1,
      form1449: 1,
      citationInOA: 0,
      formType: ['892', '1449'],
      artUnit: '2155',
      techCenter: '2100',
      uspcClass: '707',
      uspcSubClass: '200',
    });
    // orphan: same, keeps its ifwNumber, counted
    const orphan = asRead(b.build(row({ ...base, ifw_number: 'ZZ9' })) as OaRecord);
    expect(orphan).toMatchObject({ ifwNumber: 'ZZ9', artUnit: '2155', techCenter: '2100' });
    expect(orphan.mailDate).toBeUndefined();
    expect(orphan.documentCd).toBeUndefined();
    expect(b.counts.orphans).toBe(1);
    // unknown application: citation fields only; all-zero flags: no formType
    const alone = asRead(b.build(row({ ...base, app_id: '99999999', form892: '0', citation_in_oa: 'false' })) as OaRecord);
    expect(Object.keys(alone).sort()).toEqual(['Patent_PGPub', 'applicationId', 'citationInOA', 'form1449', 'form892', 'id']);
    // trimmed values; a repeated triple is a duplicate
    const padded = asRead(b.build(row({ ...base, app_id: ' 12345678 ', ifw_number: 'A1 ', parsed: '7123456' })) as OaRecord);
    expect(padded.id).toBe(joined.id);
    expect(b.counts.duplicates).toBe(1);
  });

  it('rejects bad rows with a reason', () => {
    const b = new RecordBuilder(bindHeader('citations', CIT, 'c.csv', 'citations'), undefined);
    const ok = { app_id: '1', parsed: '2', form892: '1', form1449: '0', citation_in_oa: '0' };
    expect(b.build(cit({ ...ok, app_id: '' }))).toBe('app_id: empty');
    expect(b.build(cit({ ...ok, parsed: '  ' }))).toBe('parsed: empty');
    expect(b.build(cit({ ...ok, form892: 'Y' }))).toBe('form892: expected 0/1/true/false, got "Y"');
    expect(b.build(cit({ ...ok, form1449: '' }))).toBe('form1449: empty');
    expect(b.build([...cit(ok), 'x'])).toBe(`expected ${CIT.length} columns, found ${CIT.length + 1}`);
    expect(typeof b.build(cit(ok))).toBe('object');
  });

  it('rejects office-action rows with bad dates, flags and numbers', async () => {
    const rejects: Rejection[] = [];
    const path = csv('oa-bad.csv', OA, [
      oa({ app_id: '1', ifw_number: 'X1', mail_dt: '2012-02-30' }),
      oa({ app_id: '1', ifw_number: 'X2', mail_dt: '03/15/2012', rejection_101: '2' }),
      oa({ app_id: '1', ifw_number: 'X3', cite103_max: '-1' }),
      oa({ app_id: '1', ifw_number: '', mail_dt: '2012-01-01' }),
      oa({ app_id: '1', ifw_number: 'X5', mail_dt: '03/15/2012' }),
    ]);
    const { map, read, rejected } = await loadOfficeActions(path, { onReject: (r) => rejects.push(r) });
    expect([read, rejected, map.size]).toEqual([5, 4, 1]);
    expect(rejects.map((r) => [r.line, r.reason])).toEqual([
      [2, 'mail_dt: unparseable date "2012-02-30"'],
      [3, 'rejection_101: expected 0/1/true/false, got "2"'],
      [4, 'cite103_max: expected a whole number, got "-1"'],
      [5, 'ifw_number: empty'],
    ]);
  });

  it('refuses a header without the required columns, naming file and columns', async () => {
    expect(() => bindHeader('citations', ['app_id', 'parsed'], '/x/c.csv', 'citations')).toThrow(InputError);
    expect(() => bindHeader('citations', ['app_id', 'parsed'], '/x/c.csv', 'citations')).toThrow(/\/x\/c\.csv.*ifw_number/);
    // extra columns and other case are fine
    expect(bindHeader('citations', [...CIT.map((c) => c.toUpperCase()), 'extra'], 'c', 'citations').width).toBe(CIT.length + 1);
    await expect(loadOfficeActions(csv('oa-noheader.csv', ['app_id', 'ifw_number'], []))).rejects.toThrow(/document_cd/);
  });
});

describe('RecentIds', () => {
  it('counts repeats within the window, forgets beyond two generations', () => {
    const ids = Array.from({ length: 20 }, (_, i) => recordId(String(i), '', 'x'));
    const r = new RecentIds(4);
    expect(ids.slice(0, 4).map((id) => r.seen(id))).toEqual([false, false, false, false]);
    expect(r.seen(ids[0]!)).toBe(true);
    for (const id of ids.slice(4, 12)) r.seen(id);
    expect(r.seen(ids[0]!)).toBe(false); // two generations later
    expect(r.seen(ids[11]!)).toBe(true);
  });
});
