/**
 * The pages of one Parquet column chunk of strings, decoded straight into a table's cells: the
 * form of BigQuery's Parquet export (a flat schema, every column an optional STRING), read faster
 * than through hyparquet's general reader, which builds a byte array per value, then a string,
 * then an array per page to assemble rows from.
 *
 * What is read here: data pages of either version (DATA_PAGE, DATA_PAGE_V2), values PLAIN or from
 * a dictionary page (PLAIN_DICTIONARY, RLE_DICTIONARY), definition levels in the RLE / bit-packed
 * hybrid, pages uncompressed or in one of `PAGE_CODECS`. Anything else - an encoding, a codec, a
 * page type, nesting - is declined (`Declined`), and parquet.ts reads that row group with
 * hyparquet, so what a file holds is always read; only the speed differs. The tests
 * check the cells against hyparquet's on every form the writer makes.
 *
 * Strings: a page whose bytes are all ASCII - its values, and their length prefixes, so values of
 * under 128 bytes: BigQuery's OARD values are - is turned into one latin1 string, one character per
 * byte, and each value cut from it; any other page decodes each value as UTF-8 as hyparquet's
 * TextDecoder does (U+FFFD for a malformed byte, a leading byte-order mark dropped).
 */
import { isAscii } from 'node:buffer';
import { gunzipSync } from 'node:zlib';
import type { ColumnMetaData, SchemaElement } from 'hyparquet';
import { compressors, decompressZstd } from 'hyparquet-compressors';

/** A column chunk this reader does not read: the row group goes to hyparquet. */
export class Declined extends Error {}

/**
 * Whether a column chunk is of the form read here (as far as the schema and metadata tell): plain
 * strings (BYTE_ARRAY, annotated UTF8 / STRING or not at all: hyparquet reads both as text) of an
 * optional or required leaf, with encodings and a codec read here.
 */
export function readable(meta: ColumnMetaData, element: SchemaElement): boolean {
  return (
    meta.type === 'BYTE_ARRAY' &&
    (element.repetition_type === 'OPTIONAL' || element.repetition_type === 'REQUIRED') &&
    (element.converted_type === undefined || element.converted_type === 'UTF8') &&
    (element.logical_type === undefined || element.logical_type.type === 'STRING') &&
    (meta.codec === 'UNCOMPRESSED' || Object.hasOwn(PAGE_CODECS, meta.codec)) &&
    meta.encodings.every((e) => e === 'PLAIN' || e === 'RLE' || e === 'BIT_PACKED' || e === 'PLAIN_DICTIONARY' || e === 'RLE_DICTIONARY')
  );
}

/** Where a column chunk's first page starts (a dictionary offset of 0 is no dictionary: some writers put one). */
export const chunkStart = (meta: ColumnMetaData): number => Number(meta.dictionary_page_offset || meta.data_page_offset);

/**
 * A column chunk's values, each cut from its page when it is asked for: decoding keeps positions
 * in typed arrays, not strings, so a row group's values are not all alive at once (a hundred
 * thousand rows' strings outlive the young generation, and the collector copies them twice).
 */
export class ChunkValues {
  constructor(
    /** Each row's page (an index in `pages`), or -1 for a null. */
    private readonly pageOf: Int32Array,
    /** Each row's value: its start and end in its page's bytes, or its dictionary index (in `from`). */
    private readonly from: Int32Array,
    private readonly to: Int32Array,
    private readonly pages: readonly Page[],
  ) {}

  /** Row r's value, '' for a null. */
  get(r: number): string {
    const p = this.pageOf[r]!;
    if (p < 0) return '';
    const page = this.pages[p]!;
    if (page.dictionary !== undefined) return page.dictionary[this.from[r]!]!;
    if (page.ascii !== undefined) return page.ascii.slice(this.from[r], this.to[r]);
    return utf8(page.bytes!, this.from[r]!, this.to[r]!);
  }
}

/** A data page's values: dictionary strings, or its bytes (and their latin1 text, when ASCII). */
interface Page {
  dictionary: readonly string[] | undefined;
  ascii: string | undefined;
  bytes: Buffer | undefined;
}

