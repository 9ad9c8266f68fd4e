import * as tf from '@tensorflow/tfjs';
import { ACTIVATIONS, type Activation } from './kernels/dense.ts';
import { type FmaMode, type StepKernels, stepKernels } from './kernels/step-module.ts';
import { FastDense, MAIN_UNITS, PerSampleDense } from './models.ts';

// One training step of the paper's architectures (the dense chains of Single and Single+, and HypLoc:
// hypernetwork chain, per-sample main layer, head chain) as a few wasm calls per layer over one arena:
// forward, MSE loss, backward and Adam, with no tfjs tensor, tape or kernel dispatch in between (at batch
// 32 that bookkeeping was ~20 % of a step and tfjs's one-op-at-a-time kernels most of the rest: see
// docs/train.md, "Where the time of a step went"). The tfjs model stays the reference and the store:
// its weights are read in at the start, written back before every evaluation and at the end
// (syncToModel), and its layers define the step (FusedStep.for returns undefined for anything else,
// e.g. SiteSet, which trains on the tfjs path).
//
// Arena: weights of every layer packed as the kernels want them (assembly/step.ts: W as O/8 panels of
// [I][8], widths padded to multiples of 8 with zeros, the batch to a multiple of 8), contiguous, so that
// one Adam pass (assembly/adam.ts, tfjs's float32 operations as FusedAdam) updates all parameters;
// then the gradients, Adam's two moments, and the activations of the step.

const ALIGN = 16; // floats: 64 bytes
const pad8 = (n: number) => Math.ceil(n / 8) * 8;

interface DenseLayer {
  act: Activation;
  /** Real and padded input and output widths. */
  inDim: number;
  outDim: number;
  inP: number;
  outP: number;
  kernel: tf.Variable;
  bias: tf.Variable;
  /** Float offsets in the arena: packed weights and bias (their gradients at the same offsets + paramCount). */
  w: number;
  b: number;
  /** Output [BP, outP] (pre-activation, then activation in place), GELU's derivative [BP, outP]. */
  y: number;
  d: number;
  /** Input rows: arena offset and row stride (floats); whether the gradient for the input is needed. */
  x: number;
  ldx: number;
  needDx: boolean;
}

interface PerSample {
  /** Main-layer pre-activation / output [BP, 32] and GELU's derivative. */
  y: number;
  d: number;
  inDim: number;
}

export interface StepOptions {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  /** Force the exact multiply-add emulation (tests compare it with the relaxed-SIMD build). */
  fma?: FmaMode;
}

export class FusedStep {
  readonly fma: FmaMode;
  private readonly k: StepKernels;
  private readonly memory: WebAssembly.Memory;
  private readonly f32: Float32Array;
  private readonly bp: number;
  private readonly width: number;
  private readonly x0: number;
  private readonly labels: number;
  private readonly ping: number;
  private readonly pong: number;
  private readonly dzT: number;
  private readonly dxT: number;
  /** adamUpdate's table (assembly/adam.ts): one row, all parameters. */
  private readonly table: number;
  private readonly params: number;
  private readonly paramCount: number;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly epsilon: number;
  private accBeta1: number;
  private accBeta2: number;

