/**
 * CSV rows placed by column name. The header comes from the field catalog (`columnsOf`) and each
 * value is put in its column's slot, so a catalog change re-shapes the output without touching
 * the generator: columns the generator does not know get a plausible value for their catalog
 * type, columns the catalog dropped go to a scratch slot that is never written out.
 */
import { FIELDS, columnsOf, type FieldSpec, type Table } from '../../src/catalog/fields.ts';
import { REJECTIONS } from '../../src/catalog/rejections.ts';
import { DAYS } from './calendar.ts';
import { int, type Rng } from './prng.ts';

export function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Plausible value for a catalog column this generator does not know (future-proofing). */
function fallbackValue(rng: Rng, spec: FieldSpec | undefined): string {
  switch (spec?.type) {
    case 'flag':
      return rng() < 0.1 ? '1' : '0';
    case 'int':
      return String(int(rng, 5));
    case 'date':
      return DAYS[int(rng, DAYS.length)]!.iso;
    default:
      return '';
  }
}

export class RowShape {
  readonly columns: string[];
  readonly header: string;
  private readonly unknown: { index: number; spec: FieldSpec | undefined }[];

  constructor(table: Table, known: readonly string[]) {
    // rejections have a catalog of their own; fields.ts speaks for citations (and office_actions,
    // which both catalogs hold alike)
    const rejections = table === 'rejections';
    this.columns = rejections ? REJECTIONS.columnsOf(table) : columnsOf(table);
    this.header = this.columns.join(',') + '\n';
    const specs = new Map<string, FieldSpec>();
    for (const f of (rejections ? REJECTIONS.fields : FIELDS) as readonly FieldSpec[]) {
      if (f.source.table === table) specs.set(f.source.column, f);
    }
    this.unknown = this.columns.flatMap((c, index) => (known.includes(c) ? [] : [{ index, spec: specs.get(c) }]));
  }

  /** Index of a column; columns the catalog no longer has go to a scratch slot past the end. */
  slot(column: string): number {
    const i = this.columns.indexOf(column);
    return i < 0 ? this.columns.length : i;
  }

  newRow(): string[] {
    return new Array<string>(this.columns.length + 1).fill('');
  }

  fillUnknown(rng: Rng, row: string[]): void {
    for (const u of this.unknown) row[u.index] = fallbackValue(rng, u.spec);
  }

  /** Serializes the row (values must already be CSV-safe) with a trailing newline. */
  line(row: readonly string[]): string {
    const n = this.columns.length;
    let s = row[0]!;
    for (let i = 1; i < n; i++) s += ',' + row[i]!;
    return s + '\n';
  }
}

export const OA_COLUMNS = [
  'app_id', 'ifw_number', 'document_cd', 'mail_dt', 'art_unit', 'uspc_class', 'uspc_subclass',
  'header_missing', 'fp_missing', 'rejection_fp_mismatch', 'closing_missing', 'rejection_101',
  'rejection_102', 'rejection_103', 'rejection_112', 'rejection_dp', 'objection', 'allowed_claims',
  'cite102_gt1', 'cite103_gt3', 'cite103_eq1', 'cite103_max', 'signature_type',
] as const;
export const CIT_COLUMNS = [
  'app_id', 'ifw_number', 'parsed', 'citation_pat_pgpub_id', 'action_type', 'action_subtype',
  'form892', 'form1449', 'citation_in_oa',
] as const;
export const REJ_COLUMNS = [
  'app_id', 'ifw_number', 'action_type', 'action_subtype', 'claim_numbers', 'alice_in', 'bilski_in',
  'mayo_in', 'myriad_in',
] as const;

export type Slots<T extends readonly string[]> = Record<T[number], number>;

export function slotsOf<T extends readonly string[]>(shape: RowShape, cols: T): Slots<T> {
  return Object.fromEntries(cols.map((c) => [c, shape.slot(c)])) as Slots<T>;
}
