import * as tf from '@tensorflow/tfjs';
import { ACT, ACT_GRAD, type Activation, DENSE, DENSE_GRAD, withDerivative } from './kernels/dense.ts';
import { activeKernels } from './kernels/index.ts';
import { MSE, MSE_GRAD } from './kernels/loss.ts';

// Differentiable ops for the models' layers, on either kernel set (kernels/index.ts).
// simgen: a dense layer is one fused kernel each way (kernels/dense.ts); HypLoc's per-sample product
// is a batched matmul, transposes handled by simgen's BatchMatMul.
// stock: tfjs-wasm runs a matmul through XNNPACK only when neither transpose flag is set; tfjs's own
// MatMul gradient sets them (dy·Wᵀ as matMul(dy, W, false, true)) and falls to a ~10x slower loop.
// These ops transpose explicitly instead, and reduce bias gradients with a ones-row matmul
// (a Sum over axis 0 is a transpose plus a reduction on this backend).

type GradFn = (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor | tf.Tensor[];
type OpBody = (...args: Array<tf.Tensor | tf.GradSaveFunc>) => { value: tf.Tensor; gradFunc: GradFn };

function op<A extends tf.Tensor[]>(body: (save: tf.GradSaveFunc, ...inputs: A) => { value: tf.Tensor; gradFunc: GradFn }): (...inputs: A) => tf.Tensor {
  // tf.customGrad passes the save function after the inputs.
  const f: OpBody = (...args) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    return body(save, ...(args.slice(0, -1) as A));
  };
  return tf.customGrad(f as never) as unknown as (...inputs: A) => tf.Tensor;
}

/** Sum over the batch axis of a [B, N] tensor, as ones[1, B] · dy (the XNNPACK path). */
function batchSum(dy: tf.Tensor2D): tf.Tensor1D {
  return tf.reshape(tf.matMul(tf.ones([1, dy.shape[0]]), dy), [dy.shape[1]]);
}

/** x · w + b for x [B, I], w [I, O], b [O]. */
export const dense = op((save, x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => {
  save([x, w]);
  return {
    value: tf.add(tf.matMul(x, w), b),
    gradFunc: (dy, [sx, sw]) =>
      [tf.matMul(dy as tf.Tensor2D, tf.transpose(sw)), tf.matMul(tf.transpose(sx), dy as tf.Tensor2D), batchSum(dy as tf.Tensor2D)],
  };
}) as (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor2D;

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/**
 * GELU, exact form x·Φ(x) = 0.5·x·(1 + erf(x/√2)) (the Keras default), with a hand-written
 * derivative Φ(x) + x·φ(x): one tape entry instead of the ~8 ops of the composed expression.
 */
export const gelu = op((save, x: tf.Tensor) => {
  save([x]);
  return {
    value: tf.tidy(() => tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1))),
    gradFunc: (dy, [sx]) =>
      tf.tidy(() => {
        const cdf = tf.mul(tf.add(tf.erf(tf.mul(sx, Math.SQRT1_2)), 1), 0.5);
        const pdf = tf.mul(tf.exp(tf.mul(tf.square(sx), -0.5)), INV_SQRT_2PI);
        return tf.mul(dy, tf.add(cdf, tf.mul(sx, pdf)));
      }),
  };
});

/** perSampleDense (below) as a broadcast multiply and sum (the stock kernels have no fast batched matmul). */
const perSampleStock = op((save, x: tf.Tensor2D, params: tf.Tensor2D) => {
  save([x, params]);
  const [b, inDim] = x.shape;
  const units = params.shape[1] / (inDim + 1);
  const nw = inDim * units;
  const weights = (p: tf.Tensor) => tf.reshape(tf.slice(p, [0, 0], [b, nw]), [b, inDim, units]);
  return {
    value: tf.tidy(() => tf.add(tf.sum(tf.mul(tf.reshape(x, [b, inDim, 1]), weights(params)), 1), tf.slice(params, [0, nw], [b, units]))),
    gradFunc: (dy, [sx, sp]) =>
      tf.tidy(() => {
        const dy3 = tf.reshape(dy, [b, 1, units]);
        const dx = tf.sum(tf.mul(weights(sp), dy3), 2); // Σ_o W[b,i,o]·dy[b,o]
        const dw = tf.reshape(tf.mul(tf.reshape(sx, [b, inDim, 1]), dy3), [b, nw]); // x[b,i]·dy[b,o]
        return [dx, tf.concat([dw, dy], 1)];
      }),
  };
}) as (x: tf.Tensor2D, params: tf.Tensor2D) => tf.Tensor2D;

