import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { readDataset } from '../src/dataset/read.ts';
import { runExperiment } from '../src/experiment/run.ts';
import { experimentOptions } from '../src/cli/experiment.ts';
import { resolveSettings } from '../src/experiment/settings.ts';
import { planDeployments, ZERO_SHOT_MODEL_NAMES } from '../src/experiment/zero-shot-plan.ts';
import { loadScenario, PACKAGE_ROOT } from '../src/scenario/load.ts';
import { UserError } from '../src/util/errors.ts';

// `simgen experiment zero-shot --quick` end to end on scenarios/smoke.yaml (trajectories, ray tracing,
// export, new sites traced, every model of the ablation at 1 and 10 training deployments), and the plan:
// held-out deployments never trained on, counts as prefixes, the paper's constellations first.

const scenario = loadScenario(path.join(PACKAGE_ROOT, 'scenarios/smoke.yaml'));
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'simgen-zero-shot-'));
after(() => fs.rmSync(out, { recursive: true, force: true }));
const readJson = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8'));
const key = (d: number[]) => d.join(',');

test('plan: held out = the unseen constellation + draws nobody trains on; a smaller count is a prefix; known constellations first', () => {
  const constellations = [
    { id: 1, sites: [1, 2, 3], unseen: false },
    { id: 2, sites: [2, 3, 4], unseen: false },
    { id: 3, sites: [1, 4, 6], unseen: true },
  ];
  const input = { seed: 9, size: 3, constellations, scenarioSites: [1, 2, 3, 4, 5, 6, 7, 8], trainPositions: [101, 102, 103], heldOutPositions: [201, 202, 203, 204], heldOut: 5, otherSizes: [2, 3, 5] };
  const big = planDeployments({ ...input, maxDeployments: 40 });
  const small = planDeployments({ ...input, maxDeployments: 7 });
  assert.deepEqual(big.heldOutConstellations[0], [1, 4, 6]);
  assert.equal(big.heldOutConstellations.length, 5);
  for (const pool of ['all', 'scenario'] as const) {
    assert.deepEqual(big.train[pool].slice(0, 2), [[1, 2, 3], [2, 3, 4]]);
    assert.deepEqual(small.train[pool], big.train[pool].slice(0, 7));
    assert.equal(new Set(big.train[pool].map(key)).size, 40, 'distinct');
    for (const d of big.train[pool]) {
      assert.ok(!big.heldOutConstellations.some((h) => key(h) === key(d)), `${d} is held out`);
      assert.ok(d.every((id) => id < 200), `${d} uses a held-out position`);
      if (pool === 'scenario') assert.ok(d.every((id) => id <= 8));
    }
  }
  assert.ok(big.train.all.some((d) => d.some((id) => id > 100)), 'training positions are used');
  for (const d of big.heldOutPositions) assert.ok(d.every((id) => id > 200));
  assert.deepEqual(big.otherSizes.map((o) => o.size), [2, 5], 'the training size is not an "other" size');
  assert.deepEqual(big.otherSizes.map((o) => o.deployments.length), [5, 5]);
});

test('settings: zero-shot counts, models and its own epochs; bad flags name the allowed values', () => {
  const s = resolveSettings(scenario, {}, 'zero-shot');
  assert.deepEqual(s.deployments, [1, 10, 100, 1000]);
  assert.equal(s.train.epochs, 10);
  assert.deepEqual(s.models, ZERO_SHOT_MODEL_NAMES);
  assert.deepEqual(resolveSettings(scenario, { quick: true }, 'zero-shot').deployments, [1, 10]);
  assert.equal(resolveSettings(scenario, {}, 'baseline').train.epochs, scenario.train.epochs);
  assert.deepEqual(resolveSettings(scenario, { models: ['site-set', 'hyploc'] }, 'zero-shot').models, ['hyploc', 'site-set']);
  const flags = (args: Partial<Parameters<typeof experimentOptions>[0]>) => experimentOptions({ quick: false, jobs: 2, ...args }, scenario);
  assert.throws(() => flags({ models: 'site-set,sitesett' }), (e: Error) => e instanceof UserError && /--models must be a comma list of hyploc, single-plus/.test(e.message));
  assert.throws(() => flags({ deployments: '10,0' }), (e: Error) => e instanceof UserError && /--deployments must be an integer from 1 to 10000 \(got 0\)/.test(e.message));
});

