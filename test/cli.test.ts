import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { loadScenario } from '../src/scenario/load.ts';
import { buildScene } from '../src/scene/build.ts';
import { ROOT, writeBadInputs } from './fixtures/bad-inputs.ts';
import { simgen } from './fixtures/cli.ts';
import { COMMANDS } from '../src/cli/commands.ts';
import { SIMGEN_VERSION } from '../src/util/meta.ts';

// The real CLI, spawned: --help, every bad-input case (exit 2, one line, nothing written) and
// `simgen scene --out` writing both exports.


/** Runs `jobs` two at a time (2 shared cores). */
async function pool<T>(jobs: (() => Promise<T>)[], width = 2): Promise<T[]> {
  const out: T[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < jobs.length) {
      const i = next++;
      out[i] = await jobs[i]();
    }
  }));
  return out;
}

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'simgen-cli-'));

test('--help lists the commands, zero-shot among the experiments, what predict writes, and the common options once', async () => {
  const r = await simgen('--help');
  assert.equal(r.code, 0);
  for (const c of Object.keys(COMMANDS)) assert.match(r.stdout, new RegExp(`^\\s+simgen ${c}\\s`, 'm'), c);
  assert.match(r.stdout, /simgen experiment <name> .*[\s\S]*zero-shot/);
  assert.match(r.stdout, /predictions-<split>\.arrow/);
  assert.match(r.stdout, /^Common options/m);
  for (const flag of ['--scenario', '--out', '--seed', '--quiet', '--progress']) assert.equal(r.stdout.match(new RegExp(`^  ${flag} `, 'gm'))?.length, 1, `${flag} described once`);
});

test('-h, -V and <command> -h exit 0; every command describes --quiet the same way; --jobs has one default', async () => {
  const commands = [...Object.keys(COMMANDS).filter((c) => c !== 'map'), 'map import'];
  const runs = await Promise.all([['-h'], ['-V'], ...commands.map((c) => [...c.split(' '), '-h'])].map((args) => simgen(...args)));
  for (const r of runs) assert.equal(r.code, 0, r.stderr);
  assert.equal(runs[1].stdout.trim(), SIMGEN_VERSION);
  const helps = runs.slice(2);
  const quiet = new Set(helps.map((r) => /--quiet\s+(.*)/.exec(r.stdout)?.[1].trim()));
  assert.deepEqual([...quiet], ['print errors only: no progress, no summary'], 'every command takes --quiet, described once');
  const jobs = helps.filter((r) => r.stdout.includes('--jobs')).map((r) => /--jobs[\s\S]*?\[default: ([^\]]+)\]/.exec(r.stdout)?.[1]);
  assert.ok(jobs.length >= 3, 'train, experiment and measure take --jobs');
  assert.deepEqual(new Set(jobs), new Set(['one per core']), 'every --jobs has the same default');
});

test('an unknown command is named, with the commands (and the nearest for a typo)', async () => {
  const [foo, typo] = await Promise.all([simgen('foo'), simgen('raytrac', '--out', 'x')]);
  assert.equal(foo.code, 2);
  assert.equal(foo.stderr.trim(), `simgen: unknown command "foo"; the commands are ${Object.keys(COMMANDS).join(', ')} ("simgen --help" describes them)`);
  assert.equal(typo.code, 2);
  assert.match(typo.stderr, /^simgen: unknown command "raytrac" \(did you mean raytrace\?\)/);
});

test('every bad input: exit 2, one line "simgen: ..." naming the field, no stack trace, nothing written', async () => {
  const dir = tmp();
  const cases = writeBadInputs(path.join(dir, 'inputs'));
  cases.push({ name: 'unknown flag', scenario: path.join(ROOT, 'scenarios/smoke.yaml'), args: ['--colour', 'red'], message: /Unknown argument: colour/ });
  const results = await pool(cases.map((c, i) => () => {
    const out = path.join(dir, `out-${i}`);
    fs.mkdirSync(out);
    return simgen('scene', '--scenario', c.scenario, '--out', out, ...(c.args ?? []));
  }));
  cases.forEach((c, i) => {
    const r = results[i];
    assert.equal(r.code, 2, `${c.name}: exit code (stderr: ${r.stderr})`);
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 1, `${c.name}: one line, got ${JSON.stringify(r.stderr)}`);
    assert.match(lines[0], /^simgen: /, c.name);
    assert.match(lines[0], c.message, c.name);
    assert.ok(!/^\s+at /m.test(r.stderr + r.stdout), `${c.name}: no stack trace`);
    assert.deepEqual(fs.readdirSync(path.join(dir, `out-${i}`)), [], `${c.name}: nothing written`);
  });
});

test('a missing input names the command that makes it, with the folder it was looked for in', async () => {
  const out = tmp();
  const smoke = path.join(ROOT, 'scenarios/smoke.yaml');
  for (const [command, missing, maker] of [['raytrace', 'trajectories.arrow', 'simgen trajectories'], ['export', 'links.arrow', 'simgen raytrace']]) {
    const r = await simgen(command, '--scenario', smoke, '--out', out);
    assert.equal(r.code, 2, r.stderr);
    assert.ok(r.stderr.includes(`${missing}; run "${maker} --out ${out}" first (with the same --scenario)`), r.stderr); // out: absolute, outside the package
  }
  assert.deepEqual(fs.readdirSync(out), [], 'nothing written');
});

test('simgen scene prints the summary and --out writes the .glb and a Mitsuba scene whose PLYs hold every triangle', async () => {
  const out = path.join(tmp(), 'scene-out');
  const smoke = path.join(ROOT, 'scenarios/smoke.yaml');
  const r = await simgen('scene', '--scenario', smoke, '--out', out);
  assert.equal(r.code, 0, r.stderr);
  const triangles = buildScene(loadScenario(smoke).map).triangleSurface.length;
  assert.match(r.stdout, new RegExp(`^triangles\\s+${triangles} \\(`, 'm'));
  assert.match(r.stdout, /^buildings\s+15$/m);
  assert.match(r.stdout, /^sites\s+18, none inside a building/m);
  assert.match(r.stdout, /^carrier frequency\s+28\.00 GHz/m);

  const glb = fs.readFileSync(path.join(out, 'scene.glb'));
  assert.equal(glb.toString('latin1', 0, 4), 'glTF');
  assert.equal(glb.readUInt32LE(8), glb.length);

  const xml = fs.readFileSync(path.join(out, 'mitsuba/scene.xml'), 'utf8');
  const files = [...xml.matchAll(/<string name="filename" value="([^"]+)"\/>/g)].map((m) => m[1]);
  assert.ok(files.length > 0);
  let sum = 0;
  for (const f of files) {
    const ply = fs.readFileSync(path.join(out, 'mitsuba', f));
    const header = ply.toString('latin1', 0, ply.indexOf('end_header\n'));
    assert.match(header, /^ply\nformat binary_little_endian 1\.0\n/);
    sum += Number(/element face (\d+)/.exec(header)![1]);
  }
  assert.equal(sum, triangles, 'PLY faces sum to the scene triangles');
  assert.deepEqual(fs.readdirSync(path.join(out, 'mitsuba/meshes')).sort(), files.map((f) => path.basename(f)).sort(), 'no stray files');
  assert.deepEqual(fs.readdirSync(out).sort(), ['mitsuba', 'scene.glb'], 'no temporary files left');
});
