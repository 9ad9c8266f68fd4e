import os from 'node:os';
import path from 'node:path';
import { type Dataset, readDataset } from '../dataset/read.ts';
import type { Scenario } from '../scenario/load.ts';
import { writeFileAtomic } from '../util/atomic.ts';
import { UserError } from '../util/errors.ts';
import { shownPath } from '../util/paths.ts';
import { siblingModule } from '../util/entry.ts';
import { ProcessPool } from '../util/process-pool.ts';
import { cdfSvg } from '../viz/cdf-svg.ts';
import { initBackend } from './backend.ts';
import { type SampleSet, type Scaler, scalerFrom, selectSamples } from './data.ts';
import { type ErrorSummary, errorsByHeard, evaluate, type HeardGroupErrors } from './evaluate.ts';
import { activeKernels, type KernelSet } from './kernels/index.ts';
import { saveModel } from './model-io.ts';
import { MODEL_KINDS, type ModelKind, TRAIN_COST, trainableParams } from './models.ts';
import { type EpochStats, trainModel } from './train.ts';

// `simgen train` minus the CLI: train the chosen models on the first K known constellations of
// dataset.arrow, save each to <out>/models/<model>-c<K>/ with metrics.json, and plot their error CDFs.
// With jobs > 1 the models train in parallel worker processes (src/util/process-pool.ts; tfjs-wasm is
// single-threaded in Node), each exactly as it would in this process: the same bytes either way.

export const MODEL_LABELS: Record<ModelKind, string> = { hyploc: 'HypLoc', single: 'Single', 'single-plus': 'Single+' };

export interface TrainRunOptions {
  models: ModelKind[];
  /** Train and test on the first K known constellations together. */
  constellations: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  lrDecayRate: number;
  lrDecaySamples: number;
  /** Worker processes (default: one per core, at most one per model); 1 trains in this process. */
  jobs?: number;
  /** Progress lines (per epoch, per model); silent if absent. */
  log?: (line: string) => void;
  /** Training progress of each model in samples (e.g. for a progress bar). */
  onProgress?: (model: ModelKind, processed: number, total: number) => void;
}

/** metrics.json: everything deterministic about a trained model (wall-clock timing is in timing.json). */
export interface ModelMetrics extends ErrorSummary {
  model: ModelKind;
  constellations: number[];
  trainable_params: number;
  train_samples: number;
  test_samples: number;
  epochs: number;
  batch_size: number;
  seed: number;
  learning_rate: number;
  lr_decay_rate: number;
  lr_decay_samples: number;
  /** Training kernels (src/learn/kernels); results differ between sets in the last bits. */
  kernels: KernelSet;
  /** Test error by how many of the constellation's sites hear the sample: 0, 1, 2, >= 3. */
  by_sites_heard: HeardGroupErrors[];
  curve: EpochStats[];
  dataset_input_key: string;
}

export interface TrainedModel {
  dir: string;
  metrics: ModelMetrics;
  seconds: number;
  samplesPerSecond: number;
}

export interface TrainRunResult {
  models: TrainedModel[];
  cdfPath: string;
}

/** One model's training, as a worker process receives it (plain data). */
export interface ModelTrainRequest extends Pick<TrainRunOptions, 'constellations' | 'epochs' | 'batchSize' | 'learningRate' | 'lrDecayRate' | 'lrDecaySamples'> {
  kind: ModelKind;
  datasetPath: string;
  modelsDir: string;
  scenario: { name: string; hash: string; seed: number };
}

/** Progress of one model's training. */
export type ModelTrainProgress = { type: 'epoch'; stats: EpochStats } | { type: 'samples'; processed: number; total: number };

/** Indented JSON with arrays of numbers kept on one line. */
function prettyJson(v: unknown): string {
  return `${JSON.stringify(v, null, 1).replace(/\[[-\d.e+,\s]*\]/g, (a) => a.replace(/\s+/g, ''))}\n`;
}