  private constructor(
    /** The dense chain from the input: all of an MLP, HypLoc's hypernetwork. */
    private readonly front: DenseLayer[],
    private readonly main: PerSample | undefined,
    /** HypLoc's dense chain after its main layer (empty for an MLP). */
    private readonly back: DenseLayer[],
    batchSize: number,
    width: number,
    o: StepOptions,
  ) {
    this.width = width;
    this.bp = pad8(batchSize);
    this.beta1 = o.beta1 ?? 0.9;
    this.beta2 = o.beta2 ?? 0.999;
    this.epsilon = o.epsilon ?? tf.backend().epsilon();
    this.accBeta1 = Math.fround(this.beta1);
    this.accBeta2 = Math.fround(this.beta2);
    const layers = [...front, ...back];
    let top = ALIGN;
    const alloc = (n: number) => {
      const at = top;
      top += Math.ceil(n / ALIGN) * ALIGN;
      return at;
    };
    // Parameters first, contiguous (one Adam pass), then gradients, moments, activations.
    this.params = top;
    for (const l of layers) {
      l.w = alloc(l.inP * l.outP);
      l.b = alloc(l.outP);
    }
    this.paramCount = top - this.params;
    alloc(3 * this.paramCount); // gradients, first and second moments at +1, +2, +3 x paramCount
    const inP = pad8(width);
    this.x0 = alloc(this.bp * inP);
    let maxW = inP;
    let x = this.x0;
    let ldx = inP;
    for (const chain of [front, back]) {
      for (const l of chain) {
        l.x = x;
        l.ldx = ldx;
        l.y = alloc(this.bp * l.outP);
        l.d = l.act === 'gelu' ? alloc(this.bp * l.outP) : 0;
        x = l.y;
        ldx = l.outP;
        maxW = Math.max(maxW, l.outP);
      }
      if (chain === front && main) {
        main.y = alloc(this.bp * MAIN_UNITS);
        main.d = alloc(this.bp * MAIN_UNITS);
        x = main.y;
        ldx = MAIN_UNITS;
      }
    }
    this.labels = alloc(this.bp * 2);
    this.ping = alloc(this.bp * maxW);
    this.pong = alloc(this.bp * maxW);
    this.dzT = alloc(this.bp * maxW);
    this.dxT = alloc(this.bp * maxW);
    this.table = alloc(6);
    this.memory = new WebAssembly.Memory({ initial: Math.ceil((top * 4) / 65536) + 1 });
    const { kernels, fma } = stepKernels(this.memory, o.fma);
    this.k = kernels;
    this.fma = fma;
    this.f32 = new Float32Array(this.memory.buffer);
    new Uint32Array(this.memory.buffer, this.table * 4, 6).set([this.params * 4, (this.params + this.paramCount) * 4, this.params * 4, (this.params + 2 * this.paramCount) * 4, (this.params + 3 * this.paramCount) * 4, this.paramCount]);
    this.loadFromModel();
  }

  /**
   * A fused step for `model`, or undefined when its graph is not one this module knows: a chain of
   * FastDense layers from the input, or HypLoc's (a FastDense chain ending in a sigmoid layer of
   * 32·I + 32 units, a PerSampleDense of 32 units on [input, that layer], a FastDense chain after it).
   */
  static for(model: tf.LayersModel, batchSize: number, o: StepOptions = {}): FusedStep | undefined {
    if (model.inputs.length !== 1 || model.outputs.length !== 1) return undefined;
    const width = model.inputs[0].shape[1];
    if (typeof width !== 'number') return undefined;
    const inputName = model.inputLayers[0].name;
    const front: DenseLayer[] = [];
    const back: DenseLayer[] = [];
    let main: PerSample | undefined;
    let prev = inputName;
    for (const layer of model.layers) {
      if (layer.name === inputName) continue;
      const inbound = (layer.inboundNodes[0]?.inboundLayers ?? []).map((l) => l.name);
      if (layer instanceof FastDense) {
        if (inbound.length !== 1 || inbound[0] !== prev) return undefined;
        const [kernel, bias] = layer.trainableWeights.map((w) => w.read() as tf.Variable);
        const [inDim, outDim] = kernel.shape;
        (main ? back : front).push({
          act: layer.activation, inDim, outDim, inP: pad8(inDim), outP: pad8(outDim), kernel, bias,
          w: 0, b: 0, y: 0, d: 0, x: 0, ldx: 0, needDx: prev !== inputName,
        });
      } else if (layer instanceof PerSampleDense) {
        const last = front[front.length - 1];
        if (main || !last || inbound.length !== 2 || inbound[0] !== inputName || inbound[1] !== prev) return undefined;
        if (layer.units !== MAIN_UNITS || last.act !== 'sigmoid' || last.outDim !== width * MAIN_UNITS + MAIN_UNITS || layer.activation !== 'gelu') return undefined;
        main = { y: 0, d: 0, inDim: width };
      } else return undefined;
      prev = layer.name;
    }
    const chain = main ? back : front;
    if (chain.length === 0 || prev !== model.outputLayers[0].name || chain[chain.length - 1].outDim !== 2) return undefined;
    return new FusedStep(front, main, back, batchSize, width, o);
  }

