import * as tf from '@tensorflow/tfjs';
import { leakage } from '../../dataset/leakage.ts';
import { type Dataset, readDataset } from '../../dataset/read.ts';
import { splitName } from '../../dataset/schema.ts';
import { writeDirAtomicAsync } from '../../util/atomic.ts';
import { UserError } from '../../util/errors.ts';
import { initBackend } from '../backend.ts';
import { type SampleSet, samplePositions, type Scaler, scalerFrom, selectSamples } from '../data.ts';
import { type ErrorSummary, errorsByHeard, type HeardGroupErrors, positionErrors, summarizeErrors } from '../evaluate.ts';
import type { ModelInfo } from '../model-io.ts';
import { isPaperKind } from '../models.ts';
import { type Fitted, MODEL_REGISTRY } from '../registry.ts';
import { SITE_SET_TRAIN_COST } from '../site-set.ts';
import type { FinetuneJobSpec, FinetuneMetrics, Job, JobProgress, JobRequest, JobSpec, JobStats, ModelMetrics, TrainJobSpec, TrainSettings } from './job.ts';
import { writeJobFile, writeRecord } from './store.ts';
import { runZeroShotJob } from './zero-shot-job.ts';

// Runs one job, in a worker process or in the runner's own: select its samples, fit (through the model
// registry), evaluate, save the model, write the record. Every job type ends the same way: job.json, the
// model, timing.json and metrics.json written into a temporary folder that replaces the job's folder whole.

/** A train job's rows per constellation on the default dataset: the unit of a zero-shot job's rows here. */
const ROWS_PER_CONSTELLATION = 22432;

/** Relative cost of a job: samples it fits x cost per sample (epochs are equal within a run), for scheduling. */
export function jobCost(s: JobSpec): number {
  if (s.type === 'zero-shot') return (isPaperKind(s.kind) ? MODEL_REGISTRY[s.kind].cost : SITE_SET_TRAIN_COST) * (s.rows / ROWS_PER_CONSTELLATION);
  return MODEL_REGISTRY[s.kind].cost * (s.type === 'train' ? s.constellations.length : s.fraction);
}

let cached: { path: string; ds: Dataset; scaler: Scaler } | undefined;

/** dataset.arrow and its scaler, kept for the next job of this process. */
export function datasetOf(file: string): { ds: Dataset; scaler: Scaler } {
  if (cached?.path !== file) {
    const ds = readDataset(file);
    cached = { path: file, ds, scaler: scalerFrom(ds.meta.normalisation) };
  }
  return cached;
}

/** Training rows of `constellations` (a seeded `fraction` of them), capped at maxTrainSamples. */
export function trainingSet(ds: Dataset, scaler: Scaler, constellations: number[], fraction: number, t: TrainSettings, seed: number): SampleSet {
  let set = selectSamples(ds, { constellations, split: 'train', fraction: fraction < 1 ? fraction : undefined, seed }, scaler);
  if (t.maxTrainSamples !== null && set.n > t.maxTrainSamples)
    set = selectSamples(ds, { constellations, split: 'train', fraction: (fraction * t.maxTrainSamples) / set.n, seed }, scaler);
  if (set.n === 0) throw new UserError(`constellation(s) ${constellations.join(', ')} have no training samples in dataset.arrow`);
  return set;
}

/** A model's errors on its test set. */
export interface Tested {
  samples: number;
  summary: ErrorSummary;
  bySitesHeard: HeardGroupErrors[];
}

/** The errors of `predicted` (positions, n x 2) on `test`. */
export function tested(predicted: Float32Array, test: SampleSet): Tested {
  const errors = positionErrors(predicted, test);
  return { samples: test.n, summary: summarizeErrors(errors), bySitesHeard: errorsByHeard(errors, test.heard) };
}

/** The record's common part, in metrics.json's key order. */
export function modelMetrics(model: string, constellations: number[], fitted: Fitted, trainSamples: number, t: Tested, datasetKey: string): ModelMetrics {
  const s = t.summary;
  return {
    model,
    constellations,
    trainable_params: fitted.params,
    train_samples: trainSamples,
    test_samples: t.samples,
    ...fitted.settings,
    mean_error_m: s.mean_error_m,
    median_error_m: s.median_error_m,
    p90_error_m: s.p90_error_m,
    by_sites_heard: t.bySitesHeard,
    cdf: s.cdf,
    curve: fitted.curve,
    dataset_input_key: datasetKey,
  };
}

