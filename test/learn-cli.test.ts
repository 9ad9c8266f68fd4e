import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { PACKAGE_ROOT } from '../src/scenario/load.ts';
import { simgen as cli } from './fixtures/cli.ts';

const simgen = (args: string[]) => cli(...args);

// `simgen train` / `simgen predict` / `simgen experiment zero-shot` refuse bad flags before any work: exit 2, one line naming the
// flag and its allowed values, nothing written.

const SMOKE = path.join(PACKAGE_ROOT, 'scenarios/smoke.yaml');

test('train, predict and experiment zero-shot: bad flags -> exit 2, one line with the allowed values, nothing written', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simgen-learn-cli-'));
  const cases: Array<[string[], RegExp]> = [
    [['train', '--models', 'hyploc,bogus'], /--models must be a comma list of hyploc, single, single-plus, knn, geometric/],
    [['train', '--model', 'bogus'], /--models must be a comma list of hyploc, single, single-plus, knn, geometric/], // the old name, an alias
    [['train', '--epochs', '0'], /--epochs must be an integer from 1 to 10000 \(got 0\)/],
    [['train', '--batch-size', '1.5'], /--batch-size must be an integer from 1 to 65536/],
    [['train', '--constellations', '4'], /--constellations must be an integer from 1 to 3 \(got 4\)/],
    [['train', '--kernels', 'fast'], /SIMGEN_KERNELS \(--kernels\) must be one of simgen, stock \(got "fast"\)/],
    [['train', '--jobs', '0'], /--jobs must be an integer from 1 to 64 \(got 0\)/],
    [['train', '--knn-k', '0'], /--knn-k must be an integer from 1 to 1000 \(got 0\)/],
    [['train', '--knn-weighting', 'gaussian'], /--knn-weighting must be one of inverse-distance, uniform \(got "gaussian"\)/],
    [['experiment', 'zero-shot', '--models', 'site-set,bogus'], /--models must be a comma list of hyploc, single-plus, single, hyploc-estimates/],
    [['experiment', 'zero-shot', '--deployments', '10,0'], /--deployments must be an integer from 1 to 10000 \(got 0\)/],
    [['predict', '--model-dir', path.join(dir, 'none'), '--split', 'valid'], /--split must be "test" or "train"/],
    [['predict', '--model-dir', path.join(dir, 'none')], /--model-dir .*none: no model.json there/],
  ];
  const results: Array<{ code: number; stderr: string }> = [];
  for (let i = 0; i < cases.length; i += 2) {
    results.push(
      ...(await Promise.all(
        cases.slice(i, i + 2).map(([args], k) => {
          const out = path.join(dir, `out-${i + k}`);
          return simgen(args[0] !== 'predict' ? [...args, '--scenario', SMOKE, '--out', out] : [...args, '--output', path.join(out, 'p.arrow')]);
        }),
      )),
    );
  }
  cases.forEach(([args, message], i) => {
    const r = results[i];
    assert.equal(r.code, 2, `${args.join(' ')}: exit code (stderr: ${r.stderr})`);
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 1, `${args.join(' ')}: one line, got ${JSON.stringify(r.stderr)}`);
    assert.match(lines[0], /^simgen: /);
    assert.match(lines[0], message);
    assert.ok(!fs.existsSync(path.join(dir, `out-${i}`)), `${args.join(' ')}: nothing written`);
  });
});