  private get layers(): DenseLayer[] {
    return [...this.front, ...this.back];
  }

  /** (Re)read the model's weights into the arena (packed, padding zero); Adam's moments to zero. */
  loadFromModel(): void {
    const f = this.f32;
    f.fill(0, this.params, this.params + 4 * this.paramCount);
    for (const l of this.layers) {
      const w = l.kernel.dataSync();
      for (let i = 0; i < l.inDim; i++) for (let o = 0; o < l.outDim; o++) f[l.w + (o >> 3) * l.inP * 8 + i * 8 + (o & 7)] = w[i * l.outDim + o];
      f.set(l.bias.dataSync(), l.b);
    }
  }

  /** Unpack the arena's parameters (or, with `offset` = paramCount, the gradients) of layer l. */
  private unpack(l: DenseLayer, offset: number): { kernel: Float32Array; bias: Float32Array } {
    const f = this.f32;
    const kernel = new Float32Array(l.inDim * l.outDim);
    for (let i = 0; i < l.inDim; i++) for (let o = 0; o < l.outDim; o++) kernel[i * l.outDim + o] = f[offset + l.w + (o >> 3) * l.inP * 8 + i * 8 + (o & 7)];
    return { kernel, bias: f.slice(offset + l.b, offset + l.b + l.outDim) };
  }

  /** Write the trained weights back into the model's variables (before evaluating or saving it). */
  syncToModel(): void {
    for (const l of this.layers) {
      const { kernel, bias } = this.unpack(l, 0);
      tf.tidy(() => {
        l.kernel.assign(tf.tensor2d(kernel, [l.inDim, l.outDim]));
        l.bias.assign(tf.tensor1d(bias));
      });
    }
  }

  /** Copy b samples (features [b, width], scaled labels [b, 2]) into the arena; padding rows zero. */
  private load(x: Float32Array, y: Float32Array, b: number): void {
    if (b < 1 || b > this.bp) throw new Error(`FusedStep: batch of ${b} samples (1 .. ${this.bp})`);
    const f = this.f32;
    const inP = pad8(this.width);
    if (inP === this.width) f.set(x.subarray(0, b * this.width), this.x0);
    else for (let r = 0; r < b; r++) f.set(x.subarray(r * this.width, (r + 1) * this.width), this.x0 + r * inP);
    f.fill(0, this.x0 + b * inP, this.x0 + this.bp * inP);
    f.set(y.subarray(0, 2 * b), this.labels);
  }

  private forward(): void {
    const k = this.k;
    const bp = this.bp;
    const dense = (l: DenseLayer) => {
      k.denseForward(l.x * 4, l.ldx, bp, l.inP, l.w * 4, l.b * 4, l.outP, l.y * 4);
      if (l.act !== 'linear') k.biasAct(l.y * 4, 0, l.y * 4, l.d * 4, 1, bp * l.outP, ACTIVATIONS[l.act]);
    };
    this.front.forEach(dense);
    if (this.main) {
      const m = this.main;
      k.perSampleForward(this.x0 * 4, pad8(this.width), this.front[this.front.length - 1].y * 4, bp, m.inDim, m.y * 4);
      k.biasAct(m.y * 4, 0, m.y * 4, m.d * 4, 1, bp * MAIN_UNITS, ACTIVATIONS.gelu);
    }
    this.back.forEach(dense);
  }

