import * as tf from '@tensorflow/tfjs';
import { kernelsFor, ptr, type WasmBackend } from './wasm.ts';

// BatchMatMul for float32 on simgen's SIMD GEMM. tfjs-wasm's own kernel takes XNNPACK only without
// transpose flags and with a batch of 1, and a scalar loop otherwise (~2 GFLOP/s: every gradient of
// a dense layer and HypLoc's per-sample product). This one runs A·B, Aᵀ·B and A·Bᵀ, batched, with
// one operand broadcast over the batch; anything else (Aᵀ·Bᵀ, multi-axis broadcasting) goes to the
// stock kernel.

type KernelFunc = tf.KernelConfig['kernelFunc'];

export function batchMatMulKernel(stock: KernelFunc): KernelFunc {
  return (args) => {
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
    if ((transposeA && transposeB) || a.dtype !== 'float32' || b.dtype !== 'float32') return stock(args);
    const ra = a.shape.length;
    const rb = b.shape.length;
    const batchA = tf.util.sizeFromShape(a.shape.slice(0, -2));
    const batchB = tf.util.sizeFromShape(b.shape.slice(0, -2));
    const outer = tf.broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
    const batch = tf.util.sizeFromShape(outer);
    // One flat batch axis: both operands carry all of it, or one of them none of it.
    if ((batchA !== batch && batchA !== 1) || (batchB !== batch && batchB !== 1)) return stock(args);
    const M = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
    const K = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
    const kb = transposeB ? b.shape[rb - 1] : b.shape[rb - 2];
    const N = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
    if (K !== kb) throw new Error(`Error in matMul: inner shapes (${K}) and (${kb}) of Tensors with shapes ${a.shape} and ${b.shape} and transposeA=${transposeA} and transposeB=${transposeB} must match.`);
    const backend = args.backend as unknown as WasmBackend;
    const out = backend.makeOutput([...outer, M, N], 'float32');
    if (M * N === 0) return out;
    const k = kernelsFor(backend);
    const [pa, pb, pc] = [ptr(backend, a), ptr(backend, b), ptr(backend, out)];
    const bsA = batchA === 1 ? 0 : M * K;
    const bsB = batchB === 1 ? 0 : K * N;
    if (K === 0) backend.typedArrayFromHeap(out).fill(0);
    else if (transposeB) k.gemmNT(pa, pb, pc, M, N, K, batch, bsA, bsB, M * N);
    else if (transposeA) k.gemmNN(pa, pb, pc, M, N, K, 1, M, batch, bsA, bsB, M * N);
    else k.gemmNN(pa, pb, pc, M, N, K, K, 1, batch, bsA, bsB, M * N);
    return out;
  };
}
