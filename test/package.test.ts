import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';
import { PACKAGE_ROOT } from '../src/scenario/load.ts';

// What a user gets from `npm pack`: the tarball installs into an empty folder and its `simgen` runs the
// whole pipeline there, from the compiled dist/ (worker threads, worker processes and the tfjs wasm
// backend included), with nothing of the repository around it.
//
// A user's `npm install simgen-x.y.z.tgz` resolves the dependency ranges at the registry. Here the consumer
// folder gets a lockfile made of the repository's own (its non-dev entries, the versions the suite tests),
// so `npm ci --offline` installs from the cache that `npm ci` filled: fast, and no network needed.

const run = promisify(execFile);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'simgen-pack-'));
after(() => fs.rmSync(work, { recursive: true, force: true }));

interface PackResult {
  filename: string;
  integrity: string;
  files: { path: string }[];
}

interface LockEntry {
  dev?: boolean;
  devOptional?: boolean;
  [key: string]: unknown;
}

test('npm pack -> install into an empty folder -> npx simgen train on the bundled smoke scenario', { timeout: 300_000 }, async () => {
  // `npm pack` runs the "prepare" script (the build), so the tarball holds the current dist/.
  const { stdout } = await run(npm, ['pack', '--json', '--pack-destination', work], { cwd: PACKAGE_ROOT, maxBuffer: 1 << 26, shell: process.platform === 'win32' });
  const packed = (JSON.parse(stdout.slice(stdout.indexOf('['))) as PackResult[])[0];
  const files = packed.files.map((f) => f.path);
  for (const f of ['bin/simgen.js', 'dist/cli/main.js', 'dist/raytrace/run/worker.js', 'dist/learn/jobs/worker.js', 'dist/measure/worker.js', 'scenarios/smoke-nr-srs.yaml', 'dist/viewer/web/viewer.js', 'scenarios/smoke.yaml', 'scenarios/hyploc-madrid.yaml', 'maps/madrid-grid.geojson', 'package.json'])
    assert.ok(files.includes(f), `the tarball holds ${f}`);
  assert.deepEqual(files.filter((f) => /^(src|test|bench|scratch|output)\//.test(f)), [], 'no sources, tests or outputs in the tarball');

  const pkg = JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8'));
  const lock = JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const app = path.join(work, 'app');
  fs.mkdirSync(app);
  const spec = `file:../${packed.filename}`;
  const packages: Record<string, unknown> = {
    '': { name: 'simgen-consumer', dependencies: { simgen: spec } },
    'node_modules/simgen': { version: pkg.version, resolved: spec, integrity: packed.integrity, license: pkg.license, dependencies: pkg.dependencies, bin: pkg.bin, engines: pkg.engines },
  };
  for (const [key, { devOptional: _, ...entry }] of Object.entries(lock.packages)) if (key !== '' && !entry.dev) packages[key] = entry;
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'simgen-consumer', private: true, dependencies: { simgen: spec } }, null, 2));
  fs.writeFileSync(path.join(app, 'package-lock.json'), JSON.stringify({ name: 'simgen-consumer', lockfileVersion: 3, requires: true, packages }, null, 2));
  await run(npm, ['ci', '--offline', '--no-audit', '--no-fund'], { cwd: app, maxBuffer: 1 << 26, shell: process.platform === 'win32' });
  assert.ok(!fs.existsSync(path.join(app, 'node_modules/tsx')), 'tsx (a development dependency) is not installed');

  const simgen = (...args: string[]) => run(npx, ['--offline', 'simgen', ...args], { cwd: app, maxBuffer: 1 << 26, shell: process.platform === 'win32' });
  assert.match((await simgen('--help')).stdout, /simgen train/);
  assert.equal((await simgen('--version')).stdout.trim(), pkg.version);

  // The whole pipeline: trajectories, raytrace (2 worker threads), export, training on the wasm backend.
  const scenario = path.join('node_modules', 'simgen', 'scenarios', 'smoke.yaml');
  const train = await simgen('train', '--scenario', scenario, '--threads', '2', '--model', 'hyploc,single');
  assert.match(train.stdout, /^HypLoc\s+249442\s/m);
  for (const f of ['trajectories.arrow', 'links.arrow', 'dataset.arrow', 'models/hyploc-c1/model.json', 'models/single-c1/weights.bin', 'models/cdf-c1.svg'])
    assert.ok(fs.existsSync(path.join(app, 'output', 'smoke', f)), `output/smoke/${f}`);
  assert.match(train.stdout, /error CDF: output\/smoke\/models\/cdf-c1\.svg/, 'paths printed relative to the working directory');

  // The radio map's PNG images (the native canvas and the bundled font resolved from the install) and the viewer
  // (its script bundled at build time, in dist/).
  const map = await simgen('radiomap', '--scenario', scenario, '--sites', '1', '--cell', '40');
  assert.match(map.stdout, /wrote output\/smoke\/radiomap\/radiomap\.arrow and 3 images \(site-1\.png, max\.png, best-server\.png\)/);
  const view = await simgen('view', '--scenario', scenario, '--threads', '2');
  assert.match(view.stdout, /wrote output\/smoke\/viewer\.html/);
  assert.match(fs.readFileSync(path.join(app, 'output', 'smoke', 'viewer.html'), 'utf8'), /<script id="simgen-data" type="application\/json">/);

  // Worker processes (experiment jobs) start from dist/ as well.
  const exp = await simgen('experiment', 'baseline', '--quick', '--jobs', '2', '--scenario', scenario);
  assert.match(exp.stdout, /experiment baseline: 5 job\(s\) trained/);
});
