import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import yauzl from 'yauzl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIELDS, columnsOf, type FieldSpec } from '../src/catalog/fields.ts';
import { REJECTIONS } from '../src/catalog/rejections.ts';
import { parseDate, parseFlag, parseInt10, techCenterOf } from '../src/catalog/values.ts';
import { generateDataset, type GeneratedDataset } from '../tools/generate/dataset.ts';

type Table = 'citations' | 'office_actions' | 'rejections';
type Row = Record<string, string>;

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'oa-gen-'));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function parseCsv(text: string | Buffer): string[][] {
  return parse(text, { relax_column_count: true }) as string[][];
}

/** The columns a table's file must have: rejections are their own catalog's. */
const columnsFor = (table: Table): string[] => (table === 'rejections' ? REJECTIONS.columnsOf(table) : columnsOf(table));

function rowsOf(text: string | Buffer, table: Table): Row[] {
  const [header, ...records] = parseCsv(text);
  expect(header).toEqual(columnsFor(table));
  return records.map((r) => Object.fromEntries(header!.map((c, i) => [c, r[i]!])));
}

/** Reads the single entry of a zip archive with yauzl. */
function readZip(path: string): Promise<{ name: string; data: Buffer; entries: number }> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true, strictFileNames: true, validateEntrySizes: true }, (err, zip) => {
      if (err) return reject(err);
      const found: { name: string; data: Buffer }[] = [];
      zip.on('error', reject);
      zip.on('end', () => {
        if (found.length !== 1) return reject(new Error(`expected one entry, got ${found.length}`));
        resolve({ ...found[0]!, entries: zip.entryCount });
      });
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (e, stream) => {
          if (e) return reject(e);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('error', reject);
          stream.on('end', () => {
            found.push({ name: entry.fileName, data: Buffer.concat(chunks) });
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}

const specOf = (table: Table, column: string): FieldSpec | undefined =>
  ((table === 'rejections' ? REJECTIONS.fields : FIELDS) as readonly FieldSpec[]).find((f) => f.source.table === table && f.source.column === column);

/** Why a CSV record is not a valid row of `table` (undefined = valid), by the contract's rules. */
function invalidReason(table: Table, cells: string[]): string | undefined {
  const columns = columnsFor(table);
  if (cells.length !== columns.length) return `has ${cells.length} columns, expected ${columns.length}`;
  for (let i = 0; i < columns.length; i++) {
    const column = columns[i]!;
    const value = cells[i]!;
    if (column === 'app_id' && !/^\d{8}$/.test(value)) return `app_id ${JSON.stringify(value)}`;
    const type = specOf(table, column)?.type;
    if (type === 'flag' && parseFlag(value) === undefined) return `${column} ${JSON.stringify(value)}`;
    if (type === 'date' && parseDate(value) === undefined) return `${column} ${JSON.stringify(value)}`;
    if (type === 'int' && value !== '' && parseInt10(value) === undefined) return `${column} ${JSON.stringify(value)}`;
  }
  return undefined;
}

describe('generateDataset', () => {
  let csv: GeneratedDataset;
  let cit: Row[];
  let oa: Row[];
  let rej: Row[];

  beforeAll(async () => {
    csv = await generateDataset(tempDir(), { officeActions: 2500, seed: 11, withBadRows: true });
    cit = rowsOf(readFileSync(csv.citations), 'citations');
    oa = rowsOf(readFileSync(csv.officeActions), 'office_actions');
    rej = rowsOf(readFileSync(csv.rejections), 'rejections');
  });

  it('writes headers from the catalog and the promised row counts', () => {
    expect(readFileSync(csv.citations, 'utf8').split('\n', 1)[0]).toBe(columnsOf('citations').join(','));
    expect(readFileSync(csv.officeActions, 'utf8').split('\n', 1)[0]).toBe(columnsOf('office_actions').join(','));
    expect(oa).toHaveLength(2500);
    expect(csv.counts.officeActions).toBe(2500);
    expect(cit).toHaveLength(csv.counts.citations);
    expect(new Set(oa.map((r) => r.app_id)).size).toBe(csv.counts.applications);
    // no embedded newlines: physical lines = records + header
    expect(readFileSync(csv.citations, 'utf8').split('\n')).toHaveLength(csv.counts.citations + 2);
    expect(csv.citations.endsWith('/citations.csv')).toBe(true);
    expect(csv.officeActions.endsWith('/office_actions.csv')).toBe(true);
  });

  it('is deterministic: same seed, same bytes; other seed, other bytes', async () => {
    const again = await generateDataset(tempDir(), { officeActions: 2500, seed: 11, withBadRows: true });
    for (const key of ['citations', 'officeActions', 'badCitations', 'badOfficeActions'] as const) {
      expect(readFileSync(again[key]!).equals(readFileSync(csv[key]!)), key).toBe(true);
    }
    expect(again.badLines).toEqual(csv.badLines);
    expect(again.counts).toEqual(csv.counts);
    const other = await generateDataset(tempDir(), { officeActions: 2500, seed: 12 });
    expect(readFileSync(other.citations).equals(readFileSync(csv.citations))).toBe(false);
  });

  it('round-trips csv.gz: gunzip gives the csv bytes', async () => {
    const gz = await generateDataset(tempDir(), { officeActions: 2500, seed: 11, format: 'csv.gz' });
    expect(gz.citations.endsWith('/citations.csv.gz')).toBe(true);
    expect(gz.counts).toEqual(csv.counts);
    expect(gunzipSync(readFileSync(gz.citations)).equals(readFileSync(csv.citations))).toBe(true);
    expect(gunzipSync(readFileSync(gz.officeActions)).equals(readFileSync(csv.officeActions))).toBe(true);
    const again = await generateDataset(tempDir(), { officeActions: 2500, seed: 11, format: 'csv.gz' });
    expect(readFileSync(again.citations).equals(readFileSync(gz.citations))).toBe(true);
  });

  it('round-trips zip: yauzl reads one CSV entry holding the csv bytes', async () => {
    const zip = await generateDataset(tempDir(), { officeActions: 2500, seed: 11, format: 'zip' });
    expect(zip.citations.endsWith('/citations.zip')).toBe(true);
    const c = await readZip(zip.citations);
    expect(c.name).toBe('citations.csv');
    expect(c.entries).toBe(1);
    expect(c.data.equals(readFileSync(csv.citations))).toBe(true);
    const o = await readZip(zip.officeActions);
    expect(o.name).toBe('office_actions.csv');
    expect(rowsOf(o.data, 'office_actions')).toEqual(oa);
    const again = await generateDataset(tempDir(), { officeActions: 2500, seed: 11, format: 'zip' });
    expect(readFileSync(again.citations).equals(readFileSync(zip.citations))).toBe(true);
  });

  it('writes an empty but well-formed dataset for 0 office actions', async () => {
    for (const format of ['csv', 'csv.gz', 'zip'] as const) {
      const empty = await generateDataset(tempDir(), { officeActions: 0, format });
      expect(empty.counts).toEqual({ officeActions: 0, citations: 0, applications: 0, rejections: 0 });
    }
    const zip = await generateDataset(tempDir(), { officeActions: 0, format: 'zip' });
    expect((await readZip(zip.citations)).data.toString()).toBe(columnsOf('citations').join(',') + '\n');
  });

  it('puts bad rows exactly at the reported lines', () => {
    for (const [table, path, bad] of [
      ['citations', csv.badCitations, csv.badLines],
      ['office_actions', csv.badOfficeActions, csv.badOfficeActionLines],
    ] as const) {
      expect(path).toBeDefined();
      expect(path!.endsWith('.csv')).toBe(true);
      const lines = readFileSync(path!, 'utf8').split('\n');
      expect(lines.pop()).toBe(''); // ends with a newline
      expect(lines[0]).toBe(columnsOf(table).join(','));
      const badSet = new Set(bad);
      expect(badSet.size).toBeGreaterThanOrEqual(table === 'citations' ? 20 : 10);
      let valid = 0;
      for (let i = 1; i < lines.length; i++) {
        const records = parseCsv(lines[i]!);
        expect(records, `line ${i + 1}`).toHaveLength(1);
        const reason = invalidReason(table, records[0]!);
        if (badSet.has(i + 1)) expect(reason, `line ${i + 1}: ${lines[i]}`).toBeDefined();
        else {
          expect(reason, `line ${i + 1}: ${lines[i]}`).toBeUndefined();
          valid++;
        }
      }
      expect(valid).toBeGreaterThan(table === 'citations' ? 300 : 30);
      // the whole file parses as CSV too, with the same number of records
      expect(parseCsv(readFileSync(path!))).toHaveLength(lines.length);
    }
    // each kind of fault is present
    const badCit = readFileSync(csv.badCitations!, 'utf8').split('\n');
    const reasons = csv.badLines!.map((n) => invalidReason('citations', parseCsv(badCit[n - 1]!)[0]!)!);
    for (const r of ['columns', 'app_id', 'form892 "2"', 'form1449 "yes"']) {
      expect(reasons.some((x) => x.includes(r)), r).toBe(true);
    }
    const badOa = readFileSync(csv.badOfficeActions!, 'utf8').split('\n');
    const oaReasons = csv.badOfficeActionLines!.map((n) => invalidReason('office_actions', parseCsv(badOa[n - 1]!)[0]!)!);
    for (const r of ['columns', 'mail_dt "2012-13-45"', 'mail_dt "yesterday"', 'rejection_103 "2"']) {
      expect(oaReasons.some((x) => x.includes(r)), r).toBe(true);
    }
  });

  it('writes valid, realistic office actions', () => {
    const tcs = new Set(['1600', '1700', '2100', '2400', '2600', '2800', '3600', '3700']);
    let lenient = 0;
    for (const r of oa) {
      expect(invalidReason('office_actions', Object.values(r))).toBeUndefined();
      const iso = parseDate(r.mail_dt!)!;
      expect(iso >= '2008-01-01' && iso <= '2017-06-30', r.mail_dt).toBe(true);
      if (iso !== r.mail_dt) lenient++;
      expect(r.art_unit).toMatch(/^\d{4}$/);
      expect(tcs.has(techCenterOf(r.art_unit!)!)).toBe(true);
      expect(r.uspc_class).toMatch(/^[0-9A-Z]{3}$/);
      expect(['CTNF', 'CTFR']).toContain(r.document_cd);
      expect(r.ifw_number).toMatch(/^(IFW)?\d{10}$/);
      if (r.rejection_103 === '0') expect(r.cite103_max).toBe('0');
    }
    expect(new Set(oa.map((r) => r.ifw_number)).size).toBe(oa.length);
    expect(lenient / oa.length).toBeGreaterThan(0.01);
    expect(lenient / oa.length).toBeLessThan(0.1);
    // leading zeros kept, ~2 office actions per application, mostly one art unit per application
    expect(oa.some((r) => r.app_id!.startsWith('0'))).toBe(true);
    expect(oa.some((r) => r.ifw_number!.startsWith('0'))).toBe(true);
    const perApp = oa.length / csv.counts.applications;
    expect(perApp).toBeGreaterThan(1.7);
    expect(perApp).toBeLessThan(2.4);
    const units = new Map<string, Set<string>>();
    for (const r of oa) units.set(r.app_id!, (units.get(r.app_id!) ?? new Set()).add(r.art_unit!));
    const moved = [...units.values()].filter((s) => s.size > 1).length;
    expect(moved / units.size).toBeLessThan(0.15);
    const ctfr = oa.filter((r) => r.document_cd === 'CTFR').length / oa.length;
    expect(ctfr).toBeGreaterThan(0.2);
    expect(ctfr).toBeLessThan(0.5);
  });

  it('writes citations with the contract shares: form-only rows, orphans, duplicates', () => {
    const n = cit.length;
    const share = (f: (r: Row) => boolean) => cit.filter(f).length / n;
    for (const r of cit) expect(invalidReason('citations', Object.values(r))).toBeUndefined();
    expect(n / oa.length).toBeGreaterThan(11);
    expect(n / oa.length).toBeLessThan(15);

    expect(share((r) => r.action_type === '103')).toBeGreaterThan(0.14);
    expect(share((r) => r.action_type === '103')).toBeLessThan(0.2);
    expect(share((r) => r.action_type === '102')).toBeGreaterThan(0.025);
    expect(share((r) => r.action_type === '102')).toBeLessThan(0.06);
    for (const r of cit) {
      if (r.action_type === '') expect(r.action_subtype).toBe('');
      else expect(r.action_subtype!.startsWith(r.action_type!)).toBe(true);
      expect(r.parsed).toMatch(/^(\d{7,8}|\d{11}|[A-Z]{2}\d{7,13})$/);
    }
    const bare = share((r) => /^\d+$/.test(r.citation_pat_pgpub_id!));
    expect(bare).toBeGreaterThan(0.9);
    expect(bare).toBeLessThan(0.96);
    expect(cit.some((r) => r.citation_pat_pgpub_id!.includes(','))).toBe(true); // quoted on disk
    expect(cit.some((r) => /^US \d{4}\/\d{7} A1$/.test(r.citation_pat_pgpub_id!))).toBe(true);
    expect(cit.some((r) => /^[A-Z]{2}\d+$/.test(r.parsed!))).toBe(true); // foreign ids

    // form-only rows: citation_in_oa 0 with empty ifw_number, action_type, action_subtype
    const formOnly = cit.filter((r) => r.ifw_number === '');
    expect(formOnly.length).toBe(csv.expected.formOnlyCitations);
    expect(formOnly.length / n).toBeGreaterThan(0.2);
    for (const r of formOnly) {
      expect(r.citation_in_oa).toBe('0');
      expect(r.action_type).toBe('');
      expect(r.form892 === '1' || r.form1449 === '1').toBe(true);
    }
    const inOa = share((r) => r.citation_in_oa === '1');
    expect(inOa).toBeGreaterThan(0.2);
    expect(inOa).toBeLessThan(0.32);

    // orphans: a non-empty ifw_number with no office action
    const ifws = new Set(oa.map((r) => r.ifw_number));
    const orphans = cit.filter((r) => r.ifw_number !== '' && !ifws.has(r.ifw_number!)).length;
    expect(orphans).toBe(csv.expected.orphanCitations);
    expect(orphans / n).toBeGreaterThan(0.002);
    expect(orphans / n).toBeLessThan(0.01);
    // every citation's application has office actions
    const apps = new Set(oa.map((r) => r.app_id));
    expect(cit.every((r) => apps.has(r.app_id))).toBe(true);

    // duplicate (app_id, ifw_number, parsed) triples
    const seen = new Set<string>();
    let dups = 0;
    for (const r of cit) {
      const key = `${r.app_id}|${r.ifw_number}|${r.parsed}`;
      if (seen.has(key)) dups++;
      seen.add(key);
    }
    expect(dups).toBe(csv.expected.duplicateCitations);
    expect(dups).toBeGreaterThan(0);
    expect(dups / n).toBeLessThan(0.006);

    // popular references are cited by many applications
    const citedBy = new Map<string, Set<string>>();
    for (const r of cit) citedBy.set(r.parsed!, (citedBy.get(r.parsed!) ?? new Set()).add(r.app_id!));
    const top = Math.max(...[...citedBy.values()].map((s) => s.size));
    expect(top).toBeGreaterThanOrEqual(10);
  });

  describe('rejections', () => {
    const GROUND_FLAG: Record<string, string> = {
      '101': 'rejection_101',
      '102': 'rejection_102',
      '103': 'rejection_103',
      '112': 'rejection_112',
      'nonstatutory double patenting': 'rejection_dp',
    };
    const SUBTYPES: Record<string, string[]> = { '102': ['a', 'b', 'e'], '103': ['a', ''], '112': ['a', 'b', 'f'] };
    const DECIDED: Record<string, string> = { alice_in: '2014-06-19', bilski_in: '2010-06-28', mayo_in: '2012-03-20', myriad_in: '2013-06-13' };
    const CASE_LAW = Object.keys(DECIDED);

    it('writes the catalog header and the promised row count', () => {
      const text = readFileSync(csv.rejections, 'utf8');
      expect(text.split('\n', 1)[0]).toBe(REJECTIONS.columnsOf('rejections').join(','));
      expect(REJECTIONS.columnsOf('rejections')).toHaveLength(9);
      expect(csv.rejections.endsWith('/rejections.csv')).toBe(true);
      expect(rej).toHaveLength(csv.counts.rejections);
      expect(text.split('\n')).toHaveLength(csv.counts.rejections + 2); // no embedded newlines
      expect(rej.length / oa.length).toBeGreaterThan(1.5);
      expect(rej.length / oa.length).toBeLessThan(2.5);
    });

    it('writes valid rows: 9 cells, 8-digit app_id, 0/1 flags, ascending claim lists', () => {
      const [, ...records] = parseCsv(readFileSync(csv.rejections));
      expect(records).toHaveLength(csv.counts.rejections);
      for (const cells of records) {
        expect(cells).toHaveLength(9);
        expect(invalidReason('rejections', cells), cells.join(',')).toBeUndefined();
      }
      for (const r of rej) {
        expect(r.app_id).toMatch(/^\d{8}$/);
        for (const c of CASE_LAW) expect(['0', '1']).toContain(r[c]);
        expect(r.claim_numbers).toMatch(/^\d+(,\d+)*$/);
        const claims = r.claim_numbers!.split(',').map(Number);
        expect(claims.length).toBeLessThanOrEqual(12);
        for (let i = 0; i < claims.length; i++) {
          expect(claims[i]).toBeGreaterThanOrEqual(1);
          expect(claims[i]).toBeLessThanOrEqual(40);
          if (i > 0) expect(claims[i]!, r.claim_numbers).toBeGreaterThan(claims[i - 1]!);
        }
        if (r.action_type === 'objected') expect(r.action_subtype).toBe('');
        else expect(Object.keys(GROUND_FLAG)).toContain(r.action_type);
        expect(SUBTYPES[r.action_type!] ?? ['']).toContain(r.action_subtype);
      }
      expect(rej.some((r) => r.claim_numbers!.includes(','))).toBe(true); // quoted on disk
      expect(rej.some((r) => r.action_type === 'objected')).toBe(true);
    });

    it('follows its office actions: their grounds, their dates, their applications', () => {
      const oaByIfw = new Map(oa.map((r) => [r.ifw_number!, r]));
      const rowsByIfw = new Map<string, Row[]>();
      for (const r of rej) rowsByIfw.set(r.ifw_number!, [...(rowsByIfw.get(r.ifw_number!) ?? []), r]);
      const apps = new Set(oa.map((r) => r.app_id));
      let orphans = 0;
      let late101 = 0;
      let alice = 0;
      for (const r of rej) {
        expect(apps.has(r.app_id)).toBe(true);
        const o = oaByIfw.get(r.ifw_number!);
        if (!o) {
          orphans++;
          continue;
        }
        expect(r.app_id).toBe(o.app_id);
        if (r.action_type === 'objected') expect(o.objection).toBe('1');
        else expect(o[GROUND_FLAG[r.action_type!]!], `${r.ifw_number} ${r.action_type}`).toBe('1');
        // case law: only on 101 rows, only after the decision
        const mailed = parseDate(o.mail_dt!)!;
        for (const c of CASE_LAW) if (r[c] === '1') expect(r.action_type === '101' && mailed > DECIDED[c]!, `${c} ${mailed}`).toBe(true);
        if (r.action_type === '101' && mailed > DECIDED.alice_in!) {
          late101++;
          if (r.alice_in === '1') alice++;
        }
      }
      // every ground an office action's flags list has its row
      for (const o of oa) {
        const types = new Set((rowsByIfw.get(o.ifw_number!) ?? []).map((r) => r.action_type));
        for (const [type, flag] of Object.entries(GROUND_FLAG)) expect(types.has(type), `${o.ifw_number} ${type}`).toBe(o[flag] === '1');
      }
      expect(orphans).toBe(csv.expected.orphanRejections);
      expect(orphans / rej.length).toBeGreaterThan(0.003);
      expect(orphans / rej.length).toBeLessThan(0.025);
      // orphans belong to the office actions the orphan citations cite
      const citIfws = new Set(cit.map((r) => r.ifw_number));
      expect(rej.filter((r) => !oaByIfw.has(r.ifw_number!)).every((r) => citIfws.has(r.ifw_number))).toBe(true);
      expect(late101).toBeGreaterThan(20);
      expect(alice / late101).toBeGreaterThan(0.2);
      expect(alice / late101).toBeLessThan(0.6);
      for (const c of CASE_LAW) expect(rej.some((r) => r[c] === '1'), c).toBe(true);
    });

    it('repeats a few rows exactly, as counted', () => {
      const seen = new Set<string>();
      let dups = 0;
      for (const r of rej) {
        const key = `${r.app_id}|${r.ifw_number}|${r.action_type}|${r.action_subtype}|${r.claim_numbers}`;
        if (seen.has(key)) dups++;
        seen.add(key);
      }
      expect(dups).toBe(csv.expected.duplicateRejections);
      expect(dups).toBeGreaterThan(0);
      expect(dups / rej.length).toBeLessThan(0.015);
      // grounds of one office action may reject the same claims
      const claimsOf = new Map<string, Set<string>[]>();
      for (const r of rej) claimsOf.set(r.ifw_number!, [...(claimsOf.get(r.ifw_number!) ?? []), new Set(r.claim_numbers!.split(','))]);
      const overlapping = [...claimsOf.values()].some((sets) => sets.some((a, i) => sets.some((b, j) => j > i && [...a].some((c) => b.has(c)))));
      expect(overlapping).toBe(true);
    });

    it('is deterministic and packs like the other tables (csv.gz, zip)', async () => {
      const again = await generateDataset(tempDir(), { officeActions: 2500, seed: 11, withBadRows: true });
      for (const key of ['rejections', 'badRejections'] as const) {
        expect(readFileSync(again[key]!).equals(readFileSync(csv[key]!)), key).toBe(true);
      }
      expect(again.badRejectionLines).toEqual(csv.badRejectionLines);
      expect(again.expected).toEqual(csv.expected);
      const other = await generateDataset(tempDir(), { officeActions: 2500, seed: 12 });
      expect(readFileSync(other.rejections).equals(readFileSync(csv.rejections))).toBe(false);

      const gz = await generateDataset(tempDir(), { officeActions: 2500, seed: 11, format: 'csv.gz' });
      expect(gz.rejections.endsWith('/rejections.csv.gz')).toBe(true);
      expect(gunzipSync(readFileSync(gz.rejections)).equals(readFileSync(csv.rejections))).toBe(true);
      const zip = await generateDataset(tempDir(), { officeActions: 2500, seed: 11, format: 'zip' });
      const entry = await readZip(zip.rejections);
      expect(entry.name).toBe('rejections.csv');
      expect(entry.entries).toBe(1);
      expect(entry.data.equals(readFileSync(csv.rejections))).toBe(true);
      const empty = await generateDataset(tempDir(), { officeActions: 0, format: 'zip' });
      expect((await readZip(empty.rejections)).data.toString()).toBe(REJECTIONS.columnsOf('rejections').join(',') + '\n');
    });

    it('puts bad rows exactly at the reported lines', () => {
      expect(csv.badRejections!.endsWith('/rejections_bad.csv')).toBe(true);
      const lines = readFileSync(csv.badRejections!, 'utf8').split('\n');
      expect(lines.pop()).toBe(''); // ends with a newline
      expect(lines[0]).toBe(REJECTIONS.columnsOf('rejections').join(','));
      const bad = new Set(csv.badRejectionLines);
      expect(bad.size).toBe(csv.badRejectionLines!.length);
      expect(bad.size).toBeGreaterThanOrEqual(10);
      const reasons: string[] = [];
      let valid = 0;
      for (let i = 1; i < lines.length; i++) {
        const records = parseCsv(lines[i]!);
        expect(records, `line ${i + 1}`).toHaveLength(1);
        const reason = invalidReason('rejections', records[0]!);
        if (bad.has(i + 1)) {
          expect(reason, `line ${i + 1}: ${lines[i]}`).toBeDefined();
          reasons.push(reason!);
        } else {
          expect(reason, `line ${i + 1}: ${lines[i]}`).toBeUndefined();
          valid++;
        }
      }
      expect(reasons).toHaveLength(bad.size); // every listed line is in the file
      expect(valid).toBeGreaterThan(30);
      expect(parseCsv(readFileSync(csv.badRejections!))).toHaveLength(lines.length);
      for (const r of ['columns', 'app_id ""', 'alice_in "2"']) expect(reasons.some((x) => x.includes(r)), r).toBe(true);
    });
  });

  it('rejects (does not hang or crash) when an output cannot be written', async () => {
    for (const format of ['csv', 'csv.gz', 'zip'] as const) {
      const dir = tempDir();
      mkdirSync(join(dir, `citations.${format}`)); // a directory where the file should go
      await expect(generateDataset(dir, { officeActions: 3000, format })).rejects.toThrow(/EISDIR/);
    }
  });

  it('bundled samples are what the generator writes (npm run generate -- --out samples --office-actions 3000 --seed 1 --format csv.gz)', async () => {
    const fresh = await generateDataset(tempDir(), { officeActions: 3000, seed: 1, format: 'csv' });
    const samples = resolve(import.meta.dirname, '../samples');
    expect(gunzipSync(readFileSync(join(samples, 'citations.csv.gz'))).equals(readFileSync(fresh.citations))).toBe(true);
    expect(gunzipSync(readFileSync(join(samples, 'office_actions.csv.gz'))).equals(readFileSync(fresh.officeActions))).toBe(true);
    expect(gunzipSync(readFileSync(join(samples, 'rejections.csv.gz'))).equals(readFileSync(fresh.rejections))).toBe(true);
  });

  it('rejects bad options', async () => {
    await expect(generateDataset(tempDir(), { officeActions: -1 })).rejects.toThrow(RangeError);
    await expect(generateDataset(tempDir(), { officeActions: 1.5 })).rejects.toThrow(RangeError);
    await expect(generateDataset(tempDir(), { officeActions: 1, format: 'tar' as never })).rejects.toThrow(RangeError);
  });
});
