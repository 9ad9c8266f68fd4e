import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { before, test } from 'node:test';
import { type Dataset, readDataset } from '../src/dataset/read.ts';
import { initBackend } from '../src/learn/backend.ts';
import { type SampleSet, type Scaler, scalerFrom, selectSamples } from '../src/learn/data.ts';
import { evaluate } from '../src/learn/evaluate.ts';
import { loadModel, saveModel } from '../src/learn/model-io.ts';
import { firstConstellations, runTrain } from '../src/learn/run.ts';
import { trainModel } from '../src/learn/train.ts';
import { quantile } from '../src/util/quantile.ts';
import { runPredict } from '../src/learn/predict.ts';
import { ensureDataset } from '../src/pipeline/dataset.ts';
import { loadScenario, PACKAGE_ROOT, type Scenario } from '../src/scenario/load.ts';
import { readArrowFile } from '../src/util/arrow.ts';

// Training on the real smoke dataset (scenarios/smoke.yaml through trajectories -> raytrace -> export;
// the pipeline keeps it in a temp folder between runs and rebuilds it when any stage's key changes).

const DATA_DIR = path.join(os.tmpdir(), 'simgen-test-learn-smoke');
let scenario: Scenario;
let ds: Dataset;
let scaler: Scaler;
let train: SampleSet;
let test1: SampleSet;

before(async () => {
  await initBackend();
  scenario = loadScenario(path.join(PACKAGE_ROOT, 'scenarios/smoke.yaml'));
  await ensureDataset(scenario, DATA_DIR, { quiet: true, threads: 1 });
  ds = readDataset(path.join(DATA_DIR, 'dataset.arrow'));
  scaler = scalerFrom(ds.meta.normalisation);
  train = selectSamples(ds, { constellations: [1], split: 'train' }, scaler);
  test1 = selectSamples(ds, { constellations: [1], split: 'test' }, scaler);
});

test('sample selection: constellation and split filters, normalisation, seeded fractions, first-K rule', () => {
  assert.ok(train.n > 0 && test1.n > 0);
  for (const r of train.rows) assert.ok(ds.constellation[r] === 1 && ds.split[r] === 0);
  for (const r of test1.rows) assert.ok(ds.constellation[r] === 1 && ds.split[r] === 1);
  const r0 = train.rows[0];
  for (let j = 0; j < ds.width; j++)
    assert.ok(Math.abs(train.features[j] - (ds.features[r0 * ds.width + j] - scaler.featureMean[j]) / scaler.featureStd[j]) < 1e-4);
  assert.deepEqual(Array.from(train.positions.subarray(0, 2)), [ds.x[r0], ds.y[r0]]);

  const half = selectSamples(ds, { constellations: [1], split: 'train', fraction: 0.5, seed: 9 }, scaler);
  const again = selectSamples(ds, { constellations: [1], split: 'train', fraction: 0.5, seed: 9 }, scaler);
  assert.equal(half.n, Math.round(train.n / 2));
  assert.deepEqual(half.rows, again.rows);
  const all = new Set(train.rows);
  for (const r of half.rows) assert.ok(all.has(r));

  const known = ds.meta.constellations.filter((c) => !c.unseen).map((c) => c.id);
  assert.deepEqual(firstConstellations(ds, known.length), known);
  assert.throws(() => firstConstellations(ds, known.length + 1), /--constellations must be an integer from 1 to/);
  assert.throws(() => selectSamples(ds, { constellations: [99], split: 'train' }, scaler), /constellation 99 is not in dataset.arrow/);
});

test('learning-rate staircase: lr0 · 0.96^floor(processed / decaySamples), read at the last batch of each epoch', async () => {
  const batch = 16;
  const r = await trainModel({ kind: 'single', train, scaler, epochs: 3, batchSize: batch, seed: 1, lrDecaySamples: 50 });
  const lastBatchStart = (e: number) => e * train.n - (train.n % batch || batch);
  r.curve.forEach((c, i) => assert.ok(Math.abs(c.learning_rate - 1e-3 * 0.96 ** Math.floor(lastBatchStart(i + 1) / 50)) < 1e-12, `epoch ${i + 1}: ${c.learning_rate}`));
  r.model.dispose();
});

test('training fits: Single+ training loss falls below a third of its first epoch; same seed -> same curve and weights', async () => {
  const run = () => trainModel({ kind: 'single-plus', train, test: test1, scaler, epochs: 12, batchSize: 32, seed: 5 });
  const a = await run();
  assert.ok(a.curve[11].loss < a.curve[0].loss / 3, `loss ${a.curve[0].loss} -> ${a.curve[11].loss}`);
  const b = await run();
  assert.deepEqual(b.curve, a.curve);
  const wa = a.model.getWeights().map((t) => Array.from(t.dataSync()));
  const wb = b.model.getWeights().map((t) => Array.from(t.dataSync()));
  assert.deepEqual(wb, wa);
  const c = await trainModel({ kind: 'single-plus', train, scaler, epochs: 1, batchSize: 32, seed: 6 });
  assert.notDeepEqual(c.curve[0].loss, a.curve[0].loss);
  [a, b, c].forEach((r) => r.model.dispose());
});

