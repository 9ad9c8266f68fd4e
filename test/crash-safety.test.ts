import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { runExport } from '../src/dataset/export.ts';
import { runTrajectories } from '../src/mobility/trajectories.ts';
import { runRaytrace } from '../src/raytrace/index.ts';
import { loadScenario } from '../src/scenario/load.ts';
import { LOCK_FILE, lockOutputFolder } from '../src/util/lock.ts';
import { childPids, isRunning, simgen, startSimgen, tempsUnder, until } from './fixtures/cli.ts';
import { writeCutSmokeScenario } from './fixtures/upstream.ts';

// Issue 25's crash cases with real processes (Linux: worker processes are found through /proc):
// - `simgen train` killed with SIGKILL, or stopped with SIGTERM, while its worker processes train: the workers
//   are gone soon after (checked by their pids), and a complete train then is the last to write the models;
// - a kill at every phase of a model's save (set-up, work, assembly, rename; SIMGEN_CRASH_AT, src/util/crash-point.ts):
//   the model folder is the old model or the new one, whole, never a mix (a folder swap cut between its two
//   renames is put back by the next run that locks the folder), and `simgen predict` refuses a mixed folder;
// - a symbolic link planted at the journal's name (to a file outside the folder): refused, the file untouched;
//   one at links.arrow's: replaced, the file it points to untouched.

const linux = process.platform === 'linux';
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'simgen-crash-'));
process.on('exit', () => fs.rmSync(root, { recursive: true, force: true }));

let upstream: { dir: string; scenario: string } | undefined;
/** The cut smoke scenario's trajectories, links and dataset, made once. */
async function base(): Promise<{ dir: string; scenario: string }> {
  if (upstream) return upstream;
  const dir = path.join(root, 'base');
  fs.mkdirSync(dir);
  const scenario = writeCutSmokeScenario(dir, 'crash');
  const s = loadScenario(scenario);
  await runTrajectories(s, dir, { quiet: true });
  await runRaytrace(s, dir, { threads: 1, quiet: true });
  await runExport(s, dir, { quiet: true });
  upstream = { dir, scenario };
  return upstream;
}

let copies = 0;
/** A new output folder holding the base's stage outputs. */
async function outFolder(): Promise<{ out: string; scenario: string }> {
  const b = await base();
  const out = path.join(root, `out-${copies++}`);
  fs.mkdirSync(out);
  for (const f of ['trajectories.arrow', 'trajectories.svg', 'links.arrow', 'dataset.arrow']) fs.copyFileSync(path.join(b.dir, f), path.join(out, f));
  return { out, scenario: b.scenario };
}

const train = (scenario: string, out: string, ...extra: string[]) => ['train', '--scenario', scenario, '--out', out, '--threads', '1', ...extra];