/** Decodes a column chunk's pages (`bytes`: the chunk, from its first page; `rows` its row count). */
export function decodeChunk(bytes: Uint8Array, meta: ColumnMetaData, maxDefinition: number, rows: number): ChunkValues {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const pageOf = new Int32Array(rows).fill(-1);
  const from = new Int32Array(rows);
  const to = new Int32Array(rows);
  const pages: Page[] = [];
  let dictionary: string[] | undefined;
  let offset = 0;
  let row = 0;
  while (row < rows) {
    if (offset >= bytes.length) throw new Declined(`the column ends after ${row} of ${rows} rows`);
    const h = readPageHeader(view, offset);
    const body = bytes.subarray(h.end, h.end + h.compressedSize);
    offset = h.end + h.compressedSize;
    if (h.type === DICTIONARY_PAGE) {
      const page = asBuffer(decompress(body, meta.codec, h.uncompressedSize));
      const ascii = isAscii(page) ? page.toString('latin1') : undefined;
      const ends = new Int32Array(h.numValues * 2);
      plainValues(page, 0, h.numValues, ends, 0);
      dictionary = new Array<string>(h.numValues);
      for (let i = 0; i < h.numValues; i++) dictionary[i] = ascii === undefined ? utf8(page, ends[2 * i]!, ends[2 * i + 1]!) : ascii.slice(ends[2 * i], ends[2 * i + 1]);
      continue;
    }
    if (h.type !== DATA_PAGE && h.type !== DATA_PAGE_V2) continue; // an index page: not data
    const n = h.numValues;
    if (row + n > rows) throw new Declined(`a page of ${n} rows past the chunk's ${rows}`);
    let defined: Uint8Array | Uint32Array | undefined;
    let values: Buffer;
    let at = 0;
    if (h.type === DATA_PAGE) {
      values = asBuffer(decompress(body, meta.codec, h.uncompressedSize));
      if (maxDefinition > 0) {
        if (h.definitionEncoding !== RLE) throw new Declined('definition levels not in the RLE hybrid');
        const length = values.readUInt32LE(0);
        defined = hybrid(values, 4, 4 + length, 1, n);
        at = 4 + length;
      }
    } else {
      if (h.repetitionLength) throw new Declined('repetition levels (a nested column)');
      const levels = h.definitionLength;
      if (maxDefinition > 0) defined = hybrid(body, 0, levels, 1, n);
      values = asBuffer(h.compressed ? decompress(body.subarray(levels), meta.codec, h.uncompressedSize - levels) : body.subarray(levels));
    }
    values = values.subarray(at); // the values alone (a version 1 page holds its levels before them)
    let present = n;
    if (defined) {
      present = 0;
      for (let i = 0; i < n; i++) present += defined[i]!;
    }
    // Each present value's start and end (PLAIN), or its dictionary index, in value order.
    const ends = new Int32Array(present * 2);
    let page: Page;
    if (h.encoding === PLAIN) {
      plainValues(values, 0, present, ends, 0);
      page = { dictionary: undefined, ascii: isAscii(values) ? values.toString('latin1') : undefined, bytes: values };
    } else if (h.encoding === PLAIN_DICTIONARY || h.encoding === RLE_DICTIONARY) {
      if (!dictionary) throw new Declined('a dictionary-encoded page without its dictionary');
      const width = values[0]!;
      if (width > 24) throw new Declined(`dictionary indexes of ${width} bits`);
      const indexes = hybrid(values, 1, values.length, width, present);
      for (let i = 0; i < present; i++) {
        if (indexes[i]! >= dictionary.length) throw new Declined(`dictionary index ${indexes[i]} out of range`);
        ends[2 * i] = indexes[i]!;
      }
      page = { dictionary, ascii: undefined, bytes: undefined };
    } else throw new Declined(`values encoded ${h.encoding}`);
    const p = pages.push(page) - 1;
    for (let i = 0, v = 0; i < n; i++) {
      if (defined && !defined[i]) continue;
      pageOf[row + i] = p;
      from[row + i] = ends[2 * v]!;
      to[row + i] = ends[2 * v + 1]!;
      v++;
    }
    row += n;
  }
  return new ChunkValues(pageOf, from, to, pages);
}

const asBuffer = (b: Uint8Array): Buffer => Buffer.from(b.buffer, b.byteOffset, b.byteLength);

/** bytes[from, to) as UTF-8, a leading byte-order mark dropped: what hyparquet's TextDecoder gives. */
function utf8(bytes: Buffer, from: number, to: number): string {
  const marked = to - from >= 3 && bytes[from] === 0xef && bytes[from + 1] === 0xbb && bytes[from + 2] === 0xbf;
  return bytes.toString('utf8', marked ? from + 3 : from, to);
}

