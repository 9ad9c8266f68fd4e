import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { test } from 'node:test';
import AdmZip from 'adm-zip';
import { parse as parseNpy } from 'npyjs';
import { crc32Loop, npyBytes, npzBytes } from '../src/util/npz.ts';

// The .npy/.npz writer, read back by independent readers from npm (adm-zip checks each entry's CRC-32;
// npyjs parses the .npy header and values).

test('npz: every array back with its dtype, shape and values (NaN included); header padded to 64 bytes', () => {
  const arrays = {
    power: { data: Float32Array.from([1.5, NaN, -3, 4, 5, 6]), shape: [2, 3] },
    vec: { data: Float64Array.from([Math.PI, -0]), shape: [2] },
    ids: { data: Int32Array.from({ length: 24 }, (_, i) => i - 12), shape: [2, 1, 4, 3] },
    empty: { data: new Float32Array(0), shape: [5, 0, 3] },
  };
  const zip = new AdmZip(Buffer.from(npzBytes(arrays)));
  assert.deepEqual(zip.getEntries().map((e) => e.entryName), Object.keys(arrays).map((k) => `${k}.npy`));
  for (const [key, a] of Object.entries(arrays)) {
    const bytes = zip.getEntry(`${key}.npy`)!.getData();
    const back = parseNpy(new Uint8Array(bytes).buffer);
    assert.deepEqual(back.shape, a.shape, key);
    assert.equal(back.data.constructor, a.data.constructor, key);
    assert.deepEqual(Array.from(back.data as unknown as ArrayLike<number>), Array.from(a.data), key);
    const headerLength = bytes.readUInt16LE(8);
    assert.equal((10 + headerLength) % 64, 0, `${key}: data starts on a 64-byte boundary`);
  }
  assert.deepEqual(npzBytes(arrays), npzBytes(arrays), 'same arrays -> same bytes');
});

test('npy: a shape that does not match the values is refused', () => {
  assert.throws(() => npyBytes({ data: new Float32Array(5), shape: [2, 3] }), /shape \(2, 3\) holds 6 values, the array has 5/);
});

test('the CRC-32 loop (Node < 20.15 has no zlib.crc32) gives zip\'s CRC-32', () => {
  assert.equal(crc32Loop(new TextEncoder().encode('123456789')), 0xcbf43926);
  const bytes = Uint8Array.from({ length: 1000 }, (_, i) => (i * 37) % 256);
  if (typeof zlib.crc32 === 'function') assert.equal(crc32Loop(bytes), zlib.crc32(bytes) >>> 0);
});
