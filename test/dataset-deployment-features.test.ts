import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assembleFeatures, featureLayoutFor, normaliseRows, SITE_SET_FEATURES, WINDOW } from '../src/dataset/deployment-features.ts';
import { fillFeatures, sentinelFor } from '../src/dataset/features.ts';
import type { Links } from '../src/dataset/inputs.ts';
import { type SiteLinks, withSites } from '../src/dataset/site-store.ts';
import { UserError } from '../src/util/errors.ts';

// Feature rows of any deployment at any sample (the zero-shot experiment), against hand-computed values
// on a tiny Links record: 3 samples (two on track 0, one on track 1) x 3 sites.

const C = 0.299792458;
const close = (a: ArrayLike<number>, b: number[], tol = 1e-4) => b.forEach((v, i) => assert.ok(Math.abs(a[i] - v) <= tol, `[${i}] ${a[i]} != ${v}`));

function links(): Links {
  return {
    sites: [{ id: 1, x: 10, y: 20, z: 5 }, { id: 2, x: 30, y: 40, z: 5 }, { id: 3, x: 50, y: 60, z: 5 }],
    samples: 3,
    trajectoryId: new Int32Array([0, 0, 1]),
    sample: new Int32Array([0, 1, 0]),
    x: new Float64Array([0, 1, 2]),
    y: new Float64Array([5, 5, 5]),
    // [sample * 3 + site index]
    heard: new Uint8Array([1, 0, 1, 1, 1, 0, 0, 1, 1]),
    rxPowerDbm: new Float64Array([-80, NaN, -95, -81, -90, NaN, NaN, -99, -97]),
    tofNs: new Float64Array([100, NaN, 210, 110, 200, NaN, NaN, 300, 250]),
    azimuthQDeg: new Float64Array([0, NaN, 180, 90, 20, NaN, NaN, 180, 270]),
    elevationQDeg: new Float64Array([0, NaN, 0, 0, 0, NaN, NaN, 0, 0]),
    inputKey: 'k',
    pathLossCutoffDb: 160,
    ueTxPowerDbm: 23,
  };
}
const sentinel = sentinelFor(23, 160);
const rows = (sample: number[], deployment: number[]) => ({ sample: Int32Array.from(sample), deployment: Int32Array.from(deployment) });

test('paper: the rows dataset.arrow has (fillFeatures), for any (sample, deployment) pair; estimates add site + c ToF AoA', () => {
  const L = links();
  const layout = featureLayoutFor('paper', 2);
  assert.equal(layout.width, 16);
  const { features, heard } = assembleFeatures(L, [[3, 1], [1, 2]], rows([1, 0, 2], [0, 1, 0]), layout, sentinel);
  const ref = new Float32Array(3 * 16);
  const hc = new Int32Array(3);
  fillFeatures(L, [1, 3], sentinel, ref, hc);
  assert.deepEqual([...features.subarray(0, 16)], [...ref.subarray(16, 32)], 'sample 1, sites 1 and 3 (slots in ascending id)');
  assert.deepEqual([...features.subarray(32, 48)], [...ref.subarray(32, 48)], 'sample 2');
  assert.deepEqual([...heard], [1, 1, 1]);
  assert.throws(() => assembleFeatures(L, [[1, 2, 3]], rows([0], [0]), layout, sentinel), (e: Error) => e instanceof UserError && /3 sites does not fit exactly 2 slots/.test(e.message));

  const est = assembleFeatures(L, [[1, 3]], rows([1], [0]), featureLayoutFor('paper-estimates', 2), sentinel).features;
  // Site 1 at sample 1: 110 ns along +y from (10, 20); site 3 at sample 1 is not heard: its own position.
  close(est, [-81, 110, 0, 1, 0, 10, 20, 5, 10, 20 + 110 * C, -167, 0, 0, 0, 0, 50, 60, 5, 50, 60]);
});

test('site-set: presence, heard, path length, AoA, position and estimate per site; absent slots are zeros', () => {
  const L = links();
  const layout = featureLayoutFor('site-set', 3);
  assert.equal(layout.perSite, SITE_SET_FEATURES.length);
  const { features, heard } = assembleFeatures(L, [[2, 3]], rows([0], [0]), layout, sentinel);
  const F = layout.perSite;
  // Site 2 is not heard at sample 0: sentinel power, length 0, its own position as the estimate.
  close(features.subarray(0, F), [1, 0, -167, 0, 0, 0, 0, 30, 40, 30, 40]);
  close(features.subarray(F, 2 * F), [1, 1, -95, 210 * C, -1, 0, 0, 50, 60, 50 - 210 * C, 60]);
  assert.deepEqual([...features.subarray(2 * F, 3 * F)], new Array(F).fill(0));
  assert.deepEqual([...heard], [1]);
});

