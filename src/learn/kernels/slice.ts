import * as tf from '@tensorflow/tfjs';
import type { WasmBackend } from './wasm.ts';

/**
 * The wasm Slice kernel copies its whole input out of the wasm heap (readSync -> HEAPU8.slice, a fresh
 * ArrayBuffer) before copying the slice: ~20 ms for HypLoc's [256, 1824] hypernetwork output on this
 * machine, a third of a training step. This version reads the input in place (a heap view), taken
 * after makeOutput (which may grow the heap and detach older views). Strings keep the stock kernel.
 */
export function sliceKernel(stock: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const x = args.inputs.x as tf.TensorInfo;
    if (x.dtype === 'string') return stock(args);
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
  };
}
