import os from 'node:os';
import path from 'node:path';
import type { Dataset } from '../dataset/read.ts';
import type { TrainConfig } from '../scenario/config.ts';
import type { Scenario } from '../scenario/load.ts';
import { writeFileAtomic } from '../util/atomic.ts';
import { UserError } from '../util/errors.ts';
import { shownPath } from '../util/paths.ts';
import { cdfSvg } from '../viz/cdf-svg.ts';
import { selectSamples } from './data.ts';
import { datasetOf, trainingSet } from './jobs/execute.ts';
import { makeJob, type ModelMetrics } from './jobs/job.ts';
import { JobRunner } from './jobs/runner.ts';
import { type KindName, MODEL_REGISTRY } from './registry.ts';

// `simgen train` minus the CLI: one train job per model kind on the first K known constellations of
// dataset.arrow, run by the job runner the experiments use (src/learn/jobs): each model is saved to
// <out>/models/<model>-c<K>/ with metrics.json, and their error CDFs go in one plot. With jobs > 1 the models
// train in parallel worker processes, each exactly as it would in this process: the same bytes either way.
// `simgen experiment baseline` runs the very same jobs (same spec, same seed) for K = 1.

export interface TrainRunOptions {
  models: KindName[];
  /** Train and test on the first K known constellations together. */
  constellations: number;
  train: TrainConfig;
  /** Worker processes (default: one per core, at most one per model); 1 trains in this process. */
  jobs?: number;
  /** Progress lines (per epoch, per model); silent if absent. */
  log?: (line: string) => void;
  /** Training progress of each model in samples (e.g. for a progress bar). */
  onProgress?: (model: KindName, processed: number, total: number) => void;
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

/** Ids of the first k known (not unseen) constellations; UserError if the dataset has fewer. */
export function firstConstellations(ds: Dataset, k: number): number[] {
  const known = ds.meta.constellations.filter((c) => !c.unseen).map((c) => c.id).sort((a, b) => a - b);
  if (!Number.isInteger(k) || k < 1 || k > known.length)
    throw new UserError(`--constellations must be an integer from 1 to ${known.length} (the known constellations in dataset.arrow) (got ${k})`);
  return known.slice(0, k);
}

export async function runTrain(scenario: Scenario, outDir: string, o: TrainRunOptions): Promise<TrainRunResult> {
  const datasetPath = path.join(outDir, 'dataset.arrow');
  const log = o.log ?? (() => {});
  const K = o.constellations;
  const { ds, scaler } = datasetOf(datasetPath);
  const ids = firstConstellations(ds, K);
  const settings = { ...o.train, maxTrainSamples: null };
  // Bad input fails here, before any job starts.
  const train = trainingSet(ds, scaler, ids, 1, settings, scenario.seed);
  const test = selectSamples(ds, { constellations: ids, split: 'test' }, scaler);
  const jobs = Math.max(1, Math.min(o.jobs ?? os.availableParallelism(), o.models.length));
  log(`training on constellation${ids.length > 1 ? 's' : ''} ${ids.join(', ')}: ${train.n} train / ${test.n} test samples, ${settings.epochs} epochs, batch ${settings.batchSize}${jobs > 1 ? `, ${jobs} models at a time` : ''}`);

  const modelsDir = path.join(outDir, 'models');
  const planned = o.models.map((kind) => makeJob({ type: 'train', kind, constellations: ids, train: settings }, `${kind}-c${K}`, ds.meta.inputKey, scenario.seed));
  const runner = new JobRunner({
    name: 'train',
    parallel: jobs,
    dirOf: (job) => path.join(modelsDir, job.label),
    resume: false, // `simgen train` always trains
    datasetPath,
    scenarioPath: scenario.path,
    scenarioSeed: scenario.seed,
    quiet: true,
    log,
    events: () => ({
      onProgress: (job, p) => {
        if (p.type === 'samples') return o.onProgress?.(job.spec.kind as KindName, p.processed, p.total);
        const e = p.stats;
        log(`${job.label} epoch ${String(e.epoch).padStart(String(p.epochs).length)}/${p.epochs}  loss ${e.loss.toFixed(5)}  test mean error ${e.test_mean_error_m?.toFixed(2) ?? '-'} m  lr ${e.learning_rate.toExponential(2)}`);
      },
      onDone: ({ job, dir, record: s, stats }) =>
        log(`${job.label}: mean ${s.mean_error_m.toFixed(2)} m, median ${s.median_error_m.toFixed(2)} m, p90 ${s.p90_error_m.toFixed(2)} m; ${stats!.seconds.toFixed(1)} s${stats!.samplesPerSecond ? ` (${Math.round(stats!.samplesPerSecond)} samples/s)` : ''} -> ${shownPath(dir)}`),
    }),
  });
  let done;
  try {
    done = await runner.run(planned, 'models');
  } finally {
    await runner.close();
  }

  const models = planned.map((job) => {
    const d = done.get(job.key)!;
    return { dir: d.dir, metrics: d.record, seconds: d.stats!.seconds, samplesPerSecond: d.stats!.samplesPerSecond };
  });
  const cdfPath = path.join(modelsDir, `cdf-c${K}.svg`);
  const series = models.map(({ metrics: m }) => ({ label: MODEL_REGISTRY[m.model as KindName].label, errorM: m.cdf.error_m, probability: m.cdf.probability, meanErrorM: m.mean_error_m }));
  writeFileAtomic(cdfPath, cdfSvg(series, `${scenario.name}: test error CDF, constellation${ids.length > 1 ? 's' : ''} ${ids.join(', ')}`));
  return { models, cdfPath };
}
