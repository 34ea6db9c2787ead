/**
 * The rejections table: one row per ground of rejection of one office action, as its own row's
 * rejection flags list them (rejection_101 -> "101", ..., rejection_dp -> "nonstatutory double
 * patenting"), now and then an "objected" row for an office action with objection = 1. Shape
 * (approximate shares, over rejection rows unless noted):
 *
 * - action_subtype: 102 -> b / a / e, 103 -> a (~10 % empty), 112 -> b / a / f, others empty.
 * - claim_numbers: 1 to 12 distinct claims of 1..40, ascending, "1,2,5,7" (quoted in the CSV),
 *   never ranges; drawn in runs (an independent claim and its dependents) among the claims of
 *   the application, so the grounds of one office action often overlap.
 * - alice_in / bilski_in / mayo_in / myriad_in: only 101 rows, only after the decision (Alice
 *   ~40 % of 101 rows after 2014-06-19; Mayo and Myriad mostly in biotech, tech center 1600).
 * - ~1 % orphans: rows of the office actions whose citations the core writes as orphans (so the
 *   office action missing from office_actions is missing for both tables).
 * - ~0.5 % exact repeats of an earlier row, written after the application's last office action.
 *
 * Everything here draws from a PRNG stream of its own: the core's stream, and so office_actions
 * and citations, are the same bytes as before this table existed.
 */
import type { Day } from './calendar.ts';
import type { CoreResult, Emit } from './core.ts';
import { int, mulberry32, subSeed, weighted, type Rng } from './prng.ts';
import { OA_COLUMNS, REJ_COLUMNS, csvField, slotsOf, type RowShape, type Slots } from './rows.ts';

/** The office-action flags that make a ground, and the action_type of its row. */
const GROUNDS = [
  ['rejection_101', '101'],
  ['rejection_102', '102'],
  ['rejection_103', '103'],
  ['rejection_112', '112'],
  ['rejection_dp', 'nonstatutory double patenting'],
] as const;
type Ground = (typeof GROUNDS)[number][1];

/** How often an orphan office action has each ground: the core's rates for office actions. */
const ORPHAN_GROUND_RATE: Record<Ground, number> = { '101': 0.12, '102': 0.4, '103': 0.82, '112': 0.4, 'nonstatutory double patenting': 0.1 };

const SUBTYPE: Partial<Record<Ground, (rng: Rng) => string>> = {
  '102': weighted([['b', 60], ['a', 25], ['e', 15]] as const),
  '103': weighted([['a', 90], ['', 10]] as const),
  '112': weighted([['b', 60], ['a', 25], ['f', 15]] as const),
};

/**
 * The 101 case law a rejection may cite: column, decision date (cited only by office actions
 * mailed after it), rate in tech center 1600 (biotech: Mayo and Myriad are about diagnostics and
 * genes) and elsewhere.
 */
const CASE_LAW = [
  ['alice_in', '2014-06-19', 0.4, 0.4],
  ['bilski_in', '2010-06-28', 0.12, 0.12],
  ['mayo_in', '2012-03-20', 0.3, 0.05],
  ['myriad_in', '2013-06-13', 0.25, 0.01],
] as const;

const MAX_CLAIM = 40;
const MAX_CLAIMS_PER_ROW = 12;

/** Salt of the rejections' PRNG stream (the core uses 1 and 7, tech centers 101, bad rows 98/99). */
const STREAM_SALT = 211;

/** An office action as its rejection rows see it. */
export interface RejectedAction {
  readonly app: string;
  readonly ifw: string;
  readonly day: Day;
  /** Tech-center prefix of the application ("16", "21", ...). */
  readonly tc: string;
}

/** State of the rejections of one generateCore run. */
export interface RejectionRun {
  readonly rng: Rng;
  readonly shape: RowShape;
  readonly R: Slots<typeof REJ_COLUMNS>;
  readonly row: string[];
  readonly emit: Emit;
  readonly res: CoreResult;
  /** Number of claims of the current application: its office actions reject among them. */
  claims: number;
  /** The current application's repeated rows, written after its last office action. */
  readonly dupLines: string[];
}

