import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { readTrajectories, runTrajectories, trajectoriesInputKey } from '../src/mobility/trajectories.ts';
import { loadScenario, PACKAGE_ROOT } from '../src/scenario/load.ts';
import { SIMGEN_VERSION } from '../src/util/meta.ts';

const smoke = path.join(PACKAGE_ROOT, 'scenarios/smoke.yaml');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'simgen-mobility-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

test('trajectories.arrow: columns, row order, metadata, splits', async () => {
  const scenario = loadScenario(smoke);
  const r = await runTrajectories(scenario, path.join(tmp, 'a'), { quiet: true });
  assert.equal(r.rows, 4 * 61);
  const t = readTrajectories(r.path);
  assert.equal(t.x.length, r.rows);
  const m = t.metadata;
  assert.equal(m.get('simgen_version'), SIMGEN_VERSION);
  assert.equal(m.get('scenario'), 'smoke');
  assert.equal(m.get('scenario_hash'), scenario.hash);
  assert.equal(m.get('seed'), '2024');
  assert.equal(m.get('input_key'), trajectoriesInputKey(scenario));
  assert.equal(m.get('input_key'), r.inputKey);
  assert.equal(m.get('sample_period_s'), '0.1');
  const testIds: number[] = JSON.parse(m.get('test_trajectories')!);
  assert.equal(testIds.length, 1);
  for (let i = 0; i < r.rows; i++) {
    // Ordered by (trajectory_id, sample), t = sample x period, z = antenna height.
    assert.equal(t.trajectoryId[i], Math.floor(i / 61));
    assert.equal(t.sample[i], i % 61);
    assert.ok(Math.abs(t.t[i] - (i % 61) * 0.1) < 1e-12);
    assert.equal(t.z[i], 1.5);
    assert.equal(t.split[i], testIds.includes(t.trajectoryId[i]) ? 'test' : 'train');
    assert.ok(scenario.map.streets.some((s) => s.id === t.streetId[i]));
  }
  // The file holds exactly the in-memory tracks.
  const flat = r.tracks.flatMap((tr) => tr.samples);
  assert.deepEqual(Array.from(t.heading), flat.map((s) => s.heading));
  const svg = fs.readFileSync(r.svgPath, 'utf8');
  assert.ok(svg.startsWith('<svg') && svg.trimEnd().endsWith('</svg>'));
  assert.equal(svg.match(/<circle /g)?.length, 4 + 1, 'one start marker per track + the legend dot');
});

test('same seed -> byte-identical files; another seed -> other tracks and another input_key', async () => {
  const a = await runTrajectories(loadScenario(smoke), path.join(tmp, 's1'), { quiet: true });
  const b = await runTrajectories(loadScenario(smoke), path.join(tmp, 's2'), { quiet: true });
  assert.ok(fs.readFileSync(a.path).equals(fs.readFileSync(b.path)));
  assert.ok(fs.readFileSync(a.svgPath).equals(fs.readFileSync(b.svgPath)));
  const c = await runTrajectories(loadScenario(smoke, { seed: 7 }), path.join(tmp, 's3'), { quiet: true });
  assert.notEqual(c.inputKey, a.inputKey);
  const [xa, xc] = [readTrajectories(a.path).x, readTrajectories(c.path).x];
  assert.ok(xa.some((x, i) => x !== xc[i]));
  assert.deepEqual(fs.readdirSync(path.join(tmp, 's3')).sort(), ['trajectories.arrow', 'trajectories.svg'], 'no temporary files left');
});