for (const signal of ['SIGKILL', 'SIGTERM'] as const) {
  test(`train stopped with ${signal} while its workers train: the workers are gone soon after, and a later complete train is the last to write the models`, { skip: !linux && 'worker processes are found through /proc (Linux)', timeout: 300_000 }, async (t) => {
    const { out, scenario } = await outFolder();
    const run = startSimgen(train(scenario, out, '--model', 'hyploc,single-plus', '--jobs', '2', '--epochs', '10000'));
    await until(() => /hyploc-c1 epoch/.test(run.stdout()) && /single-plus-c1 epoch/.test(run.stdout()), 'both workers train');
    const workers = childPids(run.child.pid!).filter((p) => fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('jobs/worker')); // (tsx's esbuild is a child too)
    assert.equal(workers.length, 2, `two worker processes (got ${workers.join(', ')})`);
    run.child.kill(signal);
    const ended = await run.done;
    if (signal === 'SIGTERM') {
      assert.equal(ended.code, 143, 'SIGTERM: exit code 128 + 15');
      assert.ok(!fs.existsSync(path.join(out, LOCK_FILE)), 'SIGTERM: the lock is released');
    } else assert.equal(ended.signal, 'SIGKILL');
    const ms = await until(() => workers.every((p) => !isRunning(p)), `the workers ${workers.join(', ')} end after the parent's ${signal}`, 60_000);
    t.diagnostic(`${signal}: workers ${workers.join(', ')} gone ${ms} ms after the parent ended`);
    assert.ok(!/EPIPE|^\s+at /m.test(ended.stderr), `no stack trace from the workers: ${ended.stderr}`);

    const complete = await simgen(...train(scenario, out, '--model', 'hyploc,single-plus', '--jobs', '2', '--epochs', '2', '--quiet'));
    assert.equal(complete.code, 0, complete.stderr);
    const snapshot = () => ['hyploc-c1', 'single-plus-c1'].map((m) => ['metrics.json', 'weights.bin', 'model.json'].map((f) => fs.readFileSync(path.join(out, 'models', m, f)).toString('base64')).join());
    const after = snapshot();
    for (const m of ['hyploc-c1', 'single-plus-c1']) assert.equal(JSON.parse(fs.readFileSync(path.join(out, 'models', m, 'metrics.json'), 'utf8')).epochs, 2, m);
    await new Promise((r) => setTimeout(r, 1000));
    assert.deepEqual(snapshot(), after, 'no model written after the complete train');
    assert.deepEqual(tempsUnder(out), [], 'the killed workers\' temporary folders were removed by the next run');
  });
}

const MODEL_FILES = ['job.json', 'metrics.json', 'model.json', 'timing.json', 'weights.bin'];
/** A model folder's files (timing.json's wall clock aside), or null when there is none. */
function modelOf(dir: string): Record<string, string> | null {
  if (!fs.existsSync(dir)) return null;
  assert.deepEqual(fs.readdirSync(dir).sort(), MODEL_FILES, `${dir}: the five files of a model, nothing else`);
  return Object.fromEntries(MODEL_FILES.filter((f) => f !== 'timing.json').map((f) => [f, fs.readFileSync(path.join(dir, f)).toString('base64')]));
}

