import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { Field, Int32, Schema } from 'apache-arrow';
import YAML from 'yaml';
import { ensureDataset, planDataset } from '../src/pipeline/dataset.ts';
import { recordedInputKey } from '../src/util/arrow.ts';
import { loadScenario } from '../src/scenario/load.ts';
import { ArrowFileWriter } from '../src/util/arrow.ts';
import { writeCutSmokeScenario } from './fixtures/upstream.ts';

// The reuse rules of `simgen train`'s pipeline, on the real stages with the smoke scenario cut to
// 3 tracks x 4 s: missing files run, matching input_keys are reused untouched, a stale or missing
// output re-runs that stage only, an edited scenario section re-runs the stages that read it, a
// different seed makes every stage outdated.


test('pipeline: runs missing stages, reuses current ones, re-runs only what is stale', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simgen-pipeline-'));
  const file = writeCutSmokeScenario(dir, 'smoke-pipeline');
  const scenario = loadScenario(file);
  const out = path.join(dir, 'out');
  const actions = async (s = scenario) => (await planDataset(s, out)).map((p) => p.action);

  assert.deepEqual(await actions(), ['missing', 'missing', 'missing']);
  const lines: string[] = [];
  const plan = await ensureDataset(scenario, out, { quiet: true, threads: 1, log: (l) => lines.push(l) });
  assert.equal(lines.filter((l) => l.endsWith('running it')).length, 3);
  for (const p of plan) assert.equal(await recordedInputKey(p.path), p.inputKey, `${p.stage} records the predicted key`);

  // Everything current: nothing runs, nothing is rewritten.
  const mtimes = () => plan.map((p) => fs.statSync(p.path).mtimeMs);
  const before = mtimes();
  const dataset = fs.readFileSync(plan[2].path);
  lines.length = 0;
  await ensureDataset(scenario, out, { quiet: true, threads: 1, log: (l) => lines.push(l) });
  assert.deepEqual(lines.map((l) => l.split(':')[0] + (l.endsWith('reused') ? ' reused' : ' ran')), ['trajectories reused', 'raytrace reused', 'export reused']);
  assert.deepEqual(mtimes(), before);

  // Another seed: every key changes (nothing is run here, only planned).
  assert.deepEqual(await actions(loadScenario(file, { seed: scenario.seed + 1 })), ['outdated', 'outdated', 'outdated']);

  // An edited scenario re-runs only the stages that read the edited section.
  const edited = (edit: (doc: Record<string, any>) => void) => {
    const doc = YAML.parse(fs.readFileSync(file, 'utf8'));
    edit(doc);
    const f = path.join(dir, `edited-${Math.random().toString(36).slice(2)}.yaml`);
    fs.writeFileSync(f, YAML.stringify(doc));
    return loadScenario(f);
  };
  assert.deepEqual(await actions(edited((d) => (d.train.epochs = 7))), ['reuse', 'reuse', 'reuse'], 'train block: no stage');
  assert.deepEqual(await actions(edited((d) => (d.constellations.count = 2))), ['reuse', 'reuse', 'outdated'], 'constellations: export');
  assert.deepEqual(await actions(edited((d) => (d.raytrace.path_loss_cutoff_db = 150))), ['reuse', 'outdated', 'outdated'], 'raytrace: raytrace + export');
  assert.deepEqual(await actions(edited((d) => (d.trajectories.duration_s = 3))), ['outdated', 'outdated', 'outdated'], 'trajectories: all');

  // A dataset.arrow from other inputs: only export re-runs, and rebuilds the same bytes.
  const stale = new ArrowFileWriter(plan[2].path, new Schema([new Field('a', new Int32())], new Map([['input_key', 'stale']])));
  stale.write({ a: new Int32Array([1]) });
  await stale.close();
  assert.deepEqual(await actions(), ['reuse', 'reuse', 'outdated']);
  await ensureDataset(scenario, out, { quiet: true, threads: 1 });
  assert.deepEqual(fs.readFileSync(plan[2].path), dataset);
  assert.deepEqual(mtimes().slice(0, 2), before.slice(0, 2), 'trajectories and links untouched');

  // A deleted links.arrow is re-made; dataset.arrow records the same upstream key and stays valid.
  const links = fs.readFileSync(plan[1].path);
  fs.rmSync(plan[1].path);
  assert.deepEqual(await actions(), ['reuse', 'missing', 'reuse']);
  // A truncated one is said to be so (issue 25: it was reported "missing"), and re-made too.
  fs.writeFileSync(plan[1].path, links.subarray(0, links.length >> 1));
  assert.deepEqual(await actions(), ['reuse', 'unreadable', 'reuse']);
  const logged: string[] = [];
  await ensureDataset(scenario, out, { quiet: true, threads: 1, log: (l) => logged.push(l) });
  assert.ok(logged.includes('raytrace: links.arrow is unreadable (truncated or damaged: its Arrow footer cannot be read), running it'), logged.join('\n'));
  assert.ok(fs.readFileSync(plan[1].path).equals(links));
});
