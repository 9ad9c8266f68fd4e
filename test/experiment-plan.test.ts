import path from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeJob } from '../src/experiment/jobs.ts';
import { jobCost } from '../src/experiment/runner.ts';
import { PAPER_FRACTIONS, resolveSettings } from '../src/experiment/settings.ts';
import type { TrainJobSpec, TrainSettings } from '../src/experiment/types.ts';
import { loadScenario } from '../src/scenario/load.ts';
import { UserError } from '../src/util/errors.ts';
import { lineSvg, logTicks, niceTicks } from '../src/viz/line-svg.ts';

// Planning without training: job keys and seeds (resume / invalidation rules), settings and their
// validation, and the plot axes.

const train: TrainSettings = { epochs: 30, batchSize: 256, learningRate: 1e-3, lrDecayRate: 0.04, lrDecaySamples: 10000, maxTrainSamples: null };
const spec: TrainJobSpec = { type: 'train', kind: 'hyploc', constellations: [1, 2], train };

test('a job key changes with the dataset and every setting; its seed only with the description and scenario seed', () => {
  const a = makeJob(spec, 'hyploc-c1-2', 'dataset-A', 2024);
  assert.equal(makeJob(structuredClone(spec), 'other label', 'dataset-A', 2024).key, a.key, 'same description -> same job');
  const b = makeJob(spec, 'hyploc-c1-2', 'dataset-B', 2024);
  assert.notEqual(b.key, a.key, 'a changed dataset invalidates the job');
  assert.equal(b.seed, a.seed, 'but does not move its seed');
  const e = makeJob({ ...spec, train: { ...train, epochs: 29 } }, 'x', 'dataset-A', 2024);
  assert.notEqual(e.key, a.key);
  assert.notEqual(e.seed, a.seed);
  assert.notEqual(makeJob({ ...spec, kind: 'single' }, 'x', 'dataset-A', 2024).seed, a.seed);
  assert.notEqual(makeJob(spec, 'x', 'dataset-A', 7).seed, a.seed, 'the scenario seed moves every job seed');
  assert.ok(Number.isInteger(a.seed) && a.seed >= 0 && a.seed < 2 ** 31);
  const f = makeJob({ type: 'finetune', kind: 'hyploc', base: a.key, target: 11, fraction: 0.05, train }, 'r', 'dataset-A', 2024);
  assert.deepEqual(f.deps, [a.key]);
});

test('longer jobs are scheduled first: cost grows with constellations, data share and model size', () => {
  const cost = (s: Partial<TrainJobSpec>) => jobCost(makeJob({ ...spec, ...s }, 'x', 'd', 1));
  assert.ok(cost({ constellations: [1, 2, 3] }) > cost({ constellations: [1, 2] }));
  assert.ok(cost({ kind: 'single-plus' }) > cost({ kind: 'single' }));
});

const scenario = loadScenario(path.resolve('scenarios/hyploc-madrid.yaml'));
test('settings: scenario train block by default, --quick shrinks, flags override', () => {
  const full = resolveSettings(scenario, {});
  assert.equal(full.train.epochs, 30);
  assert.equal(full.train.batchSize, scenario.file.train.batch_size);
  assert.equal(full.train.maxTrainSamples, null);
  assert.deepEqual(full.counts, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assert.deepEqual(full.fractions, PAPER_FRACTIONS);
  assert.equal(full.pretrain, 10);
  assert.equal(full.jobs, 2);
  const quick = resolveSettings(scenario, { quick: true });
  assert.equal(quick.train.epochs, 2);
  assert.deepEqual(quick.counts, [1, 2]);
  assert.deepEqual(quick.fractions, [0.1, 0.5]);
  assert.equal(quick.pretrain, 2);
  const flags = resolveSettings(scenario, { quick: true, epochs: 5, counts: [10, 1, 5, 5], fractions: [0.25] });
  assert.equal(flags.train.epochs, 5);
  assert.deepEqual(flags.counts, [1, 5, 10]);
  assert.deepEqual(flags.fractions, [0.25]);
});

test('settings: out-of-range flags are UserErrors naming the flag and the range', () => {
  assert.throws(() => resolveSettings(scenario, { counts: [11] }), (e: Error) => e instanceof UserError && /--counts.*1\.\.10 \(the scenario's constellations.count is 10\)/.test(e.message));
  assert.throws(() => resolveSettings(scenario, { fractions: [0] }), (e: Error) => e instanceof UserError && /--fractions.*\(0, 100\]/.test(e.message));
  assert.throws(() => resolveSettings(scenario, { epochs: 0 }), (e: Error) => e instanceof UserError && /--epochs/.test(e.message));
  assert.throws(() => resolveSettings(scenario, { jobs: 0 }), (e: Error) => e instanceof UserError && /--jobs/.test(e.message));
  assert.throws(() => resolveSettings(scenario, { pretrain: 12 }), (e: Error) => e instanceof UserError && /--pretrain.*1\.\.10/.test(e.message));
});

test('plot axes: round ticks, log ticks, points placed by the axis mapping', () => {
  assert.deepEqual(niceTicks(0, 10), [0, 2, 4, 6, 8, 10]);
  assert.deepEqual(niceTicks(0.3, 1.7, 4), [0.5, 1, 1.5]);
  assert.deepEqual(logTicks(1, 50), [1, 2, 5, 10, 20, 50]);
  assert.deepEqual(logTicks(1, 1e6), [1, 10, 100, 1000, 10000, 100000, 1000000]);
  assert.deepEqual(logTicks(180, 600), [200, 400, 600]);
  // Log x from 1 to 100: x = 10 sits exactly in the middle of the plot area.
  const svg = lineSvg({ title: 't', xLabel: 'x', yLabel: 'y', series: [{ name: 'a', points: [[1, 0], [10, 1], [100, 2]] }], xLog: true, xTicks: [1, 10, 100] });
  const pts = /<polyline points="([^"]+)"/.exec(svg)![1].split(' ').map((p) => p.split(',').map(Number));
  assert.ok(Math.abs(pts[1][0] - (pts[0][0] + pts[2][0]) / 2) < 0.11);
  assert.ok(pts[0][1] > pts[1][1] && pts[1][1] > pts[2][1], 'larger y is drawn higher');
  assert.match(svg, />a<\/text>/);
});
