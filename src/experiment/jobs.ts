import fs from 'node:fs';
import path from 'node:path';
import { tmpPathFor } from '../util/atomic.ts';
import { stageKey } from '../util/meta.ts';
import type { Job, JobResult, JobSpec } from './types.ts';

// The job store: each job has a folder `<experiment>/jobs/<label>-<key prefix>/` holding job.json
// (its description), model/ (train jobs: the trained model, needed by later re-training jobs) and
// result.json, written last and atomically: a folder with result.json is a finished job, anything
// else is re-run. The key hashes the job description and the dataset's input_key, so a changed
// dataset or setting yields new keys and the old folders are simply not used.

export const RESULT_FILE = 'result.json';
export const JOB_FILE = 'job.json';
export const MODEL_DIR = 'model';

/** The job for a spec: key from the spec + dataset, seed from the spec + scenario seed only. */
export function makeJob(spec: JobSpec, label: string, datasetKey: string, scenarioSeed: number): Job {
  const key = stageKey('experiment-job', spec, datasetKey);
  // The seed must not depend on the dataset key: a re-generated, identical-by-content dataset
  // would otherwise change every initialisation.
  const seed = parseInt(stageKey('experiment-seed', spec, scenarioSeed).slice(0, 8), 16) % 2 ** 31;
  const deps = spec.type === 'finetune' ? [spec.base] : [];
  return { key, label, spec, seed, deps };
}

export function jobDirName(job: Job): string {
  return `${job.label}-${job.key.slice(0, 12)}`;
}

export function readResult(dir: string): JobResult | undefined {
  const file = path.join(dir, RESULT_FILE);
  if (!fs.existsSync(file)) return undefined;
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as JobResult;
  } catch {
    return undefined; // unreadable: treat as not done, the job re-runs and rewrites it
  }
}

/**
 * A finished copy of the job in a sibling experiment (e.g. `unseen` pre-trains the same models as
 * `constellations` at C = 10): copied into `dir` (via a temporary folder renamed into place).
 */
export function adoptFromSibling(experimentsDir: string, ownDir: string): JobResult | undefined {
  if (!fs.existsSync(experimentsDir)) return undefined;
  const name = path.basename(ownDir);
  for (const exp of fs.readdirSync(experimentsDir).sort()) {
    const other = path.join(experimentsDir, exp, 'jobs', name);
    if (other === ownDir || !readResult(other)) continue;
    const tmp = tmpPathFor(ownDir);
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.cpSync(other, tmp, { recursive: true });
    fs.rmSync(ownDir, { recursive: true, force: true });
    fs.renameSync(tmp, ownDir);
    return readResult(ownDir);
  }
  return undefined;
}
