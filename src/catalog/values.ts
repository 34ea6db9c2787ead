/**
 * Value parsers shared by the indexer (raw OARD strings -> stored values) and the query layers
 * (user input -> the same stored values). Each returns `undefined` for "not a valid value" so the
 * caller can say where and why.
 */

const MONTHS: Record<string, number> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12,
};

function isoOf(y: number, m: number, d: number): string | undefined {
  if (!(y >= 1000 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= 31)) return undefined;
  // Round-trip through Date.UTC to refuse 2012-02-30 and friends.
  const t = new Date(Date.UTC(y, m - 1, d));
  if (t.getUTCFullYear() !== y || t.getUTCMonth() !== m - 1 || t.getUTCDate() !== d) return undefined;
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/**
 * A date as the OARD files write it: ISO `2012-03-15` (the published form) and, leniently,
 * `20120315`, `03/15/2012` and Stata's `15mar2012`. Returns ISO `yyyy-MM-dd`.
 */
export function parseDate(raw: string): string | undefined {
  const s = raw.trim();
  let m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (m) return isoOf(+m[1]!, +m[2]!, +m[3]!);
  m = /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (m) return isoOf(+m[1]!, +m[2]!, +m[3]!);
  m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(s);
  if (m) return isoOf(+m[3]!, +m[1]!, +m[2]!);
  m = /^(\d{1,2})([a-z]{3})(\d{4})$/i.exec(s);
  if (m) {
    const month = MONTHS[m[2]!.toLowerCase()];
    return month ? isoOf(+m[3]!, month, +m[1]!) : undefined;
  }
  return undefined;
}

/** A 0/1 flag; `true`/`false` accepted too. */
export function parseFlag(raw: string): 0 | 1 | undefined {
  switch (raw.trim().toLowerCase()) {
    case '0':
    case 'false':
      return 0;
    case '1':
    case 'true':
      return 1;
    default:
      return undefined;
  }
}

/** A non-negative whole number written in decimal digits. */
export function parseInt10(raw: string): number | undefined {
  const s = raw.trim();
  return /^\d{1,9}$/.test(s) ? Number(s) : undefined;
}

/** Technology center of an art unit: "2154" -> "2100". */
export function techCenterOf(artUnit: string): string | undefined {
  return /^\d{4}$/.test(artUnit) ? `${artUnit.slice(0, 2)}00` : undefined;
}
