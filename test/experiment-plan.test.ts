import path from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { experimentOptions } from '../src/cli/experiment.ts';
import { PAPER_FRACTIONS, resolveSettings } from '../src/experiment/settings.ts';
import { jobCost } from '../src/learn/jobs/execute.ts';
import { type FinetuneJobSpec, makeJob, type TrainJobSpec, type TrainSettings } from '../src/learn/jobs/job.ts';
import { loadScenario } from '../src/scenario/load.ts';
import { UserError } from '../src/util/errors.ts';
import { lineSvg, logTicks, niceTicks } from '../src/viz/line-svg.ts';

// Planning without training: job keys and seeds (resume / invalidation rules), settings and their
// validation, and the plot axes.

const train: TrainSettings = { epochs: 30, batchSize: 256, learningRate: 1e-3, lrDecayRate: 0.04, lrDecaySamples: 10000, maxTrainSamples: null };
const spec: TrainJobSpec = { type: 'train', kind: 'hyploc', constellations: [1, 2], train };

test('a job key changes with the dataset and every setting; a train job trains with the scenario seed, a re-training with its own', () => {
  const a = makeJob(spec, 'hyploc-c1-2', 'dataset-A', 2024);
  assert.equal(makeJob(structuredClone(spec), 'other label', 'dataset-A', 2024).key, a.key, 'same description -> same job');
  const b = makeJob(spec, 'hyploc-c1-2', 'dataset-B', 2024);
  assert.notEqual(b.key, a.key, 'a changed dataset invalidates the job');
  assert.equal(b.seed, a.seed, 'but does not move its seed');
  const e = makeJob({ ...spec, train: { ...train, epochs: 29 } }, 'x', 'dataset-A', 2024);
  assert.notEqual(e.key, a.key);
  // A train job is `simgen train` of one model: the scenario seed, whatever the model or the data.
  assert.deepEqual([a.seed, e.seed, makeJob({ ...spec, kind: 'single' }, 'x', 'dataset-A', 2024).seed, makeJob(spec, 'x', 'dataset-A', 7).seed], [2024, 2024, 2024, 7]);
  const retrain: FinetuneJobSpec = { type: 'finetune', kind: 'hyploc', base: a.key, target: 11, fraction: 0.05, train };
  const f = makeJob(retrain, 'r', 'dataset-A', 2024);
  assert.deepEqual(f.deps, [a.key]);
  assert.equal(makeJob(retrain, 'r', 'dataset-B', 2024).seed, f.seed, 'a re-training seed does not follow the dataset');
  assert.notEqual(makeJob({ ...retrain, fraction: 0.1 }, 'r', 'dataset-A', 2024).seed, f.seed, 'but follows the description');
  assert.notEqual(makeJob(retrain, 'r', 'dataset-A', 7).seed, f.seed, 'and the scenario seed');
  assert.ok(Number.isInteger(f.seed) && f.seed >= 0 && f.seed < 2 ** 31);
});

test('longer jobs are scheduled first: cost grows with constellations, data share and model size', () => {
  const cost = (s: Partial<TrainJobSpec>) => jobCost({ ...spec, ...s });
  assert.ok(cost({ constellations: [1, 2, 3] }) > cost({ constellations: [1, 2] }));
  assert.ok(cost({ kind: 'single-plus' }) > cost({ kind: 'single' }));
});

const scenario = loadScenario(path.resolve('scenarios/hyploc-madrid.yaml'));
test('settings: scenario train block by default, --quick shrinks, flags override', () => {
  const full = resolveSettings(scenario, {});
  assert.equal(full.train.epochs, 30);
  assert.equal(full.train.batchSize, scenario.train.batchSize);
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

test('experiment flags: out-of-range values are UserErrors naming the flag and the range', () => {
  const bad = (args: Partial<Parameters<typeof experimentOptions>[0]>, message: RegExp) =>
    assert.throws(() => experimentOptions({ quick: false, jobs: 2, ...args }, scenario), (e: Error) => e instanceof UserError && message.test(e.message), message.source);
  bad({ counts: '11' }, /--counts must be an integer from 1 to 10 \(the scenario's constellations.count is 10\) \(got 11\)/);
  bad({ fractions: '0' }, /--fractions.*\(0, 100\]/);
  bad({ epochs: 0 }, /--epochs must be an integer from 1 to 10000/);
  bad({ jobs: 0 }, /--jobs must be an integer from 1 to 64/);
  bad({ pretrain: 12 }, /--pretrain must be an integer from 1 to 10/);
  assert.deepEqual(experimentOptions({ quick: true, jobs: 2, counts: '10,1,5', fractions: '25' }, scenario), { quick: true, jobs: 2, epochs: undefined, counts: [10, 1, 5], fractions: [0.25], pretrain: undefined, deployments: undefined, models: undefined });
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
