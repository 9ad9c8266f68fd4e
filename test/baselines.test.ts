import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import YAML from 'yaml';
import { FEATURES_PER_SITE, featureLayout, siteSlots } from '../src/dataset/features.ts';
import type { SampleSet, Scaler } from '../src/learn/data.ts';
import { fitGeometric, locate, type SiteObservation } from '../src/learn/geometric.ts';
import { makeJob } from '../src/learn/jobs/job.ts';
import { fitKnn, type KnnTable, knnPositions } from '../src/learn/knn.ts';
import { MODEL_REGISTRY } from '../src/learn/registry.ts';
import { SPEED_OF_LIGHT } from '../src/radio/field.ts';
import type { KnnConfig, TrainConfig } from '../src/scenario/config.ts';
import { loadScenario, PACKAGE_ROOT } from '../src/scenario/load.ts';
import { UserError } from '../src/util/errors.ts';
import { type Rng, rngFor } from '../src/util/rng.ts';

// The baselines (src/learn/knn.ts, geometric.ts): kNN against a brute-force reference, the geometric
// estimator exact on noise-free line-of-sight geometry and degrading smoothly with seeded noise, bad options refused.

const TRAIN: TrainConfig = { epochs: 1, batchSize: 32, learningRate: 1e-3, lrDecayRate: 0.04, lrDecaySamples: 10000 };

function gauss(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}

/** Every row's distance, sorted (distance, row), the first k averaged: what knnPositions must give. */
function bruteForce(t: KnnTable, q: Float32Array, n: number, o: KnnConfig): Float32Array {
  const out = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    const rows = Array.from({ length: t.n }, (_, r) => {
      let acc = 0;
      for (let j = 0; j < t.width; j++) {
        const d = q[i * t.width + j] - t.features[r * t.width + j];
        acc += d * d;
      }
      return { r, acc };
    }).sort((a, b) => a.acc - b.acc || a.r - b.r);
    const near = rows.slice(0, o.k);
    const exact = near.filter((x) => x.acc === 0);
    const used = o.weighting === 'inverse-distance' && exact.length ? exact : near;
    let sw = 0, sx = 0, sy = 0;
    for (const { r, acc } of used) {
      const w = o.weighting === 'uniform' || exact.length ? 1 : 1 / Math.sqrt(acc);
      sw += w;
      sx += w * t.positions[2 * r];
      sy += w * t.positions[2 * r + 1];
    }
    out[2 * i] = sx / sw;
    out[2 * i + 1] = sy / sw;
  }
  return out;
}

test('knn: the same positions as a brute-force search, random tables, k and both weightings (ties, exact matches)', () => {
  const rng = rngFor(21, 'test/knn');
  for (let trial = 0; trial < 40; trial++) {
    const n = 1 + Math.floor(rng() * 300), width = 1 + Math.floor(rng() * 24), nq = 40;
    // Coarse values (multiples of 0.5) give equal distances and duplicate rows; some queries are table rows.
    const coarse = trial % 2 === 0;
    const value = () => (coarse ? Math.round(gauss(rng) * 2) / 2 : gauss(rng));
    const t: KnnTable = { n, width, features: Float32Array.from({ length: n * width }, value), positions: Float32Array.from({ length: 2 * n }, () => rng() * 500) };
    const q = Float32Array.from({ length: nq * width }, value);
    for (let i = 0; i < nq; i += 4) q.set(t.features.subarray((i % n) * width, (i % n + 1) * width), i * width);
    const o: KnnConfig = { k: 1 + Math.floor(rng() * 15), weighting: trial % 4 < 2 ? 'inverse-distance' : 'uniform' };
    assert.deepEqual(knnPositions(t, q, nq, o), bruteForce(t, q, nq, o), `trial ${trial}: n ${n}, width ${width}, k ${o.k}, ${o.weighting}`);
  }
});

function sampleSet(features: Float32Array, positions: Float32Array, width: number): SampleSet {
  const n = positions.length / 2;
  return { n, width, features, positions, rows: Int32Array.from({ length: n }, (_, i) => i), heard: new Int32Array(n) };
}
const identity = (width: number): Scaler => ({ featureMean: new Array(width).fill(0), featureStd: new Array(width).fill(1), labelMean: [0, 0], labelScale: 1 });

