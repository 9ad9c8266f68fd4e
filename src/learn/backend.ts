import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { kernelSetFromEnv, useKernels } from './kernels/index.ts';

// Training runs on tfjs's wasm backend (XNNPACK matmuls, single-threaded in Node): tfjs-node cannot
// install offline and the plain-JS cpu backend is ~10x slower. setBackend('wasm') reports failure by
// returning false (e.g. the .wasm file is missing), so check it and say what went wrong. Then the
// kernel set is registered (src/learn/kernels: simgen's SIMD kernels, or the stock ones).

let ready: Promise<void> | undefined;

/** Start the wasm backend once per process; throws a clear Error when it cannot start. */
export function initBackend(): Promise<void> {
  ready ??= (async () => {
    let ok = false;
    let why = '';
    try {
      ok = await tf.setBackend('wasm');
    } catch (e) {
      why = ` (${(e as Error).message})`;
    }
    if (!ok || tf.getBackend() !== 'wasm')
      throw new Error(
        `TensorFlow.js wasm backend failed to start${why}: check that @tensorflow/tfjs-backend-wasm ${tf.version.tfjs} is installed ` +
          `(node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm) and matches @tensorflow/tfjs`,
      );
    useKernels(kernelSetFromEnv());
  })();
  return ready;
}