export function startRejections(seed: number, shape: RowShape, emit: Emit, res: CoreResult): RejectionRun {
  const R = slotsOf(shape, REJ_COLUMNS);
  return { rng: mulberry32(subSeed(seed, STREAM_SALT)), shape, R, row: shape.newRow(), emit, res, claims: 0, dupLines: [] };
}

/** A new application: how many claims it has (20 is the most common: the fee rises after 20). */
export function startRejectionApplication(rr: RejectionRun): void {
  const { rng } = rr;
  rr.claims = rng() < 0.3 ? 20 : 3 + int(rng, MAX_CLAIM - 2);
  rr.dupLines.length = 0;
}

/** The grounds an office-action row (the core's row buffer) says it contains, and its objection flag. */
export function groundsOf(oaRow: readonly string[], O: Slots<typeof OA_COLUMNS>): { grounds: Ground[]; objection: boolean } {
  const grounds = GROUNDS.flatMap(([column, ground]) => (oaRow[O[column]] === '1' ? [ground] : []));
  return { grounds, objection: oaRow[O.objection] === '1' };
}

/** 1 to 12 distinct claims of the application, ascending, comma separated ("1,2,5,7"). */
function drawClaims(rng: Rng, total: number): string {
  const k = Math.min(MAX_CLAIMS_PER_ROW, total, 1 + Math.floor(-Math.log(1 - rng()) * 3.5));
  const picked = new Set<number>();
  while (picked.size < k) {
    // an independent claim and a run of its dependents
    let c = 1 + int(rng, total);
    for (let n = 1 + int(rng, 5); n > 0 && picked.size < k && c <= total; n--, c++) picked.add(c);
  }
  return [...picked].sort((x, y) => x - y).join(',');
}

/** Fills the row buffer for one ground of `oa` and returns its line. */
function rejectionLine(rr: RejectionRun, oa: RejectedAction, actionType: string): string {
  const { rng, R, row, shape } = rr;
  row[R.app_id] = oa.app;
  row[R.ifw_number] = oa.ifw;
  row[R.action_type] = actionType;
  row[R.action_subtype] = SUBTYPE[actionType as Ground]?.(rng) ?? '';
  row[R.claim_numbers] = csvField(drawClaims(rng, rr.claims));
  const biotech = oa.tc === '16';
  for (const [column, decided, rateBiotech, rate] of CASE_LAW) {
    // a rejection cites only decisions older than itself, and only for 101 (patentable subject matter)
    row[R[column]] = actionType === '101' && oa.day.iso > decided && rng() < (biotech ? rateBiotech : rate) ? '1' : '0';
  }
  shape.fillUnknown(rng, row);
  return shape.line(row);
}

/** Emits a line and counts it, waiting when the output asks to. */
async function emitRejection(rr: RejectionRun, line: string): Promise<void> {
  rr.res.rejections++;
  const p = rr.emit(line);
  if (p) await p;
}

/** The rejection rows of one office action of office_actions: one per ground its row lists. */
export async function writeRejections(rr: RejectionRun, oa: RejectedAction, grounds: readonly Ground[], objection: boolean): Promise<void> {
  const { rng } = rr;
  const types: string[] = [...grounds];
  if (objection && rng() < 0.1) types.push('objected');
  for (const actionType of types) {
    const line = rejectionLine(rr, oa, actionType);
    // the same row again, later (each ground occurs once per office action, so no row repeats by chance)
    if (rng() < 0.005) rr.dupLines.push(line);
    await emitRejection(rr, line);
  }
}

/** Sometimes: rejection rows of an office action that office_actions does not have (orphans). */
export async function writeOrphanRejections(rr: RejectionRun, oa: RejectedAction): Promise<void> {
  const { rng } = rr;
  if (rng() >= 0.7) return;
  const grounds = GROUNDS.flatMap(([, g]) => (rng() < ORPHAN_GROUND_RATE[g] ? [g] : []));
  if (grounds.length === 0) grounds.push('103');
  for (const ground of grounds) {
    await emitRejection(rr, rejectionLine(rr, oa, ground));
    rr.res.orphanRejections++;
  }
}

/** The application's repeated rows, after all its office actions. */
export async function writeRepeatedRejections(rr: RejectionRun): Promise<void> {
  for (const line of rr.dupLines) {
    await emitRejection(rr, line);
    rr.res.duplicateRejections++;
  }
}
