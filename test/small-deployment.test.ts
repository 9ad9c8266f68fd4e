import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import YAML from 'yaml';
import { ROOT } from './fixtures/bad-inputs.ts';
import { simgen } from './fixtures/cli.ts';

// Small deployments (issue 16): a map with two sites trains end to end (the unseen constellation is
// skipped with a note), and an impossible constellation setting is refused before any stage runs.


test('l-block (2 sites choose 2): simgen train runs every stage and trains; no unseen constellation, with a note', async () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'simgen-lblock-'));
  const r = await simgen('train', '--scenario', path.join(ROOT, 'test/fixtures/l-block.yaml'), '--out', out, '--model', 'single', '--quiet');
  assert.equal(r.code, 0, r.stderr);
  const meta = JSON.parse(fs.readFileSync(path.join(out, 'models/single-c1/metrics.json'), 'utf8'));
  assert.ok(Number.isFinite(meta.mean_error_m));
  const e = await simgen('export', '--scenario', path.join(ROOT, 'test/fixtures/l-block.yaml'), '--out', out);
  assert.equal(e.code, 0, e.stderr);
  assert.match(e.stdout, /1 constellation x \d+ samples/);
  assert.match(e.stdout, /^note: no unseen constellation: 2 sites choose 2 give 1 constellation, all of them known/m);
  assert.doesNotMatch(e.stdout, /unseen$/m);
  // The unseen experiment has nothing to re-train on: refused up front.
  const x = await simgen('experiment', 'unseen', '--scenario', path.join(ROOT, 'test/fixtures/l-block.yaml'), '--out', out, '--quick');
  assert.equal(x.code, 2);
  assert.match(x.stderr, /^simgen: experiment unseen needs an unseen constellation/);
  fs.rmSync(out, { recursive: true, force: true });
});

test('an impossible constellation count is refused before any stage runs (exit 2, nothing written)', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simgen-lblock-bad-'));
  const s = YAML.parse(fs.readFileSync(path.join(ROOT, 'test/fixtures/l-block.yaml'), 'utf8'));
  s.map = path.join(ROOT, 'test/fixtures/l-block.geojson');
  s.constellations.count = 2;
  fs.writeFileSync(path.join(dir, 'bad.yaml'), YAML.stringify(s));
  const out = path.join(dir, 'out');
  const r = await simgen('train', '--scenario', path.join(dir, 'bad.yaml'), '--out', out);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^simgen: scenario bad\.yaml: field "constellations\.count" must be <= 1 \(2 sites choose 2 = 1 distinct constellations\) \(got 2\)/);
  assert.ok(!fs.existsSync(out), 'no stage ran');
  fs.rmSync(dir, { recursive: true, force: true });
});