/** The ModelInfo a model saved from dataset.arrow records (src/learn/model-io.ts). */
function modelInfo(ds: Dataset, kind: ModelInfo['kind'], constellations: number[], scaler: Scaler): ModelInfo {
  const m = ds.meta;
  return { kind, constellations, featureLayout: m.featureLayout, scaler, scenario: m.scenario, scenarioHash: m.scenarioHash, seed: m.seed, datasetInputKey: m.inputKey };
}

interface Outcome {
  record: ModelMetrics;
  stats: JobStats;
}

type Progress = (p: JobProgress) => void;

const statsOf = (f: Fitted): JobStats => ({ seconds: f.seconds, samplesPerSecond: f.samplesPerSecond });
const callbacks = (t: TrainSettings, progress: Progress) => ({
  onEpoch: (stats: ModelMetrics['curve'][number]) => progress({ type: 'epoch', stats, epochs: t.epochs }),
  onBatch: (processed: number, total: number) => progress({ type: 'samples', processed, total }),
});

async function trainJob(req: JobRequest, job: Job, spec: TrainJobSpec, progress: Progress): Promise<Outcome> {
  const { ds, scaler } = datasetOf(req.datasetPath);
  // Subsets (--quick cap) are seeded by the scenario seed: every model sees the same rows.
  const train = trainingSet(ds, scaler, spec.constellations, 1, spec.train, req.scenarioSeed);
  const test = selectSamples(ds, { constellations: spec.constellations, split: 'test' }, scaler);
  const fitted = await MODEL_REGISTRY[spec.kind].fit({ train, test, scaler, featureLayout: ds.meta.featureLayout, config: spec.train, seed: job.seed, ...callbacks(spec.train, progress) });
  const record: ModelMetrics = {
    ...modelMetrics(spec.kind, spec.constellations, fitted, train.n, tested(fitted.predict(test, scaler), test), ds.meta.inputKey),
    leakage: { split: splitName(ds.meta), ...leakage(samplePositions(ds, train), samplePositions(ds, test)) },
  };
  await fitted.save(req.jobDir, modelInfo(ds, spec.kind, spec.constellations, scaler));
  fitted.dispose();
  return { record, stats: statsOf(fitted) };
}

async function finetuneJob(req: JobRequest, job: Job, spec: FinetuneJobSpec, progress: Progress): Promise<Outcome> {
  const { ds, scaler } = datasetOf(req.datasetPath);
  const kind = MODEL_REGISTRY[spec.kind];
  const base = await kind.load(req.depDirs[spec.base]);
  const train = trainingSet(ds, scaler, [spec.target], spec.fraction, spec.train, req.scenarioSeed);
  const test = selectSamples(ds, { constellations: [spec.target], split: 'test' }, scaler);
  const zeroShot = tested(base.predict(test, scaler), test).summary;
  const fitted = await kind.fit({ train, test, scaler, featureLayout: ds.meta.featureLayout, config: spec.train, seed: job.seed, from: base, ...callbacks(spec.train, progress) });
  const record: FinetuneMetrics = {
    ...modelMetrics(spec.kind, [spec.target], fitted, train.n, tested(fitted.predict(test, scaler), test), ds.meta.inputKey),
    base: spec.base,
    fraction: spec.fraction,
    zero_shot: zeroShot,
  };
  fitted.dispose();
  return { record, stats: statsOf(fitted) };
}

/** Runs `req`'s job to its record; returns the wall-clock numbers. */
export async function runJob(req: JobRequest, progress: Progress): Promise<JobStats> {
  await initBackend();
  const { job } = req;
  const spec = job.spec;
  const out = await writeDirAtomicAsync(req.jobDir, async (tmp) => {
    const into = { ...req, jobDir: tmp };
    writeJobFile(tmp, job);
    const o =
      spec.type === 'train' ? await trainJob(into, job, spec, progress)
      : spec.type === 'finetune' ? await finetuneJob(into, job, spec, progress)
      : await runZeroShotJob(into, job, spec, progress);
    writeRecord(tmp, o.record, o.stats);
    return o;
  });
  tf.disposeVariables(); // a process runs many jobs: leave nothing behind
  return out.stats;
}
