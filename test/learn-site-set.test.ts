import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/learn/backend.ts';
import type { SampleSet } from '../src/learn/data.ts';
import { evaluate } from '../src/learn/evaluate.ts';
import { loadModel, saveModel } from '../src/learn/model-io.ts';
import { buildSiteSet, type SiteSetOptions, withSlots } from '../src/learn/site-set.ts';
import { trainModel } from '../src/learn/train.ts';
import { rngFor } from '../src/util/rng.ts';

// SiteSet (the zero-shot model): invariant to the order of the sites, to absent slots, and to the number of
// slots it is built for; saved and loaded in the tfjs format; and it learns a task only the set can solve.

before(async () => {
  await initBackend();
});

const F = 5; // present, heard, a feature, estimate x, y
const opts = (slots: number, useEstimate = true): SiteSetOptions => ({ slots, perSite: F, presentIndex: 0, estimateIndex: 3, useEstimate });

/** Random site blocks: the first `present` of `slots` present, the rest zeros. */
function blocks(rng: () => number, n: number, slots: number, present: number): Float32Array {
  const x = new Float32Array(n * slots * F);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < present; j++) {
      const o = (i * slots + j) * F;
      x.set([1, rng() < 0.7 ? 1 : 0, rng() * 2 - 1, rng() * 2 - 1, rng() * 2 - 1], o);
    }
  return x;
}

const predict = (m: tf.LayersModel, x: Float32Array, slots: number) => tf.tidy(() => (m.predict(tf.tensor2d(x, [x.length / (slots * F), slots * F])) as tf.Tensor).dataSync() as Float32Array);
const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what: string) => {
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= tol, `${what}[${i}]: ${a[i]} vs ${b[i]}`);
};

test('the order of the sites, absent slots and the slot count do not change the output', () => {
  const rng = rngFor(1, 'test/site-set');
  const model = buildSiteSet(opts(4), rngFor(2, 'init'));
  const x = blocks(rng, 8, 4, 3);
  const y = predict(model, x, 4);
  // Reverse the three present sites of every sample.
  const r = Float32Array.from(x);
  for (let i = 0; i < 8; i++) for (let j = 0; j < 3; j++) r.set(x.subarray((i * 4 + j) * F, (i * 4 + j + 1) * F), (i * 4 + 2 - j) * F);
  close(predict(model, r, 4), y, 1e-5, 'permuted');
  // Garbage in an absent slot (present = 0) is ignored.
  const g = Float32Array.from(x);
  for (let i = 0; i < 8; i++) g.set([0, 1, 5, -3, 7], (i * 4 + 3) * F);
  close(predict(model, g, 4), y, 1e-5, 'absent slot');
  // The same weights for 7 slots: the same predictions with three more absent slots.
  const wide = withSlots(model, opts(7));
  const x7 = new Float32Array(8 * 7 * F);
  for (let i = 0; i < 8; i++) x7.set(x.subarray(i * 4 * F, (i + 1) * 4 * F), i * 7 * F);
  close(predict(wide, x7, 7), y, 1e-5, '7 slots');
  assert.equal(wide.countParams(), model.countParams());
});

test('saved and loaded in the tfjs layers format, same predictions', async () => {
  const model = buildSiteSet(opts(3, false), rngFor(3, 'init'));
  const x = blocks(rngFor(4, 'x'), 5, 3, 2);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simgen-site-set-'));
  try {
    const scaler = { featureMean: new Array(3 * F).fill(0), featureStd: new Array(3 * F).fill(1), labelMean: [0, 0] as [number, number], labelScale: 1 };
    await saveModel(model, { kind: 'site-set', constellations: [], featureLayout: [], scaler, scenario: 's', scenarioHash: 'h', seed: 1, datasetInputKey: 'k' }, dir);
    const { model: back, info } = await loadModel(dir);
    assert.equal(info.kind, 'site-set');
    close(predict(back, x, 3), predict(model, x, 3), 0, 'reloaded');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('learns to pick the heard sites\' estimates: the position is the mean of their estimates', async () => {
  // Each sample: 2..4 present sites of 5 slots, some heard; the label is the mean estimate of the heard ones.
  // No slot is special, so only a model that weighs the sites by what they carry can fit it.
  const rng = rngFor(5, 'task');
  const make = (n: number): SampleSet => {
    const features = new Float32Array(n * 5 * F);
    const positions = new Float32Array(2 * n);
    for (let i = 0; i < n; i++) {
      const present = 2 + Math.floor(rng() * 3);
      let hx = 0, hy = 0, k = 0;
      for (let j = 0; j < present; j++) {
        const heard = j === 0 || rng() < 0.5 ? 1 : 0;
        const ex = rng() * 2 - 1, ey = rng() * 2 - 1;
        features.set([1, heard, rng(), ex, ey], (i * 5 + j) * F);
        if (heard) [hx, hy, k] = [hx + ex, hy + ey, k + 1];
      }
      positions.set([hx / k, hy / k], 2 * i);
    }
    return { n, width: 5 * F, features, positions, rows: new Int32Array(n), heard: new Int32Array(n) };
  };
  const train = make(3000);
  const test = make(500);
  const scaler = { featureMean: new Array(5 * F).fill(0), featureStd: new Array(5 * F).fill(1), labelMean: [0, 0] as [number, number], labelScale: 1 };
  const before = evaluate(buildSiteSet(opts(5), rngFor(6, 'init')), test, scaler).summary.mean_error_m;
  const r = await trainModel({ kind: 'site-set', model: buildSiteSet(opts(5), rngFor(6, 'init')), train, scaler, epochs: 4, batchSize: 32, seed: 7 });
  const after = evaluate(r.model, test, scaler).summary.mean_error_m;
  assert.ok(after < 0.1 && after < before / 5, `mean error ${before.toFixed(3)} before training, ${after.toFixed(3)} after (labels span [-1, 1])`);
  await assert.rejects(trainModel({ kind: 'site-set', train, scaler, epochs: 1, batchSize: 32, seed: 7 }), /built by its caller/);
});
