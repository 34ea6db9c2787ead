/**
 * The core of the generator: emits header-less CSV lines for office actions, citations and
 * rejections, one application at a time, from the seeded PRNG. It knows nothing about files
 * (lines go to three `Emit` callbacks), so the data set and the bad-row files share it. Shape of
 * the data (approximate shares, over citation rows unless noted; rejections: rejections.ts):
 *
 * - applications: 8-digit app ids ("09xxxxxx" .. "15xxxxxx", increasing with mail date), ~2 office
 *   actions each, one art unit / USPC class per application (an occasional transfer to another
 *   art unit of the same tech center).
 * - office actions: opaque ifw ids ("0123456789" or "IFW0123456789"), CTNF / CTFR, mail dates
 *   2008-01-01 .. 2017-06-30 (~4 % written leniently: 20120315, 03/15/2012, 15mar2012),
 *   plausible rejection / parse-quality flags, cite103_max consistent with the 103 citations.
 * - citations: ~13 rows per office action; raw text ~93 % bare digits, the rest free text
 *   ("US 7,123,456 B2", "US 2005/0123456 A1", "EP 1234567 A1" ...); parsed = patent (7 digits,
 *   a few zero-padded to 8), publication (yyyy + 7 digits) or foreign ("EP1234567");
 *   action_type 103 ~17 %, 102 ~4 %, empty ~79 %; ~25 % cited in the office-action text,
 *   ~45 % form-only rows with empty ifw_number / action_type / action_subtype;
 *   ~0.5 % orphans (ifw_number of an office action missing from office_actions);
 *   ~0.2 % repeated (app_id, ifw_number, parsed) triples.
 * - references are drawn partly from a Zipf-like pool per tech center, so "top references" and
 *   "which applications cited X" have interesting answers; a final rejection often re-cites the
 *   references of the previous office action.
 *
 * The order of PRNG draws is the output: any change to it changes every file after that point.
 * The rejections draw from a stream of their own and only read what this one drew.
 */
import { DAYS, SPAN_DAYS, mailDateText, type Day } from './calendar.ts';
import { int, mulberry32, pad, pick, subSeed, weighted, type Rng } from './prng.ts';
import { freshRef, rawText, zipfIndex, type Ref } from './references.ts';
import {
  groundsOf,
  startRejectionApplication,
  startRejections,
  writeOrphanRejections,
  writeRejections,
  writeRepeatedRejections,
  type RejectionRun,
} from './rejections.ts';
import { CIT_COLUMNS, OA_COLUMNS, csvField, slotsOf, type RowShape, type Slots } from './rows.ts';
import { buildTechCenters, POOL_SIZE, SIGNATURE_TYPE, SUBTYPE_102, SUBTYPE_103, TECH_CENTER_DEFS, type TechCenter } from './tech-centers.ts';

/** Receives lines; returns a promise only when the consumer wants the producer to wait. */
export type Emit = (line: string) => Promise<void> | undefined;

export interface CoreResult {
  officeActions: number;
  citations: number;
  applications: number;
  orphans: number;
  duplicates: number;
  formOnly: number;
  rejections: number;
  /** Rejection rows whose ifw_number has no office action. */
  orphanRejections: number;
  /** Rejection rows repeating an earlier row. */
  duplicateRejections: number;
}

const bit = (rng: Rng, p: number) => (rng() < p ? '1' : '0');

/** Opaque, unique ifw ids: a bijection of a counter onto 10-digit numbers, some prefixed "IFW". */
function ifwId(rng: Rng, k: number, salt: number): string {
  const M = 10_000_000_000;
  const a = (k * 7919 + salt) % M;
  const b = (a * 104_729 + 7_777) % M;
  return rng() < 0.3 ? `IFW${pad(b, 10)}` : pad(b, 10);
}