test('a saved and reloaded HypLoc model predicts exactly the same positions', async () => {
  const r = await trainModel({ kind: 'hyploc', train, scaler, epochs: 2, batchSize: 32, seed: 3 });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simgen-model-'));
  await saveModel(r.model, { kind: 'hyploc', constellations: [1], featureLayout: ds.meta.featureLayout, scaler, scenario: scenario.name, scenarioHash: scenario.hash, seed: 3, datasetInputKey: ds.meta.inputKey }, dir);
  assert.deepEqual(fs.readdirSync(dir).sort(), ['model.json', 'weights.bin'], 'no temporary files left behind');
  const before = evaluate(r.model, test1, scaler).predicted;
  const { model, info } = await loadModel(dir);
  assert.equal(info.kind, 'hyploc');
  assert.deepEqual(info.scaler, scaler);
  assert.deepEqual(evaluate(model, test1, info.scaler).predicted, before);
  r.model.dispose();
  model.dispose();
});

test('quantile: linear interpolation between order statistics', () => {
  assert.equal(quantile([1, 2, 3, 4], 0.5), 2.5);
  assert.equal(quantile([0, 10], 0.9), 9);
  assert.equal(quantile([7], 0.3), 7);
});

test('runTrain writes model, metrics and CDF plot; 2 worker processes give the bytes of 1 process; predict reproduces the test error', async () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'simgen-train-'));
  fs.copyFileSync(path.join(DATA_DIR, 'dataset.arrow'), path.join(out, 'dataset.arrow'));
  const opts = { models: ['hyploc', 'single', 'single-plus', 'knn', 'geometric'] as const, constellations: 2, train: { epochs: 1, batchSize: 64, learningRate: 1e-3, lrDecayRate: 0.04, lrDecaySamples: 10000 } };
  const r = await runTrain(scenario, out, { ...opts, models: [...opts.models], jobs: 2 });
  // The baselines save baseline.json (and kNN its table) where the networks save model.json and weights.bin.
  const files = (model: string) => [...({ knn: ['baseline.json', 'table.bin'], geometric: ['baseline.json'] }[model] ?? ['model.json', 'weights.bin']), 'metrics.json'];
  const read = () => r.models.map((m) => files(m.metrics.model).map((f) => fs.readFileSync(path.join(m.dir, f))));
  const first = read();
  const m = JSON.parse(fs.readFileSync(path.join(out, 'models/hyploc-c2/metrics.json'), 'utf8'));
  assert.equal(m.model, 'hyploc');
  assert.equal(m.trainable_params, 249442);
  assert.deepEqual(m.constellations, [1, 2]);
  const both = selectSamples(ds, { constellations: [1, 2], split: 'test' }, scaler);
  assert.equal(m.test_samples, both.n);
  assert.equal(m.curve.length, 1);
  assert.ok(m.median_error_m <= m.p90_error_m && m.cdf.error_m[50] === m.median_error_m && m.cdf.probability.length === 101);
  assert.equal(m.kernels, 'simgen');
  // The error split by how many of the constellations' sites hear the sample adds up to the whole.
  assert.deepEqual(m.by_sites_heard.map((g: { sites_heard: string }) => g.sites_heard), ['0', '1', '2', '>=3']);
  const counts = [0, 0, 0, 0];
  for (const h of both.heard) counts[Math.min(h, 3)]++;
  assert.deepEqual(m.by_sites_heard.map((g: { samples: number }) => g.samples), counts);
  const weighted = m.by_sites_heard.reduce((a: number, g: { samples: number; mean_error_m: number | null }) => a + g.samples * (g.mean_error_m ?? 0), 0) / both.n;
  assert.ok(Math.abs(weighted - m.mean_error_m) < 1e-3, `group means ${weighted} vs mean ${m.mean_error_m}`);
  const svg = fs.readFileSync(path.join(out, 'models/cdf-c2.svg'), 'utf8');
  for (const label of ['HypLoc', 'Single (', 'Single+', 'kNN (', 'geometric (']) assert.ok(svg.includes(label), `legend has ${label}`);
  assert.ok(svg.includes(`HypLoc (mean ${m.mean_error_m.toFixed(2)} m`));
  assert.ok(svg.includes('2D positioning error (m)'));

  await runTrain(scenario, out, { ...opts, models: [...opts.models], jobs: 1 });
  assert.deepEqual(read(), first, 'same scenario + seed -> same bytes, one process or two');

  const p = await runPredict({ modelDir: path.join(out, 'models/hyploc-c2'), dataset: path.join(out, 'dataset.arrow'), split: 'test', output: path.join(out, 'pred.arrow') });
  assert.equal(p.summary.mean_error_m, m.mean_error_m);
  const t = readArrowFile(path.join(out, 'pred.arrow'));
  assert.equal(t.numRows, both.n);
  assert.equal(t.schema.metadata.get('scenario_hash'), ds.meta.scenarioHash, 'predictions carry the provenance of the dataset they were made from');
  // A saved baseline predicts through the registry's load, to the same errors.
  for (const kind of ['knn', 'geometric']) {
    const b = await runPredict({ modelDir: path.join(out, `models/${kind}-c2`), dataset: path.join(out, 'dataset.arrow'), split: 'test', output: path.join(out, `pred-${kind}.arrow`) });
    assert.equal(b.summary.mean_error_m, JSON.parse(fs.readFileSync(path.join(out, `models/${kind}-c2/metrics.json`), 'utf8')).mean_error_m, kind);
  }
});