/** Ids of the first k known (not unseen) constellations; UserError if the dataset has fewer. */
export function firstConstellations(ds: Dataset, k: number): number[] {
  const known = ds.meta.constellations.filter((c) => !c.unseen).map((c) => c.id).sort((a, b) => a - b);
  if (!Number.isInteger(k) || k < 1 || k > known.length)
    throw new UserError(`--constellations must be an integer from 1 to ${known.length} (the known constellations in dataset.arrow) (got ${k})`);
  return known.slice(0, k);
}

export function parseModelList(list: string): ModelKind[] {
  const kinds = list.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = kinds.find((k) => !(MODEL_KINDS as readonly string[]).includes(k));
  if (bad !== undefined || kinds.length === 0) throw new UserError(`--model must be a comma list of ${MODEL_KINDS.join(', ')} (got "${list}")`);
  return [...new Set(kinds)] as ModelKind[];
}

interface Selected {
  ds: Dataset;
  ids: number[];
  scaler: Scaler;
  train: SampleSet;
  test: SampleSet;
}

let cached: { key: string; sel: Selected } | undefined;

/** The training and test samples of the first K constellations (kept for the next model of this process). */
function select(datasetPath: string, K: number): Selected {
  const key = `${datasetPath}\n${K}`;
  if (cached?.key !== key) {
    const ds = readDataset(datasetPath);
    const ids = firstConstellations(ds, K);
    const scaler = scalerFrom(ds.meta.normalisation);
    const train = selectSamples(ds, { constellations: ids, split: 'train' }, scaler);
    const test = selectSamples(ds, { constellations: ids, split: 'test' }, scaler);
    if (train.n === 0) throw new UserError(`dataset.arrow has no training samples for constellations ${ids.join(', ')}`);
    cached = { key, sel: { ds, ids, scaler, train, test } };
  }
  return cached.sel;
}

/** Train one model, save it with metrics.json and timing.json under <modelsDir>/<model>-c<K>/. */
export async function trainOneModel(r: ModelTrainRequest, progress: (p: ModelTrainProgress) => void = () => {}): Promise<TrainedModel> {
  await initBackend();
  const { ds, ids, scaler, train, test } = select(r.datasetPath, r.constellations);
  const res = await trainModel({
    kind: r.kind,
    train,
    test,
    scaler,
    epochs: r.epochs,
    batchSize: r.batchSize,
    seed: r.scenario.seed,
    learningRate: r.learningRate,
    lrDecayRate: r.lrDecayRate,
    lrDecaySamples: r.lrDecaySamples,
    onBatch: (processed, total) => progress({ type: 'samples', processed, total }),
    onEpoch: (stats) => progress({ type: 'epoch', stats }),
  });
  const { summary, errors } = evaluate(res.model, test, scaler);
  const metrics: ModelMetrics = {
    model: r.kind,
    constellations: ids,
    trainable_params: trainableParams(res.model),
    train_samples: train.n,
    test_samples: test.n,
    epochs: r.epochs,
    batch_size: r.batchSize,
    seed: r.scenario.seed,
    learning_rate: r.learningRate,
    lr_decay_rate: r.lrDecayRate,
    lr_decay_samples: r.lrDecaySamples,
    kernels: activeKernels(),
    mean_error_m: summary.mean_error_m,
    median_error_m: summary.median_error_m,
    p90_error_m: summary.p90_error_m,
    by_sites_heard: errorsByHeard(errors, test.heard),
    cdf: summary.cdf,
    curve: res.curve,
    dataset_input_key: ds.meta.inputKey,
  };
  const dir = path.join(r.modelsDir, `${r.kind}-c${r.constellations}`);
  await saveModel(
    res.model,
    { kind: r.kind, constellations: ids, featureLayout: ds.meta.featureLayout, scaler, scenario: r.scenario.name, scenarioHash: r.scenario.hash, seed: r.scenario.seed, datasetInputKey: ds.meta.inputKey },
    dir,
  );
  writeFileAtomic(path.join(dir, 'metrics.json'), prettyJson(metrics));
  // Wall-clock numbers live apart so that model.json, weights.bin and metrics.json are byte-identical across runs.
  writeFileAtomic(path.join(dir, 'timing.json'), prettyJson({ seconds: Number(res.seconds.toFixed(2)), samples_per_second: Math.round(res.samplesPerSecond) }));
  res.model.dispose();
  return { dir, metrics, seconds: res.seconds, samplesPerSecond: res.samplesPerSecond };
}

