import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import YAML from 'yaml';
import { shardFromEnv } from '../src/cli/shard.ts';
import { PACKAGE_ROOT } from '../src/scenario/load.ts';

// docs/scale/: the Kubernetes manifests and the Slurm script stay true to what simgen reads: an Indexed
// Job whose SHARD_COUNT is its completion count, a job array whose size the shard count follows, the
// commands and flags that exist. (test/raytrace-shard.test.ts runs the same environments for real.)

const dir = path.join(PACKAGE_ROOT, 'docs/scale');

test('Kubernetes: an Indexed Job with SHARD_COUNT = completions runs raytrace; the merge job runs merge', () => {
  const job = YAML.parse(fs.readFileSync(path.join(dir, 'raytrace-indexed-job.yaml'), 'utf8'));
  assert.equal(job.kind, 'Job');
  assert.equal(job.spec.completionMode, 'Indexed');
  const c = job.spec.template.spec.containers[0];
  const count = Number(c.env.find((e: { name: string }) => e.name === 'SHARD_COUNT').value);
  assert.equal(count, job.spec.completions);
  for (let k = 0; k < count; k++) assert.deepEqual(shardFromEnv({ JOB_COMPLETION_INDEX: String(k), SHARD_COUNT: String(count) })!.shard, { index: k, count });
  const script = c.args.join(' ');
  assert.match(script, /simgen raytrace --scenario \S+ --out (\S+)/);
  assert.doesNotMatch(script, /--shard/, 'the shard comes from the environment');
  const out = /--out (\S+)/.exec(script)![1];
  const merge = YAML.parse(fs.readFileSync(path.join(dir, 'merge-job.yaml'), 'utf8'));
  const m = merge.spec.template.spec.containers[0].args.join(' ');
  assert.match(m, new RegExp(`simgen merge --scenario \\S+ --out ${out}`));
  assert.equal(merge.spec.template.spec.volumes[0].persistentVolumeClaim.claimName, job.spec.template.spec.volumes[0].persistentVolumeClaim.claimName);
});

test('Slurm: a valid bash script over an array, no --shard (from SLURM_ARRAY_TASK_*)', () => {
  const file = path.join(dir, 'raytrace-array.sbatch');
  const text = fs.readFileSync(file, 'utf8');
  if (process.platform !== 'win32') assert.equal(spawnSync('bash', ['-n', file]).status, 0, 'bash -n');
  const [, lo, hi] = /^#SBATCH --array=(\d+)-(\d+)$/m.exec(text)!.map(Number);
  const count = hi - lo + 1;
  for (let id = lo; id <= hi; id++)
    assert.deepEqual(shardFromEnv({ SLURM_ARRAY_TASK_ID: String(id), SLURM_ARRAY_TASK_MIN: String(lo), SLURM_ARRAY_TASK_COUNT: String(count) })!.shard, { index: id - lo, count });
  assert.match(text, /^npx simgen raytrace /m);
  const commands = text.split('\n').filter((l) => !l.startsWith('#')).join('\n');
  assert.doesNotMatch(commands, /--shard/);
  assert.match(text, /simgen merge/);
});
