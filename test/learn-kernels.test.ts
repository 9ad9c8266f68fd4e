import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/learn/backend.ts';
import { meanSquaredError } from '../src/learn/fast-dense.ts';
import { FusedAdam } from '../src/learn/kernels/adam.ts';
import { ACT, ACT_GRAD, DENSE, DENSE_GRAD } from '../src/learn/kernels/dense.ts';
import { activeKernels, stockKernel, useKernels } from '../src/learn/kernels/index.ts';
import { buildModel, MODEL_KINDS } from '../src/learn/models.ts';
import { rngFor } from '../src/util/rng.ts';
import { plainDense, plainGelu, plainModel } from './fixtures/plain-model.ts';

// simgen's wasm kernels (src/learn/kernels) against the stock tfjs-wasm kernels and tfjs autodiff,
// on random shapes with odd sizes (the SIMD tiles' edge paths).

before(async () => {
  await initBackend();
  useKernels('simgen');
});
after(() => useKernels('simgen'));

const rng = rngFor(11, 'test/kernels');
const rand = (shape: number[]) => tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng() * 2 - 1), shape);

/** max |a - b| <= tol · max |b| (norm-relative: a sum's rounding is relative to its terms, not to the sum). */
function closeRel(a: tf.Tensor, b: tf.Tensor, tol: number, what: string): void {
  assert.deepEqual(a.shape, b.shape, `${what}: shape`);
  const av = a.dataSync();
  const bv = b.dataSync();
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < bv.length; i++) {
    diff = Math.max(diff, Math.abs(av[i] - bv[i]));
    scale = Math.max(scale, Math.abs(bv[i]));
  }
  assert.ok(diff <= tol * Math.max(scale, 1e-30), `${what}: max difference ${diff.toExponential(2)} > ${tol} x ${scale.toExponential(2)}`);
}

test('BatchMatMul: A·B, A·Bᵀ, Aᵀ·B (and Aᵀ·Bᵀ, stock) match the stock kernel on odd shapes, batched and broadcast', () => {
  const stock = stockKernel('BatchMatMul').kernelFunc;
  const shapes: Array<[number, number, number, number, number]> = [
    // batchA, batchB, M, K, N
    [1, 1, 1, 1, 1],
    [1, 1, 3, 5, 7],
    [1, 1, 13, 1, 9],
    [1, 1, 32, 57, 33],
    [1, 1, 37, 130, 21],
    [1, 1, 5, 340, 2],
    [4, 4, 1, 56, 32],
    [3, 3, 5, 7, 9],
    [6, 1, 3, 11, 13],
    [1, 5, 9, 2, 6],
  ];
  let checked = 0;
  for (const [ba, bb, M, K, N] of shapes)
    for (const [ta, tb] of [[false, false], [false, true], [true, false], [true, true]] as const) {
      const a = rand(ba > 1 ? [ba, ta ? K : M, ta ? M : K] : [ta ? K : M, ta ? M : K]);
      const b = rand(bb > 1 ? [bb, tb ? N : K, tb ? K : N] : [tb ? N : K, tb ? K : N]);
      const ours = tf.matMul(a, b, ta, tb);
      const ref = tf.engine().makeTensorFromTensorInfo(stock({ inputs: { a, b }, backend: tf.backend(), attrs: { transposeA: ta, transposeB: tb } }) as tf.TensorInfo);
      closeRel(ours, ref, 1e-6 * Math.max(1, Math.sqrt(K)), `matMul [${a.shape}]${ta ? 'ᵀ' : ''} x [${b.shape}]${tb ? 'ᵀ' : ''}`);
      tf.dispose([a, b, ours, ref]);
      checked++;
    }
  assert.equal(checked, shapes.length * 4);
});

test('SimgenDense / SimgenDenseGrad and SimgenAct / SimgenActGrad: values and gradients of plain tfjs ops to 1e-5', () => {
  for (const [B, I, O] of [
    [1, 1, 1],
    [3, 5, 7],
    [32, 56, 64],
    [17, 33, 29],
    [5, 128, 1824],
  ])
    for (const act of ['linear', 'gelu', 'sigmoid'] as const) {
      const [x, w, b, dy] = [rand([B, I]), rand([I, O]), rand([O]), rand([B, O])];
      const [y, s] = tf.engine().runKernel(DENSE, { x, w, b }, { activation: act }) as tf.Tensor[];
      const want = plainDense(x, w, b, act);
      closeRel(y, want, 1e-5, `dense ${B}x${I}x${O} ${act}`);
      const [dx, dw, db] = tf.engine().runKernel(DENSE_GRAD, { x, w, dy, s: s ?? y }, { activation: act }) as tf.Tensor[];
      const ref = tf.grads((a: tf.Tensor, c: tf.Tensor, d: tf.Tensor) => tf.sum(tf.mul(plainDense(a, c, d, act), dy)))([x, w, b]);
      [dx, dw, db].forEach((g, i) => closeRel(g, ref[i], 1e-5, `dense ${B}x${I}x${O} ${act} gradient ${['dx', 'dw', 'db'][i]}`));

      if (act !== 'linear') {
        const z = tf.add(tf.matMul(x, w), b);
        const [ya, sa] = tf.engine().runKernel(ACT, { x: z }, { activation: act }) as tf.Tensor[];
        closeRel(ya, want, 1e-5, `act ${act} [${B}, ${O}]`);
        const g = tf.engine().runKernel(ACT_GRAD, { dy, s: sa ?? ya }, { activation: act }) as tf.Tensor;
        const gRef = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(act === 'gelu' ? plainGelu(v) : tf.sigmoid(v), dy)))(z);
        closeRel(g, gRef, 1e-5, `act ${act} gradient`);
        tf.dispose([z, ya, sa, g, gRef].filter(Boolean) as tf.Tensor[]);
      }
      tf.dispose([x, w, b, dy, y, s, want, dx, dw, db, ...ref].filter(Boolean) as tf.Tensor[]);
    }
});

