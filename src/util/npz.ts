import os from 'node:os';
import zlib from 'node:zlib';
import { crc32 } from './crc32.ts';

// NumPy's own file formats, for readers in Python (np.load) and tools built on it (DeepMIMO):
// .npy = a magic string, a format version, a Python-literal header (dtype, order, shape) padded to a
// multiple of 64 bytes, then the raw little-endian values in C order (format spec: numpy.lib.format);
// .npz = a zip archive holding one `<key>.npy` per array, deflated as np.savez_compressed writes it
// (zip layout: PKWARE APPNOTE, local headers + data, then the central directory and its end record).

export type NpyData = Float32Array | Float64Array | Int32Array;

/** An array to store: flat values in C (row-major) order and their shape. */
export interface NpyArray {
  data: NpyData;
  shape: number[];
}

const DESCR = new Map<string, string>([
  ['Float32Array', '<f4'],
  ['Float64Array', '<f8'],
  ['Int32Array', '<i4'],
]);

/** Zip entry date 1980-01-01 00:00 (DOS date: (year - 1980) << 9 | month << 5 | day; time 0): same arrays -> same bytes. */
const DOS_DATE = (1 << 5) | 1;
const DOS_TIME = 0;

export { crc32Loop } from './crc32.ts';

/** Raw little-endian bytes of `data` (a copy only on a big-endian machine). */
function littleEndian(data: NpyData): Uint8Array {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (os.endianness() === 'LE') return bytes;
  const out = new Uint8Array(bytes.length);
  const view = new DataView(out.buffer);
  const step = data.BYTES_PER_ELEMENT;
  for (let i = 0; i < data.length; i++) {
    if (data instanceof Float32Array) view.setFloat32(i * step, data[i], true);
    else if (data instanceof Float64Array) view.setFloat64(i * step, data[i], true);
    else view.setInt32(i * step, data[i], true);
  }
  return out;
}

/** One .npy file (format version 1.0). */
export function npyBytes({ data, shape }: NpyArray): Uint8Array {
  const descr = DESCR.get(data.constructor.name);
  if (!descr) throw new Error(`npy: unsupported array type ${data.constructor.name}`);
  if (!shape.every((d) => Number.isInteger(d) && d >= 0)) throw new Error(`npy: bad shape (${shape.join(', ')})`);
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new Error(`npy: shape (${shape.join(', ')}) holds ${count} values, the array has ${data.length}`);
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${dims}), }`;
  // magic (6) + version (2) + header length (2) + header, ending in '\n', padded to a multiple of 64.
  const unpadded = 10 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  if (header.length > 0xffff) throw new Error('npy: header too long for format 1.0');
  const values = littleEndian(data);
  const out = new Uint8Array(10 + header.length + values.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 0xff, header.length >> 8]);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  out.set(values, 10 + header.length);
  return out;
}

/**
 * A .npz archive: `np.load(file)[key]` gives back each array. A plain zip (no zip64: every size and
 * offset below 4 GiB), each entry deflated by node's zlib at level 6 like np.savez_compressed.
 */
export function npzBytes(arrays: Record<string, NpyArray>): Uint8Array {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  const u32 = (v: number, what: string) => {
    if (v > 0xffffffff) throw new Error(`npz: ${what} is ${v} bytes, over the 4 GiB a zip without zip64 holds`);
    return v;
  };
  for (const [key, a] of Object.entries(arrays)) {
    const npy = npyBytes(a);
    const packed = zlib.deflateRawSync(npy, { level: 6 });
    const name = Buffer.from(`${key}.npy`, 'utf8');
    const crc = crc32(npy);
    // Fields shared by the local header (from "version needed") and the central directory entry.
    const common = (h: DataView, at: number) => {
      h.setUint16(at, 20, true); // version needed to extract: 2.0 (deflate)
      h.setUint16(at + 2, 0, true); // flags
      h.setUint16(at + 4, 8, true); // method: deflate
      h.setUint16(at + 6, DOS_TIME, true);
      h.setUint16(at + 8, DOS_DATE, true);
      h.setUint32(at + 10, crc, true);
      h.setUint32(at + 14, u32(packed.length, `array "${key}" compressed`), true);
      h.setUint32(at + 18, u32(npy.length, `array "${key}"`), true);
      h.setUint16(at + 22, name.length, true);
    };
    const local = new Uint8Array(30 + name.length);
    const lh = new DataView(local.buffer);
    lh.setUint32(0, 0x04034b50, true);
    common(lh, 4);
    local.set(name, 30);
    const entry = new Uint8Array(46 + name.length);
    const ch = new DataView(entry.buffer);
    ch.setUint32(0, 0x02014b50, true);
    ch.setUint16(4, 20, true); // version made by
    common(ch, 6);
    ch.setUint32(42, u32(offset, 'archive'), true);
    entry.set(name, 46);
    parts.push(local, packed);
    central.push(entry);
    offset += local.length + packed.length;
  }
  const cdSize = central.reduce((n, e) => n + e.length, 0);
  const end = new Uint8Array(22);
  const eh = new DataView(end.buffer);
  eh.setUint32(0, 0x06054b50, true);
  eh.setUint16(8, central.length, true);
  eh.setUint16(10, central.length, true);
  eh.setUint32(12, cdSize, true);
  eh.setUint32(16, u32(offset, 'archive'), true);
  return Buffer.concat([...parts, ...central, end]);
}
