import type * as tf from '@tensorflow/tfjs';
import type { TrainConfig } from '../scenario/config.ts';
import type { SampleSet, Scaler } from './data.ts';
import { predictPositions } from './evaluate.ts';
import { fitGeometric, loadGeometric } from './geometric.ts';
import { activeKernels } from './kernels/index.ts';
import { fitKnn, loadKnn } from './knn.ts';
import { loadModel, type ModelInfo, saveModel } from './model-io.ts';
import { type ModelKind, trainableParams } from './models.ts';
import { type EpochStats, trainModel } from './train.ts';

// The model registry: every model kind a training job can fit (`simgen train --model`, the experiments),
// and all a job needs to know of it. A kind fits a training set and gives a Fitted model: positions for any
// sample set, a save to a folder, its parameter count, its training curve and the fit settings metrics.json
// records. The job runner (jobs/) schedules, evaluates and records every kind the same way.
//
// The paper's three networks share one implementation (trainModel). A kind that trains no network (a kNN
// fingerprint table, a closed-form geometric estimator) is one more entry with its own fit and load: its
// Fitted gives params 0 (or its table size), an empty curve and its own settings; nothing else changes.

/** What a kind is asked to fit. */
export interface FitRequest {
  train: SampleSet;
  /** Evaluated after every epoch by kinds that iterate (the curve). */
  test: SampleSet;
  scaler: Scaler;
  /** Names of the feature vector's entries (dataset.arrow's feature_layout), for kinds that read features by name. */
  featureLayout: string[];
  config: TrainConfig;
  seed: number;
  /** Continue from this model (re-training), made by the same kind's fit or load; else start fresh. */
  from?: Fitted;
  onEpoch?: (e: EpochStats) => void;
  /** Samples processed so far of the whole fit. */
  onBatch?: (processed: number, total: number) => void;
}

/** A fitted model, whatever its kind. */
export interface Fitted {
  /** UE positions (n x 2, metres) for a sample set. */
  predict(set: SampleSet, scaler: Scaler): Float32Array;
  /** Trainable parameters. */
  params: number;
  /** Per epoch: training loss, test error, learning rate (empty for a kind that does not iterate). */
  curve: EpochStats[];
  /** The fit's settings as metrics.json records them (between the sample counts and the errors). */
  settings: Record<string, number | string>;
  /** Fitting wall time (s) and throughput (samples/s), for timing.json. */
  seconds: number;
  samplesPerSecond: number;
  save(dir: string, info: ModelInfo): Promise<void>;
  dispose(): void;
}

export interface KindEntry {
  /** Name in tables and legends. */
  label: string;
  /** Relative fitting cost per training sample (bench/train.ts), for scheduling: the longest jobs start first. */
  cost: number;
  /** Fits over epochs, reporting its samples as it goes (the networks); false: fitted at once (the baselines). */
  iterates: boolean;
  fit(r: FitRequest): Promise<Fitted>;
  /** A model this kind saved (the base of a re-training). */
  load(dir: string): Promise<Fitted>;
}

/** What metrics.json records of a network's fit: its schedule, its seed and the kernels it ran on. */
export function networkSettings(c: TrainConfig, seed: number): Record<string, number | string> {
  return { epochs: c.epochs, batch_size: c.batchSize, seed, learning_rate: c.learningRate, lr_decay_rate: c.lrDecayRate, lr_decay_samples: c.lrDecaySamples, kernels: activeKernels() };
}

/** A tfjs network as a Fitted model. */
export class FittedNetwork implements Fitted {
  readonly params: number;

  constructor(
    readonly model: tf.LayersModel,
    readonly curve: EpochStats[],
    readonly settings: Record<string, number | string>,
    readonly seconds = 0,
    readonly samplesPerSecond = 0,
  ) {
    this.params = trainableParams(model);
  }

  predict(set: SampleSet, scaler: Scaler): Float32Array {
    return predictPositions(this.model, set, scaler);
  }

  save(dir: string, info: ModelInfo): Promise<void> {
    return saveModel(this.model, info, dir);
  }

  dispose(): void {
    this.model.dispose();
  }
}

/** One of the paper's networks (src/learn/models.ts), trained by trainModel (src/learn/train.ts). */
function network(kind: ModelKind, label: string, cost: number): KindEntry {
  return {
    label,
    cost,
    iterates: true,
    async fit(r) {
      if (r.from && !(r.from instanceof FittedNetwork)) throw new Error(`${kind}: can only continue a ${kind} network`);
      const c = r.config;
      const res = await trainModel({
        kind,
        model: r.from?.model,
        train: r.train,
        test: r.test,
        scaler: r.scaler,
        epochs: c.epochs,
        batchSize: c.batchSize,
        seed: r.seed,
        learningRate: c.learningRate,
        lrDecayRate: c.lrDecayRate,
        lrDecaySamples: c.lrDecaySamples,
        onBatch: r.onBatch,
        onEpoch: r.onEpoch,
      });
      return new FittedNetwork(res.model, res.curve, networkSettings(c, r.seed), res.seconds, res.samplesPerSecond);
    },
    async load(dir) {
      return new FittedNetwork((await loadModel(dir)).model, [], {});
    },
  };
}

/**
 * Every kind, in the order `--model` lists them: the networks, then the baselines (src/learn/knn.ts,
 * geometric.ts), which train nothing. Costs: bench/train.ts (Single is several times faster); a baseline's
 * fit and test on the default dataset take ~1/30 (kNN's search) and ~1/1000 (geometric) of HypLoc's training.
 */
export const MODEL_REGISTRY = {
  hyploc: network('hyploc', 'HypLoc', 1),
  single: network('single', 'Single', 0.2),
  'single-plus': network('single-plus', 'Single+', 0.85),
  knn: { label: 'kNN', cost: 0.03, iterates: false, fit: fitKnn, load: loadKnn },
  geometric: { label: 'geometric', cost: 0.001, iterates: false, fit: fitGeometric, load: loadGeometric },
} satisfies Record<string, KindEntry>;

export type KindName = keyof typeof MODEL_REGISTRY;
export const KIND_NAMES = Object.keys(MODEL_REGISTRY) as KindName[];
