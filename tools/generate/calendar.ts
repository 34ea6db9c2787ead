/**
 * Calendar: every day of the OARD mail-date range (2008-01-01 .. 2017-06-30), precomputed in all
 * the spellings the OARD files use, so drawing a mail date is an array index and the occasional
 * lenient spelling (20120315, 03/15/2012, 15mar2012) comes for free.
 */
import { pad, type Rng } from './prng.ts';

const FIRST_DAY = Date.UTC(2008, 0, 1);
const LAST_DAY = Date.UTC(2017, 5, 30);
const DAY_MS = 86_400_000;
export const SPAN_DAYS = (LAST_DAY - FIRST_DAY) / DAY_MS; // inclusive index of 2017-06-30
const MONTH_ABBR = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

export interface Day {
  iso: string;
  compact: string;
  us: string;
  stata: string;
  year: number;
}

export const DAYS: Day[] = Array.from({ length: SPAN_DAYS + 1 }, (_, i) => {
  const d = new Date(FIRST_DAY + i * DAY_MS);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + 1;
  const dd = d.getUTCDate();
  return {
    iso: `${y}-${pad(m, 2)}-${pad(dd, 2)}`,
    compact: `${y}${pad(m, 2)}${pad(dd, 2)}`,
    us: `${pad(m, 2)}/${pad(dd, 2)}/${y}`,
    stata: `${pad(dd, 2)}${MONTH_ABBR[m - 1]}${y}`,
    year: y,
  };
});

export function mailDateText(rng: Rng, day: Day): string {
  const u = rng();
  if (u >= 0.04) return day.iso;
  if (u < 0.02) return day.compact;
  if (u < 0.03) return day.us;
  return day.stata;
}
