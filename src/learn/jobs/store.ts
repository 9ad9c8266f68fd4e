import fs from 'node:fs';
import path from 'node:path';
import { writeDirAtomic, writeFileAtomic } from '../../util/atomic.ts';
import type { Job, JobStats, ModelMetrics } from './job.ts';

// A job's folder: job.json (what the job is: key, label, seed, spec), the model (model.json + weights.bin for
// a network), timing.json (wall-clock numbers) and metrics.json (the record, ModelMetrics). A job writes them
// all into a temporary folder that then replaces the job's folder whole (writeDirAtomicAsync, in execute.ts):
// a folder is the old job's or the new one's, never a mix, whenever the run is killed. metrics.json marks a
// finished job: a folder without it is run again.
// `simgen train` puts one folder per model under <out>/models/, an experiment one per job under
// <out>/experiments/<name>/jobs/.

const JOB_FILE = 'job.json';
export const RECORD_FILE = 'metrics.json';
const TIMING_FILE = 'timing.json';

/** Indented JSON with arrays of numbers kept on one line. */
function prettyJson(v: unknown): string {
  return `${JSON.stringify(v, null, 1).replace(/\[[-\d.e+,\s]*\]/g, (a) => a.replace(/\s+/g, ''))}\n`;
}

export function writeJobFile(dir: string, job: Job): void {
  writeFileAtomic(path.join(dir, JOB_FILE), `${JSON.stringify({ key: job.key, label: job.label, seed: job.seed, spec: job.spec }, null, 1)}\n`);
}

/** timing.json, then the record: the job is finished once metrics.json is there. */
export function writeRecord(dir: string, record: ModelMetrics, stats: JobStats): void {
  // Wall-clock numbers live apart so that the model files and metrics.json are byte-identical across runs.
  writeFileAtomic(path.join(dir, TIMING_FILE), prettyJson({ seconds: Number(stats.seconds.toFixed(2)), samples_per_second: Math.round(stats.samplesPerSecond) }));
  writeFileAtomic(path.join(dir, RECORD_FILE), prettyJson(record));
}

/** The record of a finished job, or undefined (not finished, or unreadable: the job runs again and rewrites it). */
export function readRecord(dir: string): ModelMetrics | undefined {
  const file = path.join(dir, RECORD_FILE);
  if (!fs.existsSync(file)) return undefined;
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as ModelMetrics;
  } catch {
    return undefined;
  }
}

/**
 * A finished copy of the job in a sibling folder (e.g. experiment `unseen` pre-trains the same models as
 * `constellations` at C = 10): `<siblingsDir>/<any>/jobs/<the job folder's name>`, copied into `dir` (via a
 * temporary folder swapped in).
 */
export function adoptFromSibling(siblingsDir: string, dir: string): ModelMetrics | undefined {
  if (!fs.existsSync(siblingsDir)) return undefined;
  const name = path.basename(dir);
  for (const sibling of fs.readdirSync(siblingsDir).sort()) {
    const other = path.join(siblingsDir, sibling, 'jobs', name);
    if (other === dir || !readRecord(other)) continue;
    writeDirAtomic(dir, (tmp) => fs.cpSync(other, tmp, { recursive: true }));
    return readRecord(dir);
  }
  return undefined;
}
