import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { runTrajectories } from '../src/mobility/trajectories.ts';
import { parseShard, resolveShard, shardFromEnv } from '../src/cli/shard.ts';
import { runMerge, runRaytrace, shardBlocks } from '../src/raytrace/index.ts';
import { loadScenario, PACKAGE_ROOT } from '../src/scenario/load.ts';
import { UserError } from '../src/util/errors.ts';
import { writeBlocksScenario } from './fixtures/upstream.ts';

// Sharding: --shard i/n and the job-array environments, 3 shards run as real processes and merged into the
// bytes of one unsharded run, the result independent of n, and every part merge must refuse.

const MAIN = path.join(PACKAGE_ROOT, 'src/cli/main.ts');
const run = promisify(execFile);
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'simgen-shard-'));
process.on('exit', () => fs.rmSync(root, { recursive: true, force: true }));

async function simgen(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', MAIN, ...args], { env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

const isUserError = (re: RegExp) => (e: Error) => e instanceof UserError && re.test(e.message) && !e.message.includes('\n');

test('--shard and the job-array environment variables', () => {
  assert.deepEqual(parseShard('2/5'), { index: 2, count: 5 });
  assert.deepEqual(shardBlocks(7, { index: 1, count: 3 }), [1, 4]);
  assert.deepEqual(shardBlocks(2, { index: 2, count: 3 }), []);
  for (const bad of ['3/3', '-1/3', '1/0', 'a/2', '1', '1/2/3', '1.5/4']) assert.throws(() => parseShard(bad), isUserError(/--shard/), bad);
  assert.deepEqual(resolveShard(undefined, {}), { shard: { index: 0, count: 1 }, source: 'none' });
  assert.deepEqual(resolveShard('1/4', { JOB_COMPLETION_INDEX: '3', SHARD_COUNT: '8' }).shard, { index: 1, count: 4 }, '--shard wins');
  assert.deepEqual(shardFromEnv({ JOB_COMPLETION_INDEX: '3', SHARD_COUNT: '8' })!.shard, { index: 3, count: 8 });
  assert.deepEqual(shardFromEnv({ SLURM_ARRAY_TASK_ID: '7', SLURM_ARRAY_TASK_MIN: '5', SLURM_ARRAY_TASK_COUNT: '4' })!.shard, { index: 2, count: 4 });
  assert.deepEqual(shardFromEnv({ SLURM_ARRAY_TASK_ID: '2', SLURM_ARRAY_TASK_COUNT: '4' })!.shard, { index: 2, count: 4 });
  assert.deepEqual(shardFromEnv({ SLURM_ARRAY_TASK_ID: '5', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_STEP: '2', SLURM_ARRAY_TASK_COUNT: '3' })!.shard, { index: 2, count: 3 });
  assert.deepEqual(shardFromEnv({ AWS_BATCH_JOB_ARRAY_INDEX: '0', SHARD_COUNT: '2' })!.shard, { index: 0, count: 2 });
  assert.equal(shardFromEnv({ PATH: '/bin' }), undefined);
  assert.throws(() => shardFromEnv({ JOB_COMPLETION_INDEX: '3' }), isUserError(/SHARD_COUNT is not/));
  assert.throws(() => shardFromEnv({ JOB_COMPLETION_INDEX: '8', SHARD_COUNT: '8' }), isUserError(/only 8 shards/));
  assert.throws(() => shardFromEnv({ SLURM_ARRAY_TASK_ID: 'x', SLURM_ARRAY_TASK_COUNT: '2' }), isUserError(/SLURM_ARRAY_TASK_ID/));
});

test('3 shards as processes (--shard, Kubernetes and Slurm environments) merge into the bytes of one run; merge refuses bad parts', { timeout: 180_000 }, async () => {
  const scenarioFile = writeBlocksScenario(root, 'shards');
  const scenario = loadScenario(scenarioFile);
  const ref = path.join(root, 'ref');
  await runTrajectories(scenario, ref, { quiet: true });
  const reference = fs.readFileSync((await runRaytrace(scenario, ref, { threads: 1, quiet: true, paths: true })).path);
  const refPaths = fs.readFileSync(path.join(ref, 'paths.arrow'));

  const out = path.join(root, 'sharded');
  fs.mkdirSync(out);
  fs.copyFileSync(path.join(ref, 'trajectories.arrow'), path.join(out, 'trajectories.arrow'));
  const common = ['raytrace', '--scenario', scenarioFile, '--out', out, '--threads', '1', '--paths'];
  const shards = await Promise.all([
    simgen([...common, '--shard', '0/3']),
    simgen(common, { JOB_COMPLETION_INDEX: '1', SHARD_COUNT: '3' }),
    simgen(common, { SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_COUNT: '3' }),
  ]);
  shards.forEach((r, i) => assert.equal(r.code, 0, `shard ${i}: ${r.stderr}`));
  assert.match(shards[1].stdout, /raytrace shard 1\/3 \(from JOB_COMPLETION_INDEX/);
  assert.match(shards[2].stdout, /raytrace shard 2\/3 \(from SLURM_ARRAY_TASK_ID/);
  const parts = [0, 1, 2].map((i) => path.join(out, `links-shard-${i}-of-3.part`));
  assert.ok(parts.every((p) => fs.existsSync(p)));
  assert.ok(!fs.existsSync(path.join(out, 'links.arrow')), 'a shard writes no links.arrow');

  // A retried shard that finished does nothing.
  const again = await simgen([...common, '--shard', '0/3']);
  assert.match(again.stdout, /already complete/);

  const merged = await simgen(['merge', '--scenario', scenarioFile, '--out', out]);
  assert.equal(merged.code, 0, merged.stderr);
  assert.match(merged.stdout, /merge: 3 shards, 7272 links/);
  assert.ok(fs.readFileSync(path.join(out, 'links.arrow')).equals(reference), 'merged links.arrow differs from the unsharded run');
  assert.ok(fs.readFileSync(path.join(out, 'paths.arrow')).equals(refPaths), 'merged paths.arrow differs from the unsharded run');

  // The result does not depend on the number of shards: 2 shards (in-process) give the same bytes.
  const two = path.join(root, 'two');
  fs.mkdirSync(two);
  fs.copyFileSync(path.join(ref, 'trajectories.arrow'), path.join(two, 'trajectories.arrow'));
  for (const index of [1, 0]) await runRaytrace(scenario, two, { threads: 2, quiet: true, paths: true, shard: { index, count: 2 } });
  await runMerge(scenario, two, { quiet: true });
  assert.ok(fs.readFileSync(path.join(two, 'links.arrow')).equals(reference), '2 shards differ from 3');

  // Refusals: nothing written.
  const bad = path.join(root, 'bad');
  fs.mkdirSync(bad);
  const refuse = async (files: string[], re: RegExp, sc = scenario) => {
    await assert.rejects(runMerge(sc, bad, { parts: files, quiet: true }), isUserError(re));
    assert.deepEqual(fs.readdirSync(bad).filter((f) => f.endsWith('.arrow')), [], `${re}: nothing written`);
  };
  await refuse([parts[0], parts[2]], /shard 1\/3 missing \(found 2 of 3 parts\)/);
  const copy = path.join(bad, 'copy-of-0.part');
  fs.copyFileSync(parts[0], copy);
  await refuse([parts[0], copy, parts[1], parts[2]], /shard 0\/3 is given twice/);
  await refuse([parts[0], path.join(two, 'links-shard-1-of-2.part'), parts[2]], /parts of different runs \(2 vs 3 shards\)/);

  // Another key: shard 1 traced with another path-loss cutoff.
  const otherDir = path.join(root, 'other');
  fs.mkdirSync(otherDir);
  const otherScenario = loadScenario(writeBlocksScenario(otherDir, 'shards', (d) => (d.raytrace.path_loss_cutoff_db = 150)));
  fs.copyFileSync(path.join(ref, 'trajectories.arrow'), path.join(otherDir, 'trajectories.arrow'));
  const otherPart = (await runRaytrace(otherScenario, otherDir, { threads: 2, quiet: true, paths: true, shard: { index: 1, count: 3 } })).path;
  await refuse([parts[0], otherPart, parts[2]], /parts of different runs \(input_key/);
  await refuse(parts, /traced for another scenario/, otherScenario);

  // A damaged part, a file that is no part.
  const cut = path.join(bad, 'cut.part');
  fs.writeFileSync(cut, fs.readFileSync(parts[1]).subarray(0, fs.statSync(parts[1]).size - 40));
  await refuse([parts[0], cut, parts[2]], /cut\.part is incomplete or damaged/);
  const junk = path.join(bad, 'junk.part');
  fs.writeFileSync(junk, 'x,y,z\n');
  await refuse([parts[0], junk, parts[2]], /junk\.part is not a raytrace part file/);

  // Through the CLI: exit 2, one line.
  fs.rmSync(path.join(out, 'links.arrow'));
  fs.renameSync(parts[1], path.join(bad, 'moved.part'));
  const missing = await simgen(['merge', '--scenario', scenarioFile, '--out', out]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /^simgen: shard 1\/3 missing .*simgen raytrace --shard 1\/3/);
  assert.equal(missing.stderr.trimEnd().split('\n').length, 1);
  assert.ok(!fs.existsSync(path.join(out, 'links.arrow')));
});
