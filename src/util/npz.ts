import os from 'node:os';
import { zipSync } from 'fflate';

// NumPy's own file formats, for readers in Python (np.load) and tools built on it (DeepMIMO):
// .npy = a magic string, a format version, a Python-literal header (dtype, order, shape) padded to a
// multiple of 64 bytes, then the raw little-endian values in C order (format spec: numpy.lib.format);
// .npz = a zip archive holding one `<key>.npy` per array, deflated as np.savez_compressed writes it.

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

/** A fixed zip entry time (DOS time starts in 1980): same arrays -> same bytes. */
const ZIP_MTIME = new Date(1980, 0, 1, 0, 0, 0);

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

/** A .npz archive: `np.load(file)[key]` gives back each array (deflated, like np.savez_compressed). */
export function npzBytes(arrays: Record<string, NpyArray>): Uint8Array {
  const entries: Record<string, [Uint8Array, { level: 6; mtime: Date }]> = {};
  for (const [key, a] of Object.entries(arrays)) {
    const npy = npyBytes(a);
    // fflate writes classic zip (no zip64): entries and the archive stay below 4 GiB.
    if (npy.length >= 0xffffffff) throw new Error(`npz: array "${key}" is ${npy.length} bytes, over the 4 GiB a zip entry holds without zip64`);
    entries[`${key}.npy`] = [npy, { level: 6, mtime: ZIP_MTIME }];
  }
  return zipSync(entries);
}