test('zero-shot --quick: every model at 1 and 10 deployments, held-out sets never trained on, figures, resume', async () => {
  const run = await runExperiment('zero-shot', scenario, out, { quick: true, quiet: true, jobs: 2 });
  const r = readJson(run.resultsPath);
  assert.equal(r.experiment, 'zero-shot');
  assert.deepEqual(r.deployment_counts, [1, 10]);
  // N = 1 of site-set and site-set-scenario-sites is the same job (the same deployment: constellation #1).
  assert.equal(run.trained, ZERO_SHOT_MODEL_NAMES.length * 2 - 1);
  assert.deepEqual(r.models.map((m: { model: string }) => m.model), ZERO_SHOT_MODEL_NAMES);
  const ds = readDataset(path.join(out, 'dataset.arrow'));
  const unseen = ds.meta.constellations.find((c) => c.unseen)!;
  assert.deepEqual(r.held_out.constellations[0], unseen.sites);
  const newIds = new Set(r.new_sites.held_out.map((s: { id: number }) => s.id));
  assert.equal(newIds.size, 7);
  for (const d of r.held_out.positions) assert.ok(d.every((id: number) => newIds.has(id)));

  for (const m of r.models) {
    assert.deepEqual(m.runs.map((x: { deployments: number }) => x.deployments), [1, 10]);
    for (const x of m.runs) {
      for (const set of ['held_out_constellations', 'held_out_positions', 'seen'])
        assert.ok(x[set].mean_error_m > 0 && x[set].median_error_m <= x[set].p90_error_m, `${m.model} N=${x.deployments} ${set}`);
      assert.equal(x.unseen_constellation_error_m, x.held_out_constellations_per_deployment_m[0]);
      assert.equal(x.held_out_constellations_per_deployment_m.length, r.held_out.constellations.length);
      const sizes = x.sites_per_deployment.map((s: { sites: number }) => s.sites);
      assert.deepEqual(sizes, m.kind === 'site-set' ? [4, 7, 9] : [7], `${m.model}: site counts it was tested on`);
      // The job's own description: what it trained on never includes a held-out deployment or position.
      const job = readJson(path.join(run.dir, 'jobs', x.job, 'job.json'));
      assert.equal(job.spec.deployments.length, x.deployments);
      assert.deepEqual(job.spec.deployments.slice(0, 3), ds.meta.constellations.filter((c) => !c.unseen).map((c) => c.sites).slice(0, x.deployments));
      for (const d of job.spec.deployments) {
        assert.ok(!r.held_out.constellations.some((h: number[]) => key(h) === key(d)));
        assert.ok(!d.some((id: number) => newIds.has(id)));
      }
    }
  }
  const files = fs.readdirSync(run.dir).filter((f) => f.endsWith('.svg')).sort();
  assert.deepEqual(files, ['cdf-n10.svg', 'constellations-mean.svg', 'constellations-median.svg', 'constellations-p90.svg', 'positions-mean.svg', 'positions-median.svg', 'positions-p90.svg', 'sites-per-deployment.svg']);
  for (const f of files) assert.match(fs.readFileSync(path.join(run.dir, f), 'utf8'), /^<svg[\s\S]*<\/svg>\n$/);

  // Resumed: nothing trained, nothing traced, the same bytes; a lost job re-runs alone to the same result.
  const bytes = fs.readFileSync(run.resultsPath);
  const again = await runExperiment('zero-shot', scenario, out, { quick: true, quiet: true });
  assert.equal(again.trained, 0);
  assert.ok(fs.readFileSync(run.resultsPath).equals(bytes));
  const lost = r.models.find((m: { model: string }) => m.model === 'site-set-window').runs[1].job;
  fs.rmSync(path.join(run.dir, 'jobs', lost, 'metrics.json'));
  const third = await runExperiment('zero-shot', scenario, out, { quick: true, quiet: true, jobs: 1 });
  assert.equal(third.trained, 1);
  assert.ok(fs.readFileSync(run.resultsPath).equals(bytes), 'a re-trained job gives the same result');
});
