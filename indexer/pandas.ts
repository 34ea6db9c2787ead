/**
 * The OARD after a pandas round trip (`read_csv` then `to_csv`, as Kaggle copies and many
 * researchers' files went), read as the same records. pandas writes:
 *
 *   NaN / nan            for an empty cell                           -> empty
 *   1.0 / 0.0            for a flag of a column that had an empty cell -> 1 / 0
 *   2154.0               for a number of such a column (art unit, app_id, ...) -> 2154
 *   9123456              for app_id 09123456 (read as a number: its leading zero lost) -> 09123456
 *
 * (its unnamed index column is dropped by table-reader.ts). Each reading is counted (the run's
 * summary lists them), and only a value that reads one way is read: a number column's float that
 * is not a whole number (`9.123456e6`, `2154.5`) has no one text of digits it came from, so its row
 * is rejected with why, as a flag `0.5` or a count `2.5` is by the ordinary rules; only a
 * seven-digit app_id is padded (the application series 01-09 lose one zero, no series loses two).
 *
 * The readings are harmless on the published files, which hold none of these forms: their counts
 * stay 0 there, and after the first 5,000 rows without one (a pandas copy shows its forms on every
 * row: its index column, the floats of a column with an empty cell) the reader stops looking, so
 * they cost the published files nothing per row.
 */
import { KEY_COLUMNS } from '../src/catalog/fields.ts';
import type { TableBinding } from './rules.ts';

/** How many cells (rows, for the index column) each reading changed. */
export interface Normalised {
  /** Rows whose leading unnamed index column was dropped. */
  indexColumn: number;
  /** `NaN` / `nan` cells read as empty. */
  nan: number;
  /** Flags written `1.0` / `0.0`. */
  flagDecimal: number;
  /** Whole numbers written with a trailing `.0`. */
  numberDecimal: number;
  /** Application numbers of seven digits, their leading zero restored. */
  appIdPadded: number;
}

export const noNormalisations = (): Normalised => ({ indexColumn: 0, nan: 0, flagDecimal: 0, numberDecimal: 0, appIdPadded: 0 });

/** The kinds, as the summary names them. */
export const NORMALISATION_NAMES: Readonly<Record<keyof Normalised, string>> = {
  indexColumn: 'pandas index column dropped (rows)',
  nan: 'NaN read as empty',
  flagDecimal: 'flags 1.0/0.0 read as 1/0',
  numberDecimal: 'numbers with a trailing .0',
  appIdPadded: 'app_id padded back to 8 digits',
};

/**
 * Columns of digits whose text is an identifier: a float there that is not a whole number has no
 * one text it came from (a rejected row). Elsewhere a trailing `.0` is read off any cell of digits
 * (pandas writes every all-digit column with an empty cell as floats: action_type `103.0`, art
 * unit `2154.0`), and other text is left as it is (a USPC subclass `202.1` is a subclass).
 */
const ID_COLUMNS: ReadonlySet<string> = new Set([...KEY_COLUMNS, 'citation_pat_pgpub_id']);

/** Rows read before a file without any of pandas' forms is taken for no pandas copy. */
export const SNIFF_ROWS = 5_000;

const N = 78; // 'N'
const n = 110; // 'n'
const DECIMAL_ZERO = /^(\d+)\.0+$/;
const DIGITS = /^\d+$/;
const FLOAT = /^\d+(\.\d+)?(e[+-]?\d+)?$/i;

/**
 * The reading of one row's cells, in place, for a binding (the file's header bound to its table's
 * rules); returns the reason to reject the row when a value cannot be read one way, else undefined.
 */
export function pandasReader(binding: TableBinding, counts: Normalised): (fields: string[]) => string | undefined {
  const flags: number[] = [];
  const ids: number[] = [binding.appIndex, binding.ifwIndex];
  for (const r of binding.rules) {
    if (r.type === 'flag') flags.push(r.index);
    else if ((r.type === 'int' || ID_COLUMNS.has(r.column)) && !ids.includes(r.index)) ids.push(r.index);
  }
  const app = binding.appIndex;
  const columnAt = new Map(binding.rules.map((r) => [r.index, r.column]));
  columnAt.set(binding.appIndex, KEY_COLUMNS[0]);
  columnAt.set(binding.ifwIndex, KEY_COLUMNS[1]);
  const at = (i: number) => columnAt.get(i) ?? `column ${i + 1}`;

  const total = () => counts.indexColumn + counts.nan + counts.flagDecimal + counts.numberDecimal + counts.appIdPadded;
  const before = total();
  let rows = 0;
  let on = true;
  return (fields) => {
    if (!on) return undefined;
    // A file with none of pandas' forms in its first rows is no pandas copy (pandas writes a
    // column's floats on every row, its index column on every row): the reading stops looking.
    if (++rows === SNIFF_ROWS && total() === before) on = false;
    return read(fields);
  };

  function read(fields: string[]): string | undefined {
    for (const i of flags) {
      const v = fields[i];
      if (v === '1.0' || v === '0.0') {
        fields[i] = v[0]!;
        counts.flagDecimal++;
      }
    }
    for (let i = 0; i < fields.length; i++) {
      const v = fields[i]!;
      const length = v.length;
      // Cheap tests first: most cells are not three characters starting with N or n, and a cell of
      // digits ending ".0" ends with 48 ('0') after 46 ('.').
      if (length === 3 && (v.charCodeAt(0) === N || v.charCodeAt(0) === n) && (v === 'NaN' || v === 'nan')) {
        fields[i] = '';
        counts.nan++;
      } else if (length > 2 && v.charCodeAt(length - 1) === 48 && v.charCodeAt(length - 2) === 46) {
        const m = DECIMAL_ZERO.exec(v);
        if (m) {
          fields[i] = m[1]!;
          counts.numberDecimal++;
        }
      }
    }
    for (const i of ids) {
      const v = fields[i];
      // 9.123456e6, 2154.5: no one number of digits it was written from. (A float that is not all
      // digits holds a '.' or an exponent: the regular expressions only for those.)
      if (v && (v.includes('.') || v.includes('e') || v.includes('E')) && FLOAT.test(v) && !DIGITS.test(v)) {
        return `${at(i)}: ${JSON.stringify(v)} is a number written as a float (by pandas?); it cannot be read back to its digits`;
      }
    }
    const a = fields[app];
    if (a && a.length === 7 && DIGITS.test(a)) {
      fields[app] = `0${a}`;
      counts.appIdPadded++;
    }
    return undefined;
  }
}