/** perSampleDense as a batched matmul [B, 1, I]·[B, I, O] and its transposed products (simgen's BatchMatMul). */
const perSampleBatched = op((save, x: tf.Tensor2D, params: tf.Tensor2D) => {
  save([x, params]);
  const [b, inDim] = x.shape;
  const units = params.shape[1] / (inDim + 1);
  const nw = inDim * units;
  const weights = (p: tf.Tensor) => tf.reshape(tf.slice(p, [0, 0], [b, nw]), [b, inDim, units]) as tf.Tensor3D;
  return {
    value: tf.tidy(() => tf.add(tf.reshape(tf.matMul(tf.reshape(x, [b, 1, inDim]) as tf.Tensor3D, weights(params)), [b, units]), tf.slice(params, [0, nw], [b, units]))),
    gradFunc: (dy, [sx, sp]) =>
      tf.tidy(() => {
        const dy3 = tf.reshape(dy, [b, 1, units]) as tf.Tensor3D;
        const dx = tf.reshape(tf.matMul(dy3, weights(sp), false, true), [b, inDim]);
        const dw = tf.reshape(tf.matMul(tf.reshape(sx, [b, inDim, 1]) as tf.Tensor3D, dy3), [b, nw]);
        return [dx, tf.concat([dw, dy], 1)];
      }),
  };
}) as (x: tf.Tensor2D, params: tf.Tensor2D) => tf.Tensor2D;

/**
 * The hypernetwork's main layer: a dense layer whose weights come per sample.
 * x [B, I]; params [B, I·O + O] holds, per sample, W row-major ([i][o] at i·O + o) then the O biases.
 * Returns y[b, o] = Σ_i x[b, i]·W[b, i, o] + bias[b, o] (no activation).
 */
export function perSampleDense(x: tf.Tensor2D, params: tf.Tensor2D): tf.Tensor2D {
  return activeKernels() === 'stock' ? perSampleStock(x, params) : perSampleBatched(x, params);
}

const fused = new Map<string, (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor2D>();

/**
 * act(x·w + b) on simgen's fused dense kernels (SimgenDense forward, SimgenDenseGrad backward).
 * inputGradient false: x is a constant (the model's input), its gradient is zeros, not computed.
 */
function fusedDense(activation: Activation, inputGradient: boolean): (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor2D {
  const key = `${activation}/${inputGradient}`;
  let f = fused.get(key);
  if (!f) {
    f = op((save, x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => {
      const [y, d] = tf.engine().runKernel(DENSE, { x, w, b }, { activation }) as tf.Tensor[];
      save([x, w, withDerivative(activation) ? d : y]);
      return { value: y, gradFunc: (dy, [sx, sw, s]) => tf.engine().runKernel(DENSE_GRAD, { x: sx, w: sw, dy, s }, { activation, inputGradient }) as tf.Tensor[] };
    }) as (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor2D;
    fused.set(key, f);
  }
  return f;
}

const activations = new Map<Activation, (x: tf.Tensor) => tf.Tensor>();

/** act(x) on simgen's activation kernels (SimgenAct, SimgenActGrad). */
function fusedActivation(activation: Activation): (x: tf.Tensor) => tf.Tensor {
  let f = activations.get(activation);
  if (!f) {
    f = op((save, x: tf.Tensor) => {
      const [y, d] = tf.engine().runKernel(ACT, { x }, { activation }) as tf.Tensor[];
      save([withDerivative(activation) ? d : y]);
      return { value: y, gradFunc: (dy, [s]) => tf.engine().runKernel(ACT_GRAD, { dy, s }, { activation }) as tf.Tensor };
    });
    activations.set(activation, f);
  }
  return f;
}

/** act(x) for the active kernel set. */
export function activate(x: tf.Tensor, a: Activation): tf.Tensor {
  if (a === 'linear') return x;
  if (activeKernels() === 'simgen') return fusedActivation(a)(x);
  return a === 'gelu' ? gelu(x) : tf.sigmoid(x);
}

/**
 * act(x·w + b) for the active kernel set: one fused op (simgen), or dense then the activation (stock).
 * inputGradient false (x is the model's input): simgen skips computing the gradient for x.
 */
export function denseLayer(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, a: Activation, inputGradient = true): tf.Tensor2D {
  return activeKernels() === 'simgen' ? fusedDense(a, inputGradient)(x, w, b) : (activate(dense(x, w, b), a) as tf.Tensor2D);
}

/** The training loss mean((p - y)²): one kernel each way (simgen), or Sub, Square and Mean (stock). */
export function meanSquaredError(p: tf.Tensor, y: tf.Tensor): tf.Scalar {
  if (activeKernels() === 'stock') return tf.mean(tf.square(tf.sub(p, y)));
  // y is a constant: captured, not an input, so that no gradient is made for it.
  const f = op((save, pred: tf.Tensor) => {
    save([pred]);
    return {
      value: tf.engine().runKernel(MSE, { p: pred, y }) as tf.Scalar,
      gradFunc: (dy, [sp]) => tf.engine().runKernel(MSE_GRAD, { p: sp, y, dy }) as tf.Tensor,
    };
  });
  return f(p) as tf.Scalar;
}