test('FusedAdam moves the weights as tf.train.adam does, to 1e-5 (odd sizes, changing learning rate, 5 steps), in place or not', () => {
  const shapes = [[1], [3], [7, 5], [130], [33, 17]];
  const init = shapes.map((s) => rand(s));
  const grads = Array.from({ length: 5 }, () => shapes.map((s) => rand(s)));
  const run = (opt: tf.Optimizer & { learningRate: number }) => {
    // Odd ones share their buffer with `init` (a clone): FusedAdam must not update those in place.
    const vars = init.map((t, i) => tf.tidy(() => tf.variable(i % 2 ? t.clone() : tf.add(t, 0), true, `adam-${opt.getClassName()}-${i}`)));
    grads.forEach((gs, step) => {
      opt.learningRate = 1e-3 * 0.96 ** step;
      opt.applyGradients(Object.fromEntries(vars.map((v, i) => [v.name, gs[i]])));
    });
    const out = vars.map((v) => Array.from(v.dataSync()));
    opt.dispose();
    tf.dispose(vars);
    return out;
  };
  const before = init.map((t) => Array.from(t.dataSync()));
  const fused = run(new FusedAdam(1e-3));
  assert.deepEqual(init.map((t) => Array.from(t.dataSync())), before, 'a buffer shared with another tensor is left alone');
  const stock = run(tf.train.adam(1e-3) as tf.AdamOptimizer & { learningRate: number });
  // Float32 rounding apart (1/c multiplications instead of divisions by c): within 2 ulp of each weight.
  let worst = 0;
  let moved = 0;
  fused.forEach((v, i) =>
    v.forEach((x, j) => {
      worst = Math.max(worst, Math.abs(x - stock[i][j]) / Math.abs(stock[i][j]));
      moved = Math.max(moved, Math.abs(stock[i][j] - before[i][j]));
    }),
  );
  assert.ok(worst <= 2 * 2 ** -23, `largest difference ${worst.toExponential(2)} of a weight`);
  assert.ok(moved > 1e-3, 'the variables moved');
  tf.dispose([...init, ...grads.flat()]);
});

test('model gradients on simgen kernels equal tfjs autodiff of the plain formulas on stock kernels (1e-5 relative)', () => {
  for (const kind of MODEL_KINDS) {
    const model = buildModel(kind, 56, rngFor(12, `test/kernels/${kind}`));
    const vars = model.trainableWeights.map((v) => v.read() as tf.Variable);
    const x = rand([37, 56]) as tf.Tensor2D;
    const y = rand([37, 2]);
    const loss = (out: tf.Tensor) => tf.mean(tf.square(tf.sub(out, y))) as tf.Scalar;
    useKernels('simgen');
    const { value, grads } = tf.variableGrads(() => loss(model.apply(x, { training: true }) as tf.Tensor), vars);
    useKernels('stock');
    assert.equal(activeKernels(), 'stock');
    const ref = tf.grads((...w: tf.Tensor[]) => loss(plainModel(kind, w, x)))(vars);
    const refLoss = loss(plainModel(kind, vars, x));
    useKernels('simgen');
    closeRel(value, refLoss, 1e-5, `${kind} loss`);
    vars.forEach((v, i) => closeRel(grads[v.name], ref[i], 1e-5, `${kind} gradient of ${v.name}`));
    tf.dispose([x, y, value, refLoss, ...Object.values(grads), ...ref]);
    model.dispose();
  }
});

test('SimgenMse / SimgenMseGrad: the loss mean((p - y)²) and its gradient equal tfjs ops', () => {
  for (const n of [1, 3, 37]) {
    const [p, y] = [rand([n, 2]), rand([n, 2])];
    const plain = (q: tf.Tensor) => tf.mean(tf.square(tf.sub(q, y)));
    const [value, grad] = [meanSquaredError(p, y), tf.grad((q: tf.Tensor) => meanSquaredError(q, y))(p)];
    closeRel(value, plain(p), 1e-6, `mse value n=${n}`);
    closeRel(grad, tf.grad(plain)(p), 1e-6, `mse gradient n=${n}`);
    tf.dispose([p, y, value, grad]);
  }
});
