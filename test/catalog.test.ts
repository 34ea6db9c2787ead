import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderFieldTable, TABLE_START, withFieldTable } from '../src/catalog/field-table.ts';
import { REJECTIONS } from '../src/catalog/datasets.ts';
import { columnsOf, FIELDS, LEGACY_FIELDS } from '../src/catalog/fields.ts';
import { filterableNames, indexSettings } from '../src/catalog/index-settings.ts';
import { recordSchema } from '../src/catalog/schema.ts';
import { parseDate, parseFlag } from '../src/catalog/values.ts';

describe('the field catalog', () => {
  it('has unique names', () => {
    const names = FIELDS.map((f) => f.name);
    expect(new Set(names).size).toBe(names.length);
  });

  // The contract reference lives beside the project (../shared), as it does for CI.
  const contractFile = new URL('../../shared/reference/legacy-contract.md', import.meta.url);
  it.skipIf(!existsSync(contractFile))('names every v1 field of the contract reference', () => {
    const contract = readFileSync(contractFile, 'utf8');
    for (const f of LEGACY_FIELDS) if (f.name !== 'id') expect(contract, f.name).toContain(`\`${f.name}\``);
  });

  it('derives the CSV columns, the index settings and the record schema', () => {
    expect(columnsOf('citations')).toEqual(['app_id', 'ifw_number', 'parsed', 'citation_pat_pgpub_id', 'action_type', 'action_subtype', 'form892', 'form1449', 'citation_in_oa']);
    expect(columnsOf('office_actions')).toContain('mail_dt');
    const settings = indexSettings();
    expect(settings.sortableAttributes).toContain('mailDate');
    // The stored layout's attributes: catalog fields as themselves, flags packed, derived fields absent.
    expect(filterableNames()).toEqual(expect.arrayContaining(['artUnit', 'mailDate', 'Patent_PGPub', 'codesCitation', 'documentCd', 'oaLayoutV2']));
    for (const absent of ['id', 'formType', 'techCenter', 'form892', 'rejection103']) expect(filterableNames()).not.toContain(absent);
    const facetSearch = (settings.filterableAttributes ?? []).flatMap((a) => (typeof a !== 'string' && a.features.facetSearch ? a.attributePatterns : []));
    expect(facetSearch).toEqual(expect.arrayContaining(['artUnit', 'uspcClass']));
    expect(facetSearch).not.toContain('Patent_PGPub');
    expect(settings.searchableAttributes).toEqual(['applicationId', 'Patent_PGPub', 'citationText']);
    expect(Object.keys(recordSchema.shape).sort()).toEqual(FIELDS.map((f) => f.name).sort());
    expect(recordSchema.safeParse({ id: 'a', applicationId: '1', Patent_PGPub: '2', form892: 2, form1449: 0, citationInOA: 0 }).success).toBe(false);
  });

  it('keeps the README field table in step with the catalog', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(TABLE_START);
    expect(withFieldTable(readme), 'run `npm run docs:fields`').toBe(readme);
    expect(renderFieldTable()).toContain('`Patent_PGPub`');
    expect(renderFieldTable(REJECTIONS)).toContain('`claimNumbers`');
    expect(readme).toContain(renderFieldTable(REJECTIONS));
  });

  it('builds the rejections catalog from the same machinery, sharing the office action\'s fields', () => {
    const oa = (fields: readonly { name: string; source: { table: string } }[]) => fields.filter((f) => f.source.table === 'office_actions').map((f) => f.name);
    expect(oa(REJECTIONS.fields)).toEqual(oa(FIELDS));
    expect(REJECTIONS.idFrom).toEqual(['applicationId', 'ifwNumber', 'actionType', 'actionSubtype', 'claimNumbers']);
    expect(REJECTIONS.columnsOf('rejections')).toEqual(['app_id', 'ifw_number', 'action_type', 'action_subtype', 'claim_numbers', 'alice_in', 'bilski_in', 'mayo_in', 'myriad_in']);
    expect(REJECTIONS.groups.map((g) => g.attribute)).toEqual(['codesRejection', 'codesOffice1', 'codesOffice2']);
    // The same layout machinery: a record comes back unchanged, derived fields added.
    const record = { id: 'a'.repeat(24), applicationId: '09012345', ifwNumber: 'X1', actionType: '101', claimNumbers: '1,2,5', aliceIn: 1 as const, bilskiIn: 0 as const, mayoIn: 0 as const, myriadIn: 0 as const, artUnit: '2154', mailDate: '2015-03-02' };
    const decoded = REJECTIONS.layout.decode(JSON.parse(JSON.stringify(REJECTIONS.layout.encode(record))));
    expect(decoded).toEqual({ ...record, techCenter: '2100', mailYear: 2015 });
    expect(REJECTIONS.recordSchema.safeParse(decoded).success).toBe(true);
    // Found by filters only: nothing full-text searchable, and mailYear computed on read (the footprint).
    expect(indexSettings(REJECTIONS).searchableAttributes).toEqual([]);
    expect(REJECTIONS.unstored('mailYear')).toBeDefined();
  });
});

describe('value parsers', () => {
  it.each([
    ['2012-03-15', '2012-03-15'],
    ['20120315', '2012-03-15'],
    ['03/15/2012', '2012-03-15'],
    ['15mar2012', '2012-03-15'],
    ['2012-02-30', undefined],
    ['2012-13-01', undefined],
    ['yesterday', undefined],
    ['', undefined],
  ])('date %s -> %s', (raw, iso) => expect(parseDate(raw)).toBe(iso));

  it.each([
    ['0', 0],
    ['1', 1],
    ['true', 1],
    ['false', 0],
    ['2', undefined],
    ['yes', undefined],
  ])('flag %s -> %s', (raw, v) => expect(parseFlag(raw)).toBe(v));
});
