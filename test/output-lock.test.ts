import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { runTrajectories } from '../src/mobility/trajectories.ts';
import { runRaytrace } from '../src/raytrace/index.ts';
import { loadScenario } from '../src/scenario/load.ts';
import { LOCK_FILE, type LockHolder, lockOutputFolder } from '../src/util/lock.ts';
import { simgen, startSimgen, tempsUnder, until } from './fixtures/cli.ts';
import { writeBlocksScenario } from './fixtures/upstream.ts';

// One writer per output folder (src/util/lock.ts): the whole-folder lock and part locks exclude each other as
// they should, a dead holder's lock is taken over (same machine: its process is gone or its pid reused;
// another machine: its heartbeat stopped), a live one is refused in one line naming it, a part may wait. Then
// issue 25's case with real processes: two raytraces of different scenarios on one folder, the second refused
// while the first runs, and after the first is killed, the second runs: each folder ends byte-identical to
// its scenario's own run, never a mix.

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'simgen-lock-'));
process.on('exit', () => fs.rmSync(root, { recursive: true, force: true }));
const command = 'simgen test';
let n = 0;
const fresh = () => {
  const d = path.join(root, `f${n++}`);
  fs.mkdirSync(d);
  return d;
};
const refused = (re: RegExp) => (e: Error) => e.name === 'EnvironmentError' && re.test(e.message);

/** A process id of this machine that no process has (a child that has exited and been reaped). */
function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
}

/** A lock file as a run elsewhere (or of the past) would have left it. */
function writeLock(file: string, h: Partial<LockHolder>): void {
  fs.writeFileSync(file, `${JSON.stringify({ pid: 1, host: 'elsewhere', machine: 'elsewhere boot ns', started: '2026-01-01T00:00:00.000Z', command: 'simgen raytrace (planted)', ...h })}\n`);
}

test('whole-folder and part locks: who excludes whom; released locks and an empty folder made for nothing go', async () => {
  const dir = fresh();
  const whole = await lockOutputFolder(dir, { command });
  assert.ok(fs.existsSync(path.join(dir, LOCK_FILE)));
  const holder = JSON.parse(fs.readFileSync(path.join(dir, LOCK_FILE), 'utf8')) as LockHolder;
  assert.equal(holder.pid, process.pid);
  assert.equal(holder.host, os.hostname());
  assert.ok(!Number.isNaN(Date.parse(holder.started)));
  await assert.rejects(lockOutputFolder(dir, { command }), refused(new RegExp(`output folder .* is in use by "simgen test" \\(pid ${process.pid} on ${os.hostname()}, started .*\\): wait for it to end or choose another --out \\(lock file .*\\.simgen\\.lock\\)`)));
  const shard = { name: 'raytrace-shard-0-of-2', files: ['links-shard-0-of-2.part'] };
  await assert.rejects(lockOutputFolder(dir, { command, part: shard }), refused(/is in use by "simgen test"/), 'a part while the whole folder is held');
  whole.release();
  assert.ok(!fs.existsSync(path.join(dir, LOCK_FILE)));

  const a = await lockOutputFolder(dir, { command, part: shard });
  const b = await lockOutputFolder(dir, { command, part: { name: 'raytrace-shard-1-of-2', files: [] } });
  await assert.rejects(lockOutputFolder(dir, { command, part: shard }), refused(/in use by raytrace-shard-0-of-2 of "simgen test"/), 'the same part twice');
  await assert.rejects(lockOutputFolder(dir, { command }), refused(/in use by raytrace-shard-\d-of-2 of/), 'the whole folder while parts are held');
  assert.deepEqual(fs.readdirSync(dir).sort(), ['.simgen.lock.raytrace-shard-0-of-2', '.simgen.lock.raytrace-shard-1-of-2'], 'a refused whole-folder lock leaves nothing');
  a.release();
  b.release();

  // A part may wait for its own kind: taken as soon as the holder lets go.
  const first = await lockOutputFolder(dir, { command, part: { name: 'trajectories', files: [] } });
  setTimeout(() => first.release(), 400);
  const lines: string[] = [];
  const second = await lockOutputFolder(dir, { command, part: { name: 'trajectories', files: [] }, onBusy: 'wait', log: (l) => lines.push(l) });
  assert.match(lines.join('\n'), /waiting for "simgen test"/);
  second.release();
  assert.deepEqual(fs.readdirSync(dir), []);

  // A folder made by a run refused (or ended) before writing anything is removed again.
  const made = path.join(root, 'made-by-the-lock');
  const lock = await lockOutputFolder(made, { command });
  lock.release();
  assert.ok(!fs.existsSync(made));
});

