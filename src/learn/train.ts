import * as tf from '@tensorflow/tfjs';
import { rngFor, shuffleInPlace } from '../util/rng.ts';
import { type SampleSet, type Scaler, scaledLabels } from './data.ts';
import { evaluate } from './evaluate.ts';
import { meanSquaredError } from './fast-dense.ts';
import { FusedStep } from './fused-step.ts';
import { FusedAdam } from './kernels/adam.ts';
import { activeKernels } from './kernels/index.ts';
import { buildModel, forwardTraining, isPaperKind, type ModelKind, type TrainableKind } from './models.ts';

// The training loop of paper III-C: Adam, MSE loss, learning rate lr0 · (1 - decay)^⌊processed
// samples / decaySamples⌋ (-4 % every 10000 samples, a staircase), seeded initialisation and
// per-epoch shuffling; the test split is evaluated after every epoch. Our own loop (not
// model.fit): fit shuffles with Math.random and cannot change the learning rate by samples.
// The loop yields to the event loop every YIELD_MS of work, so that a training worker sees its parent go
// (src/util/process-pool.ts) and a signal or a lock's heartbeat gets through; the numbers do not change.

const YIELD_MS = 100;

export interface TrainOptions {
  /** The architecture; it also names the seed streams. A paper model is built here unless `model` is given; SiteSet must be. */
  kind: TrainableKind;
  train: SampleSet;
  /** Evaluated after every epoch (mean 2D error), if given. */
  test?: SampleSet;
  scaler: Scaler;
  epochs: number;
  batchSize: number;
  seed: number;
  learningRate?: number;
  lrDecayRate?: number;
  lrDecaySamples?: number;
  /** Continue training this model (fine-tuning) instead of building a fresh one. */
  model?: tf.LayersModel;
  onEpoch?: (e: EpochStats) => void;
  /** Called after every batch with the samples processed so far in this run. */
  onBatch?: (processed: number, total: number) => void;
}

export interface EpochStats {
  epoch: number;
  /** Mean training MSE over the epoch (normalised label units). */
  loss: number;
  /** Mean 2D test error after the epoch (m); null without a test set. */
  test_mean_error_m: number | null;
  learning_rate: number;
}

export interface TrainResult {
  model: tf.LayersModel;
  curve: EpochStats[];
  /** Wall-clock training time (s), per-epoch test evaluation excluded. */
  seconds: number;
  samplesPerSecond: number;
}

export async function trainModel(o: TrainOptions): Promise<TrainResult> {
  const lr0 = o.learningRate ?? 1e-3;
  const decay = o.lrDecayRate ?? 0.04;
  const decaySamples = o.lrDecaySamples ?? 10000;
  if (!o.model && !isPaperKind(o.kind)) throw new Error(`trainModel: a ${o.kind} model is built by its caller (pass it as \`model\`)`);
  const model = o.model ?? buildModel(o.kind as ModelKind, o.train.width, rngFor(o.seed, `learn/init/${o.kind}`));
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  // The paper's architectures train on simgen's fused step (fused-step.ts); SiteSet and the stock kernels on tfjs.
  const fused = activeKernels() === 'simgen' ? FusedStep.for(model, o.batchSize) : undefined;
  const optimizer = activeKernels() === 'stock' ? tf.train.adam(lr0) : new FusedAdam(lr0);
  // AdamOptimizer reads its (TS-protected) learningRate field at every step: set it per batch.
  const setLr = (lr: number) => ((optimizer as unknown as { learningRate: number }).learningRate = lr);
  let lr = lr0;
  const shuffleRng = rngFor(o.seed, `learn/shuffle/${o.kind}`);

  const { n, width } = o.train;
  const labels = scaledLabels(o.train, o.scaler);
  const order = Array.from({ length: n }, (_, i) => i);
  const xb = new Float32Array(o.batchSize * width);
  const yb = new Float32Array(o.batchSize * 2);
  const curve: EpochStats[] = [];
  let processed = 0;
  let trainMs = 0;
  let lastYield = performance.now();

  try {
    for (let epoch = 1; epoch <= o.epochs; epoch++) {
      const t0 = performance.now();
      shuffleInPlace(shuffleRng, order);
      let lossSum = 0;
      for (let s = 0; s < n; s += o.batchSize) {
        const b = Math.min(o.batchSize, n - s);
        for (let i = 0; i < b; i++) {
          const r = order[s + i];
          xb.set(o.train.features.subarray(r * width, (r + 1) * width), i * width);
          yb[2 * i] = labels[2 * r];
          yb[2 * i + 1] = labels[2 * r + 1];
        }
        lr = setLr(lr0 * (1 - decay) ** Math.floor(processed / decaySamples));
        if (fused) lossSum += fused.step(xb, yb, b, lr) * b;
        else {
          const cost = tf.tidy(() => {
            const x = tf.tensor2d(xb.subarray(0, b * width), [b, width]);
            const y = tf.tensor2d(yb.subarray(0, b * 2), [b, 2]);
            return optimizer.minimize(() => meanSquaredError(forwardTraining(model, x), y), true, vars)!;
          });
          lossSum += cost.dataSync()[0] * b;
          cost.dispose();
        }
        processed += b;
        o.onBatch?.(processed, n * o.epochs);
        if (performance.now() - lastYield > YIELD_MS) {
          await new Promise((r) => setImmediate(r));
          lastYield = performance.now();
        }
      }
      trainMs += performance.now() - t0;
      fused?.syncToModel();
      const stats: EpochStats = {
        epoch,
        loss: lossSum / n,
        test_mean_error_m: o.test && o.test.n > 0 ? evaluate(model, o.test, o.scaler).summary.mean_error_m : null,
        learning_rate: lr,
      };
      curve.push(stats);
      o.onEpoch?.(stats);
    }
  } finally {
    optimizer.dispose();
  }
  return { model, curve, seconds: trainMs / 1000, samplesPerSecond: processed / (trainMs / 1000) };
}
