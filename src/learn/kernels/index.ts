import * as tf from '@tensorflow/tfjs';
import { UserError } from '../../util/errors.ts';
import { adamKernelConfig } from './adam.ts';
import { actConfig, actGradConfig, denseConfig, denseGradConfig } from './dense.ts';
import { mseConfig, mseGradConfig } from './loss.ts';
import { batchMatMulKernel } from './matmul.ts';
import { sliceKernel } from './slice.ts';
import { kernelsFor, type WasmBackend } from './wasm.ts';

// Which kernels training runs on. "simgen" (the default): the paper's models on simgen's fused step
// (src/learn/fused-step.ts), anything else on tfjs-wasm with simgen's SIMD matmul (BatchMatMul), fused
// dense layers, loss and Adam; "stock": tfjs-wasm's own kernels and tf.train.adam, for comparison.
// Both keep the in-place Slice kernel. Chosen per process with SIMGEN_KERNELS (or --kernels on
// train/experiment/bench, which sets it, so worker processes inherit it).

export const KERNEL_SETS = ['simgen', 'stock'] as const;
export type KernelSet = (typeof KERNEL_SETS)[number];
export const KERNELS_ENV = 'SIMGEN_KERNELS';

let active: KernelSet | undefined;
const stock = new Map<string, tf.KernelConfig>();

/** The kernel set named by SIMGEN_KERNELS (default simgen); UserError for anything else. */
export function kernelSetFromEnv(): KernelSet {
  const v = process.env[KERNELS_ENV] ?? 'simgen';
  if (!(KERNEL_SETS as readonly string[]).includes(v)) throw new UserError(`${KERNELS_ENV} (--kernels) must be one of ${KERNEL_SETS.join(', ')} (got "${v}")`);
  return v as KernelSet;
}

/** The kernel set in use (after initBackend). */
export function activeKernels(): KernelSet {
  if (!active) throw new Error('activeKernels: the wasm backend is not initialised (call initBackend first)');
  return active;
}

function replace(name: string, kernelFunc: tf.KernelFunc): void {
  tf.unregisterKernel(name, 'wasm');
  tf.registerKernel({ ...stock.get(name)!, kernelFunc });
}

function restore(name: string): void {
  tf.unregisterKernel(name, 'wasm');
  tf.registerKernel(stock.get(name)!);
}

/** Register `set` on the (initialised) wasm backend; switching back and forth is allowed. */
export function useKernels(set: KernelSet): void {
  if (stock.size === 0) {
    for (const name of ['BatchMatMul', 'Slice']) stock.set(name, tf.getKernel(name, 'wasm')!);
    replace('Slice', sliceKernel(stock.get('Slice')!.kernelFunc));
    for (const k of [adamKernelConfig, denseConfig, denseGradConfig, actConfig, actGradConfig, mseConfig, mseGradConfig]) tf.registerKernel(k);
  }
  if (set === 'simgen') {
    kernelsFor(tf.backend() as unknown as WasmBackend); // fails here, with the fix, if the module is not built
    replace('BatchMatMul', batchMatMulKernel(stock.get('BatchMatMul')!.kernelFunc));
  } else restore('BatchMatMul');
  active = set;
}

/** The stock tfjs-wasm kernel `name` (for comparisons in tests and benchmarks). */
export function stockKernel(name: string): tf.KernelConfig {
  const k = stock.get(name);
  if (!k) throw new Error(`no stock kernel "${name}" recorded`);
  return k;
}
