import path from 'node:path';
import { type Dataset, readDataset } from '../dataset/read.ts';
import type { Scenario } from '../scenario/load.ts';
import { writeFileAtomic } from '../util/atomic.ts';
import { UserError } from '../util/errors.ts';
import { shownPath } from '../util/paths.ts';
import { cdfSvg } from '../viz/cdf-svg.ts';
import { initBackend } from './backend.ts';
import { scalerFrom, selectSamples } from './data.ts';
import { evaluate, type ErrorSummary } from './evaluate.ts';
import { saveModel } from './model-io.ts';
import { MODEL_KINDS, type ModelKind, trainableParams } from './models.ts';
import { type EpochStats, trainModel } from './train.ts';

// `simgen train` minus the CLI: train the chosen models on the first K known constellations of
// dataset.arrow, save each to <out>/models/<model>-c<K>/ with metrics.json, and plot their error CDFs.

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
  /** Progress lines (per epoch, per model); silent if absent. */
  log?: (line: string) => void;
  /** Per-batch progress (e.g. a progress bar). */
  onBatch?: (model: ModelKind, processed: number, total: number) => void;
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
  curve: EpochStats[];
  dataset_input_key: string;
}

export interface TrainRunResult {
  models: Array<{ dir: string; metrics: ModelMetrics; seconds: number; samplesPerSecond: number }>;
  cdfPath: string;
}

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

export async function runTrain(scenario: Scenario, outDir: string, o: TrainRunOptions): Promise<TrainRunResult> {
  await initBackend();
  const ds = readDataset(path.join(outDir, 'dataset.arrow'));
  const ids = firstConstellations(ds, o.constellations);
  const scaler = scalerFrom(ds.meta.normalisation);
  const train = selectSamples(ds, { constellations: ids, split: 'train' }, scaler);
  const test = selectSamples(ds, { constellations: ids, split: 'test' }, scaler);
  if (train.n === 0) throw new UserError(`dataset.arrow has no training samples for constellations ${ids.join(', ')}`);
  const log = o.log ?? (() => {});
  const K = o.constellations;
  const modelsDir = path.join(outDir, 'models');
  log(`training on constellation${ids.length > 1 ? 's' : ''} ${ids.join(', ')}: ${train.n} train / ${test.n} test samples, ${o.epochs} epochs, batch ${o.batchSize}`);

  const result: TrainRunResult = { models: [], cdfPath: path.join(modelsDir, `cdf-c${K}.svg`) };
  for (const kind of o.models) {
    const name = `${kind}-c${K}`;
    const r = await trainModel({
      kind,
      train,
      test,
      scaler,
      epochs: o.epochs,
      batchSize: o.batchSize,
      seed: scenario.seed,
      learningRate: o.learningRate,
      lrDecayRate: o.lrDecayRate,
      lrDecaySamples: o.lrDecaySamples,
      onBatch: o.onBatch && ((p, t) => o.onBatch!(kind, p, t)),
      onEpoch: (e) =>
        log(`${name} epoch ${String(e.epoch).padStart(String(o.epochs).length)}/${o.epochs}  loss ${e.loss.toFixed(5)}  test mean error ${e.test_mean_error_m?.toFixed(2) ?? '-'} m  lr ${e.learning_rate.toExponential(2)}`),
    });
    const { summary } = evaluate(r.model, test, scaler);
    const metrics: ModelMetrics = {
      model: kind,
      constellations: ids,
      trainable_params: trainableParams(r.model),
      train_samples: train.n,
      test_samples: test.n,
      epochs: o.epochs,
      batch_size: o.batchSize,
      seed: scenario.seed,
      learning_rate: o.learningRate,
      lr_decay_rate: o.lrDecayRate,
      lr_decay_samples: o.lrDecaySamples,
      mean_error_m: summary.mean_error_m,
      median_error_m: summary.median_error_m,
      p90_error_m: summary.p90_error_m,
      cdf: summary.cdf,
      curve: r.curve,
      dataset_input_key: ds.meta.inputKey,
    };
    const dir = path.join(modelsDir, name);
    await saveModel(
      r.model,
      { kind, constellations: ids, featureLayout: ds.meta.featureLayout, scaler, scenario: scenario.name, scenarioHash: scenario.hash, seed: scenario.seed, datasetInputKey: ds.meta.inputKey },
      dir,
    );
    writeFileAtomic(path.join(dir, 'metrics.json'), prettyJson(metrics));
    // Wall-clock numbers live apart so that model.json, weights.bin and metrics.json are byte-identical across runs.
    writeFileAtomic(path.join(dir, 'timing.json'), prettyJson({ seconds: Number(r.seconds.toFixed(2)), samples_per_second: Math.round(r.samplesPerSecond) }));
    r.model.dispose();
    log(`${name}: mean ${summary.mean_error_m.toFixed(2)} m, median ${summary.median_error_m.toFixed(2)} m, p90 ${summary.p90_error_m.toFixed(2)} m; ${r.seconds.toFixed(1)} s (${Math.round(r.samplesPerSecond)} samples/s) -> ${shownPath(dir)}`);
    result.models.push({ dir, metrics, seconds: r.seconds, samplesPerSecond: r.samplesPerSecond });
  }

  const series = result.models.map(({ metrics: m }) => ({ label: MODEL_LABELS[m.model], errorM: m.cdf.error_m, probability: m.cdf.probability, meanErrorM: m.mean_error_m }));
  writeFileAtomic(result.cdfPath, cdfSvg(series, `${scenario.name}: test error CDF, constellation${ids.length > 1 ? 's' : ''} ${ids.join(', ')}`));
  return result;
}
