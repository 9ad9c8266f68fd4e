import zlib from 'node:zlib';

// CRC-32 (the zip/PNG polynomial), for zip entries (npz.ts) and the records of a block journal (journal.ts).

let crcTable: Int32Array | undefined;
/** Zip's CRC-32 by a table-driven loop (for Node < 20.15, which has no zlib.crc32). */
export function crc32Loop(bytes: Uint8Array): number {
  crcTable ??= Int32Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c;
  });
  let c = -1;
  for (let i = 0; i < bytes.length; i++) c = crcTable[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

/** CRC-32 of `bytes` as an unsigned 32-bit number. */
export const crc32 = (bytes: Uint8Array): number => (typeof zlib.crc32 === 'function' ? zlib.crc32(bytes) >>> 0 : crc32Loop(bytes));