test('knn: a saved table loads and predicts the same bits; settings from train.knn, else k 5 inverse-distance', async () => {
  const rng = rngFor(22, 'test/knn-save');
  const width = 16;
  const train = sampleSet(Float32Array.from({ length: 200 * width }, () => gauss(rng)), Float32Array.from({ length: 400 }, () => rng() * 100), width);
  const test = sampleSet(Float32Array.from({ length: 30 * width }, () => gauss(rng)), new Float32Array(60), width);
  const request = { train, test, scaler: identity(width), featureLayout: featureLayout(2), seed: 1 };
  const fitted = await fitKnn({ ...request, config: { ...TRAIN, knn: { k: 3, weighting: 'uniform' } } });
  assert.deepEqual(fitted.settings, { k: 3, weighting: 'uniform' });
  assert.equal(fitted.params, 200 * (width + 2));
  assert.deepEqual((await fitKnn({ ...request, config: TRAIN })).settings, { k: 5, weighting: 'inverse-distance' });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simgen-knn-'));
  await fitted.save(dir, { kind: 'knn', constellations: [1], featureLayout: featureLayout(2), scaler: identity(width), scenario: 't', scenarioHash: 'h', seed: 1, datasetInputKey: 'k' });
  const loaded = await MODEL_REGISTRY.knn.load(dir);
  assert.deepEqual(loaded.predict(test, identity(width)), fitted.predict(test, identity(width)));
  await assert.rejects(MODEL_REGISTRY.geometric.load(dir), (e: Error) => e instanceof UserError && /holds a knn model, not geometric/.test(e.message));
});

const SITE_Z = 5, UE_Z = 1.5;

/** Seven sites in a 400 m square and UE positions among them, seeded. */
function scene(seed: number, samples: number) {
  const rng = rngFor(seed, 'test/geometric-scene');
  const sites = Array.from({ length: 7 }, () => [rng() * 400, rng() * 400, SITE_Z] as [number, number, number]);
  const ues = Array.from({ length: samples }, () => [50 + rng() * 300, 50 + rng() * 300] as [number, number]);
  return { rng, sites, ues };
}

/** The line-of-sight observation of a UE at (x, y, UE_Z) by a site, range and angles perturbed by the noise. */
function observe(site: [number, number, number], x: number, y: number, noise: { rangeM: number; angleDeg: number }, rng: Rng): SiteObservation {
  const dx = x - site[0], dy = y - site[1], dz = UE_Z - site[2];
  const d = Math.hypot(dx, dy, dz);
  const az = Math.atan2(dy, dx) + ((noise.angleDeg * Math.PI) / 180) * gauss(rng);
  const el = Math.asin(dz / d) + ((noise.angleDeg * Math.PI) / 180) * gauss(rng);
  return { site, rangeM: d + noise.rangeM * gauss(rng), aoa: [Math.cos(el) * Math.cos(az), Math.cos(el) * Math.sin(az), Math.sin(el)], rxPowerDbm: -40 - 20 * Math.log10(d) };
}

test('geometric: exact on noise-free line-of-sight geometry, 1 to 7 sites heard (fusion, trilateration)', () => {
  const { rng, sites, ues } = scene(23, 300);
  const none = { rangeM: 0, angleDeg: 0 };
  ues.forEach(([x, y], i) => {
    const heard = sites.slice(0, 1 + (i % 7));
    const [ex, ey] = locate(heard.map((s) => observe(s, x, y, none, rng)))!;
    assert.ok(Math.hypot(ex - x, ey - y) < 1e-6, `sample ${i}, ${heard.length} sites: off by ${Math.hypot(ex - x, ey - y)} m`);
  });
  assert.equal(locate([]), null);
});

test('geometric: reads the features through the layout (any order of the names), un-normalises them; no site heard -> the training mean', async () => {
  const { rng, sites, ues } = scene(24, 120);
  // The dataset's layout with its names shuffled: the estimator must find each slot's columns by name.
  const names = featureLayout(7);
  const order = names.map((_, i) => i).sort(() => rng() - 0.5);
  const layout = order.map((i) => names[i]);
  const width = layout.length;
  const raw = new Float32Array(ues.length * width);
  const positions = Float32Array.from(ues.flat());
  ues.forEach(([x, y], i) => {
    sites.forEach((s, j) => {
      const heard = i % 8 > j; // sample i hears sites 0 .. (i % 8) - 1: none when i % 8 = 0
      const o = observe(s, x, y, { rangeM: 0, angleDeg: 0 }, rng);
      const v = heard ? [o.rxPowerDbm, (o.rangeM / SPEED_OF_LIGHT) * 1e9, ...o.aoa, ...s] : [-167, 0, 0, 0, 0, ...s];
      for (let f = 0; f < FEATURES_PER_SITE; f++) raw[i * width + layout.indexOf(names[j * FEATURES_PER_SITE + f])] = v[f];
    });
  });
  // A scaler like the dataset's: normalised features in the set, the estimator un-normalises them.
  const mean = Array.from({ length: width }, () => rng() * 10), std = Array.from({ length: width }, () => 0.5 + rng());
  const scaler: Scaler = { featureMean: mean, featureStd: std, labelMean: [0, 0], labelScale: 1 };
  const set = sampleSet(raw.map((v, k) => (v - mean[k % width]) / std[k % width]), positions, width);
  const train = sampleSet(new Float32Array(2 * width), Float32Array.from([10, 20, 30, 60]), width);
  const fitted = await fitGeometric({ train, test: set, scaler, featureLayout: layout, config: TRAIN, seed: 1 });
  assert.equal(fitted.params, 0);
  assert.deepEqual(fitted.curve, []);
  const p = fitted.predict(set, scaler);
  ues.forEach(([x, y], i) => {
    const e = Math.hypot(p[2 * i] - x, p[2 * i + 1] - y);
    if (i % 8 === 0) assert.deepEqual([p[2 * i], p[2 * i + 1]], [20, 40], `sample ${i}: no site heard`);
    else assert.ok(e < 2e-3, `sample ${i}, ${i % 8} sites (float32 features): off by ${e} m`);
  });
  assert.throws(() => siteSlots(['x', 'y']), (e: Error) => e instanceof UserError && /no site slot with all of gnbJ_rx_power_dbm, gnbJ_tof_ns/.test(e.message));
});