test('site-set-window: the earlier samples of the same track; the track start repeats itself', () => {
  const L = links();
  const layout = featureLayoutFor('site-set-window', 1);
  assert.equal(layout.perSite, SITE_SET_FEATURES.length + 7 * (WINDOW - 1));
  const past = (f: Float32Array, k: number) => Array.from(f.subarray(SITE_SET_FEATURES.length + 7 * (k - 1), SITE_SET_FEATURES.length + 7 * k));
  const f1 = assembleFeatures(L, [[1]], rows([1], [0]), layout, sentinel).features; // track 0, sample 1
  close(past(f1, 1), [1, -80, 100 * C, 1, 0, 10 + 100 * C, 20]); // sample 0
  close(past(f1, 2), past(f1, 1)); // before the start: sample 0 again
  const f2 = assembleFeatures(L, [[2]], rows([2], [0]), layout, sentinel).features; // track 1's first sample: never track 0
  for (let k = 1; k < WINDOW; k++) close(past(f2, k), [1, -99, 300 * C, -1, 0, 30 - 300 * C, 40]);
});

test('normalisation: per column for paper rows; for site sets one scale per kind of value, positions on the labels\' scale', () => {
  const L = links();
  const labels = Float32Array.from([0, 5, 1, 5, 2, 5, 0, 5]);
  const paper = featureLayoutFor('paper', 2);
  const p = assembleFeatures(L, [[1, 3]], rows([0, 1, 2, 0], [0, 0, 0, 0]), paper, sentinel);
  const np = normaliseRows(paper, p.features, labels, 4);
  assert.equal(np.features.mean.length, 16);
  assert.equal(np.features.std[5], 0); // site 1's x never changes
  close(np.labels.mean, [0.75, 5]);

  const set = featureLayoutFor('site-set', 3);
  const s = assembleFeatures(L, [[1, 3]], rows([0, 1, 2, 0], [0, 0, 0, 0]), set, sentinel);
  const ns = normaliseRows(set, s.features, labels, 4);
  const F = set.perSite;
  const scale = Math.sqrt((ns.labels.std[0] ** 2 + ns.labels.std[1] ** 2) / 2);
  for (let j = 0; j < 3; j++) {
    close(ns.features.mean.slice(j * F, (j + 1) * F), ns.features.mean.slice(0, F), 0);
    close(ns.features.std.slice(j * F, (j + 1) * F), ns.features.std.slice(0, F), 0);
  }
  close(ns.features.mean.slice(7, 11), [0.75, 5, 0.75, 5]); // site_x, site_y, estimate_x, estimate_y
  close(ns.features.std.slice(7, 11), [scale, scale, scale, scale]);
  close([ns.features.mean[0], ns.features.std[0], ns.features.mean[4], ns.features.std[4]], [0, 1, 0, 1]); // present, aoa_x as they are
  // Power statistics over the heard links only: samples 0, 1, 2, 0 of sites 1 and 3.
  close([ns.features.mean[2]], [(-80 - 95 - 81 - 97 - 80 - 95) / 6]);
});

test('withSites: links.arrow plus per-site files, sites by ascending id; a file of other receivers is refused', () => {
  const L = links();
  const extra: SiteLinks = {
    site: { id: 2001, x: 1, y: 2, z: 5 },
    trajectoryId: new Int32Array([0, 0, 1]), sample: new Int32Array([0, 1, 0]),
    heard: new Uint8Array([1, 0, 1]), rxPowerDbm: new Float64Array([-70, NaN, -71]), tofNs: new Float64Array([5, NaN, 6]),
    azimuthQDeg: new Float64Array([40, NaN, 60]), elevationQDeg: new Float64Array([0, NaN, 0]),
  };
  const m = withSites(L, [extra]);
  assert.deepEqual(m.sites.map((s) => s.id), [1, 2, 3, 2001]);
  assert.deepEqual([...m.heard], [1, 0, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1]);
  assert.deepEqual([...m.rxPowerDbm.filter((_, i) => i % 4 === 3)], [-70, NaN, -71]);
  assert.deepEqual([...m.tofNs.filter((_, i) => i % 4 === 0)], [100, 110, NaN]);
  assert.throws(() => withSites(L, [{ ...extra, sample: new Int32Array([0, 2, 0]) }]), (e: Error) => e instanceof UserError && /receiver 1 is trajectory 0 sample 2/.test(e.message));
});