/** State of one generateCore run, shared by its steps. */
interface Run {
  readonly rng: Rng;
  readonly tcs: TechCenter[];
  readonly pickTc: (rng: Rng) => number;
  readonly ifwSalt: number;
  readonly oaShape: RowShape;
  readonly citShape: RowShape;
  readonly O: Slots<typeof OA_COLUMNS>;
  readonly C: Slots<typeof CIT_COLUMNS>;
  /** Reused row buffers (the last citation row is re-serialised for duplicates). */
  readonly oaRow: string[];
  readonly citRow: string[];
  readonly emitOa: Emit;
  readonly emitCit: Emit;
  readonly rej: RejectionRun;
  readonly res: CoreResult;
  appNumber: number;
  orphanCounter: number;
  /** Set when emitting a citation asked to wait; awaited (and cleared) after each citation. */
  pending: Promise<void> | undefined;
}

/** One application: the traits its office actions share, and what they carry over. */
interface Application {
  readonly app: string;
  readonly nOa: number;
  readonly tc: TechCenter;
  artUnit: string;
  readonly uspcClass: string;
  uspcSub: string;
  dayIdx: number;
  /** References already used by this application's form-only rows (no ifw_number). */
  readonly formOnlyUsed: Set<string>;
  /** Repeated citation lines, written after the application's last office action. */
  readonly dupLines: [string, boolean][];
  /** References cited in the text of the previous office action (a final rejection re-cites them). */
  prevInOa: Ref[];
}

/** One office action: what its row and its citation rows share. */
interface OfficeAction {
  readonly ifw: string;
  readonly day: Day;
  readonly final: boolean;
  readonly r102: boolean;
  readonly r103: boolean;
}

/** A citation row to write: reference, ifw_number, action_type, action_subtype, form892, form1449, citation_in_oa. */
type CitationDraft = [Ref, string, string, string, string, string, string];

function startRun(seed: number, oaShape: RowShape, citShape: RowShape, rejShape: RowShape, emitOa: Emit, emitCit: Emit, emitRej: Emit): Run {
  const rng = mulberry32(subSeed(seed, 1));
  const tcs = buildTechCenters(seed);
  const pickTc = weighted(TECH_CENTER_DEFS.map(([, w], i) => [i, w] as const));
  const ifwSalt = subSeed(seed, 7) % 1_000_000;
  const O = slotsOf(oaShape, OA_COLUMNS);
  const C = slotsOf(citShape, CIT_COLUMNS);
  const oaRow = oaShape.newRow();
  const citRow = citShape.newRow();
  const res: CoreResult = {
    officeActions: 0,
    citations: 0,
    applications: 0,
    orphans: 0,
    duplicates: 0,
    formOnly: 0,
    rejections: 0,
    orphanRejections: 0,
    duplicateRejections: 0,
  };
  const rej = startRejections(seed, rejShape, emitRej, res);
  const appNumber = 9_000_000 + int(rng, 40_000);
  return { rng, tcs, pickTc, ifwSalt, oaShape, citShape, O, C, oaRow, citRow, emitOa, emitCit, rej, res, appNumber, orphanCounter: 0, pending: undefined };
}

/** A reference not yet in `used` (and adds it): from the tech center's pool, another's, or fresh. */
function drawRef(run: Run, tc: TechCenter, year: number, used: Set<string>): Ref {
  const { rng, tcs } = run;
  for (let attempt = 0; ; attempt++) {
    const u = rng();
    let ref: Ref;
    if (attempt < 4 && u < 0.3) ref = tc.pool[zipfIndex(rng, POOL_SIZE)]!;
    else if (attempt < 4 && u < 0.33) ref = tcs[int(rng, tcs.length)]!.pool[zipfIndex(rng, POOL_SIZE)]!;
    else ref = freshRef(rng, year);
    if (!used.has(ref.parsed)) {
      used.add(ref.parsed);
      return ref;
    }
  }
}

