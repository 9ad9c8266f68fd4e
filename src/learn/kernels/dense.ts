import * as tf from '@tensorflow/tfjs';
import { kernelsFor, ptr, type WasmBackend } from './wasm.ts';

// A dense layer as one kernel each way, on the SIMD GEMM of assembly/gemm.ts:
//   SimgenDense      x [B, I], w [I, O], b [O]   -> y = act(x·w + b) [B, O]; GELU also d = GELU'(x·w + b)
//   SimgenDenseGrad  x, w, dy [B, O], s          -> dx = dz·wᵀ, dw = xᵀ·dz, db = Σ_batch dz
// with dz = dy·act'(·) and s what act' is read from: d (GELU), y (sigmoid), unused (linear).
// Composed from tfjs ops the same layer takes ~8 kernels forward and ~15 backward with GELU, at
// ~7 us of dispatch each. SimgenAct / SimgenActGrad are the activation alone (HypLoc's per-sample
// main layer).

export const ACTIVATIONS = { linear: 0, gelu: 1, sigmoid: 2 } as const;
export type Activation = keyof typeof ACTIVATIONS;

export const DENSE = 'SimgenDense';
export const DENSE_GRAD = 'SimgenDenseGrad';
export const ACT = 'SimgenAct';
export const ACT_GRAD = 'SimgenActGrad';

type Inputs = Record<string, tf.TensorInfo>;
interface ActAttrs {
  activation: Activation;
  /** SimgenDenseGrad: false when x is a constant (the model's input): dx is then zeros, not computed. */
  inputGradient?: boolean;
}

/** Outputs of SimgenDense / SimgenAct: y, and for GELU the derivative d (what the gradient kernel reads as s). */
export const withDerivative = (a: Activation): boolean => a === 'gelu';

function code(a: Activation): number {
  const c = ACTIVATIONS[a];
  if (c === undefined) throw new Error(`activation must be one of ${Object.keys(ACTIVATIONS).join(', ')} (got ${JSON.stringify(a)})`);
  return c;
}

function checkFloat(name: string, inputs: Inputs): void {
  for (const [k, t] of Object.entries(inputs)) if (t.dtype !== 'float32') throw new Error(`${name}: input ${k} must be float32 (got ${t.dtype})`);
}

const size = (t: tf.TensorInfo) => tf.util.sizeFromShape(t.shape);

export const denseConfig: tf.KernelConfig = {
  kernelName: DENSE,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend: be, attrs }) => {
    const { x, w, b } = inputs as Inputs;
    checkFloat(DENSE, inputs as Inputs);
    const act = code((attrs as unknown as ActAttrs).activation);
    const [B, I] = x.shape;
    const [wi, O] = w.shape;
    if (wi !== I || b.shape.length !== 1 || b.shape[0] !== O) throw new Error(`${DENSE}: shapes x ${x.shape}, w ${w.shape}, b ${b.shape} do not make a dense layer`);
    const backend = be as unknown as WasmBackend;
    // y holds x·w, then x·w + b, then act(x·w + b) in place.
    const y = backend.makeOutput([B, O], 'float32');
    const d = act === ACTIVATIONS.gelu ? backend.makeOutput([B, O], 'float32') : undefined;
    const k = kernelsFor(backend);
    if (I > 0) k.gemmNN(ptr(backend, x), ptr(backend, w), ptr(backend, y), B, O, I, I, 1, 1, 0, 0, 0);
    else backend.typedArrayFromHeap(y).fill(0);
    k.biasAct(ptr(backend, y), ptr(backend, b), ptr(backend, y), d ? ptr(backend, d) : 0, B, O, act);
    return d ? [y, d] : [y];
  },
};

export const denseGradConfig: tf.KernelConfig = {
  kernelName: DENSE_GRAD,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend: be, attrs }) => {
    const { x, w, dy, s } = inputs as Inputs;
    checkFloat(DENSE_GRAD, inputs as Inputs);
    const { activation, inputGradient = true } = attrs as unknown as ActAttrs;
    const act = code(activation);
    const [B, I] = x.shape;
    const O = w.shape[1];
    const backend = be as unknown as WasmBackend;
    const dx = backend.makeOutput([B, I], 'float32');
    const dw = backend.makeOutput([I, O], 'float32');
    const db = backend.makeOutput([O], 'float32');
    const k = kernelsFor(backend);
    let dz = ptr(backend, dy);
    if (act !== ACTIVATIONS.linear) {
      dz = backend.wasm._malloc(B * O * 4);
      k.actGrad(ptr(backend, dy), ptr(backend, s), dz, B * O, act);
    }
    if (O > 0 && inputGradient) k.gemmNT(dz, ptr(backend, w), ptr(backend, dx), B, I, O, 1, 0, 0, 0);
    else backend.typedArrayFromHeap(dx).fill(0);
    if (B > 0) k.gemmNN(ptr(backend, x), dz, ptr(backend, dw), I, O, B, 1, I, 1, 0, 0, 0);
    else backend.typedArrayFromHeap(dw).fill(0);
    k.colSum(dz, ptr(backend, db), B, O);
    if (act !== ACTIVATIONS.linear) backend.wasm._free(dz);
    return [dx, dw, db];
  },
};

export const actConfig: tf.KernelConfig = {
  kernelName: ACT,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend: be, attrs }) => {
    const { x } = inputs as Inputs;
    checkFloat(ACT, inputs as Inputs);
    const backend = be as unknown as WasmBackend;
    const act = code((attrs as unknown as ActAttrs).activation);
    const y = backend.makeOutput(x.shape, 'float32');
    const d = act === ACTIVATIONS.gelu ? backend.makeOutput(x.shape, 'float32') : undefined;
    kernelsFor(backend).biasAct(ptr(backend, x), 0, ptr(backend, y), d ? ptr(backend, d) : 0, 1, size(x), act);
    return d ? [y, d] : [y];
  },
};

export const actGradConfig: tf.KernelConfig = {
  kernelName: ACT_GRAD,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend: be, attrs }) => {
    const { dy, s } = inputs as Inputs;
    checkFloat(ACT_GRAD, inputs as Inputs);
    const backend = be as unknown as WasmBackend;
    const dx = backend.makeOutput(dy.shape, 'float32');
    kernelsFor(backend).actGrad(ptr(backend, dy), ptr(backend, s), ptr(backend, dx), size(dy), code((attrs as unknown as ActAttrs).activation));
    return dx;
  },
};
