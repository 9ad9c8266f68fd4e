import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/learn/backend.ts';
import { dense, gelu, perSampleDense } from '../src/learn/fast-dense.ts';
import { buildModel, forwardTraining, MAIN_UNITS, mainLayerParams, trainableParams } from '../src/learn/models.ts';
import { rngFor } from '../src/util/rng.ts';

// The architectures against the paper's Table I / IV-B counts, and the fast-gradient ops against
// tfjs's own autograd of the plain formulas and against GELU's closed form.

before(async () => {
  await initBackend();
});

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what: string) => {
  assert.equal(a.length, b.length, `${what}: length`);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= tol * (1 + Math.abs(b[i])), `${what}[${i}]: ${a[i]} vs ${b[i]}`);
};

test('trainable parameters: HypLoc 249442 (hypernetwork 247264 + trainable net 2178), Single 4002, Single+ 251942', () => {
  const counts = (['hyploc', 'single', 'single-plus'] as const).map((k) => {
    const m = buildModel(k, 56, rngFor(1, 'test'));
    const n = trainableParams(m);
    if (k === 'hyploc') {
      const layer = (name: string) => m.getLayer(name).countParams();
      assert.equal(layer('hyper_1') + layer('hyper_2') + layer('hyper_out'), 247264);
      assert.equal(layer('hyper_out'), 235296, 'the last hypernetwork layer (paper: 235296)');
      assert.equal(layer('main'), 0, 'the main layer has no weights of its own');
      assert.equal(layer('head_1') + layer('head_2') + layer('out'), 2178);
    }
    m.dispose();
    return n;
  });
  assert.deepEqual(counts, [249442, 4002, 251942]);
});

test('HypLoc main layer: per-sample weights, and its output is GELU(x·W_b + b_b) with each sample its own W_b', () => {
  const model = buildModel('hyploc', 56, rngFor(2, 'test'));
  const rng = rngFor(3, 'test/x');
  const x = tf.tensor2d(Float32Array.from({ length: 2 * 56 }, () => rng() * 4 - 2), [2, 56]);
  const { weights, biases } = mainLayerParams(model, x);
  const W = weights.arraySync();
  const b = biases.arraySync();
  let diff = 0;
  for (let i = 0; i < 56; i++) for (let o = 0; o < MAIN_UNITS; o++) diff = Math.max(diff, Math.abs(W[0][i][o] - W[1][i][o]));
  assert.ok(diff > 1e-3, `two samples must get two different weight sets (max difference ${diff})`);

  const main = tf.model({ inputs: model.inputs, outputs: model.getLayer('main').output as tf.SymbolicTensor });
  const got = (main.predict(x) as tf.Tensor2D).arraySync();
  const xs = x.arraySync();
  const geluExact = (v: number) => 0.5 * v * (1 + erf(v / Math.SQRT2));
  for (let s = 0; s < 2; s++) {
    const want = Array.from({ length: MAIN_UNITS }, (_, o) => geluExact(xs[s].reduce((acc, xi, i) => acc + xi * W[s][i][o], b[s][o])));
    close(got[s], want, 1e-4, `sample ${s}`);
  }
  tf.dispose([x, weights, biases]);
  model.dispose();
});

/** Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7). */
function erf(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return Math.sign(x) * y;
}

test('gelu: x·Φ(x) values and derivative Φ(x) + x·φ(x)', () => {
  const xs = [-3, -1, -0.5, 0, 0.5, 1, 3];
  const x = tf.tensor1d(xs);
  close(gelu(x).dataSync(), [-0.00404951, -0.15865525, -0.15426877, 0, 0.34573123, 0.84134475, 2.99595049], 1e-5, 'gelu');
  const g = tf.grad((v: tf.Tensor) => tf.sum(gelu(v)))(x).dataSync();
  const phi = (v: number) => Math.exp(-v * v / 2) / Math.sqrt(2 * Math.PI);
  close(g, xs.map((v) => 0.5 * (1 + erf(v / Math.SQRT2)) + v * phi(v)), 1e-5, 'gelu derivative');
  x.dispose();
});

