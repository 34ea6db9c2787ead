/**
 * The NDJSON reader's fast reading of a line (LineScanner) against JSON.parse's (parseCells): on any
 * line, it either gives JSON.parse's cells exactly or declines (undefined) and leaves the line to
 * JSON.parse. Lines are BigQuery's form, and that form broken in every way fast-check finds.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineScanner, parseCells as cellsOf } from '../../indexer/ndjson.ts';

const HEADER = ['app_id', 'ifw_number', 'citation_pto', 'form892', '"odd"', 'text\\x'];

const key = fc.oneof(fc.constantFrom(...HEADER), fc.string({ maxLength: 6 }));
const value = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: fc.constantFrom('a', '"', '\\', '\n', '\t', ',', '}', 'é', '\u2028'), maxLength: 8 }),
  fc.constant(null),
  fc.integer(),
  fc.boolean(),
  fc.constant([1]),
);
/** BigQuery's form: JSON.stringify of an object of strings and nulls, keys possibly repeated. */
const bigQueryLine = fc
  .array(fc.tuple(key, value), { maxLength: 8 })
  .map((pairs) => `{${pairs.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`);
/** That line cut, spliced or padded: what a damaged file holds. */
const damaged = fc.tuple(bigQueryLine, fc.nat(), fc.nat(), fc.constantFrom('', ' ', ',', '"', '\\', '}', '{', ':', 'null', '\t')).map(
  ([line, at, len, insert]) => {
    const from = at % (line.length + 1);
    return line.slice(0, from) + insert + line.slice(from + (len % 3));
  },
);

describe('the NDJSON fast line reading', () => {
  it('reads BigQuery lines exactly as JSON.parse, or declines', () => {
    let scanned = 0;
    // One scanner for all lines, as for one file: the keys it remembers change order at random.
    const scanner = new LineScanner(HEADER);
    fc.assert(
      fc.property(fc.oneof(bigQueryLine, damaged), (line) => {
        const fast = scanner.cells(line);
        if (fast === undefined) return;
        scanned++;
        expect(cellsOf(line, HEADER).fields).toEqual(fast);
      }),
      { numRuns: 5000 },
    );
    // Hundreds of lines took the fast path (the others hold numbers, arrays, raw control
    // characters or damage): the property is not vacuous.
    expect(scanned).toBeGreaterThan(400);
  });

  it('takes the fast path for strings and nulls, and declines numbers, spaces and raw control characters', () => {
    const line = '{"app_id":"12345678","form892":null,"citation_pto":"say \\"hi\\"\\u00e9","zzz":"ignored","app_id":"87654321"}';
    expect(new LineScanner(HEADER).cells(line)).toEqual(['87654321', '', 'say "hi"é', '', '', '']);
    for (const slow of ['{"app_id":1}', '{ "app_id":"1"}', '{"app_id":"a\tb"}', '{"app_id":"1"} ', '{"app_id":"1",}']) {
      expect(new LineScanner(HEADER).cells(slow), slow).toBeUndefined();
    }
    expect(new LineScanner(HEADER).cells('{}')).toEqual(['', '', '', '', '', '']);
  });
});
