/**
 * Records -> CSV (RFC 4180) and NDJSON lines, for the export.
 * CSV: a header row of field names, CRLF line ends, a value quoted when it holds a comma, a
 * double quote, CR or LF (quotes doubled); multi-valued fields (formType) joined with '|';
 * absent fields empty.
 */
import type { FieldName } from '../catalog/fields.ts';
import type { OaRecord } from '../catalog/schema.ts';

export const MULTI_VALUE_SEPARATOR = '|';

export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function csvRow(values: readonly string[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

function cell(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map(String).join(MULTI_VALUE_SEPARATOR);
  return String(value);
}

export function csvRecord(record: OaRecord, fields: readonly FieldName[]): string {
  return csvRow(fields.map((f) => cell(record[f])));
}

/** One JSON object per line, holding only the requested fields (in their order). */
export function ndjsonRecord(record: OaRecord, fields: readonly FieldName[]): string {
  const out: Record<string, unknown> = {};
  for (const f of fields) if (record[f] !== undefined) out[f] = record[f];
  return `${JSON.stringify(out)}\n`;
}
