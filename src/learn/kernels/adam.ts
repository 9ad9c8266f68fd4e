import * as tf from '@tensorflow/tfjs';
import { kernelsFor, ptr, type WasmBackend } from './wasm.ts';

// Adam as one kernel over all variables. tf.train.adam runs ~16 kernels per variable (~190 of the
// ~300 kernels of a HypLoc step at ~7 us of dispatch each); SimgenAdam makes one pass over every
// parameter with tfjs's float32 operations in tfjs's order, but for the bias corrections, which
// multiply by 1/c instead of dividing by c (assembly/adam.ts): within 2 ulp of tfjs's weights (a test
// checks it). The first and second moments are FusedAdam's own tensors, never seen by another op, and are
// updated in place; so is a weight whose buffer no other tensor shares (refCount 1: always so while
// training), else the new weights go to a new tensor. No stock kernel runs on these tensors in
// between (XNNPACK caches packed weights by tensor: simgen's matmuls do not).

export const ADAM_KERNEL = 'SimgenAdam';

interface AdamAttrs {
  count: number;
  /** Per variable: update the weights in place (no other tensor shares them). */
  inPlace: boolean[];
  beta1: number;
  beta2: number;
  epsilon: number;
  learningRate: number;
  /** 1 - β1^t and 1 - β2^t as tfjs computes them (float32). */
  c1: number;
  c2: number;
}

/** Table row: w, g, w', m, v pointers and the element count (see assembly/adam.ts). */
const ROW_WORDS = 6;

export const adamKernelConfig: tf.KernelConfig = {
  kernelName: ADAM_KERNEL,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend: b, attrs }) => {
    const backend = b as unknown as WasmBackend;
    const a = attrs as unknown as AdamAttrs;
    const get = (name: string, i: number) => inputs[`${name}${i}`] as tf.TensorInfo;
    const outs = Array.from({ length: a.count }, (_, i) => (a.inPlace[i] ? get('w', i) : backend.makeOutput(get('w', i).shape, 'float32')));
    // Allocated after the outputs: allocation may grow the memory (and detach older views).
    const table = backend.wasm._malloc(a.count * ROW_WORDS * 4);
    const rows = new Uint32Array(backend.wasm.HEAPU8.buffer, table, a.count * ROW_WORDS);
    for (let i = 0; i < a.count; i++) {
      const w = get('w', i);
      const [m, v] = [ptr(backend, get('m', i)), ptr(backend, get('v', i))];
      rows.set([ptr(backend, w), ptr(backend, get('g', i)), ptr(backend, outs[i]), m, v, tf.util.sizeFromShape(w.shape)], i * ROW_WORDS);
    }
    kernelsFor(backend).adamUpdate(table, a.count, a.beta1, a.beta2, 1 - a.beta1, 1 - a.beta2, a.c1, a.c2, a.epsilon, -a.learningRate);
    backend.wasm._free(table);
    return outs.filter((_, i) => !a.inPlace[i]);
  },
};

/**
 * tf.train.adam's algorithm and defaults (β1 0.9, β2 0.999, ε = the backend's epsilon, 1e-7) on the
 * fused kernel. `learningRate` is read at every step (train.ts sets it per batch).
 */
export class FusedAdam extends tf.Optimizer {
  static get className(): string {
    return 'SimgenFusedAdam';
  }
  /** First and second moments, one tensor per variable (updated in place by the kernel). */
  private m: tf.Tensor[] = [];
  private v: tf.Tensor[] = [];
  /** β^t as float32, as tfjs keeps them (accBeta1, accBeta2). */
  private accBeta1: number;
  private accBeta2: number;

  constructor(
    public learningRate: number,
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
    private readonly epsilon = tf.backend().epsilon(),
  ) {
    super();
    this.accBeta1 = Math.fround(beta1);
    this.accBeta2 = Math.fround(beta2);
  }

  override applyGradients(variableGradients: Parameters<tf.Optimizer['applyGradients']>[0]): void {
    const named = Array.isArray(variableGradients) ? variableGradients : Object.entries(variableGradients).map(([name, tensor]) => ({ name, tensor }));
    const vars = named.map(({ name }) => tf.engine().registeredVariables[name]);
    const backend = tf.backend() as unknown as WasmBackend;
    tf.tidy(() => {
      for (let i = this.m.length; i < vars.length; i++) {
        this.m.push(tf.keep(tf.zerosLike(vars[i])));
        this.v.push(tf.keep(tf.zerosLike(vars[i])));
      }
      const inputs: tf.NamedTensorMap = {};
      named.forEach(({ tensor }, i) => Object.assign(inputs, { [`w${i}`]: vars[i], [`g${i}`]: tensor, [`m${i}`]: this.m[i], [`v${i}`]: this.v[i] }));
      const attrs: AdamAttrs = {
        count: vars.length,
        inPlace: vars.map((v) => backend.refCount(v.dataId) === 1),
        beta1: this.beta1,
        beta2: this.beta2,
        epsilon: this.epsilon,
        learningRate: this.learningRate,
        c1: Math.fround(1 - this.accBeta1),
        c2: Math.fround(1 - this.accBeta2),
      };
      const out = tf.engine().runKernel(ADAM_KERNEL, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
      vars.filter((_, i) => !attrs.inPlace[i]).forEach((v, i) => v.assign(out[i]));
    });
    this.accBeta1 = Math.fround(this.accBeta1 * Math.fround(this.beta1));
    this.accBeta2 = Math.fround(this.accBeta2 * Math.fround(this.beta2));
    this.incrementIterations();
  }

  override dispose(): void {
    tf.dispose([...this.m, ...this.v]);
    this.m = [];
    this.v = [];
  }

  override getWeights(): ReturnType<tf.Optimizer['getWeights']> {
    return Promise.reject(new Error('FusedAdam: saving optimizer state is not supported'));
  }

  override async setWeights(): Promise<void> {
    throw new Error('FusedAdam: loading optimizer state is not supported');
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }
}