// train-worker.js next to this module (dist/), or train-worker.ts run through tsx's loader (sources, tests).
const WORKER = siblingModule(import.meta.url, 'train-worker');

export async function runTrain(scenario: Scenario, outDir: string, o: TrainRunOptions): Promise<TrainRunResult> {
  const datasetPath = path.join(outDir, 'dataset.arrow');
  const { ids, train, test } = select(datasetPath, o.constellations); // bad input fails here, before any worker starts
  const log = o.log ?? (() => {});
  const K = o.constellations;
  const modelsDir = path.join(outDir, 'models');
  const jobs = Math.max(1, Math.min(o.jobs ?? os.availableParallelism(), o.models.length));
  log(`training on constellation${ids.length > 1 ? 's' : ''} ${ids.join(', ')}: ${train.n} train / ${test.n} test samples, ${o.epochs} epochs, batch ${o.batchSize}${jobs > 1 ? `, ${jobs} models at a time` : ''}`);

  const request = (kind: ModelKind): ModelTrainRequest => ({
    kind,
    datasetPath,
    modelsDir,
    scenario: { name: scenario.name, hash: scenario.hash, seed: scenario.seed },
    constellations: K,
    epochs: o.epochs,
    batchSize: o.batchSize,
    learningRate: o.learningRate,
    lrDecayRate: o.lrDecayRate,
    lrDecaySamples: o.lrDecaySamples,
  });
  const onProgress = (kind: ModelKind, p: ModelTrainProgress) => {
    if (p.type === 'samples') return o.onProgress?.(kind, p.processed, p.total);
    const e = p.stats;
    log(`${kind}-c${K} epoch ${String(e.epoch).padStart(String(o.epochs).length)}/${o.epochs}  loss ${e.loss.toFixed(5)}  test mean error ${e.test_mean_error_m?.toFixed(2) ?? '-'} m  lr ${e.learning_rate.toExponential(2)}`);
  };
  const done = new Map<ModelKind, TrainedModel>();
  const finished = (kind: ModelKind, m: TrainedModel) => {
    done.set(kind, m);
    const s = m.metrics;
    log(`${kind}-c${K}: mean ${s.mean_error_m.toFixed(2)} m, median ${s.median_error_m.toFixed(2)} m, p90 ${s.p90_error_m.toFixed(2)} m; ${m.seconds.toFixed(1)} s (${Math.round(m.samplesPerSecond)} samples/s) -> ${shownPath(m.dir)}`);
  };

  if (jobs === 1) {
    for (const kind of o.models) finished(kind, await trainOneModel(request(kind), (p) => onProgress(kind, p)));
  } else {
    const pool = new ProcessPool<ModelTrainRequest, ModelTrainProgress, TrainedModel>(WORKER, jobs, 'train');
    // The longest first, so that the last to finish is a short one and no core idles at the end.
    const order = [...o.models].sort((a, b) => TRAIN_COST[b] - TRAIN_COST[a]);
    try {
      await pool.run(
        order.map((kind) => ({ id: kind, label: `${kind}-c${K}`, request: request(kind) })),
        { onProgress: (t, p) => onProgress(t.request.kind, p), onDone: (t, m) => finished(t.request.kind, m) },
      );
    } finally {
      pool.close();
    }
  }

  const result: TrainRunResult = { models: o.models.map((k) => done.get(k)!), cdfPath: path.join(modelsDir, `cdf-c${K}.svg`) };
  const series = result.models.map(({ metrics: m }) => ({ label: MODEL_LABELS[m.model], errorM: m.cdf.error_m, probability: m.cdf.probability, meanErrorM: m.mean_error_m }));
  writeFileAtomic(result.cdfPath, cdfSvg(series, `${scenario.name}: test error CDF, constellation${ids.length > 1 ? 's' : ''} ${ids.join(', ')}`));
  return result;
}