// Thrift's compact protocol, as much of it as a PageHeader needs; other fields are skipped.
// Parquet's enums (PageType, Encoding), then the protocol's field types.
const DATA_PAGE = 0;
const DICTIONARY_PAGE = 2;
const DATA_PAGE_V2 = 3;
const PLAIN = 0;
const PLAIN_DICTIONARY = 2;
const RLE = 3;
const RLE_DICTIONARY = 8;
const TRUE = 1;
const FALSE = 2;
const I32 = 5;
const STRUCT = 12;

interface PageHeader {
  type: number;
  uncompressedSize: number;
  compressedSize: number;
  /** Values of a data page (rows, in a flat column), entries of a dictionary page. */
  numValues: number;
  encoding: number;
  /** A version 1 data page's encoding of its definition levels. */
  definitionEncoding: number;
  definitionLength: number;
  repetitionLength: number;
  compressed: boolean;
  /** Where the page's body starts. */
  end: number;
}

function readPageHeader(view: DataView, offset: number): PageHeader {
  const r = { view, at: offset };
  const h: PageHeader = { type: -1, uncompressedSize: 0, compressedSize: 0, numValues: 0, encoding: PLAIN, definitionEncoding: RLE, definitionLength: 0, repetitionLength: 0, compressed: true, end: 0 };
  readStruct(r, (id, type) => {
    if (id === 1 && type === I32) h.type = zigzag(r);
    else if (id === 2 && type === I32) h.uncompressedSize = zigzag(r);
    else if (id === 3 && type === I32) h.compressedSize = zigzag(r);
    else if ((id === 5 || id === 7) && type === STRUCT) {
      // DataPageHeader / DictionaryPageHeader: 1 num_values, 2 encoding, 3 definition levels'
      readStruct(r, (f, t) => {
        if (f === 1 && t === I32) h.numValues = zigzag(r);
        else if (f === 2 && t === I32) h.encoding = zigzag(r);
        else if (f === 3 && t === I32 && id === 5) h.definitionEncoding = zigzag(r);
        else skip(r, t);
      });
    } else if (id === 8 && type === STRUCT) {
      // DataPageHeaderV2: 1 num_values, 4 encoding, 5/6 level lengths, 7 is_compressed
      readStruct(r, (f, t) => {
        if (f === 1 && t === I32) h.numValues = zigzag(r);
        else if (f === 4 && t === I32) h.encoding = zigzag(r);
        else if (f === 5 && t === I32) h.definitionLength = zigzag(r);
        else if (f === 6 && t === I32) h.repetitionLength = zigzag(r);
        else if (f === 7 && (t === TRUE || t === FALSE)) h.compressed = t === TRUE;
        else skip(r, t);
      });
    } else skip(r, type);
  });
  h.end = r.at;
  return h;
}

interface ThriftReader {
  view: DataView;
  at: number;
}

function readStruct(r: ThriftReader, field: (id: number, type: number) => void): void {
  let id = 0;
  for (;;) {
    if (r.at >= r.view.byteLength) throw new Declined('a page header cut short');
    const byte = r.view.getUint8(r.at++);
    const type = byte & 0x0f;
    if (type === 0) return;
    const delta = byte >> 4;
    id = delta ? id + delta : zigzag(r);
    field(id, type);
  }
}

function varint(r: ThriftReader): number {
  let result = 0;
  let shift = 0;
  for (;;) {
    const byte = r.view.getUint8(r.at++);
    result += (byte & 0x7f) * 2 ** shift;
    if (!(byte & 0x80)) return result;
    shift += 7;
  }
}

function zigzag(r: ThriftReader): number {
  const n = varint(r);
  return n % 2 ? -(n + 1) / 2 : n / 2;
}

function skip(r: ThriftReader, type: number): void {
  switch (type) {
    case TRUE:
    case FALSE:
      return;
    case 3: // byte
      r.at++;
      return;
    case 4: // i16
    case I32:
    case 6: // i64
      varint(r);
      return;
    case 7: // double
      r.at += 8;
      return;
    case 8: // binary
      r.at += varint(r);
      return;
    case 9: // list
    case 10: {
      // set
      const head = r.view.getUint8(r.at++);
      const size = head >> 4 === 15 ? varint(r) : head >> 4;
      const element = head & 0x0f;
      // A list's booleans are a byte each (a struct field's are in its type nibble).
      if (element === TRUE || element === FALSE) r.at += size;
      else for (let i = 0; i < size; i++) skip(r, element);
      return;
    }
    case STRUCT:
      readStruct(r, (_, t) => skip(r, t));
      return;
    default:
      throw new Declined(`thrift type ${type} in a page header`);
  }
}

