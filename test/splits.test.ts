import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import YAML from 'yaml';
import { type ExportResult, runExport } from '../src/dataset/export.ts';
import { leakage, leakageLines, PointGrid } from '../src/dataset/leakage.ts';
import { type Dataset, readDataset } from '../src/dataset/read.ts';
import { areaCell, AREA_RULE, splitSamples, TIME_RULE } from '../src/dataset/splits.ts';
import { runTrain } from '../src/learn/run.ts';
import { ensureDataset, planDataset } from '../src/pipeline/dataset.ts';
import { loadScenario, type Scenario, withSplit } from '../src/scenario/load.ts';
import { readArrowFile } from '../src/util/arrow.ts';
import { rngFor } from '../src/util/rng.ts';
import { simgen } from './fixtures/cli.ts';
import { smokeUpstream } from './fixtures/upstream.ts';

// The train/test splits (tracks, area, time) on the cut smoke scenario's real links, the leakage figure on
// hand-made points and against brute force, and the --split flags' refusals.

let scenario: Scenario;
let outDir: string;
const made = new Map<string, { r: ExportResult; ds: Dataset; bytes: Buffer }>();

/** Exports with `split` into its own copy of the upstream folder. */
async function exportWith(split: 'tracks' | 'area' | 'time') {
  const dir = path.join(outDir, split);
  fs.mkdirSync(dir);
  for (const f of ['trajectories.arrow', 'links.arrow']) fs.copyFileSync(path.join(outDir, f), path.join(dir, f));
  const r = await runExport(withSplit(scenario, split), dir, { quiet: true });
  made.set(split, { r, ds: readDataset(r.path), bytes: fs.readFileSync(r.path) });
}

before(async () => {
  ({ scenario, outDir } = await smokeUpstream());
  for (const s of ['tracks', 'area', 'time'] as const) await exportWith(s);
});
after(() => fs.rmSync(outDir, { recursive: true, force: true }));

/** Per sample (the first constellation's rows, in file order): track, sample, position (float64, as written), test flag. */
function samplesOf(split: string) {
  const { ds, r } = made.get(split)!;
  const t = readArrowFile(r.path);
  const [x, y] = ['x', 'y'].map((k) => t.getChild(k)!.toArray() as Float64Array);
  const c = ds.meta.constellations[0].id;
  const rows = Array.from({ length: ds.rows }, (_, i) => i).filter((i) => ds.constellation[i] === c);
  return rows.map((i) => ({ t: ds.trajectoryId[i], s: ds.sample[i], x: x[i], y: y[i], test: ds.split[i] === 1 }));
}

test('tracks: the default; its dataset records no split and its split column is the trajectories stage\'s test tracks', () => {
  assert.equal(loadScenario(scenario.path).dataset.split, 'tracks');
  const { ds, r } = made.get('tracks')!;
  assert.equal(ds.meta.split, undefined, 'no split metadata: a tracks dataset keeps the bytes it had before the choice existed');
  assert.equal(readArrowFile(r.path).schema.metadata.has('split'), false);
  const expected = new Set<number>(JSON.parse(readArrowFile(path.join(outDir, 'trajectories.arrow')).schema.metadata.get('test_trajectories')!));
  for (let i = 0; i < ds.rows; i++) assert.equal(ds.split[i] === 1, expected.has(ds.trajectoryId[i]));
  assert.equal(r.split.name, 'tracks');
  assert.deepEqual(r.split.name === 'tracks' && r.split.test_tracks, [...expected].sort((a, b) => a - b));
});

test('area: no cell holds both train and test samples, test cells hold >= 10 % of the samples, recorded in the metadata', () => {
  const { ds, r } = made.get('area')!;
  const samples = samplesOf('area');
  const cellSplit = new Map<string, boolean>();
  for (const p of samples) {
    const cell = areaCell(p.x, p.y).join(',');
    const seen = cellSplit.get(cell);
    assert.ok(seen === undefined || seen === p.test, `cell ${cell} holds train and test samples`);
    cellSplit.set(cell, p.test);
  }
  const test = samples.filter((p) => p.test).length;
  assert.ok(test >= Math.ceil(AREA_RULE.testShare * samples.length) && test < samples.length, `${test} test samples of ${samples.length}`);
  const m = ds.meta.split!;
  assert.equal(m.name, 'area');
  assert.deepEqual(m, r.split);
  assert.equal(m.name === 'area' && m.test_cells, [...cellSplit.values()].filter(Boolean).length);
  assert.equal(m.name === 'area' && m.cells, cellSplit.size);
  assert.equal(m.test_samples, test);
  assert.equal(m.train_samples, samples.length - test);
  // Every constellation's rows carry the same split.
  for (let i = 0; i < ds.rows; i++) assert.equal(ds.split[i], samples[i % samples.length].test ? 1 : 0);
  // The normalisation follows the training split.
  assert.equal(ds.meta.normalisation.rows, (samples.length - test) * ds.meta.constellations.filter((c) => !c.unseen).length);
});

