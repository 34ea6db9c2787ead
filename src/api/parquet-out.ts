/**
 * Records -> a Parquet file, written as it streams: one row group per page of records, each
 * row group's bytes handed out as soon as it is encoded, the footer (schema and row-group index)
 * at the end. Only the footer grows with the file (a few hundred bytes per row group).
 *
 * Columns are typed from the catalog, so pyarrow, DuckDB and pandas read them as what they are:
 *   string  -> UTF8 string          flag -> BOOLEAN (0/1)       int -> INT32
 *   date    -> DATE (days since 1970-01-01)                     strings -> LIST<UTF8>
 * Every column is optional: an absent value is a null, as in the index.
 */
import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import type { Catalog } from '../catalog/catalog.ts';
import type { FieldName } from '../catalog/fields.ts';
import type { FieldType } from '../catalog/field-spec.ts';
import type { OaRecord } from '../catalog/schema.ts';

const DAY_MS = 86_400_000;
/** The writer's own schema type (it bundles its own hyparquet, whose types can differ from ours). */
type SchemaElement = ConstructorParameters<typeof ParquetWriter>[0]['schema'][number];

/** The schema elements of one column (a list takes three: the column, its repeated group, the item). */
function columnSchema(name: string, type: FieldType): SchemaElement[] {
  switch (type) {
    case 'string':
      return [{ name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' }];
    case 'flag':
      return [{ name, type: 'BOOLEAN', repetition_type: 'OPTIONAL' }];
    case 'int':
      return [{ name, type: 'INT32', repetition_type: 'OPTIONAL' }];
    case 'date':
      return [{ name, type: 'INT32', converted_type: 'DATE', repetition_type: 'OPTIONAL' }];
    case 'strings':
      return [
        { name, repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
        { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
        { name: 'element', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
      ];
  }
}

/** A stored value as its Parquet column takes it; null for an absent one. */
function columnValue(value: unknown, type: FieldType): unknown {
  if (value === undefined || value === null || value === '') return null;
  switch (type) {
    case 'flag':
      return Number(value) === 1;
    case 'int':
      return Number(value);
    case 'date': {
      // yyyy-MM-dd (the stored form) -> days since the epoch.
      const [y, m, d] = String(value).split('-').map(Number);
      return Date.UTC(y!, m! - 1, d!) / DAY_MS;
    }
    case 'strings':
      return (Array.isArray(value) ? value : [value]).map(String);
    default:
      return String(value);
  }
}

/** A Parquet file in the making: bytes for each page of records, then the footer. */
export interface ParquetStream {
  /** The row group of these records (with the file's leading magic, the first time). */
  rowGroup(records: readonly OaRecord[]): Uint8Array;
  /** The footer: the file is complete after it. */
  finish(): Uint8Array;
}

export function parquetStream(catalog: Catalog, fields: readonly FieldName[]): ParquetStream {
  const types = fields.map((f) => catalog.byName.get(f)!.type);
  const schema: SchemaElement[] = [
    { name: 'root', num_children: fields.length },
    ...fields.flatMap((f, i) => columnSchema(f, types[i]!)),
  ];
  // The writer appends to one buffer; taking its bytes and rewinding it after each row group
  // keeps one row group in memory. `offset` (the file position the footer records) runs on.
  const writer = new ByteWriter();
  const parquet = new ParquetWriter({ writer, schema, createdBy: 'oa-citations' });
  const drain = (): Uint8Array => {
    const bytes = writer.getBytes().slice();
    writer.index = 0;
    return bytes;
  };
  return {
    rowGroup(records) {
      const columnData = fields.map((name, i) => ({
        name,
        data: records.map((r) => columnValue(r[name], types[i]!)),
      }));
      void parquet.write({ columnData, rowGroupSize: Math.max(records.length, 1) });
      return drain();
    },
    finish() {
      void parquet.finish();
      return drain();
    },
  };
}