test('dense and perSampleDense gradients equal tfjs autograd of the plain formulas', () => {
  const rng = rngFor(4, 'test/grad');
  const r = (...shape: number[]) => tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b) }, () => rng() * 2 - 1), shape);
  const [x, w, b, dy] = [r(5, 7), r(7, 3), r(3), r(5, 3)];
  const fast = tf.grads((a: tf.Tensor, c: tf.Tensor, d: tf.Tensor) => tf.sum(tf.mul(dense(a as tf.Tensor2D, c as tf.Tensor2D, d as tf.Tensor1D), dy)))([x, w, b]);
  const ref = tf.grads((a: tf.Tensor, c: tf.Tensor, d: tf.Tensor) => tf.sum(tf.mul(tf.add(tf.matMul(a as tf.Tensor2D, c as tf.Tensor2D), d), dy)))([x, w, b]);
  fast.forEach((g, i) => close(g.dataSync(), ref[i].dataSync(), 1e-5, `dense grad ${i}`));

  const units = 3;
  const p = r(5, 7 * units + units);
  const plain = (a: tf.Tensor, q: tf.Tensor) => {
    const W = tf.reshape(tf.slice(q, [0, 0], [5, 7 * units]), [5, 7, units]);
    const y = tf.reshape(tf.matMul(tf.reshape(a, [5, 1, 7]) as tf.Tensor3D, W as tf.Tensor3D), [5, units]);
    return tf.add(y, tf.slice(q, [0, 7 * units], [5, units]));
  };
  close(perSampleDense(x as tf.Tensor2D, p as tf.Tensor2D).dataSync(), plain(x, p).dataSync(), 1e-5, 'perSampleDense value');
  const fastP = tf.grads((a: tf.Tensor, q: tf.Tensor) => tf.sum(tf.mul(perSampleDense(a as tf.Tensor2D, q as tf.Tensor2D), dy)))([x, p]);
  const refP = tf.grads((a: tf.Tensor, q: tf.Tensor) => tf.sum(tf.mul(plain(a, q), dy)))([x, p]);
  fastP.forEach((g, i) => close(g.dataSync(), refP[i].dataSync(), 1e-5, `perSampleDense grad ${i}`));
  tf.dispose([x, w, b, dy, p, ...fast, ...ref, ...fastP, ...refP]);
});

test('the patched wasm Slice kernel returns what a plain index computation gives (2-D and 3-D)', () => {
  const a = tf.tensor3d(Float32Array.from({ length: 4 * 5 * 6 }, (_, i) => i), [4, 5, 6]);
  const s = tf.slice(a, [1, 2, 3], [2, 3, 2]).dataSync();
  const want: number[] = [];
  for (let i = 1; i < 3; i++) for (let j = 2; j < 5; j++) for (let k = 3; k < 5; k++) want.push(i * 30 + j * 6 + k);
  assert.deepEqual(Array.from(s), want);
  const m = tf.reshape(a, [20, 6]);
  assert.deepEqual(Array.from(tf.slice(m, [3, 4], [2, 2]).dataSync()), [22, 23, 28, 29]);
  tf.dispose([a, m]);
});

test('forwardTraining (layer by layer) gives model.apply bit for bit, for every model kind', () => {
  for (const kind of ['hyploc', 'single', 'single-plus'] as const) {
    const model = buildModel(kind, 56, rngFor(7, 'test'));
    const rng = rngFor(8, 'test/x');
    const x = tf.tensor2d(Float32Array.from({ length: 5 * 56 }, () => rng() * 4 - 2), [5, 56]);
    assert.deepEqual(Array.from(forwardTraining(model, x).dataSync()), Array.from((model.apply(x, { training: true }) as tf.Tensor).dataSync()), kind);
    x.dispose();
    model.dispose();
  }
});