test('stale locks are taken over: a dead process, a reused pid, another machine whose heartbeat stopped; a live heartbeat is refused; a link is refused', async () => {
  // Same machine, process gone.
  const dir = fresh();
  const mine = await lockOutputFolder(dir, { command });
  const machine = (JSON.parse(fs.readFileSync(mine.file, 'utf8')) as LockHolder).machine;
  mine.release();
  writeLock(path.join(dir, LOCK_FILE), { pid: deadPid(), host: os.hostname(), machine });
  (await lockOutputFolder(dir, { command })).release();

  // Same machine, the pid alive but started at another time (reused after a restart).
  writeLock(path.join(dir, LOCK_FILE), { pid: process.pid, host: os.hostname(), machine, procStart: '1' });
  (await lockOutputFolder(dir, { command })).release();

  // Another machine: watched for its heartbeat; still after `staleMs` -> taken over.
  writeLock(path.join(dir, LOCK_FILE), {});
  const t0 = Date.now();
  const lines: string[] = [];
  (await lockOutputFolder(dir, { command, staleMs: 1500, log: (l) => lines.push(l) })).release();
  assert.ok(Date.now() - t0 >= 1400, 'another machine\'s lock is watched before it is taken over');
  assert.match(lines.join('\n'), /took over the stale lock .*\.simgen\.lock: its heartbeat had stopped/);

  // Another machine whose heartbeat moves: live, refused, with the note on heartbeats.
  const live = path.join(dir, LOCK_FILE);
  writeLock(live, {});
  const beat = setInterval(() => fs.utimesSync(live, new Date(), new Date(Date.now() + Math.random() * 1e6)), 100);
  try {
    await assert.rejects(lockOutputFolder(dir, { command, staleMs: 5000 }), refused(/in use by "simgen raytrace \(planted\)" \(pid 1 on elsewhere, .*another machine's lock is taken over once its heartbeat stops/));
  } finally {
    clearInterval(beat);
  }
  fs.rmSync(live);

  // A link at the lock's name (to a file outside the folder): refused, the file untouched.
  const outside = path.join(root, 'outside.txt');
  fs.writeFileSync(outside, 'precious');
  fs.symlinkSync(outside, live);
  await assert.rejects(lockOutputFolder(dir, { command }), refused(/\.simgen\.lock is a symbolic link where simgen keeps its lock: remove it/));
  assert.equal(fs.readFileSync(outside, 'utf8'), 'precious');
});

test('the whole-folder lock cleans what dead runs left anywhere in the folder; a displaced folder goes back', async () => {
  const dir = fresh();
  const models = path.join(dir, 'models');
  fs.mkdirSync(path.join(models, 'hyploc-c1'), { recursive: true });
  fs.writeFileSync(path.join(dir, '.links.arrow.othernode-77-0123456789abcdef.tmp'), 'x'); // another machine's
  fs.writeFileSync(path.join(dir, '.dataset.arrow.host-12.tmp'), 'x'); // the name before issue 25
  fs.mkdirSync(path.join(models, '.single-c1.host-5-0123456789abcdef.tmp'));
  // A swap killed between its renames: the old folder aside, no new one.
  fs.mkdirSync(path.join(models, '.single-c1.host-5-fedcba9876543210.old'));
  fs.writeFileSync(path.join(models, '.single-c1.host-5-fedcba9876543210.old', 'metrics.json'), '{}');
  // ... and a finished swap's leftover.
  fs.mkdirSync(path.join(models, '.hyploc-c1.host-5-fedcba9876543210.old'));
  const lock = await lockOutputFolder(dir, { command });
  assert.deepEqual(tempsUnder(dir), []);
  assert.ok(fs.existsSync(path.join(models, 'single-c1', 'metrics.json')), 'the displaced folder is back');
  lock.release();
  assert.deepEqual(fs.readdirSync(dir).sort(), ['models']);
});

test('two raytraces of different scenarios on one folder: the second is refused while the first runs, runs once it is killed, and no file mixes them', { timeout: 300_000 }, async (t) => {
  const a = writeBlocksScenario(fresh(), 'same-name');
  const b = writeBlocksScenario(fresh(), 'same-name', (d) => (d.ue.tx_power_dbm = 30)); // the copy of issue 25: 23 vs 30 dBm
  const refs: Buffer[] = [];
  for (const file of [a, b]) {
    const ref = fresh();
    const s = loadScenario(file);
    await runTrajectories(s, ref, { quiet: true });
    refs.push(fs.readFileSync((await runRaytrace(s, ref, { threads: 1, quiet: true })).path));
  }
  assert.ok(!refs[0].equals(refs[1]));

  const out = fresh();
  await runTrajectories(loadScenario(a), out, { quiet: true });
  const args = (file: string) => ['raytrace', '--scenario', file, '--out', out, '--threads', '1', '--quiet'];
  const journal = path.join(out, '.links.arrow.journal');
  const first = startSimgen(args(a));
  await until(() => fs.existsSync(journal), 'the first run starts its journal');
  const second = await simgen(...args(b));
  assert.equal(second.code, 1, second.stderr);
  const lines = second.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, second.stderr);
  assert.match(lines[0], new RegExp(`^simgen: the output folder .* is in use by "simgen raytrace --scenario ${a.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} .*" \\(pid ${first.child.pid} on `));
  const r = await first.done;
  assert.equal(r.code, 0, r.stderr);
  assert.ok(fs.readFileSync(path.join(out, 'links.arrow')).equals(refs[0]), 'the first run\'s links.arrow is its own');

  // Killed with SIGKILL halfway: its lock stays, stale; the other scenario's run takes it over and starts a
  // journal of its own (the killed run's blocks are another run's: not one is kept).
  fs.rmSync(path.join(out, 'links.arrow'));
  const killed = startSimgen(args(a));
  await until(() => fs.existsSync(journal) && fs.statSync(journal).size > 100_000, 'blocks in the journal');
  killed.child.kill('SIGKILL');
  await killed.done;
  assert.ok(fs.existsSync(path.join(out, LOCK_FILE)), 'the killed run\'s lock is left');
  const other = await simgen(...args(b));
  assert.equal(other.code, 0, other.stderr);
  assert.ok(fs.readFileSync(path.join(out, 'links.arrow')).equals(refs[1]), 'the second scenario\'s links.arrow, none of the first\'s blocks in it');
  assert.deepEqual(fs.readdirSync(out).sort(), ['links.arrow', 'trajectories.arrow', 'trajectories.svg']);
  t.diagnostic(`refused: ${lines[0]}`);
});
