/**
 * A one-entry zip archive written by hand, as a stream: raw-deflate output framed with a local
 * header, a data descriptor (sizes and CRC follow the data, so nothing is buffered), the central
 * directory and the end record. Written here rather than taken from a package so the generator
 * has no dependency and the bytes are reproducible (a fixed DOS date, no timestamps).
 */
import { Transform } from 'node:stream';

const ZIP_DOS_TIME = 0; // 00:00:00
const ZIP_DOS_DATE = ((2017 - 1980) << 9) | (6 << 5) | 30; // 2017-06-30: fixed, for reproducible bytes
const ZIP_FLAGS = 0x0008; // sizes and CRC follow the data, in a data descriptor (streaming)

/**
 * A transform that frames raw-deflate output as a one-entry zip archive: local header first, then
 * the compressed data, then (on flush) the data descriptor, central directory and end record.
 * `info()` supplies the CRC-32 and uncompressed size of the entry, known once the input ended.
 */
export function zipFramer(name: string, info: () => { crc: number; size: number }): Transform {
  const nameBuf = Buffer.from(name, 'utf8');
  let compressed = 0;
  let headerSent = false;
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4); // version needed: 2.0 (deflate)
  local.writeUInt16LE(ZIP_FLAGS, 6);
  local.writeUInt16LE(8, 8); // method: deflate
  local.writeUInt16LE(ZIP_DOS_TIME, 10);
  local.writeUInt16LE(ZIP_DOS_DATE, 12);
  // crc, sizes: 0 here (bit 3), real values in the data descriptor and central directory
  local.writeUInt16LE(nameBuf.length, 26);
  local.writeUInt16LE(0, 28);
  const localLength = local.length + nameBuf.length;

  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      if (!headerSent) {
        headerSent = true;
        this.push(local);
        this.push(nameBuf);
      }
      compressed += chunk.length;
      cb(null, chunk);
    },
    flush(cb) {
      const { crc, size } = info();
      if (compressed > 0xfffffffe || size > 0xfffffffe || localLength + compressed + 16 > 0xfffffffe) {
        cb(new Error('zip entry larger than 4 GiB: zip64 is not supported by this generator; use csv.gz'));
        return;
      }
      const parts: Buffer[] = [];
      if (!headerSent) parts.push(local, nameBuf);
      const desc = Buffer.alloc(16);
      desc.writeUInt32LE(0x08074b50, 0);
      desc.writeUInt32LE(crc, 4);
      desc.writeUInt32LE(compressed, 8);
      desc.writeUInt32LE(size, 12);
      parts.push(desc);
      const cdOffset = localLength + compressed + desc.length;
      const cd = Buffer.alloc(46);
      cd.writeUInt32LE(0x02014b50, 0);
      cd.writeUInt16LE((3 << 8) | 20, 4); // made by: unix, 2.0
      cd.writeUInt16LE(20, 6);
      cd.writeUInt16LE(ZIP_FLAGS, 8);
      cd.writeUInt16LE(8, 10);
      cd.writeUInt16LE(ZIP_DOS_TIME, 12);
      cd.writeUInt16LE(ZIP_DOS_DATE, 14);
      cd.writeUInt32LE(crc, 16);
      cd.writeUInt32LE(compressed, 20);
      cd.writeUInt32LE(size, 24);
      cd.writeUInt16LE(nameBuf.length, 28);
      // extra length, comment length, disk number start, internal attributes: 0
      cd.writeUInt32LE((0o100644 << 16) >>> 0, 38); // external attributes: regular file rw-r--r--
      cd.writeUInt32LE(0, 42); // offset of the local header
      parts.push(cd, nameBuf);
      const end = Buffer.alloc(22);
      end.writeUInt32LE(0x06054b50, 0);
      end.writeUInt16LE(1, 8); // entries on this disk
      end.writeUInt16LE(1, 10); // entries in all
      end.writeUInt32LE(cd.length + nameBuf.length, 12);
      end.writeUInt32LE(cdOffset, 16);
      parts.push(end);
      cb(null, Buffer.concat(parts));
    },
  });
}
