/**
 * The pandas readings of one row (indexer/pandas.ts), cell by cell: what each form reads as, what
 * is refused, and that a file without any pandas form in its first rows is left alone after them.
 */
import { describe, expect, it } from 'vitest';
import { CITATIONS } from '../../src/catalog/datasets.ts';
import { noNormalisations, pandasReader, SNIFF_ROWS } from '../../indexer/pandas.ts';
import { bindHeader } from '../../indexer/rules.ts';

const HEADER = CITATIONS.columnsOf('citations');
const binding = bindHeader('citations', HEADER, 'c.csv', 'citations');
const row = (cells: Record<string, string>) => HEADER.map((h) => cells[h] ?? '');
const col = (name: string) => HEADER.indexOf(name);

describe('pandas readings', () => {
  it('NaN, 1.0, .0 and a seven-digit app_id read as the published values, each counted', () => {
    const counts = noNormalisations();
    const read = pandasReader(binding, counts);
    const f = row({ app_id: '9018009', ifw_number: '2898756174.0', form892: '1.0', form1449: '0.0', action_type: '103.0', parsed: 'NaN', citation_pat_pgpub_id: 'nan' });
    expect(read(f)).toBeUndefined();
    expect([f[col('app_id')], f[col('ifw_number')], f[col('form892')], f[col('form1449')], f[col('action_type')], f[col('parsed')], f[col('citation_pat_pgpub_id')]]).toEqual([
      '09018009', '2898756174', '1', '0', '103', '', '',
    ]);
    expect(counts).toEqual({ indexColumn: 0, nan: 2, flagDecimal: 2, numberDecimal: 2, appIdPadded: 1 });
  });

  it('refuses an identifier written as a float that is no whole number, and keeps other text', () => {
    const read = pandasReader(binding, noNormalisations());
    expect(read(row({ app_id: '9.018009e6', ifw_number: '1' }))).toMatch(/^app_id: "9\.018009e6" is a number written as a float/);
    expect(read(row({ app_id: '09018009', citation_pat_pgpub_id: '7123456.5' }))).toMatch(/^citation_pat_pgpub_id: /);
    const f = row({ app_id: '09018009', parsed: 'US 7,123,456 B2', action_subtype: '102(b)' });
    expect(read(f)).toBeUndefined();
    expect(f[col('parsed')]).toBe('US 7,123,456 B2');
    // Six digits is no pandas form (no application series loses two zeros): left to the rules.
    const six = row({ app_id: '123456' });
    expect(read(six)).toBeUndefined();
    expect(six[col('app_id')]).toBe('123456');
  });

  it(`stops looking after ${SNIFF_ROWS} rows without any pandas form, and keeps looking once it saw one`, () => {
    const plain = pandasReader(binding, noNormalisations());
    for (let i = 0; i < SNIFF_ROWS; i++) plain(row({ app_id: '12345678', form892: '1' }));
    const late = row({ app_id: '12345678', parsed: 'NaN' });
    plain(late);
    expect(late[col('parsed')]).toBe('NaN');

    const copy = pandasReader(binding, noNormalisations());
    copy(row({ app_id: '12345678', form892: '1.0' }));
    for (let i = 0; i < SNIFF_ROWS; i++) copy(row({ app_id: '12345678', form892: '1' }));
    const later = row({ app_id: '9018009', parsed: 'NaN' });
    copy(later);
    expect([later[col('app_id')], later[col('parsed')]]).toEqual(['09018009', '']);
  });
});
