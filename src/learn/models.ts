import * as tf from '@tensorflow/tfjs';
import { type Rng, randInt } from '../util/rng.ts';
import { activate, denseLayer, perSampleDense } from './fast-dense.ts';
import type { Activation } from './kernels/dense.ts';

// The three architectures of the paper (III-C, IV-B) as tfjs LayersModels, built from two custom
// layers so that training takes the fast-gradient ops of fast-dense.ts and the models save and
// load in the standard tfjs format (model.json + weights.bin; the classes are registered below).
//
//   hyploc       x ─┬─ hyper_1 Dense 64 GELU ─ hyper_2 Dense 128 GELU ─ hyper_out Dense 1824 sigmoid ─┐
//                   └──────────────────────────────────────────────── main: per-sample Dense 32 GELU ─┴─
//                   ─ head_1 Dense 32 GELU ─ head_2 Dense 32 GELU ─ out Dense 2        249442 trainable
//   single       x ─ dense_1..3 Dense 32 GELU ─ out Dense 2                               4002 trainable
//   single-plus  x ─ dense_1..3 Dense 340 GELU ─ out Dense 2                            251942 trainable

export const MODEL_KINDS = ['hyploc', 'single', 'single-plus'] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];
/** Every architecture trainModel trains: the paper's, and SiteSet (src/learn/site-set.ts, built by its caller). */
export type TrainableKind = ModelKind | 'site-set';
export const isPaperKind = (k: TrainableKind): k is ModelKind => (MODEL_KINDS as readonly string[]).includes(k);

export type { Activation };

type LayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;

function checkActivation(a: unknown): Activation {
  if (a !== 'gelu' && a !== 'sigmoid' && a !== 'linear') throw new Error(`activation must be "gelu", "sigmoid" or "linear" (got ${JSON.stringify(a)})`);
  return a;
}

interface FastDenseArgs extends LayerArgs {
  units: number;
  activation: Activation;
  /** Seed of the Glorot-uniform kernel initializer (biases start at 0, as in Keras). */
  seed?: number;
}

/** Dense layer (kernel [in, units], bias [units]) whose gradient takes the XNNPACK path. */
export class FastDense extends tf.layers.Layer {
  static className = 'FastDense';
  readonly units: number;
  readonly activation: Activation;
  private readonly seed?: number;
  private kernel?: tf.LayerVariable;
  private bias?: tf.LayerVariable;

  constructor(args: FastDenseArgs) {
    super(args);
    this.units = args.units;
    this.activation = checkActivation(args.activation);
    this.seed = args.seed;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const inDim = shape[shape.length - 1] as number;
    this.kernel = this.addWeight('kernel', [inDim, this.units], 'float32', tf.initializers.glorotUniform({ seed: this.seed }));
    this.bias = this.addWeight('bias', [this.units], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [...shape.slice(0, -1), this.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor2D;
      // Fed by the model's input (a constant), the layer needs no gradient for x.
      const fromInput = this.inboundNodes[0]?.inboundLayers.every((l) => l.getClassName() === 'InputLayer') ?? false;
      return denseLayer(x, this.kernel!.read() as tf.Tensor2D, this.bias!.read() as tf.Tensor1D, this.activation, !fromInput);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), units: this.units, activation: this.activation };
  }
}

interface PerSampleDenseArgs extends LayerArgs {
  units: number;
  activation: Activation;
}

/**
 * HypLoc's main network: inputs [x [B, I], params [B, I·units + units]] from the hypernetwork;
 * each sample gets its own weights (row-major W then biases, see perSampleDense). No weights of its own.
 */
export class PerSampleDense extends tf.layers.Layer {
  static className = 'PerSampleDense';
  readonly units: number;
  readonly activation: Activation;

  constructor(args: PerSampleDenseArgs) {
    super(args);
    this.units = args.units;
    this.activation = checkActivation(args.activation);
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const [xShape, pShape] = inputShape as tf.Shape[];
    const inDim = xShape[1] as number;
    if (pShape[1] !== inDim * this.units + this.units)
      throw new Error(`PerSampleDense: params width must be ${inDim}·${this.units} + ${this.units} = ${inDim * this.units + this.units} (got ${pShape[1]})`);
    return [xShape[0], this.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const [x, params] = inputs as tf.Tensor2D[];
      return activate(perSampleDense(x, params), this.activation);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), units: this.units, activation: this.activation };
  }
}

