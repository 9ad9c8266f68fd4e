import * as tf from '@tensorflow/tfjs';
import { type Rng, randInt } from '../util/rng.ts';
import { activate, denseLayer } from './fast-dense.ts';
import type { Activation } from './kernels/dense.ts';
import { FastDense } from './models.ts';

// SiteSet: a localisation model for any deployment, beyond the paper (`simgen experiment zero-shot`). The
// paper's models read a fixed vector of 7 site slots, so a site's meaning depends on its slot and the
// model learns the deployments it saw. SiteSet reads the site-set features (src/dataset/deployment-
// features.ts): one block per site, and treats them as a set:
//
//   per site j:  f_j ─ phi_1 Dense 128 GELU ─ phi_2 Dense 128 GELU = h_j
//   context:     g_j = GELU(W h_j + V mean_k(h_k) + b)    (`context`, 128; the mean over the deployment's sites)
//                g_j ─ phi_3 Dense 128 GELU ─ head Dense 3 linear = (score_j, dx_j, dy_j)
//   output:      sum_j softmax(score)_j (estimate_j + (dx_j, dy_j))
//
// Every site goes through the same weights and the output is a softmax-weighted sum over the sites, so the
// model is invariant to the order of the sites and takes any number of them (slots beyond a deployment's
// size are masked out by the `present` flag); each site proposes the UE position as its own estimate (its
// path length along its AoA, a position in the output's units) plus a learned correction, and the
// deployment's sites together (the context) decide whom to trust. `noEstimate` drops the estimate from the
// output (the corrections alone are the proposals): the ablation of that geometric prior.

export const SITE_SET_WIDTH = 128;
/** Training cost per sample relative to HypLoc's (its cost in src/learn/registry.ts), for scheduling: ~75 s against ~50 s. */
export const SITE_SET_TRAIN_COST = 1.5;

export interface SiteSetOptions {
  slots: number;
  perSite: number;
  /** Offsets of the present flag and the estimate (x, y) within a site's block. */
  presentIndex: number;
  estimateIndex: number;
  /** Add the site's estimate to its proposal (default); false: the ablation without it. */
  useEstimate: boolean;
}

type LayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;

interface SiteArgs extends LayerArgs {
  perSite: number;
}

/** [B, K·F] -> [B·K, F]: one row per site slot (any K). */
export class SiteRows extends tf.layers.Layer {
  static className = 'SiteRows';
  readonly perSite: number;
  constructor(args: SiteArgs) {
    super(args);
    this.perSite = args.perSite;
  }
  override computeOutputShape(): tf.Shape {
    return [null, this.perSite];
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.reshape(Array.isArray(inputs) ? inputs[0] : inputs, [-1, this.perSite]);
  }
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), perSite: this.perSite };
  }
}

/** The present flag of every slot, [B, K, 1], from the model input [B, K·F]. */
function presence(x: tf.Tensor, perSite: number, presentIndex: number): tf.Tensor3D {
  const b = x.shape[0]!;
  const k = (x.shape[1] as number) / perSite;
  return tf.slice(tf.reshape(x, [b, k, perSite]), [0, 0, presentIndex], [b, k, 1]) as tf.Tensor3D;
}

interface ContextArgs extends SiteArgs {
  units: number;
  presentIndex: number;
  seed?: number;
}

/** Inputs [h [B·K, H], x [B, K·F]] -> GELU(h·W + mean over the present sites of h·V + b), [B·K, units]. */
export class SiteContext extends tf.layers.Layer {
  static className = 'SiteContext';
  readonly perSite: number;
  readonly units: number;
  readonly presentIndex: number;
  private readonly seed?: number;
  private w?: tf.LayerVariable;
  private v?: tf.LayerVariable;
  private bias?: tf.LayerVariable;

  constructor(args: ContextArgs) {
    super(args);
    this.perSite = args.perSite;
    this.units = args.units;
    this.presentIndex = args.presentIndex;
    this.seed = args.seed;
  }
  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const h = (inputShape as tf.Shape[])[0];
    const inDim = h[h.length - 1] as number;
    this.w = this.addWeight('kernel', [inDim, this.units], 'float32', tf.initializers.glorotUniform({ seed: this.seed }));
    this.v = this.addWeight('context_kernel', [inDim, this.units], 'float32', tf.initializers.glorotUniform({ seed: this.seed === undefined ? undefined : this.seed + 1 }));
    this.bias = this.addWeight('bias', [this.units], 'float32', tf.initializers.zeros());
    this.built = true;
  }
  override computeOutputShape(): tf.Shape {
    return [null, this.units];
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const [h, x] = inputs as tf.Tensor2D[];
      const b = x.shape[0];
      const present = presence(x, this.perSite, this.presentIndex);
      const k = present.shape[1];
      const hd = h.shape[1];
      const sum = tf.sum(tf.mul(tf.reshape(h, [b, k, hd]), present), 1);
      const mean = tf.div(sum, tf.maximum(tf.sum(present, 1), 1)) as tf.Tensor2D;
      const own = denseLayer(h, this.w!.read() as tf.Tensor2D, this.bias!.read() as tf.Tensor1D, 'linear');
      const ctx = tf.matMul(mean, this.v!.read() as tf.Tensor2D);
      const z = tf.reshape(tf.add(tf.reshape(own, [b, k, this.units]), tf.reshape(ctx, [b, 1, this.units])), [b * k, this.units]);
      return activate(z, 'gelu');
    });
  }
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), perSite: this.perSite, units: this.units, presentIndex: this.presentIndex };
  }
}