/** Fills the citation row buffer, emits its line and counts it; a wait request goes to `run.pending`. */
function emitCitation(
  run: Run,
  app: string,
  ifw: string,
  ref: Ref,
  actionType: string,
  actionSubtype: string,
  f892: string,
  f1449: string,
  inOa: string,
): string {
  const { rng, C, citRow, citShape, res, emitCit } = run;
  citRow[C.app_id] = app;
  citRow[C.ifw_number] = ifw;
  citRow[C.parsed] = ref.parsed;
  citRow[C.citation_pat_pgpub_id] = csvField(rawText(rng, ref));
  citRow[C.action_type] = actionType;
  citRow[C.action_subtype] = actionSubtype;
  citRow[C.form892] = f892;
  citRow[C.form1449] = f1449;
  citRow[C.citation_in_oa] = inOa;
  citShape.fillUnknown(rng, citRow);
  const line = citShape.line(citRow);
  res.citations++;
  if (ifw === '') res.formOnly++;
  const p = emitCit(line);
  if (p) run.pending = p;
  return line;
}

/** Draws the next application: its number, office-action count, tech center, classes, first day. */
function startApplication(run: Run, officeActions: number): Application {
  const { rng, tcs, pickTc, res } = run;
  const f = res.officeActions / officeActions;
  run.appNumber += 1 + int(rng, Math.max(1, Math.floor((7_000_000 * 0.5) / officeActions)) * 2);
  if (run.appNumber < 9_000_000 + Math.floor(f * 6_900_000)) run.appNumber = 9_000_000 + Math.floor(f * 6_900_000) + int(rng, 500);
  if (run.appNumber > 99_999_999) throw new RangeError('ran out of 8-digit application numbers');
  const app = pad(run.appNumber, 8);
  const nOa = Math.min(officeActions - res.officeActions, 1 + (rng() < 0.65 ? (rng() < 0.54 ? 1 : 0) : 1 + int(rng, 3)));
  const tc = tcs[pickTc(rng)]!;
  const artUnit = pick(rng, tc.artUnits);
  const uspcClass = pick(rng, tc.classes);
  const uspcSub = rng() < 0.8 ? pad(1 + int(rng, 999), 3) : `${1 + int(rng, 600)}.${1 + int(rng, 30)}`;
  const formOnlyUsed = new Set<string>();
  const dupLines: [string, boolean][] = [];
  const prevInOa: Ref[] = [];
  let dayIdx = Math.floor(f * (SPAN_DAYS - 450)) + int(rng, 400) - 150;
  if (dayIdx < 0) dayIdx = int(rng, 60);
  res.applications++;
  return { app, nOa, tc, artUnit, uspcClass, uspcSub, dayIdx, formOnlyUsed, dupLines, prevInOa };
}

