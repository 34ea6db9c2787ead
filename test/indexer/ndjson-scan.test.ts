/**
 * The NDJSON reader's fast reading of a line (LineScanner) against JSON.parse's (parseCells): on any
 * line, it either gives JSON.parse's cells exactly or declines (undefined) and leaves the line to
 * JSON.parse. Lines are BigQuery's form, and that form broken in every way fast-check finds; each
 * is read from its UTF-8 bytes, and an ASCII one also with its latin1 text, as the reader has them.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { LineScanner, openNdjson, parseCells as cellsOf } from '../../indexer/ndjson.ts';

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
        // Inside a larger buffer, as a line is inside its block.
        const bytes = Buffer.from(`x\n${line}\n`);
        const end = bytes.length - 1;
        const fast = scanner.cells(bytes, 2, end);
        if (/^[\x00-\x7f]*$/.test(line)) expect(scanner.cells(bytes, 2, end, bytes.toString('latin1'))).toEqual(fast);
        // A backslash elsewhere in the buffer makes every line of it take the reading that
        // decodes escapes; a line without one reads the same either way.
        const escapes = Buffer.from(`\\\n${line}\n`);
        expect(scanner.cells(escapes, 2, end)).toEqual(fast);
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
    const read = (text: string) => new LineScanner(HEADER).cells(Buffer.from(text), 0, Buffer.byteLength(text));
    expect(read(line)).toEqual(['87654321', '', 'say "hi"é', '', '', '']);
    expect(read('{"app_id":"漢字","form892":"\u2028"}')).toEqual(['漢字', '', '', '\u2028', '', '']);
    for (const slow of ['{"app_id":1}', '{ "app_id":"1"}', '{"app_id":"a\tb"}', '{"app_id":"1"} ', '{"app_id":"1",}', '{"app_id":"1"', '{"app_id":nul}']) {
      expect(read(slow), slow).toBeUndefined();
    }
    expect(read('{}')).toEqual(['', '', '', '', '', '']);
  });
});

describe('the NDJSON reader', () => {
  const dir = mkdtempSync(join(tmpdir(), 'oa-ndjson-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const nonAscii = fc.string({ unit: fc.constantFrom('a', '1', 'é', '漢', '\u2028', '"', '\\'), maxLength: 6 });
  const object = fc
    .array(fc.tuple(fc.constantFrom(...HEADER), fc.oneof(fc.string({ maxLength: 10 }), nonAscii, fc.constant(null))), { maxLength: 6 })
    .map((pairs) => `{${pairs.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`);
  const line = fc.oneof({ weight: 8, arbitrary: object }, { weight: 1, arbitrary: fc.constantFrom('', '   ', 'not json', '{"app_id": [1]}', '{"app_id":"1"') });

  it('gives every line JSON.parse would, by its line, whatever the line breaks, the BOM and where the reads cut', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(line, { maxLength: 30 }), fc.boolean(), fc.boolean(), fc.boolean(), fc.integer({ min: 1, max: 80 }), fc.nat(), async (lines, crlf, bom, lastBreak, chunk, at) => {
        const all = ['{"app_id":"1","form892":"1"}', ...lines];
        const path = join(dir, `f${n++}.ndjson`);
        const content = (bom ? '\ufeff' : '') + all.join(crlf ? '\r\n' : '\n') + (lastBreak ? '\n' : '');
        writeFileSync(path, content);
        // Resumed after any line (0: from the start).
        const skip = at % (all.length + 1);
        const reader = await openNdjson(path, { columns: HEADER, keys: ['app_id'], readChunkBytes: chunk, skipThroughLine: skip });
        const got: unknown[] = [];
        let endLine = 0;
        for await (const c of reader.chunks()) {
          expect(c.endLine).toBeGreaterThanOrEqual(endLine);
          endLine = c.endLine;
          for (const r of c.rows) {
            expect(r.line).toBeLessThanOrEqual(c.endLine);
            got.push([r.line, r.fields ?? r.error]);
          }
        }
        const want = all.flatMap((text, i) => (text.trim() === '' || i + 1 <= skip ? [] : [[i + 1, cellsOf(text, HEADER).fields ?? cellsOf(text, HEADER).error]]));
        expect(got).toEqual(want);
        // The last chunk ends at the file's last line (a final line break ends a line, starts none).
        expect(endLine).toBe(content.split('\n').length - (content.endsWith('\n') ? 1 : 0));
      }),
      { numRuns: 300 },
    );
  });
});
