import assert from 'node:assert/strict';
import { test } from 'node:test';
import { aoaUnitVector, featureLayout, fillFeatures, sentinelFor } from '../src/dataset/features.ts';
import type { Links } from '../src/dataset/inputs.ts';
import { RunningStats } from '../src/dataset/normalisation.ts';

const close = (a: ArrayLike<number>, b: number[], tol = 1e-12) => b.forEach((v, i) => assert.ok(Math.abs(a[i] - v) <= tol, `[${i}] ${a[i]} != ${v}`));

test('AoA unit vector: azimuth from +x counter-clockwise, elevation from the horizontal', () => {
  close(aoaUnitVector(0, 0), [1, 0, 0]);
  close(aoaUnitVector(90, 0), [0, 1, 0]);
  close(aoaUnitVector(180, 0), [-1, 0, 0]);
  close(aoaUnitVector(-90, 0), [0, -1, 0]);
  close(aoaUnitVector(37, 90), [0, 0, 1]);
  close(aoaUnitVector(60, -20), [Math.cos(-20 * Math.PI / 180) * 0.5, Math.cos(-20 * Math.PI / 180) * Math.sqrt(3) / 2, Math.sin(-20 * Math.PI / 180)]);
});

test('layout: 8 named entries per site slot, 56 for 7 sites; sentinel = tx - cutoff - 30 dB', () => {
  const l = featureLayout(7);
  assert.equal(l.length, 56);
  assert.deepEqual(l.slice(0, 8), ['gnb1_rx_power_dbm', 'gnb1_tof_ns', 'gnb1_aoa_x', 'gnb1_aoa_y', 'gnb1_aoa_z', 'gnb1_site_x', 'gnb1_site_y', 'gnb1_site_z']);
  assert.equal(l[55], 'gnb7_site_z');
  assert.deepEqual(sentinelFor(23, 160), { rx_power_dbm: -167, tof_ns: 0, aoa: [0, 0, 0] });
});

test('fillFeatures: heard sites carry power, ToF and the quantised AoA vector; others the sentinel and their position', () => {
  // 2 samples x 3 sites; the constellation uses sites 1 and 3 (slots 1, 2).
  const links: Links = {
    sites: [{ id: 1, x: 10, y: 20, z: 5 }, { id: 2, x: 30, y: 40, z: 5 }, { id: 3, x: 50, y: 60, z: 6 }],
    samples: 2,
    trajectoryId: new Int32Array([0, 0]),
    sample: new Int32Array([0, 1]),
    x: new Float64Array([0, 1]),
    y: new Float64Array([0, 0]),
    heard: new Uint8Array([1, 1, 0, 0, 1, 1]),
    rxPowerDbm: new Float64Array([-80, -90, NaN, NaN, -95, -100]),
    tofNs: new Float64Array([100, 200, NaN, NaN, 210, 300]),
    azimuthQDeg: new Float64Array([0, 20, NaN, NaN, 20, 180]),
    elevationQDeg: new Float64Array([0, 0, NaN, NaN, 0, 20]),
    inputKey: 'k',
    pathLossCutoffDb: 160,
    ueTxPowerDbm: 23,
  };
  const sentinel = sentinelFor(23, 160);
  const f = new Float32Array(2 * 16);
  const hc = new Int32Array(2);
  fillFeatures(links, [1, 3], sentinel, f, hc);
  const e20 = Math.cos(20 * Math.PI / 180), s20 = Math.sin(20 * Math.PI / 180);
  close(f.subarray(0, 16), [-80, 100, 1, 0, 0, 10, 20, 5, -167, 0, 0, 0, 0, 50, 60, 6], 1e-6);
  close(f.subarray(16, 32), [-167, 0, 0, 0, 0, 10, 20, 5, -100, 300, -e20, 0, s20, 50, 60, 6], 1e-6);
  assert.deepEqual([...hc], [1, 1]);
  assert.throws(() => fillFeatures(links, [1, 4], sentinel, f, hc), /no site 4/);
  links.heard[0] = 1;
  links.rxPowerDbm[0] = NaN;
  assert.throws(() => fillFeatures(links, [1, 3], sentinel, f, hc), /heard but has no power/);
});

test('RunningStats: population mean/std, exact 0 for a constant column, no loss at large offsets', () => {
  const s = new RunningStats(3);
  const rows = [[1, 5, 1e6 + 1], [2, 5, 1e6 + 2], [3, 5, 1e6 + 3], [4, 5, 1e6 + 4]];
  for (const r of rows) s.add(r);
  const { mean, std } = s.result();
  close(mean, [2.5, 5, 1e6 + 2.5]);
  close(std, [Math.sqrt(1.25), 0, Math.sqrt(1.25)], 1e-9);
  assert.equal(std[1], 0);
  const t = new RunningStats(2);
  t.add(new Float32Array([9, 9, 1, 2, 3, 4]), 2);
  t.add(new Float32Array([9, 9, 1, 2, 5, 8]), 4);
  close(t.result().mean, [3, 5]); // rows [1, 2] and [5, 8]
});