/** The citation rows of one office action (drawn before its row: its 102 / 103 counts follow them). */
function drawCitationRows(run: Run, a: Application, oa: OfficeAction): { rows: CitationDraft[]; n102: number; n103: number } {
  const { rng } = run;
  const { tc, formOnlyUsed, prevInOa } = a;
  const { ifw, day, final, r102, r103 } = oa;
  const nRows = Math.min(150, 1 + Math.floor(-Math.log(1 - rng()) * 12.6));
  const used = new Set<string>();
  let n102 = 0;
  let n103 = 0;
  const rows: CitationDraft[] = [];
  const inOaRefs: Ref[] = [];
  for (let r = 0; r < nRows; r++) {
    const u = rng();
    if (u < 0.25) {
      // cited in the office-action text
      let ref: Ref | undefined;
      if (final && prevInOa.length > 0 && rng() < 0.5) {
        const cand = prevInOa[int(rng, prevInOa.length)]!;
        if (!used.has(cand.parsed)) {
          used.add(cand.parsed);
          ref = cand;
        }
      }
      ref ??= drawRef(run, tc, day.year, used);
      inOaRefs.push(ref);
      let at = '';
      let ast = '';
      const v = rng();
      if (r103 && r102) {
        if (v < 0.62) at = '103';
        else if (v < 0.94) at = '102';
      } else if (r103) {
        if (v < 0.97) at = '103';
      } else if (r102) {
        if (v < 0.85) at = '102';
      }
      if (at === '103') {
        ast = SUBTYPE_103(rng);
        n103++;
      } else if (at === '102') {
        ast = SUBTYPE_102(rng);
        n102++;
      }
      const f892 = rng() < 0.75;
      rows.push([ref, ifw, at, ast, f892 ? '1' : '0', !f892 || rng() < 0.15 ? '1' : '0', '1']);
    } else {
      // listed on a PTO-892 / PTO-1449 form only
      const withIfw = u < 0.55;
      const ref = drawRef(run, tc, day.year, withIfw ? used : formOnlyUsed);
      const w = rng();
      const f892 = w < 0.45 || w >= 0.95 ? '1' : '0';
      const f1449 = w >= 0.45 ? '1' : '0';
      rows.push([ref, withIfw ? ifw : '', '', '', f892, f1449, '0']);
    }
  }
  a.prevInOa = inOaRefs;
  return { rows, n102, n103 };
}

/** Fills the office-action row buffer and returns its line. */
function officeActionLine(run: Run, a: Application, oa: OfficeAction, n102: number, n103: number): string {
  const { rng, O, oaRow, oaShape } = run;
  const { app, artUnit, uspcClass, uspcSub } = a;
  const { ifw, day, final, r102, r103 } = oa;
  const cite103Max = n103 === 0 ? 0 : Math.min(n103, 1 + Math.floor(-Math.log(1 - rng()) * 1.3));
  oaRow[O.app_id] = app;
  oaRow[O.ifw_number] = ifw;
  oaRow[O.document_cd] = final ? 'CTFR' : 'CTNF';
  oaRow[O.mail_dt] = mailDateText(rng, day);
  oaRow[O.art_unit] = artUnit;
  oaRow[O.uspc_class] = uspcClass;
  oaRow[O.uspc_subclass] = uspcSub;
  oaRow[O.header_missing] = bit(rng, 0.02);
  oaRow[O.fp_missing] = bit(rng, 0.05);
  oaRow[O.rejection_fp_mismatch] = bit(rng, 0.04);
  oaRow[O.closing_missing] = bit(rng, 0.03);
  oaRow[O.rejection_101] = bit(rng, 0.12);
  oaRow[O.rejection_102] = r102 ? '1' : '0';
  oaRow[O.rejection_103] = r103 ? '1' : '0';
  oaRow[O.rejection_112] = bit(rng, 0.4);
  oaRow[O.rejection_dp] = bit(rng, 0.1);
  oaRow[O.objection] = bit(rng, 0.3);
  oaRow[O.allowed_claims] = bit(rng, final ? 0.1 : 0.15);
  oaRow[O.cite102_gt1] = n102 > 1 && rng() < 0.6 ? '1' : '0';
  oaRow[O.cite103_gt3] = cite103Max > 3 ? '1' : '0';
  oaRow[O.cite103_eq1] = cite103Max === 1 || (n103 > 1 && rng() < 0.2) ? '1' : '0';
  oaRow[O.cite103_max] = String(cite103Max);
  oaRow[O.signature_type] = SIGNATURE_TYPE(rng);
  oaShape.fillUnknown(rng, oaRow);
  return oaShape.line(oaRow);
}

