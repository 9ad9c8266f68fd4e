import fs from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import { KERNELS_FMA_WASM, KERNELS_WASM } from './wasm.ts';

// The kernels of the fused training step (src/learn/fused-step.ts), instantiated on a memory of the
// step's own (not tfjs's). Two builds of assembly/ (kernels/build.ts): simgen-kernels-fma.wasm, whose
// multiply-adds are relaxed SIMD's f32x4.relaxed_madd, and simgen-kernels.wasm, which computes the
// same correctly rounded a·b + c exactly in f64 (assembly/fma.ts): the same bits, ~2-3x slower.
// The relaxed build is taken when the engine compiles relaxed SIMD (Node 20's V8 11.3 only behind
// --experimental-wasm-relaxed-simd, which is set here before compiling: wasm features are read at
// compile time; V8 ships it by default from 11.4, Node 22) and its madd really rounds once (V8 runs
// relaxed_madd as a multiply and an add on an x64 CPU without FMA3). Either way the step's results
// are the same bits on every machine; the emulation costs ~23x in the products (said once on stderr).

/** The exports the fused step calls (see assembly/step.ts, activation.ts, adam.ts for each contract). */
export interface StepKernels {
  denseForward(x: number, ldx: number, M: number, K: number, w: number, bias: number, N: number, z: number): void;
  denseGradW(x: number, ldx: number, K: number, M: number, dz: number, N: number, g: number): void;
  denseGradX(w: number, M: number, K: number, dzT: number, N: number, cT: number): void;
  transpose(src: number, rows: number, cols: number, dst: number): void;
  mseStep(p: number, ldp: number, y: number, B: number, M: number, dp: number): number;
  perSampleForward(x: number, ldx: number, P: number, M: number, I: number, z: number): void;
  perSampleBackward(x: number, ldx: number, P: number, M: number, I: number, dz: number, dzP: number): void;
  biasAct(z: number, bias: number, y: number, d: number, M: number, N: number, act: number): void;
  actGrad(dy: number, s: number, dz: number, n: number, act: number): void;
  colSum(src: number, dst: number, M: number, N: number): void;
  adamUpdate(table: number, count: number, beta1: number, beta2: number, oneMinusBeta1: number, oneMinusBeta2: number, c1: number, c2: number, eps: number, negLr: number): void;
  maddFuses(): number;
}

/** How the step's multiply-adds run: one relaxed-SIMD instruction, or the exact emulation. */
export type FmaMode = 'hardware' | 'emulated';

const modules = new Map<FmaMode, WebAssembly.Module | null>();
let warned = false;

function compile(mode: FmaMode): WebAssembly.Module | null {
  if (!modules.has(mode)) {
    const file = mode === 'hardware' ? KERNELS_FMA_WASM : KERNELS_WASM;
    if (!fs.existsSync(file)) throw new Error(`simgen's training kernels are not built (${path.relative(process.cwd(), file)} is missing): run "npm run build:wasm"`);
    const bytes = fs.readFileSync(file);
    if (mode === 'hardware' && !WebAssembly.validate(bytes)) v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
    modules.set(mode, WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null);
  }
  return modules.get(mode)!;
}

/** The step kernels on `memory`: the relaxed build where it runs fused, else the exact emulation (or that one when asked). */
export function stepKernels(memory: WebAssembly.Memory, want: FmaMode = 'hardware'): { kernels: StepKernels; fma: FmaMode } {
  if (want === 'hardware') {
    const m = compile('hardware');
    if (m) {
      const kernels = new WebAssembly.Instance(m, { env: { memory } }).exports as unknown as StepKernels;
      if (kernels.maddFuses() === 1) return { kernels, fma: 'hardware' };
    }
  }
  const kernels = new WebAssembly.Instance(compile('emulated')!, { env: { memory } }).exports as unknown as StepKernels;
  if (kernels.maddFuses() !== 1) throw new Error('simgen-kernels.wasm: the emulated multiply-add does not round once (a build error)');
  if (want === 'hardware' && !warned) {
    warned = true;
    process.stderr.write("simgen: this engine or CPU has no fused multiply-add for WebAssembly's relaxed SIMD; the training step emulates it exactly (the same results, ~20x slower)\n");
  }
  return { kernels, fma: 'emulated' };
}