tf.serialization.registerClass(FastDense);
tf.serialization.registerClass(PerSampleDense);

/** Width of HypLoc's main layer (paper: 32 neurons). */
export const MAIN_UNITS = 32;

/**
 * A freshly initialised model. Layer names are fixed (not tfjs's global counters) so that saved
 * model.json files are byte-identical across runs; kernel seeds come from `rng`.
 */
export function buildModel(kind: ModelKind, inputWidth: number, rng: Rng): tf.LayersModel {
  const seed = () => randInt(rng, 2 ** 31);
  const fd = (name: string, units: number, activation: Activation) => new FastDense({ name, units, activation, seed: seed() });
  const input = tf.input({ shape: [inputWidth], name: 'features' });
  let out: tf.SymbolicTensor;
  if (kind === 'hyploc') {
    let h = fd('hyper_1', 64, 'gelu').apply(input) as tf.SymbolicTensor;
    h = fd('hyper_2', 128, 'gelu').apply(h) as tf.SymbolicTensor;
    const params = fd('hyper_out', inputWidth * MAIN_UNITS + MAIN_UNITS, 'sigmoid').apply(h) as tf.SymbolicTensor;
    out = new PerSampleDense({ name: 'main', units: MAIN_UNITS, activation: 'gelu' }).apply([input, params]) as tf.SymbolicTensor;
    out = fd('head_1', 32, 'gelu').apply(out) as tf.SymbolicTensor;
    out = fd('head_2', 32, 'gelu').apply(out) as tf.SymbolicTensor;
  } else {
    const width = kind === 'single' ? 32 : 340;
    out = input;
    for (let i = 1; i <= 3; i++) out = fd(`dense_${i}`, width, 'gelu').apply(out) as tf.SymbolicTensor;
  }
  out = fd('out', 2, 'linear').apply(out) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out, name: kind });
}

/** Trainable parameter count (all of a model's weights are trainable). */
export function trainableParams(model: tf.LayersModel): number {
  return model.trainableWeights.reduce((n, w) => n + w.shape.reduce((a: number, b) => a * (b as number), 1), 0);
}

/** The per-sample weights [B, I, units] and biases [B, units] HypLoc's hypernetwork gives its main layer. */
export function mainLayerParams(model: tf.LayersModel, x: tf.Tensor2D): { weights: tf.Tensor3D; biases: tf.Tensor2D } {
  const sub = tf.model({ inputs: model.inputs, outputs: model.getLayer('hyper_out').output as tf.SymbolicTensor });
  return tf.tidy(() => {
    const p = sub.predict(x) as tf.Tensor2D;
    const [b, inDim] = x.shape;
    return {
      weights: tf.reshape(tf.slice(p, [0, 0], [b, inDim * MAIN_UNITS]), [b, inDim, MAIN_UNITS]) as tf.Tensor3D,
      biases: tf.slice(p, [0, inDim * MAIN_UNITS], [b, MAIN_UNITS]) as tf.Tensor2D,
    };
  });
}

/**
 * The model's forward pass in training mode, layer by layer: what model.apply(x, { training: true })
 * computes for these single-input, single-output graphs, without tfjs-layers re-checking the graph
 * at every call (~5 % of a training step at batch 32).
 */
export function forwardTraining(model: tf.LayersModel, x: tf.Tensor): tf.Tensor {
  const out = new Map<string, tf.Tensor>([[model.inputLayers[0].name, x]]);
  for (const layer of model.layers) {
    if (out.has(layer.name)) continue;
    const inbound = (layer.inboundNodes[0].inboundLayers as tf.layers.Layer[]).map((l) => out.get(l.name)!);
    out.set(layer.name, layer.call(inbound.length === 1 ? inbound[0] : inbound, { training: true }) as tf.Tensor);
  }
  return out.get(model.outputLayers[0].name)!;
}
