import { type Shard, WHOLE } from '../raytrace/index.ts';
import { UserError } from '../util/errors.ts';
import { intText } from './flags.ts';

// `simgen raytrace --shard i/n`, or the shard of the job array the process runs in (docs/scale.md):
//   Kubernetes Indexed Job  JOB_COMPLETION_INDEX (0-based), count from SHARD_COUNT (Kubernetes does not expose it)
//   Slurm job array         (SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN) / SLURM_ARRAY_TASK_STEP, count SLURM_ARRAY_TASK_COUNT
//   AWS Batch array job     AWS_BATCH_JOB_ARRAY_INDEX (0-based), count from SHARD_COUNT

export interface ResolvedShard {
  shard: Shard;
  /** Where it came from, for the log: "--shard" or the environment variables read. */
  source: string;
}

const MAX_SHARDS = 100000;

/** "2/8" -> { index 2, count 8 }; the index counts from 0. */
export function parseShard(text: string, flag = '--shard'): Shard {
  const m = /^\s*([^/]*)\/([^/]*)$/.exec(String(text));
  if (!m) throw new UserError(`${flag} must be INDEX/COUNT with 0 <= INDEX < COUNT, e.g. 0/4 (got ${JSON.stringify(text)})`);
  const count = intText(m[2], `${flag} COUNT`, 1, MAX_SHARDS);
  const index = intText(m[1], `${flag} INDEX`, 0, count - 1);
  return { index, count };
}

type Env = Record<string, string | undefined>;

/** The shard of a job array, from its environment variables; undefined outside any. */
export function shardFromEnv(env: Env): ResolvedShard | undefined {
  const countFrom = (name: string, what: string) => {
    const c = env[name];
    if (c === undefined || c.trim() === '')
      throw new UserError(`${what} is set but ${name} is not: set ${name} to the number of shards (or pass --shard INDEX/COUNT)`);
    return intText(c, name, 1, MAX_SHARDS);
  };
  const make = (index: number, count: number, source: string, indexName: string): ResolvedShard => {
    if (index >= count) throw new UserError(`${indexName} gives shard ${index}, but there are only ${count} shards (${source}); allowed 0..${count - 1}`);
    return { shard: { index, count }, source };
  };
  if (env.JOB_COMPLETION_INDEX !== undefined) {
    const index = intText(env.JOB_COMPLETION_INDEX, 'JOB_COMPLETION_INDEX', 0, MAX_SHARDS - 1);
    return make(index, countFrom('SHARD_COUNT', 'JOB_COMPLETION_INDEX (Kubernetes Indexed Job)'), 'JOB_COMPLETION_INDEX / SHARD_COUNT', 'JOB_COMPLETION_INDEX');
  }
  if (env.SLURM_ARRAY_TASK_ID !== undefined) {
    const id = intText(env.SLURM_ARRAY_TASK_ID, 'SLURM_ARRAY_TASK_ID', 0, 1e9);
    const min = env.SLURM_ARRAY_TASK_MIN === undefined ? 0 : intText(env.SLURM_ARRAY_TASK_MIN, 'SLURM_ARRAY_TASK_MIN', 0, id);
    const step = env.SLURM_ARRAY_TASK_STEP === undefined ? 1 : intText(env.SLURM_ARRAY_TASK_STEP, 'SLURM_ARRAY_TASK_STEP', 1, 1e9);
    if ((id - min) % step !== 0) throw new UserError(`SLURM_ARRAY_TASK_ID ${id} is not SLURM_ARRAY_TASK_MIN ${min} plus a multiple of SLURM_ARRAY_TASK_STEP ${step}`);
    const count = env.SLURM_ARRAY_TASK_COUNT !== undefined ? intText(env.SLURM_ARRAY_TASK_COUNT, 'SLURM_ARRAY_TASK_COUNT', 1, MAX_SHARDS) : countFrom('SHARD_COUNT', 'SLURM_ARRAY_TASK_ID (Slurm job array)');
    return make((id - min) / step, count, 'SLURM_ARRAY_TASK_ID / SLURM_ARRAY_TASK_MIN / SLURM_ARRAY_TASK_COUNT', 'SLURM_ARRAY_TASK_ID');
  }
  if (env.AWS_BATCH_JOB_ARRAY_INDEX !== undefined) {
    const index = intText(env.AWS_BATCH_JOB_ARRAY_INDEX, 'AWS_BATCH_JOB_ARRAY_INDEX', 0, MAX_SHARDS - 1);
    return make(index, countFrom('SHARD_COUNT', 'AWS_BATCH_JOB_ARRAY_INDEX (AWS Batch array job)'), 'AWS_BATCH_JOB_ARRAY_INDEX / SHARD_COUNT', 'AWS_BATCH_JOB_ARRAY_INDEX');
  }
  return undefined;
}

/** --shard when given (it wins over the environment), else the job array's, else the whole run. */
export function resolveShard(flag: string | undefined, env: Env = process.env): ResolvedShard {
  if (flag !== undefined) return { shard: parseShard(flag), source: '--shard' };
  return shardFromEnv(env) ?? { shard: WHOLE, source: 'none' };
}
