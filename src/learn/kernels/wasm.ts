import fs from 'node:fs';
import path from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { PACKAGE_ROOT } from '../../scenario/load.ts';

// simgen's kernels (src/learn/kernels/assembly, AssemblyScript with SIMD) compiled by
// `npm run build:wasm` to build/simgen-kernels.wasm. The module imports the tfjs wasm backend's own
// memory, so a kernel reads its input tensors where they are and writes straight into the output
// tensors the backend allocated: no copies in or out. Pointers are byte offsets in that memory.

export const KERNELS_WASM = path.join(PACKAGE_ROOT, 'build/simgen-kernels.wasm');
/** The same kernels built with relaxed SIMD (fused multiply-add in the fused training step; see step-module.ts). */
export const KERNELS_FMA_WASM = path.join(PACKAGE_ROOT, 'build/simgen-kernels-fma.wasm');

/** The exports of build/simgen-kernels.wasm (see the assembly sources for each one's contract). */
export interface KernelExports {
  gemmNN(a: number, b: number, c: number, M: number, N: number, K: number, sAm: number, sAk: number, batch: number, bsA: number, bsB: number, bsC: number): void;
  gemmNT(a: number, b: number, c: number, M: number, N: number, K: number, batch: number, bsA: number, bsB: number, bsC: number): void;
  biasAct(z: number, bias: number, y: number, d: number, M: number, N: number, act: number): void;
  actGrad(dy: number, s: number, dz: number, n: number, act: number): void;
  colSum(src: number, dst: number, M: number, N: number): void;
  mseLoss(p: number, y: number, out: number, n: number): void;
  mseGrad(p: number, y: number, dy: number, dp: number, n: number): void;
  adamUpdate(table: number, count: number, beta1: number, beta2: number, oneMinusBeta1: number, oneMinusBeta2: number, c1: number, c2: number, eps: number, negLr: number): void;
}

/** The parts of tfjs-wasm's BackendWasm a kernel needs (not in its public types). */
export interface WasmBackend {
  wasm: { asm: { memory: WebAssembly.Memory }; _malloc(bytes: number): number; _free(ptr: number): void; HEAPU8: Uint8Array };
  dataIdMap: { get(dataId: object): { memoryOffset: number } };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
  refCount(dataId: object): number;
}

let instance: { memory: WebAssembly.Memory; exports: KernelExports } | undefined;

/** The kernels, instantiated once against `backend`'s memory. */
export function kernelsFor(backend: WasmBackend): KernelExports {
  const memory = backend.wasm.asm.memory;
  if (instance?.memory !== memory) {
    if (!fs.existsSync(KERNELS_WASM))
      throw new Error(`simgen's training kernels are not built (${path.relative(process.cwd(), KERNELS_WASM)} is missing): run "npm run build:wasm", or use the stock tfjs kernels (--kernels stock)`);
    const module = new WebAssembly.Module(fs.readFileSync(KERNELS_WASM));
    instance = { memory, exports: new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as KernelExports };
  }
  return instance.exports;
}

/** Byte offset of a tensor's data in the backend's memory. */
export function ptr(backend: WasmBackend, t: tf.TensorInfo): number {
  return backend.dataIdMap.get(t.dataId).memoryOffset;
}
