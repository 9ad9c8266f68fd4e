import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

// Training runs on tfjs's wasm backend (XNNPACK matmuls, single-threaded in Node): tfjs-node cannot
// install offline and the plain-JS cpu backend is ~10x slower. setBackend('wasm') reports failure by
// returning false (e.g. the .wasm file is missing), so check it and say what went wrong.

/** What the wasm backend exposes to kernels (not in its public types). */
interface WasmBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

/**
 * The wasm Slice kernel copies its whole input out of the wasm heap (readSync -> HEAPU8.slice, a fresh
 * ArrayBuffer) before copying the slice: ~20 ms for HypLoc's [256, 1824] hypernetwork output on this
 * machine, a third of a training step. This version reads the input in place (a heap view), taken
 * after makeOutput (which may grow the heap and detach older views). Strings keep the stock kernel.
 */
function patchSlice(): void {
  const stock = tf.getKernel('Slice', 'wasm');
  if (!stock) return;
  tf.unregisterKernel('Slice', 'wasm');
  tf.registerKernel({
    kernelName: 'Slice',
    backendName: 'wasm',
    kernelFunc: (args) => {
      const x = args.inputs.x as tf.TensorInfo;
      if (x.dtype === 'string') return stock.kernelFunc(args);
      const backend = args.backend as unknown as WasmBackend;
      const [begin, size] = tf.slice_util.parseSliceParams(x as tf.Tensor, args.attrs!.begin as number[], args.attrs!.size as number[]);
      const out = backend.makeOutput(size, x.dtype);
      const xv = backend.typedArrayFromHeap(x);
      const ov = backend.typedArrayFromHeap(out);
      const strides = tf.util.computeStrides(x.shape);
      // Copy runs of the innermost dimension; odometer over the outer ones.
      const rank = x.shape.length;
      const inner = rank ? size[rank - 1] : 1;
      const rows = ov.length / Math.max(1, inner);
      const idx = new Array<number>(Math.max(0, rank - 1)).fill(0);
      for (let r = 0, o = 0; r < rows; r++, o += inner) {
        let off = rank ? begin[rank - 1] : 0;
        for (let d = 0; d < rank - 1; d++) off += (begin[d] + idx[d]) * strides[d];
        ov.set(xv.subarray(off, off + inner), o);
        for (let d = rank - 2; d >= 0 && ++idx[d] === size[d]; d--) idx[d] = 0;
      }
      return out;
    },
  });
}

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
    patchSlice();
  })();
  return ready;
}