  /** Backward through one dense layer, dy [BP, outP] at `dy`; returns where dx went (or -1). */
  private denseBackward(l: DenseLayer, dy: number, free: number, skipAct = false): number {
    const k = this.k;
    const bp = this.bp;
    if (!skipAct && l.act !== 'linear') k.actGrad(dy * 4, (l.act === 'gelu' ? l.d : l.y) * 4, dy * 4, bp * l.outP, ACTIVATIONS[l.act]);
    let dx = -1;
    if (l.needDx) {
      // dx = dz·Wᵀ as (W·dzᵀ)ᵀ: W is read in its packed order.
      k.transpose(dy * 4, bp, l.outP, this.dzT * 4);
      k.denseGradX(l.w * 4, l.inP, l.outP, this.dzT * 4, bp, this.dxT * 4);
      k.transpose(this.dxT * 4, l.inP, bp, free * 4);
      dx = free;
    }
    const g = this.paramCount;
    k.denseGradW(l.x * 4, l.ldx, bp, l.inP, dy * 4, l.outP, (l.w + g) * 4);
    k.colSum(dy * 4, (l.b + g) * 4, bp, l.outP);
    return dx;
  }

  /** Forward, loss and gradients (into the arena's gradient block); returns the loss. */
  private lossAndGradients(x: Float32Array, y: Float32Array, b: number): number {
    this.load(x, y, b);
    this.forward();
    const k = this.k;
    const last = (this.main ? this.back : this.front).at(-1)!;
    const loss = k.mseStep(last.y * 4, last.outP, this.labels * 4, b, this.bp, this.ping * 4);
    let [dy, free] = [this.ping, this.pong];
    const down = (chain: DenseLayer[], skipActOfLast = false) => {
      for (let i = chain.length - 1; i >= 0; i--) {
        const dx = this.denseBackward(chain[i], dy, free, skipActOfLast && i === chain.length - 1);
        if (dx >= 0) [dy, free] = [dx, dy];
      }
    };
    if (!this.main) down(this.front);
    else {
      down(this.back);
      const m = this.main;
      k.actGrad(dy * 4, m.d * 4, dy * 4, this.bp * MAIN_UNITS, ACTIVATIONS.gelu);
      k.perSampleBackward(this.x0 * 4, pad8(this.width), this.front.at(-1)!.y * 4, this.bp, m.inDim, dy * 4, free * 4);
      [dy, free] = [free, dy];
      down(this.front, true);
    }
    return loss;
  }

  /** One training step on b samples at learning rate lr (Adam as FusedAdam / tf.train.adam); returns the loss. */
  step(x: Float32Array, y: Float32Array, b: number, lr: number): number {
    const loss = this.lossAndGradients(x, y, b);
    const c1 = Math.fround(1 - this.accBeta1);
    const c2 = Math.fround(1 - this.accBeta2);
    this.k.adamUpdate(this.table * 4, 1, this.beta1, this.beta2, 1 - this.beta1, 1 - this.beta2, c1, c2, this.epsilon, -lr);
    this.accBeta1 = Math.fround(this.accBeta1 * Math.fround(this.beta1));
    this.accBeta2 = Math.fround(this.accBeta2 * Math.fround(this.beta2));
    return loss;
  }

  /** The loss and the gradient of every trainable variable (by name, in the variable's shape), without a step. */
  gradients(x: Float32Array, y: Float32Array, b: number): { loss: number; grads: Map<string, Float32Array> } {
    const loss = this.lossAndGradients(x, y, b);
    const grads = new Map<string, Float32Array>();
    for (const l of this.layers) {
      const { kernel, bias } = this.unpack(l, this.paramCount);
      grads.set(l.kernel.name, kernel);
      grads.set(l.bias.name, bias);
    }
    return { loss, grads };
  }
}