test('a kill at every phase of a model\'s save leaves the old model or the new one, whole; predict refuses a mix', { timeout: 300_000 }, async (t) => {
  const { out, scenario } = await outFolder();
  const single = ['--model', 'single', '--jobs', '1', '--quiet'];
  const m1 = await simgen(...train(scenario, out, ...single, '--epochs', '1'));
  assert.equal(m1.code, 0, m1.stderr);
  const dir = path.join(out, 'models', 'single-c1');
  const old = modelOf(dir)!;
  const refOut = (await outFolder()).out;
  const m2 = await simgen(...train(scenario, refOut, ...single, '--epochs', '2'));
  assert.equal(m2.code, 0, m2.stderr);
  const next = modelOf(path.join(refOut, 'models', 'single-c1'))!;
  assert.notDeepEqual(old, next);

  // Phase -> which model the folder holds once the next run has locked the folder.
  const phases: [string, string, 'old' | 'new'][] = [
    ['set-up: the temporary folder made', 'swap:setup', 'old'],
    ['work: weights.bin written, model.json not yet', 'model:weights-written', 'old'],
    ['assembly: every file in the temporary folder', 'swap:filled', 'old'],
    ['rename: the old folder moved aside, the new one not yet in', 'swap:moved-old', 'old'],
    ['rename: the new folder in, the old one not yet removed', 'swap:swapped', 'new'],
  ];
  for (const [phase, point, expect] of phases) {
    const killed = startSimgen(train(scenario, out, ...single, '--epochs', '2'), { SIMGEN_CRASH_AT: point });
    const k = await killed.done;
    assert.equal(k.signal, 'SIGKILL', `${phase}: the crash point was reached (${k.stderr})`);
    const now = modelOf(dir);
    // Right after the kill: the old or the new model, or (between the two renames) none with the old one aside.
    if (now === null) {
      assert.equal(point, 'swap:moved-old', `${phase}: the folder is missing`);
      assert.ok(fs.readdirSync(path.dirname(dir)).some((f) => /^\.single-c1\..+\.old$/.test(f)), `${phase}: the old folder is aside`);
    } else assert.ok([old, next].some((m) => JSON.stringify(m) === JSON.stringify(now)), `${phase}: a mix of two models`);
    // The next run to lock the folder cleans up and puts a displaced folder back.
    (await lockOutputFolder(out, { command: 'test' })).release();
    assert.deepEqual(modelOf(dir), expect === 'old' ? old : next, `${phase}: the ${expect} model`);
    assert.deepEqual(tempsUnder(out), [], `${phase}: no temporary left`);
    t.diagnostic(`${phase} (${point}): ${now === null ? 'no folder, the old one aside, put back' : `the ${JSON.stringify(now) === JSON.stringify(old) ? 'old' : 'new'} model`}`);
  }

  // A folder mixed by hand (new weights under the old model.json), as an older simgen could leave it: refused.
  const mixed = path.join(root, 'mixed');
  fs.cpSync(path.join(out, 'models', 'single-c1'), mixed, { recursive: true });
  fs.writeFileSync(path.join(mixed, 'weights.bin'), Buffer.from(old['weights.bin'], 'base64')); // the folder holds the new model now
  const dataset = path.join(out, 'dataset.arrow');
  const p = await simgen('predict', '--model-dir', mixed, '--dataset', dataset, '--output', path.join(root, 'p.arrow'));
  assert.equal(p.code, 2, p.stderr);
  assert.match(p.stderr.trimEnd(), /^simgen: --model-dir .*mixed: weights\.bin is not the one model\.json was saved with \(SHA-256 [0-9a-f]{12}, expected [0-9a-f]{12}\): a model folder replaced half-way; train it again$/);
  // A model.json of before the checksum: its weights are at least checked for their length.
  const json = JSON.parse(fs.readFileSync(path.join(mixed, 'model.json'), 'utf8'));
  delete json.weightsSha256;
  fs.writeFileSync(path.join(mixed, 'model.json'), JSON.stringify(json));
  fs.writeFileSync(path.join(mixed, 'weights.bin'), fs.readFileSync(path.join(mixed, 'weights.bin')).subarray(8));
  const short = await simgen('predict', '--model-dir', mixed, '--dataset', dataset, '--output', path.join(root, 'p.arrow'));
  assert.equal(short.code, 2, short.stderr);
  assert.match(short.stderr, /weights\.bin is not the one model\.json was saved with \(\d+ bytes, the manifest needs \d+\)/);
  assert.ok(!fs.existsSync(path.join(root, 'p.arrow')));
});

test('a symbolic link planted at the journal\'s name is refused and its target untouched; one at links.arrow is replaced, its target untouched', { timeout: 300_000 }, async () => {
  const { out, scenario } = await outFolder();
  fs.rmSync(path.join(out, 'links.arrow'));
  const victim = path.join(root, 'victim.txt');
  fs.writeFileSync(victim, 'not yours');
  const journal = path.join(out, '.links.arrow.journal');
  fs.symlinkSync(victim, journal);
  const raytrace = ['raytrace', '--scenario', scenario, '--out', out, '--threads', '1', '--quiet'];
  const r = await simgen(...raytrace);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr.trimEnd(), /^simgen: .*\.links\.arrow\.journal is a symbolic link \(to .*victim\.txt\): simgen never writes through a link in its output folder; remove it and run again$/);
  assert.equal(fs.readFileSync(victim, 'utf8'), 'not yours');
  assert.deepEqual(tempsUnder(out), []);
  assert.ok(!fs.existsSync(path.join(out, LOCK_FILE)));

  fs.rmSync(journal);
  fs.symlinkSync(victim, path.join(out, 'links.arrow'));
  const again = await simgen(...raytrace);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(fs.readFileSync(victim, 'utf8'), 'not yours');
  assert.ok(fs.lstatSync(path.join(out, 'links.arrow')).isFile(), 'links.arrow is a file of its own now');
  assert.ok(fs.readFileSync(path.join(out, 'links.arrow')).equals(fs.readFileSync(path.join((await base()).dir, 'links.arrow'))));
});
