/** CSV / NDJSON encoding of the export (src/api/csv.ts). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvRecord, csvRow, ndjsonRecord } from '../../src/api/csv.ts';
import type { OaRecord } from '../../src/catalog/schema.ts';
import { parseCsv } from './support.ts';

describe('CSV', () => {
  it('quotes only what needs it, doubling quotes', () => {
    expect(csvRow(['a', 'b,c', 'say "hi"', 'two\nlines', ''])).toBe('a,"b,c","say ""hi""","two\nlines",\r\n');
  });

  it('round-trips any values through an RFC 4180 reader', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.string({ unit: fc.constantFrom('a', ',', '"', '\r', '\n', ' ', 'é', '|') }), { minLength: 1, maxLength: 5 }), { maxLength: 5 }), (rows) => {
        expect(parseCsv(rows.map(csvRow).join(''))).toEqual(rows);
      }),
    );
  });

  it('writes records in field order: multi-values joined with |, absent fields empty', () => {
    const record: OaRecord = { id: 'x1', applicationId: '12345678', citationText: 'US 7,123,456 B2', form892: 1, formType: ['892', 'oa-text'] };
    expect(csvRecord(record, ['id', 'citationText', 'form892', 'formType', 'mailDate'])).toBe('x1,"US 7,123,456 B2",1,892|oa-text,\r\n');
  });
});

describe('NDJSON', () => {
  it('writes one object per line with the requested fields only', () => {
    const record: OaRecord = { id: 'x1', applicationId: '12345678', form892: 1, formType: ['892'] };
    expect(ndjsonRecord(record, ['id', 'formType', 'mailDate'])).toBe('{"id":"x1","formType":["892"]}\n');
  });
});
