/**
 * The compact office-action map: its hash tables against plain Maps, the latest office action of
 * an application, and its memory per office action (measured in a child process with --expose-gc).
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { columnsOf } from '../../src/catalog/fields.ts';
import { AsciiKeyTable, IntKeyTable } from '../../indexer/key-tables.ts';
import { OfficeActionMap } from '../../indexer/office-actions.ts';
import { bindHeader, PART_FIELDS } from '../../indexer/rules.ts';

describe('key tables', () => {
  it('AsciiKeyTable agrees with a Map, through growth, for any keys', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string({ maxLength: 20 }), fc.string({ unit: 'binary', maxLength: 6 }), fc.string({ minLength: 250, maxLength: 300 })), { maxLength: 400 }), (keys) => {
        const t = new AsciiKeyTable(4);
        const m = new Map<string, number>();
        for (const k of keys) {
          if (m.has(k)) continue;
          t.add(k, m.size);
          m.set(k, m.size);
        }
        t.compact(m.size);
        for (const [k, v] of m) expect(t.get(k)).toBe(v);
        expect(t.get('\u0000never added')).toBe(-1);
        expect(t.size).toBe(m.size);
      }),
    );
    const big = new AsciiKeyTable();
    for (let i = 0; i < 50_000; i++) big.add(`IFW${String(i * 7919).padStart(10, '0')}`, i);
    for (let i = 0; i < 50_000; i += 997) expect(big.get(`IFW${String(i * 7919).padStart(10, '0')}`)).toBe(i);
    expect(big.get('IFW0000000001')).toBe(-1);
  });

  it('IntKeyTable agrees with a Map and overwrites values', () => {
    const t = new IntKeyTable(2);
    const m = new Map<number, number>();
    for (let i = 0; i < 20_000; i++) {
      const k = (i * 2654435761) % 99_999_999;
      t.set(k, i);
      m.set(k, i);
    }
    for (const [k, v] of m) expect(t.get(k)).toBe(v);
    expect(t.get(100_000_000)).toBe(-1);
    expect(t.size).toBe(m.size);
    expect(() => t.set(-1, 0)).toThrow(RangeError);
  });
});

describe('OfficeActionMap', () => {
  const binding = bindHeader('office_actions', columnsOf('office_actions'), 'oa.csv', 'office actions');
  const slot = (f: string) => PART_FIELDS.findIndex((p) => p.field === f);

  it('keeps each application latest office action by mail date (a later row wins a tie)', () => {
    const map = new OfficeActionMap(binding, 2);
    map.add('00012345', 'a', { mailDate: '2012-05-01', artUnit: '2111', documentCd: 'CTNF' });
    map.add('00012345', 'b', { mailDate: '2011-01-01', artUnit: '2222' });
    map.add('00012345', 'c', { mailDate: '2012-05-01', artUnit: '2333' });
    map.add('A-1', 'd', { artUnit: '3600' });
    map.add('A-1', 'e', { mailDate: '2009-01-01', artUnit: '3700' });
    expect(map.add('00012345', 'a', { artUnit: '9999' })).toBe(false);
    map.compact();
    expect([map.size, map.duplicates, map.applications]).toEqual([5, 1, 2]);
    const latest = map.applicationPart(map.latestOf('00012345'));
    expect(latest[slot('artUnit')]).toBe('2333');
    expect(latest[slot('mailDate')]).toBeUndefined(); // document trait: not borrowed
    expect(map.applicationPart(map.latestOf('A-1'))[slot('artUnit')]).toBe('3700');
    const doc = map.documentPart(map.ordinalOf('a'));
    expect([doc[slot('documentCd')], doc[slot('mailDate')], doc[slot('headerMissing')]]).toEqual(['CTNF', '2012-05-01', undefined]);
    expect(map.latestOf('12345')).toBe(-1); // '00012345' and '12345' are different applications
  });

  it('uses about 50-60 bytes per office action (measure-map.ts)', () => {
    const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', 'tools/measure/measure-map.ts', '--synthetic', '300000'], {
      cwd: join(import.meta.dirname, '../..'),
      encoding: 'utf8',
    });
    const perOa = Number(/([\d.]+) bytes per office action/.exec(out)![1]);
    expect(perOa).toBeGreaterThan(20);
    expect(perOa).toBeLessThan(70);
  });
});