/** Sometimes: citations of an office action that office_actions does not have (orphans); returns its ifw_number. */
async function emitOrphans(run: Run, a: Application, day: Day, officeActions: number): Promise<string> {
  const { rng, res } = run;
  const { app, tc } = a;
  const orphanIfw = ifwId(rng, officeActions + run.orphanCounter++, run.ifwSalt);
  const orphanUsed = new Set<string>();
  const m = 1 + int(rng, 8);
  for (let r = 0; r < m; r++) {
    const ref = drawRef(run, tc, day.year, orphanUsed);
    const inText = rng() < 0.4;
    const at = inText && rng() < 0.7 ? '103' : '';
    emitCitation(run, app, orphanIfw, ref, at, at ? SUBTYPE_103(rng) : '', inText ? bit(rng, 0.75) : '1', '0', inText ? '1' : '0');
    res.orphans++;
    if (run.pending) {
      await run.pending;
      run.pending = undefined;
    }
  }
  return orphanIfw;
}

/** The `j`-th office action of an application: its row, its citations, now and then orphans. */
async function writeOfficeAction(run: Run, a: Application, j: number, officeActions: number): Promise<void> {
  const { rng, res, C, citRow, citShape, emitOa } = run;
  if (j > 0) {
    a.dayIdx += 60 + int(rng, 240);
    if (rng() < 0.05) a.artUnit = pick(rng, a.tc.artUnits); // transferred within the tech center
    if (rng() < 0.05) a.uspcSub = pad(1 + int(rng, 999), 3); // reclassified
  }
  const day = DAYS[Math.min(a.dayIdx, SPAN_DAYS)]!;
  const ifw = ifwId(rng, res.officeActions, run.ifwSalt);
  const final = j > 0 && rng() < 0.65;

  // Rejections first: the citations' action types follow them.
  const r103 = rng() < 0.82;
  const r102 = rng() < 0.4;
  const oa: OfficeAction = { ifw, day, final, r102, r103 };
  const { rows, n102, n103 } = drawCitationRows(run, a, oa);

  // --- the office action row
  const line = officeActionLine(run, a, oa, n102, n103);
  res.officeActions++;
  const p = emitOa(line);
  if (p) await p;

  // --- its rejections, as its row's flags list them
  const { grounds, objection } = groundsOf(run.oaRow, run.O);
  await writeRejections(run.rej, { app: a.app, ifw, day, tc: a.tc.prefix }, grounds, objection);

  // --- its citations
  for (const [ref, rowIfw, at, ast, f892, f1449, inOa] of rows) {
    emitCitation(run, a.app, rowIfw, ref, at, ast, f892, f1449, inOa);
    if (rng() < 0.002) {
      // the same (app_id, ifw_number, parsed) again, later, sometimes written differently
      if (rng() < 0.5) citRow[C.citation_pat_pgpub_id] = csvField(rawText(rng, ref));
      a.dupLines.push([citShape.line(citRow), rowIfw === '']);
    }
    if (run.pending) {
      await run.pending;
      run.pending = undefined;
    }
  }

  if (rng() < 0.015) {
    const orphanIfw = await emitOrphans(run, a, day, officeActions);
    await writeOrphanRejections(run.rej, { app: a.app, ifw: orphanIfw, day, tc: a.tc.prefix });
  }
}

export async function generateCore(
  officeActions: number,
  seed: number,
  oaShape: RowShape,
  citShape: RowShape,
  rejShape: RowShape,
  emitOa: Emit,
  emitCit: Emit,
  emitRej: Emit,
): Promise<CoreResult> {
  const run = startRun(seed, oaShape, citShape, rejShape, emitOa, emitCit, emitRej);
  const { res } = run;
  while (res.officeActions < officeActions) {
    const a = startApplication(run, officeActions);
    startRejectionApplication(run.rej);
    for (let j = 0; j < a.nOa; j++) await writeOfficeAction(run, a, j, officeActions);
    // the application's repeated citations, after all its office actions
    for (const [line, formOnly] of a.dupLines) {
      res.citations++;
      res.duplicates++;
      if (formOnly) res.formOnly++;
      const p = emitCit(line);
      if (p) await p;
    }
    await writeRepeatedRejections(run.rej);
  }
  return res;
}
