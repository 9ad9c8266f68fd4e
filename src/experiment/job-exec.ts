import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { type Dataset, readDataset } from '../dataset/read.ts';
import { initBackend } from '../learn/backend.ts';
import { type SampleSet, type Scaler, scalerFrom, selectSamples } from '../learn/data.ts';
import { evaluate } from '../learn/evaluate.ts';
import { loadModel, saveModel } from '../learn/model-io.ts';
import { trainableParams } from '../learn/models.ts';
import { trainModel } from '../learn/train.ts';
import { writeFileAtomic } from '../util/atomic.ts';
import { UserError } from '../util/errors.ts';
import { JOB_FILE, MODEL_DIR, RESULT_FILE } from './jobs.ts';
import { toJson } from './json.ts';
import type { FinetuneJobResult, JobResult, TrainJobResult, TrainSettings, WorkerRequest } from './types.ts';
import { runZeroShotJob } from './zero-shot-job.ts';

// Runs one job (in a worker process): select the samples, train or re-train, evaluate, save the
// model (train jobs) and write result.json last.

let cached: { path: string; ds: Dataset; scaler: Scaler } | undefined;

function dataset(file: string): { ds: Dataset; scaler: Scaler } {
  if (cached?.path !== file) {
    const ds = readDataset(file);
    cached = { path: file, ds, scaler: scalerFrom(ds.meta.normalisation) };
  }
  return cached;
}

/** Training rows of `constellations` (a seeded `fraction` of them), capped at maxTrainSamples. */
function trainingSet(ds: Dataset, scaler: Scaler, constellations: number[], fraction: number, t: TrainSettings, seed: number): SampleSet {
  let set = selectSamples(ds, { constellations, split: 'train', fraction: fraction < 1 ? fraction : undefined, seed }, scaler);
  if (t.maxTrainSamples !== null && set.n > t.maxTrainSamples)
    set = selectSamples(ds, { constellations, split: 'train', fraction: (fraction * t.maxTrainSamples) / set.n, seed }, scaler);
  if (set.n === 0) throw new UserError(`constellation(s) ${constellations.join(', ')} have no training samples in dataset.arrow`);
  return set;
}

export interface JobCallbacks {
  onEpoch: (epoch: number, epochs: number) => void;
}

export interface JobStats {
  seconds: number;
  samplesPerSecond: number;
}

export async function runJob(req: WorkerRequest, progress: JobCallbacks): Promise<JobStats> {
  await initBackend();
  const { job, jobDir } = req;
  const spec = job.spec;
  const t = spec.train;
  writeFileAtomic(path.join(jobDir, JOB_FILE), `${JSON.stringify({ key: job.key, label: job.label, seed: job.seed, spec }, null, 1)}\n`);
  const common = { epochs: t.epochs, batchSize: t.batchSize, seed: job.seed, learningRate: t.learningRate, lrDecayRate: t.lrDecayRate, lrDecaySamples: t.lrDecaySamples };
  const onEpoch = (e: { epoch: number }) => progress.onEpoch(e.epoch, t.epochs);
  let result: JobResult;
  let stats: JobStats;

  if (spec.type === 'zero-shot') {
    const run = await runZeroShotJob(req, job, spec, progress.onEpoch);
    result = run.result;
    stats = { seconds: run.seconds, samplesPerSecond: run.samplesPerSecond };
  } else if (spec.type === 'train') {
    const { ds, scaler } = dataset(req.datasetPath);
    // Subsets (--quick cap) are seeded by the scenario seed: every model sees the same rows.
    const train = trainingSet(ds, scaler, spec.constellations, 1, t, req.scenarioSeed);
    const test = selectSamples(ds, { constellations: spec.constellations, split: 'test' }, scaler);
    const r = await trainModel({ ...common, scaler, kind: spec.kind, train, test, onEpoch });
    const per_constellation = spec.constellations.map((c) => {
      const set = selectSamples(ds, { constellations: [c], split: 'test' }, scaler);
      return { constellation: c, mean_error_m: evaluate(r.model, set, scaler).summary.mean_error_m };
    });
    const m = ds.meta;
    await saveModel(r.model, { kind: spec.kind, constellations: spec.constellations, featureLayout: m.featureLayout, scaler, scenario: m.scenario, scenarioHash: m.scenarioHash, seed: m.seed, datasetInputKey: m.inputKey }, path.join(jobDir, MODEL_DIR));
    result = {
      type: 'train',
      label: job.label,
      kind: spec.kind,
      constellations: spec.constellations,
      trainable_params: trainableParams(r.model),
      train_samples: train.n,
      test_samples: test.n,
      test: evaluate(r.model, test, scaler).summary,
      per_constellation,
      curve: r.curve,
    } satisfies TrainJobResult;
    stats = { seconds: r.seconds, samplesPerSecond: r.samplesPerSecond };
    r.model.dispose();
  } else {
    const { ds, scaler } = dataset(req.datasetPath);
    const { model } = await loadModel(path.join(req.depDirs[spec.base], MODEL_DIR));
    const train = trainingSet(ds, scaler, [spec.target], spec.fraction, t, req.scenarioSeed);
    const test = selectSamples(ds, { constellations: [spec.target], split: 'test' }, scaler);
    const zeroShot = evaluate(model, test, scaler).summary;
    const r = await trainModel({ ...common, scaler, kind: spec.kind, model, train, test, onEpoch });
    result = {
      type: 'finetune',
      label: job.label,
      kind: spec.kind,
      base: spec.base,
      target: spec.target,
      fraction: spec.fraction,
      train_samples: train.n,
      test_samples: test.n,
      zero_shot: zeroShot,
      test: evaluate(r.model, test, scaler).summary,
      curve: r.curve,
    } satisfies FinetuneJobResult;
    stats = { seconds: r.seconds, samplesPerSecond: r.samplesPerSecond };
    model.dispose();
  }
  writeFileAtomic(path.join(jobDir, RESULT_FILE), `${toJson(result)}\n`);
  tf.disposeVariables(); // a worker runs many jobs: leave nothing behind
  return stats;
}