test('geometric: degrades smoothly with seeded range and angle noise, the error bounded by the noise', () => {
  const levels = [0.25, 0.5, 1, 2, 4];
  const means = levels.map((level) => {
    const { rng, sites, ues } = scene(25, 600);
    const noise = { rangeM: 0.5 * level, angleDeg: 0.5 * level };
    const errors = ues.map(([x, y], i) => {
      const [ex, ey] = locate(sites.slice(0, 1 + (i % 7)).map((s) => observe(s, x, y, noise, rng)))!;
      return Math.hypot(ex - x, ey - y);
    });
    const mean = errors.reduce((a, b) => a + b, 0) / errors.length;
    // Bounded: a single site at up to ~500 m errs by ~ the range noise plus 500 m x the angle noise.
    const bound = noise.rangeM + 500 * ((noise.angleDeg * Math.PI) / 180);
    assert.ok(Math.max(...errors) < 5 * bound, `noise x${level}: worst ${Math.max(...errors).toFixed(2)} m, bound ${(5 * bound).toFixed(2)} m`);
    return mean;
  });
  // Smooth: doubling the noise roughly doubles the mean error, never jumps.
  for (let i = 1; i < levels.length; i++) {
    const ratio = means[i] / means[i - 1];
    assert.ok(ratio > 1.5 && ratio < 2.5, `mean error ${means.map((m) => m.toFixed(3)).join(', ')} m: x${levels[i]} / x${levels[i - 1]} = ${ratio.toFixed(2)}`);
  }
});

test('knn options: bad train.knn values in a scenario are refused, naming the field and the allowed values', () => {
  const base = YAML.parse(fs.readFileSync(path.join(PACKAGE_ROOT, 'scenarios/smoke.yaml'), 'utf8'));
  base.map = path.join(PACKAGE_ROOT, 'maps/madrid-grid.geojson');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simgen-knn-options-'));
  const cases: Array<[unknown, RegExp]> = [
    [{ k: 0 }, /field "train\.knn\.k" must be an integer >= 1 and <= 1000 \(got 0\)/],
    [{ k: 2.5 }, /field "train\.knn\.k" must be an integer >= 1 and <= 1000 \(got 2\.5\)/],
    [{ weighting: 'gaussian' }, /field "train\.knn\.weighting" must be one of "inverse-distance", "uniform" \(got "gaussian"\)/],
  ];
  for (const [knn, want] of cases) {
    const file = path.join(dir, 'bad.yaml');
    fs.writeFileSync(file, YAML.stringify({ ...base, train: { ...base.train, knn } }));
    assert.throws(() => loadScenario(file), (e: unknown) => e instanceof UserError && want.test(e.message), JSON.stringify(knn));
  }
  const file = path.join(dir, 'good.yaml');
  fs.writeFileSync(file, YAML.stringify({ ...base, train: { ...base.train, knn: { k: 7 } } }));
  assert.deepEqual(loadScenario(file).train.knn, { k: 7, weighting: 'inverse-distance' });
  assert.equal(loadScenario(path.join(PACKAGE_ROOT, 'scenarios/smoke.yaml')).train.knn, undefined); // no key: the jobs' keys stay as they were
});

test('knn options enter only the kNN jobs: the other jobs keep their keys and specs', () => {
  const job = (kind: 'knn' | 'hyploc' | 'geometric', knn?: KnnConfig) =>
    makeJob({ type: 'train', kind, constellations: [1], train: { ...TRAIN, maxTrainSamples: null, ...(knn ? { knn } : {}) } }, kind, 'dataset', 1);
  for (const kind of ['hyploc', 'geometric'] as const) assert.deepEqual(job(kind, { k: 3, weighting: 'uniform' }), job(kind));
  assert.notEqual(job('knn', { k: 3, weighting: 'uniform' }).key, job('knn').key);
});
