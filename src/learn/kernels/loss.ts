import * as tf from '@tensorflow/tfjs';
import { kernelsFor, ptr, type WasmBackend } from './wasm.ts';

// The training loss, mean((p - y)²), as one kernel each way (tfjs composes it from Sub, Square and
// Mean forward and ~6 kernels backward).

export const MSE = 'SimgenMse';
export const MSE_GRAD = 'SimgenMseGrad';

type Inputs = Record<string, tf.TensorInfo>;

function check(name: string, { p, y }: Inputs): number {
  if (p.dtype !== 'float32' || y.dtype !== 'float32' || !tf.util.arraysEqual(p.shape, y.shape)) throw new Error(`${name}: p and y must be float32 of one shape (got ${p.dtype} [${p.shape}], ${y.dtype} [${y.shape}])`);
  return tf.util.sizeFromShape(p.shape);
}

export const mseConfig: tf.KernelConfig = {
  kernelName: MSE,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend: be }) => {
    const n = check(MSE, inputs as Inputs);
    const backend = be as unknown as WasmBackend;
    const out = backend.makeOutput([], 'float32');
    kernelsFor(backend).mseLoss(ptr(backend, inputs.p as tf.TensorInfo), ptr(backend, inputs.y as tf.TensorInfo), ptr(backend, out), n);
    return out;
  },
};

export const mseGradConfig: tf.KernelConfig = {
  kernelName: MSE_GRAD,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend: be }) => {
    const { p, y, dy } = inputs as Inputs;
    const n = check(MSE_GRAD, { p, y });
    const backend = be as unknown as WasmBackend;
    const dp = backend.makeOutput(p.shape, 'float32');
    kernelsFor(backend).mseGrad(ptr(backend, p), ptr(backend, y), ptr(backend, dy), ptr(backend, dp), n);
    return dp;
  },
};
