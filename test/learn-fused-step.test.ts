import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/learn/backend.ts';
import { FusedStep } from '../src/learn/fused-step.ts';
import { FusedAdam } from '../src/learn/kernels/adam.ts';
import { useKernels } from '../src/learn/kernels/index.ts';
import { buildModel, MODEL_KINDS } from '../src/learn/models.ts';
import { buildSiteSet } from '../src/learn/site-set.ts';
import { rngFor } from '../src/util/rng.ts';
import { plainModel } from './fixtures/plain-model.ts';

// The fused training step (src/learn/fused-step.ts) against tfjs autodiff of the plain formulas on the
// stock kernels, its Adam against FusedAdam, and its two builds (relaxed-SIMD fma, exact emulation)
// against each other, bit for bit.

before(async () => {
  await initBackend();
  useKernels('simgen');
});

const rng = rngFor(21, 'test/fused-step');
const rand = (n: number) => Float32Array.from({ length: n }, () => rng() * 2 - 1);

/** max |a - b| <= tol · max |b| (norm-relative, as in learn-kernels.test.ts). */
function closeRel(a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(a.length, b.length, `${what}: length`);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  assert.ok(diff <= tol * Math.max(scale, 1e-30), `${what}: max difference ${diff.toExponential(2)} > ${tol} x ${scale.toExponential(2)}`);
}

test('fused step: loss and gradients of every variable equal tfjs autodiff of the plain formulas (1e-5 relative), full and padded batches', () => {
  for (const kind of MODEL_KINDS) {
    const model = buildModel(kind, 56, rngFor(22, `test/fused-step/${kind}`));
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    // 37 rows: not a multiple of the kernels' 8 (padding rows); batch sizes 37 and 64 (a short last batch).
    const b = 37;
    const [xs, ys] = [rand(b * 56), rand(b * 2)];
    useKernels('stock');
    const x = tf.tensor2d(xs, [b, 56]);
    const y = tf.tensor2d(ys, [b, 2]);
    const loss = (out: tf.Tensor) => tf.mean(tf.square(tf.sub(out, y))) as tf.Scalar;
    const ref = tf.grads((...w: tf.Tensor[]) => loss(plainModel(kind, w, x)))(vars);
    const refLoss = loss(plainModel(kind, vars, x)).dataSync()[0];
    useKernels('simgen');
    for (const batchSize of [b, 64]) {
      const step = FusedStep.for(model, batchSize);
      assert.ok(step, `${kind}: the fused step takes the model`);
      const { loss: got, grads } = step.gradients(xs, ys, b);
      closeRel([got], [refLoss], 1e-5, `${kind} loss`);
      vars.forEach((v, i) => closeRel(grads.get(v.name)!, ref[i].dataSync(), 1e-5, `${kind} (batch size ${batchSize}) gradient of ${v.name}`));
    }
    tf.dispose([x, y, ...ref]);
    model.dispose();
  }
});

test('fused step: Adam moves the weights exactly as FusedAdam does with the same gradients (3 steps, changing learning rate)', () => {
  for (const kind of MODEL_KINDS) {
    const [a, b] = [0, 1].map(() => buildModel(kind, 56, rngFor(23, `test/fused-step/adam/${kind}`)));
    const fused = FusedStep.for(a, 32)!;
    const probe = FusedStep.for(b, 32)!;
    const adam = new FusedAdam(1e-3);
    for (let s = 0; s < 3; s++) {
      const [xs, ys] = [rand(32 * 56), rand(64)];
      const lr = 1e-3 * 0.96 ** s;
      fused.step(xs, ys, 32, lr);
      // The same gradients, from the same weights, applied by FusedAdam to b's variables.
      const { grads } = probe.gradients(xs, ys, 32);
      adam.learningRate = lr;
      tf.tidy(() => adam.applyGradients(b.trainableWeights.map((w) => ({ name: (w.read() as tf.Variable).name, tensor: tf.tensor(grads.get((w.read() as tf.Variable).name)!, w.shape as number[]) }))));
      probe.loadFromModel(); // b's new weights back into its arena (Adam's moments restart: probe only computes gradients)
    }
    fused.syncToModel();
    const wa = a.getWeights().map((t) => Array.from(t.dataSync()));
    const wb = b.getWeights().map((t) => Array.from(t.dataSync()));
    assert.deepEqual(wa, wb, `${kind}: same weights after 3 steps`);
    assert.notDeepEqual(wa, buildModel(kind, 56, rngFor(23, `test/fused-step/adam/${kind}`)).getWeights().map((t) => Array.from(t.dataSync())), 'the weights moved');
    adam.dispose();
    [a, b].forEach((m) => m.dispose());
  }
});

test('fused step: the relaxed-SIMD build and the exact multiply-add emulation give the same bits (5 steps)', (t) => {
  const hardware = FusedStep.for(buildModel('single', 56, rngFor(1, 'x')), 8);
  if (hardware?.fma !== 'hardware') {
    t.skip('this engine or CPU has no fused relaxed madd: only the emulation runs here');
    return;
  }
  for (const kind of MODEL_KINDS) {
    const runs = (['hardware', 'emulated'] as const).map((fma) => {
      const model = buildModel(kind, 56, rngFor(24, `test/fused-step/fma/${kind}`));
      const step = FusedStep.for(model, 40, { fma })!;
      assert.equal(step.fma, fma);
      const r = rngFor(25, 'test/fused-step/fma/data');
      const losses: number[] = [];
      for (let s = 0; s < 5; s++) {
        const b = s === 4 ? 19 : 40;
        losses.push(step.step(Float32Array.from({ length: b * 56 }, () => r() * 2 - 1), Float32Array.from({ length: b * 2 }, () => r() * 2 - 1), b, 1e-3));
      }
      step.syncToModel();
      const weights = model.getWeights().map((w) => Array.from(w.dataSync()));
      model.dispose();
      return { losses, weights };
    });
    assert.deepEqual(runs[1], runs[0], `${kind}: emulated = hardware`);
  }
});

test('fused step: only the paper architectures; SiteSet stays on the tfjs path', () => {
  const siteSet = buildSiteSet({ slots: 3, perSite: 12, presentIndex: 0, estimateIndex: 1, useEstimate: true }, rngFor(26, 'test'));
  assert.equal(FusedStep.for(siteSet, 32), undefined);
  siteSet.dispose();
});