test('area: deterministic for a seed, another seed draws other cells', () => {
  const s = samplesOf('area');
  const input = { trajectoryId: s.map((p) => p.t), x: s.map((p) => p.x), y: s.map((p) => p.y) };
  const a = splitSamples('area', input, new Map(), scenario.seed);
  assert.deepEqual(a, splitSamples('area', input, new Map(), scenario.seed));
  assert.deepEqual(Array.from(a.isTest), s.map((p) => (p.test ? 1 : 0)), 'the export\'s split');
  // A synthetic grid of 100 cells: seeds give different test cells, each draw a valid area split.
  const grid = { trajectoryId: [] as number[], x: [] as number[], y: [] as number[] };
  for (let i = 0; i < 1000; i++) {
    grid.trajectoryId.push(Math.floor(i / 100));
    grid.x.push(((i * 37) % 500) + 0.5);
    grid.y.push(((i * 53) % 500) + 0.5);
  }
  const draws = [1, 2, 3].map((seed) => splitSamples('area', grid, new Map(), seed));
  assert.notDeepEqual(draws[0].isTest, draws[1].isTest);
  for (const d of draws) assert.ok(d.record.test_samples >= 100 && d.record.test_samples < 1000);
});

test('time: exactly the last ceil(10 %) of every track\'s samples are test', () => {
  const { ds, r } = made.get('time')!;
  const byTrack = new Map<number, { s: number; test: boolean }[]>();
  for (const p of samplesOf('time')) byTrack.set(p.t, [...(byTrack.get(p.t) ?? []), p]);
  let total = 0;
  for (const [t, ps] of byTrack) {
    const tail = Math.ceil(TIME_RULE.tailShare * ps.length);
    const bySample = [...ps].sort((a, b) => a.s - b.s);
    assert.deepEqual(bySample.map((p) => p.test), bySample.map((_, k) => k >= ps.length - tail), `track ${t}`);
    total += tail;
  }
  assert.equal(r.split.test_samples, total);
  assert.equal(ds.meta.split?.name, 'time');
});

test('the splits change the split column, the normalisation and the key, never the samples and features', () => {
  const t = made.get('tracks')!, a = made.get('area')!, m = made.get('time')!;
  for (const o of [a, m]) {
    assert.deepEqual(o.ds.features, t.ds.features);
    assert.deepEqual([o.ds.x, o.ds.y, o.ds.trajectoryId, o.ds.sample], [t.ds.x, t.ds.y, t.ds.trajectoryId, t.ds.sample]);
    assert.notEqual(o.r.inputKey, t.r.inputKey);
    assert.notDeepEqual(o.ds.split, t.ds.split);
  }
  assert.notEqual(a.r.inputKey, m.r.inputKey);
});

test('a dataset made with another split is outdated: the pipeline exports again', async () => {
  const dir = path.join(outDir, 'tracks');
  const plan = async (s: Scenario) => (await planDataset(s, dir)).find((p) => p.stage === 'export')!.action;
  assert.equal(await plan(scenario), 'reuse');
  assert.equal(await plan(withSplit(scenario, 'area')), 'outdated');
  assert.equal(await plan(withSplit(scenario, 'time')), 'outdated');
  assert.equal(await plan(withSplit(scenario, 'tracks')), 'reuse');
});

test('leakage on a hand-made case: test distances, spacing, step and the interpolation note', () => {
  // One track along x, samples 1 m apart; two test points 0.1 m and 3 m off it, one 10 m off.
  const train = { x: [0, 1, 2, 3], y: [0, 0, 0, 0], trajectoryId: [1, 1, 1, 1], sample: [0, 1, 2, 3] };
  const l = leakage(train, { x: [1, 5, 0], y: [0.1, 0, -10] });
  // Distances 0.1, 2, 10: median 2, p90 = 2 + 0.8 x (10 - 2).
  assert.deepEqual(l, { median_m: 2, p90_m: 8.4, median_spacing_m: 1, median_step_m: 1 });
  assert.equal(leakageLines(l, 'area').length, 1, 'median 2 m: no note');

  const close = leakage(train, { x: [0.5, 1.5, 2.5], y: [0.1, 0.2, 0.1] });
  assert.equal(close.median_m, 0.5099); // hypot(0.5, 0.1)
  assert.equal(leakageLines(close, 'tracks').length, 1, '0.51 m is over a quarter of the 1 m step');
  const touching = leakage(train, { x: [1, 2.1, 3], y: [0.05, 0, 0.2] });
  const lines = leakageLines(touching, 'tracks');
  assert.equal(lines.length, 2);
  assert.match(lines[0], /^leakage \(split tracks\): test samples lie a median 0\.10 m \(p90 0\.18 m\)/);
  assert.match(lines[1], /split tracks measures interpolation/);
  // Steps count only sample k to k + 1 of one track.
  assert.equal(leakage({ x: [0, 5, 0, 9], y: [0, 0, 1, 1], trajectoryId: [1, 1, 2, 2], sample: [0, 2, 0, 1] }, { x: [0], y: [0] }).median_step_m, 9);
  assert.deepEqual(leakage({ x: [0], y: [0], trajectoryId: [1], sample: [0] }, { x: [3], y: [4] }), { median_m: 5, p90_m: 5, median_spacing_m: null, median_step_m: null });
  // No test samples: nothing to measure, said so.
  const none = leakage(train, { x: [], y: [] });
  assert.equal(none.median_m, null);
  assert.deepEqual(leakageLines(none, 'tracks'), ['leakage (split tracks): none to measure (no test or no training samples)']);
});