interface PoolArgs extends SiteArgs {
  presentIndex: number;
  estimateIndex: number;
  useEstimate: boolean;
}

/** Inputs [head [B·K, 3], x [B, K·F]] -> the softmax-weighted sum of the sites' proposals, [B, 2]. */
export class SitePool extends tf.layers.Layer {
  static className = 'SitePool';
  readonly perSite: number;
  readonly presentIndex: number;
  readonly estimateIndex: number;
  readonly useEstimate: boolean;

  constructor(args: PoolArgs) {
    super(args);
    this.perSite = args.perSite;
    this.presentIndex = args.presentIndex;
    this.estimateIndex = args.estimateIndex;
    this.useEstimate = args.useEstimate;
  }
  override computeOutputShape(): tf.Shape {
    return [null, 2];
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const [head, x] = inputs as tf.Tensor2D[];
      const b = x.shape[0];
      const k = x.shape[1] / this.perSite;
      const h3 = tf.reshape(head, [b, k, 3]);
      const present = presence(x, this.perSite, this.presentIndex);
      // Absent slots get -1e4 before the softmax: weight 0.
      const score = tf.add(tf.reshape(tf.slice(h3, [0, 0, 0], [b, k, 1]), [b, k]), tf.reshape(tf.mul(tf.sub(present, 1), 1e4), [b, k]));
      const weight = tf.reshape(tf.softmax(score), [b, k, 1]);
      let proposal = tf.slice(h3, [0, 0, 1], [b, k, 2]);
      if (this.useEstimate) proposal = tf.add(proposal, tf.slice(tf.reshape(x, [b, k, this.perSite]), [0, 0, this.estimateIndex], [b, k, 2]));
      return tf.sum(tf.mul(weight, proposal), 1);
    });
  }
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), perSite: this.perSite, presentIndex: this.presentIndex, estimateIndex: this.estimateIndex, useEstimate: this.useEstimate };
  }
}

tf.serialization.registerClass(SiteRows);
tf.serialization.registerClass(SiteContext);
tf.serialization.registerClass(SitePool);

/** A fresh SiteSet model for `slots` site blocks of `perSite` values; kernel seeds from `rng`. */
export function buildSiteSet(o: SiteSetOptions, rng: Rng): tf.LayersModel {
  const seed = () => randInt(rng, 2 ** 31);
  const fd = (name: string, units: number, activation: Activation) => new FastDense({ name, units, activation, seed: seed() });
  const input = tf.input({ shape: [o.slots * o.perSite], name: 'features' });
  const rows = new SiteRows({ name: 'site_rows', perSite: o.perSite }).apply(input) as tf.SymbolicTensor;
  let h = fd('phi_1', SITE_SET_WIDTH, 'gelu').apply(rows) as tf.SymbolicTensor;
  h = fd('phi_2', SITE_SET_WIDTH, 'gelu').apply(h) as tf.SymbolicTensor;
  h = new SiteContext({ name: 'context', units: SITE_SET_WIDTH, perSite: o.perSite, presentIndex: o.presentIndex, seed: seed() }).apply([h, input]) as tf.SymbolicTensor;
  h = fd('phi_3', SITE_SET_WIDTH, 'gelu').apply(h) as tf.SymbolicTensor;
  const head = fd('head', 3, 'linear').apply(h) as tf.SymbolicTensor;
  const out = new SitePool({ name: 'pool', perSite: o.perSite, presentIndex: o.presentIndex, estimateIndex: o.estimateIndex, useEstimate: o.useEstimate }).apply([head, input]) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out, name: 'site-set' });
}

/**
 * The same model for deployments of up to `slots` sites: every weight is per site, so only the input
 * width changes (a model trained on 7-site deployments localises with 4 or 12).
 */
export function withSlots(model: tf.LayersModel, o: SiteSetOptions): tf.LayersModel {
  const m = buildSiteSet(o, () => 0.5);
  m.setWeights(model.getWeights());
  return m;
}
