import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readDataset } from '../src/dataset/read.ts';
import { runExperiment } from '../src/experiment/run.ts';
import { runTrain } from '../src/learn/run.ts';
import { ensureDataset } from '../src/pipeline/dataset.ts';
import { loadScenario } from '../src/scenario/load.ts';

// `simgen experiment` end to end with --quick on scenarios/smoke.yaml (real trajectories, ray
// tracing and export through the pipeline): results.json structure and its arithmetic, SVGs,
// resume without re-training, reuse of sibling experiments' jobs, --jobs independence, and baseline = simgen train.

const scenario = loadScenario(path.resolve('scenarios/smoke.yaml'));
let out: string;
let datasetPath: string;
const quick = { quick: true, quiet: true };

before(async () => {
  out = fs.mkdtempSync(path.join(os.tmpdir(), 'simgen-experiment-'));
  const stages = await ensureDataset(scenario, out, { quiet: true });
  datasetPath = stages[stages.length - 1].path;
});
after(() => fs.rmSync(out, { recursive: true, force: true }));

const readJson = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8'));
const isSvg = (file: string) => fs.readFileSync(file, 'utf8').startsWith('<svg') && fs.readFileSync(file, 'utf8').trimEnd().endsWith('</svg>');

test('baseline --quick: three models and two baselines on constellation 1, CDFs, resume, and a re-run of one lost job gives the same bytes', async () => {
  const run = await runExperiment('baseline', scenario, out, { ...quick, jobs: 2 });
  assert.equal(run.trained, 5);
  const r = readJson(run.resultsPath);
  assert.equal(r.experiment, 'baseline');
  assert.equal(r.settings.epochs, 2);
  const ds = readDataset(datasetPath);
  assert.equal(r.dataset_input_key, ds.meta.inputKey);
  let trainRows = 0;
  let testRows = 0;
  for (let i = 0; i < ds.rows; i++) if (ds.constellation[i] === 1) ds.split[i] ? testRows++ : trainRows++;
  assert.deepEqual(r.models.map((m: { model: string }) => m.model), ['hyploc', 'single-plus', 'single', 'knn', 'geometric']);
  // kNN: its table (56 features and 2 coordinates per training sample); geometric: nothing.
  assert.deepEqual(r.models.map((m: { trainable_params: number }) => m.trainable_params), [249442, 251942, 4002, trainRows * 58, 0]);
  assert.deepEqual(r.models.map((m: { paper_mean_error_m: number | null }) => m.paper_mean_error_m), [2.81, 3.26, 4.42, null, null]);
  for (const m of r.models) {
    assert.equal(m.train_samples, trainRows);
    assert.equal(m.test_samples, testRows);
    assert.equal(m.curve.length, ['knn', 'geometric'].includes(m.model) ? 0 : 2);
    assert.ok(m.mean_error_m > 0 && Number.isFinite(m.mean_error_m));
    assert.equal(m.cdf.error_m.length, 101);
    for (let k = 1; k < 101; k++) assert.ok(m.cdf.error_m[k] >= m.cdf.error_m[k - 1], 'CDF errors ascend');
    assert.equal(m.cdf.error_m[50], m.median_error_m);
  }
  assert.deepEqual(run.plots.map((p) => path.basename(p)), ['fig4-cdf.svg']);
  assert.ok(isSvg(run.plots[0]));
  assert.match(fs.readFileSync(run.plots[0], 'utf8'), /HypLoc \(mean/);
  const bytes = fs.readFileSync(run.resultsPath);

  // A second run resumes everything.
  const again = await runExperiment('baseline', scenario, out, quick);
  assert.equal(again.trained, 0);
  assert.deepEqual(fs.readFileSync(run.resultsPath), bytes);

  // A job without metrics.json (interrupted) is re-run, alone, with the same outcome (its seed is its own).
  const jobsDir = path.join(run.dir, 'jobs');
  const single = fs.readdirSync(jobsDir).find((d) => d.startsWith('single-c1-'))!;
  fs.rmSync(path.join(jobsDir, single, 'metrics.json'));
  const third = await runExperiment('baseline', scenario, out, { ...quick, jobs: 1 });
  assert.equal(third.trained, 1);
  assert.deepEqual(fs.readFileSync(run.resultsPath), bytes);
});

test('constellations --quick: Individual = average of per-constellation models, normalised, baseline jobs reused', async () => {
  const run = await runExperiment('constellations', scenario, out, quick);
  // C in {1, 2}: 3 joint models and 2 baselines x 2 + Individual(+) of constellation 2 (those of 1 are the C = 1
  // Single(+) jobs); the 5 jobs at C = 1 were finished by baseline and are copied, not re-trained.
  assert.equal(run.trained, 7);
  const r = readJson(run.resultsPath);
  assert.deepEqual(r.counts, [1, 2]);
  assert.deepEqual(r.mean_error_m.map((row: { constellations: number }) => row.constellations), [1, 2]);
  const ind = (model: string, c: number) => r.individual_models.find((m: { model: string; constellation: number }) => m.model === model && m.constellation === c).mean_error_m;
  const [c1, c2] = r.mean_error_m;
  assert.equal(c1.individual, c1.single, 'with one constellation Individual is the Single model');
  assert.equal(c1['individual-plus'], c1['single-plus']);
  assert.ok(Math.abs(c2.individual - (ind('individual', 1) + ind('individual', 2)) / 2) < 1e-4);
  assert.ok(Math.abs(c2['individual-plus'] - (ind('individual-plus', 1) + ind('individual-plus', 2)) / 2) < 1e-4);
  for (const [i, row] of r.normalised_by_individual.entries()) {
    assert.equal(row.individual, 1);
    assert.ok(Math.abs(row.hyploc - r.mean_error_m[i].hyploc / r.mean_error_m[i].individual) < 1e-4);
  }
  assert.deepEqual(run.plots.map((p) => path.basename(p)), ['fig5-mean-error.svg', 'fig6-normalised.svg']);
  for (const p of run.plots) assert.ok(isSvg(p));
  assert.equal((await runExperiment('constellations', scenario, out, quick)).trained, 0);
});

test('unseen --quick: zero-shot on the unseen constellation, re-training curve and data shares', async () => {
  const run = await runExperiment('unseen', scenario, out, quick);
  // Pre-training is reused from constellations; 5 models and 2 baselines x (100 %, 10 %, 50 %) re-trainings run.
  assert.equal(run.trained, 21);
  const r = readJson(run.resultsPath);
  const ds = readDataset(datasetPath);
  const unseen = ds.meta.constellations.find((c) => c.unseen)!;
  assert.deepEqual(r.unseen_constellation, unseen);
  assert.deepEqual(r.pretrain_constellations, [1, 2]);
  const targetTrain = Array.from(ds.constellation).filter((c, i) => c === unseen.id && !ds.split[i]).length;
  assert.deepEqual(r.models.map((m: { model: string }) => m.model), ['hyploc', 'single-plus', 'single', 'individual-plus', 'individual', 'knn', 'geometric']);

  // Individual(+): the per-constellation model with the lowest error on its own constellation.
  const cons = readJson(path.join(out, 'experiments/constellations/results.json'));
  for (const name of ['individual', 'individual-plus']) {
    const own = cons.individual_models.filter((m: { model: string; constellation: number }) => m.model === name && m.constellation <= 2);
    const best = own.reduce((a: { mean_error_m: number }, b: { mean_error_m: number }) => (b.mean_error_m < a.mean_error_m ? b : a));
    const m = r.models.find((x: { model: string }) => x.model === name);
    assert.deepEqual(m.pretrained_on, [best.constellation]);
    assert.equal(m.pretrain_test_error_m, best.mean_error_m);
  }
  for (const m of r.models) {
    // The baselines have no epochs: zero-shot, then the re-fitted error; the geometric estimator learns nothing
    // (only its fallback for samples no site hears, and every sample here is heard).
    assert.equal(m.retrain_curve.length, ['knn', 'geometric'].includes(m.model) ? 1 : 3);
    if (m.model === 'geometric') assert.equal(m.retrained_error_m, m.zero_shot_error_m);
    assert.deepEqual(m.retrain_curve[0], { epoch: 0, test_mean_error_m: m.zero_shot_error_m });
    assert.deepEqual(m.fractions.map((f: { percent: number }) => f.percent), [10, 50]);
    assert.deepEqual(m.fractions.map((f: { train_samples: number }) => f.train_samples), [Math.round(targetTrain * 0.1), Math.round(targetTrain * 0.5)]);
  }
  assert.deepEqual(run.plots.map((p) => path.basename(p)), ['fig7-retraining-epochs.svg', 'fig8-data-fraction.svg']);
  for (const p of run.plots) assert.ok(isSvg(p));
  assert.equal((await runExperiment('unseen', scenario, out, quick)).trained, 0);
});

test('the numbers do not depend on --jobs', async () => {
  const other = fs.mkdtempSync(path.join(os.tmpdir(), 'simgen-experiment-jobs1-'));
  try {
    for (const f of ['trajectories.arrow', 'links.arrow', 'dataset.arrow']) fs.copyFileSync(path.join(out, f), path.join(other, f));
    const one = await runExperiment('baseline', scenario, other, { ...quick, jobs: 1 });
    assert.equal(one.trained, 5);
    assert.deepEqual(fs.readFileSync(one.resultsPath), fs.readFileSync(path.join(out, 'experiments/baseline/results.json')));
  } finally {
    fs.rmSync(other, { recursive: true, force: true });
  }
});

test('baseline trains the very models of simgen train: same jobs, same seed, same bytes', async () => {
  const other = fs.mkdtempSync(path.join(os.tmpdir(), 'simgen-experiment-train-'));
  try {
    for (const f of ['trajectories.arrow', 'links.arrow', 'dataset.arrow']) fs.copyFileSync(path.join(out, f), path.join(other, f));
    const run = await runExperiment('baseline', scenario, other, { epochs: 1, jobs: 2, quiet: true });
    const trained = await runTrain(scenario, other, { models: ['hyploc', 'single', 'single-plus', 'knn', 'geometric'], constellations: 1, train: { ...scenario.train, epochs: 1 }, jobs: 1 });
    const jobs = run.results.models as Array<{ model: string; job: string; mean_error_m: number }>;
    for (const m of trained.models) {
      const job = jobs.find((j) => j.model === m.metrics.model)!;
      assert.equal(job.mean_error_m, m.metrics.mean_error_m);
      const saved = { knn: ['baseline.json', 'table.bin'], geometric: ['baseline.json'] }[m.metrics.model] ?? ['model.json', 'weights.bin'];
      for (const f of [...saved, 'metrics.json'])
        assert.ok(fs.readFileSync(path.join(run.dir, 'jobs', job.job, f)).equals(fs.readFileSync(path.join(m.dir, f))), `${m.metrics.model}: ${f} differs`);
    }
  } finally {
    fs.rmSync(other, { recursive: true, force: true });
  }
});
