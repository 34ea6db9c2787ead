/**
 * Files with known bad rows (`citations_bad.csv`, `office_actions_bad.csv`, `rejections_bad.csv`):
 * a small valid data set from the core, with rows broken one way each (column counts, bad flags /
 * dates / ids) and interleaved at seeded positions, so tests can check that the indexer rejects
 * exactly those lines and keeps the rest.
 */
import { join } from 'node:path';
import { generateCore } from './core.ts';
import { openOutput } from './output.ts';
import { int, mulberry32, pad, subSeed, type Rng } from './prng.ts';
import type { RowShape } from './rows.ts';

interface BadFile {
  lines: string[];
  badLines: number[];
}

/** Interleaves bad rows into valid ones at seeded positions; the last line is always bad. */
function interleave(rng: Rng, header: string, valid: string[], bad: string[]): BadFile {
  const total = valid.length + bad.length;
  const positions = new Set<number>([total - 1]);
  while (positions.size < bad.length) positions.add(int(rng, total));
  const lines = [header];
  const badLines: number[] = [];
  let v = 0;
  let b = 0;
  for (let i = 0; i < total; i++) {
    if (positions.has(i)) {
      lines.push(bad[b++]!);
      badLines.push(i + 2); // physical line: header is line 1
    } else {
      lines.push(valid[v++]!);
    }
  }
  return { lines, badLines };
}

/** Splits one of our own generated lines (no embedded newlines, quotes only around commas). */
function splitLine(line: string): string[] {
  const out: string[] = [];
  const re = /("(?:[^"]|"")*"|[^,]*)(,|$)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(line)) !== null) {
    out.push(m[1]!);
    if (m[2] === '') break;
  }
  return out;
}

/** Rejections: like citations, rows taken out of the valid set and broken; from a stream of their own. */
function badRejections(seed: number, rejShape: RowShape, rejLines: string[]): BadFile {
  // its own stream: the citations and office-action bad files stay what they were before this one
  const rng = mulberry32(subSeed(seed, 97));
  const col = (c: string) => rejShape.slot(c);
  const mutations: ((cells: string[]) => void)[] = [
    (c) => c.pop(), // too few columns
    (c) => c.push('0'), // too many columns
    (c) => (c[col('app_id')] = ''),
    (c) => (c[col('alice_in')] = '2'),
    (c) => (c[col('mayo_in')] = 'yes'),
    (c) => (c[col('myriad_in')] = '-1'),
  ];
  const bad: string[] = [];
  for (let round = 0; round < 2; round++) {
    for (const mutate of mutations) {
      const cells = splitLine(rejLines.splice(int(rng, rejLines.length), 1)[0]!);
      mutate(cells);
      bad.push(cells.join(','));
    }
  }
  return interleave(rng, rejShape.header.slice(0, -1), rejLines, bad);
}

export async function writeBadFiles(dir: string, seed: number, oaShape: RowShape, citShape: RowShape, rejShape: RowShape) {
  const rng = mulberry32(subSeed(seed, 99));
  const oaLines: string[] = [];
  const citLines: string[] = [];
  const rejLines: string[] = [];
  await generateCore(
    40,
    subSeed(seed, 98),
    oaShape,
    citShape,
    rejShape,
    (l) => void oaLines.push(l.slice(0, -1)),
    (l) => void citLines.push(l.slice(0, -1)),
    (l) => void rejLines.push(l.slice(0, -1)),
  );

  // Citations: take rows out of the valid set and break each in one way.
  const citCol = (c: string) => citShape.slot(c);
  const citMutations: ((cells: string[]) => void)[] = [
    (c) => c.pop(), // too few columns
    (c) => c.push('extra'), // too many columns
    (c) => c.splice(1, 1), // a column missing in the middle
    (c) => (c[citCol('form892')] = '2'),
    (c) => (c[citCol('form1449')] = 'yes'),
    (c) => (c[citCol('citation_in_oa')] = '2'),
    (c) => (c[citCol('form892')] = 'Y'),
    (c) => (c[citCol('app_id')] = ''),
  ];
  const citBad: string[] = [];
  for (let round = 0; round < 3; round++) {
    for (const mutate of citMutations) {
      const cells = splitLine(citLines.splice(int(rng, citLines.length), 1)[0]!);
      mutate(cells);
      citBad.push(cells.join(','));
    }
  }

  // Office actions: copies of valid rows under fresh ids (so nothing joins to them), broken.
  const oaCol = (c: string) => oaShape.slot(c);
  const oaMutations: ((cells: string[]) => void)[] = [
    (c) => (c[oaCol('mail_dt')] = '2012-13-45'),
    (c) => (c[oaCol('mail_dt')] = 'yesterday'),
    (c) => (c[oaCol('mail_dt')] = '2012-02-30'),
    (c) => (c[oaCol('mail_dt')] = '31/12/2012'),
    (c) => (c[oaCol('rejection_103')] = '2'),
    (c) => (c[oaCol('allowed_claims')] = 'yes'),
    (c) => (c[oaCol('header_missing')] = '-1'),
    (c) => c.pop(), // too few columns
    (c) => c.push('0'), // too many columns
  ];
  const oaBad: string[] = [];
  let fresh = 0;
  for (let round = 0; round < 2; round++) {
    for (const mutate of oaMutations) {
      const cells = splitLine(oaLines[int(rng, oaLines.length)]!);
      cells[oaCol('app_id')] = pad(16_000_000 + fresh, 8);
      cells[oaCol('ifw_number')] = `BAD${pad(fresh++, 7)}`;
      mutate(cells);
      oaBad.push(cells.join(','));
    }
  }

  const cit = interleave(rng, citShape.header.slice(0, -1), citLines, citBad);
  const oa = interleave(rng, oaShape.header.slice(0, -1), oaLines, oaBad);
  const rej = badRejections(seed, rejShape, rejLines);
  const citPath = join(dir, 'citations_bad.csv');
  const oaPath = join(dir, 'office_actions_bad.csv');
  const rejPath = join(dir, 'rejections_bad.csv');
  for (const [path, file] of [
    [citPath, cit],
    [oaPath, oa],
    [rejPath, rej],
  ] as const) {
    const out = openOutput(path, 'csv', '');
    out.stream.write(file.lines.join('\n') + '\n');
    await out.close();
  }
  return {
    badCitations: citPath,
    badLines: cit.badLines,
    badOfficeActions: oaPath,
    badOfficeActionLines: oa.badLines,
    badRejections: rejPath,
    badRejectionLines: rej.badLines,
  };
}