/** hysnappy's decompressor, its WebAssembly instantiated once (its output is a copy: each page keeps its own). */
const wasmSnappy = compressors.SNAPPY!;

/**
 * A SNAPPY page of `size` bytes, or an error. hysnappy decodes to the length its stream declares
 * and answers `size` bytes whatever it wrote (a shorter stream's tail is a previous page's bytes
 * left in its memory), so the declared length - the stream's leading varint - is checked first.
 */
function snappyPage(body: Uint8Array, size: number): Uint8Array {
  let declared = 0;
  for (let i = 0, shift = 0; ; i++, shift += 7) {
    if (i >= body.length || i > 4) throw new Error('snappy: no length at the start of the page');
    declared += (body[i]! & 0x7f) * 2 ** shift;
    if (body[i]! < 0x80) break;
  }
  if (declared !== size) throw new Error(`snappy: the page holds ${declared} bytes, its header says ${size}`);
  return wasmSnappy(body, size);
}

/**
 * A ZSTD page of `size` bytes, or an error: decoded into a buffer of its own size (fzstd given
 * one of `size` leaves a shorter frame's tail zeros, which would read as empty values).
 */
function zstdPage(body: Uint8Array, size: number): Uint8Array {
  const out = decompressZstd(body);
  if (out.length !== size) throw new Error(`zstd: the page holds ${out.length} bytes, its header says ${size}`);
  return out;
}

/**
 * BigQuery's Parquet codecs, each a page's bytes from its compressed body and its header's size,
 * or an error: SNAPPY through hysnappy's WebAssembly (three times hyparquet's JavaScript), GZIP
 * through zlib, ZSTD through fzstd (Node 20's zlib has none). parquet.ts gives hyparquet the same
 * ones, so a page reads alike on either path.
 */
export const PAGE_CODECS: Readonly<Record<string, (body: Uint8Array, size: number) => Uint8Array>> = {
  SNAPPY: snappyPage,
  GZIP: (body) => gunzipSync(body),
  ZSTD: zstdPage,
};

function decompress(body: Uint8Array, codec: string, size: number): Uint8Array {
  return codec === 'UNCOMPRESSED' ? body : PAGE_CODECS[codec]!(body, size);
}

/** `count` values of the RLE / bit-packed hybrid of `width` bits in bytes[from, to). */
function hybrid(bytes: Uint8Array, from: number, to: number, width: number, count: number): Uint8Array | Uint32Array {
  const out = width <= 8 ? new Uint8Array(count) : new Uint32Array(count);
  const r = { view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), at: from };
  const valueBytes = (width + 7) >> 3;
  let seen = 0;
  while (seen < count) {
    if (r.at >= to) throw new Declined('levels or indexes cut short');
    const header = varint(r);
    if (header & 1) {
      // Bit-packed: groups of 8 values, `width` bytes a group, least significant bit first.
      if (r.at + (header >>> 1) * width > to) throw new Declined('levels or indexes cut short');
      const values = (header >>> 1) * 8;
      let buffer = 0;
      let bits = 0;
      const mask = (1 << width) - 1;
      for (let i = 0; i < values; i++) {
        while (bits < width) {
          buffer |= bytes[r.at++]! << bits;
          bits += 8;
        }
        if (seen < count) out[seen++] = buffer & mask;
        buffer >>>= width;
        bits -= width;
      }
    } else {
      // A run: one value, `header >> 1` times.
      if (r.at + valueBytes > to) throw new Declined('levels or indexes cut short');
      let value = 0;
      for (let i = 0; i < valueBytes; i++) value |= bytes[r.at++]! << (8 * i);
      const end = Math.min(count, seen + (header >>> 1));
      out.fill(value, seen, end);
      seen = end;
    }
  }
  return out;
}

/** The starts and ends of `count` PLAIN byte arrays from bytes[at...], into ends[into...]. */
function plainValues(bytes: Buffer, at: number, count: number, ends: Int32Array, into: number): void {
  for (let i = 0; i < count; i++) {
    if (at + 4 > bytes.length) throw new Declined('values cut short');
    const length = bytes.readUInt32LE(at);
    at += 4;
    if (at + length > bytes.length) throw new Declined('values cut short');
    ends[into + 2 * i] = at;
    ends[into + 2 * i + 1] = at + length;
    at += length;
  }
}