test('the grid search is exact: nearest distances equal brute force on clustered and spread points', () => {
  const rng = rngFor(7, 'test/leakage');
  for (const [n, spread] of [[500, 1], [2000, 400], [50, 20000]] as const) {
    const p = { x: [] as number[], y: [] as number[] };
    for (let i = 0; i < n; i++) {
      // Points along a few lines (tracks) plus scattered ones.
      const line = i % 3 === 0;
      p.x.push(rng() * spread);
      p.y.push(line ? Math.floor(rng() * 4) * spread * 0.25 : rng() * spread * 0.3);
    }
    const grid = new PointGrid(p);
    for (let q = 0; q < 200; q++) {
      const [x, y] = [(rng() * 1.6 - 0.3) * spread, (rng() * 1.6 - 0.3) * spread];
      const skip = q % 2 ? q % n : -1;
      let best = Infinity;
      for (let i = 0; i < n; i++) if (i !== skip) best = Math.min(best, Math.hypot(p.x[i] - x, p.y[i] - y));
      assert.equal(grid.nearest(x, y, skip), best, `n ${n}, query ${q}`);
    }
  }
});

test('the export reports the leakage of its split: brute force over its samples agrees', () => {
  for (const split of ['tracks', 'area', 'time']) {
    const samples = samplesOf(split);
    const train = samples.filter((p) => !p.test);
    const d = samples.filter((p) => p.test).map((p) => Math.min(...train.map((q) => Math.hypot(q.x - p.x, q.y - p.y)))).sort((a, b) => a - b);
    const l = made.get(split)!.r.leakage;
    const median = d.length % 2 ? d[(d.length - 1) / 2] : (d[d.length / 2 - 1] + d[d.length / 2]) / 2;
    assert.ok(Math.abs(l.median_m! - median) < 1e-4, `${split}: median ${l.median_m} vs ${median}`);
    assert.ok(l.p90_m! >= l.median_m! && l.median_step_m! > 0, split);
  }
});

test('a training records its split\'s leakage in metrics.json, as the export measured it', async () => {
  const dir = path.join(outDir, 'area');
  const r = await runTrain(withSplit(scenario, 'area'), dir, { models: ['single'], constellations: 2, train: { ...scenario.train, epochs: 1 }, jobs: 1 });
  const saved = JSON.parse(fs.readFileSync(path.join(r.models[0].dir, 'metrics.json'), 'utf8'));
  const exported = made.get('area')!.r.leakage;
  assert.equal(saved.leakage.split, 'area');
  // Two constellations: every sample twice among the rows, once in the figure. Labels are float32 in readDataset.
  for (const k of ['median_m', 'p90_m', 'median_spacing_m', 'median_step_m'] as const) assert.ok(Math.abs(saved.leakage[k] - exported[k]!) < 1e-3, `${k}: ${saved.leakage[k]} vs ${exported[k]}`);
});

test('the nr-srs path (measurements.arrow -> dataset.arrow) takes the same split', async () => {
  const dir = path.join(outDir, 'nr-srs');
  fs.mkdirSync(dir);
  const doc = YAML.parse(fs.readFileSync(scenario.path, 'utf8'));
  doc.measurement = { model: 'nr-srs' };
  const file = path.join(dir, 'scenario.yaml');
  fs.writeFileSync(file, YAML.stringify(doc));
  const measured = withSplit(loadScenario(file), 'area');
  await ensureDataset(measured, dir, { threads: 1, quiet: true });
  const ds = readDataset(path.join(dir, 'dataset.arrow'));
  const ideal = made.get('area')!.ds;
  assert.deepEqual([ds.trajectoryId, ds.sample], [ideal.trajectoryId, ideal.sample]);
  assert.deepEqual(ds.split, ideal.split, 'the same samples, the same cells');
  assert.deepEqual(ds.meta.split, ideal.meta.split);
});

test('bad --split values and dataset.split fields are refused naming the allowed values, exit 2, nothing written', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simgen-split-'));
  try {
    for (const command of ['export', 'train']) {
      const out = path.join(dir, command);
      const r = await simgen(command, '--scenario', scenario.path, '--out', out, '--split', 'random');
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /--split must be one of tracks, area, time \(got "random"\)/);
      assert.equal(fs.existsSync(out), false, 'nothing written');
    }
    const doc = YAML.parse(fs.readFileSync(scenario.path, 'utf8'));
    doc.dataset = { split: 'cells' };
    const file = path.join(dir, 'bad.yaml');
    fs.writeFileSync(file, YAML.stringify(doc));
    assert.throws(() => loadScenario(file), /field "dataset\.split" must be one of "tracks", "area", "time" \(got "cells"\)/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
