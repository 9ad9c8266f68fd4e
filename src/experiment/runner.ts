import path from 'node:path';
import { isPaperKind, TRAIN_COST } from '../learn/models.ts';
import { SITE_SET_TRAIN_COST } from '../learn/site-set.ts';
import { siblingModule } from '../util/entry.ts';
import { ProcessPool } from '../util/process-pool.ts';
import { clearProgressBar, Progress } from '../util/progress.ts';
import type { JobStats } from './job-exec.ts';
import { adoptFromSibling, jobDirName, readResult } from './jobs.ts';
import type { Job, JobProgress, JobResult, WorkerRequest } from './types.ts';

// Runs an experiment's jobs: finished ones (result.json in their folder, here or in a sibling
// experiment) are skipped, the rest go to a pool of worker processes (src/util/process-pool.ts),
// a job starting once the jobs it depends on are done. Results are keyed by job, so they do not
// depend on which worker ran what.

// worker.js next to this module (dist/), or worker.ts run through tsx's loader (sources, tests).
const WORKER = siblingModule(import.meta.url, 'worker');

/** A train job's rows per constellation on the default dataset: the unit of a zero-shot job's rows here. */
const ROWS_PER_CONSTELLATION = 22432;

/** Relative cost of a job: samples it trains on x cost per sample (epochs are equal within a run). */
export function jobCost(job: Job): number {
  const s = job.spec;
  if (s.type === 'zero-shot') return (isPaperKind(s.kind) ? TRAIN_COST[s.kind] : SITE_SET_TRAIN_COST) * (s.rows / ROWS_PER_CONSTELLATION);
  return TRAIN_COST[s.kind] * (s.type === 'train' ? s.constellations.length : s.fraction);
}

export interface RunnerOptions {
  name: string;
  /** <out>/experiments/<name>. */
  experimentDir: string;
  datasetPath: string;
  scenarioSeed: number;
  scenarioPath: string;
  /** Worker processes. */
  parallel: number;
  quiet: boolean;
  log: (msg: string) => void;
}

export interface JobDone {
  job: Job;
  dir: string;
  result: JobResult;
}

export class JobRunner {
  private readonly workers: ProcessPool<WorkerRequest, JobProgress, JobStats>;
  /** Every job seen so far (all phases), by key. */
  private readonly finished = new Map<string, JobDone>();
  /** Jobs trained by this run (not resumed). */
  trained = 0;

  constructor(private readonly o: RunnerOptions) {
    this.workers = new ProcessPool(WORKER, o.parallel, `experiment ${o.name}`);
  }

  dirOf(job: Job): string {
    return path.join(this.o.experimentDir, 'jobs', jobDirName(job));
  }

  /** Run `jobs` (duplicates by key run once); returns every finished job by key. */
  async run(jobs: Job[], phase = 'jobs'): Promise<Map<string, JobDone>> {
    const unique = [...new Map(jobs.map((j) => [j.key, j])).values()];
    let copied = 0;
    const pending: Job[] = [];
    for (const job of unique) {
      if (this.finished.has(job.key)) continue;
      const dir = this.dirOf(job);
      let result = readResult(dir);
      if (!result && (result = adoptFromSibling(path.dirname(this.o.experimentDir), dir))) copied++;
      if (result) this.finished.set(job.key, { job, dir, result });
      else pending.push(job);
    }
    const total = unique.length;
    const doneBefore = total - pending.length;
    if (doneBefore > 0)
      this.o.log(`resuming: ${doneBefore}/${total} ${phase} done${copied ? ` (${copied} copied from other experiments' finished jobs)` : ''}`);
    // Longest first, so that the last job to finish is a short one and no core idles at the end.
    pending.sort((a, b) => jobCost(b) - jobCost(a));
    if (pending.length > 0) await this.pool(pending, doneBefore, total, phase);
    return new Map(unique.map((j) => [j.key, this.finished.get(j.key)!]));
  }

  /** Stop the worker processes. */
  close(): void {
    this.workers.close();
  }

  private async pool(queue: Job[], doneBefore: number, total: number, phase: string): Promise<void> {
    const o = this.o;
    const progress = new Progress(`experiment ${o.name}`, total, o.quiet, { unit: phase, initial: doneBefore });
    const epochs = new Map<string, string>();
    let done = doneBefore;
    const status = () => [...epochs.values()].join(', ');
    try {
      await this.workers.run(
        queue.map((job) => ({ id: job.key, label: job.label, request: { job, jobDir: this.dirOf(job), depDirs: Object.fromEntries(job.deps.map((d) => [d, this.finished.get(d)?.dir ?? ''])), datasetPath: o.datasetPath, scenarioSeed: o.scenarioSeed, scenarioPath: o.scenarioPath } })),
        {
          // A job may start once the jobs it depends on are done; their folders are known by then.
          pick: (q) => q.findIndex((t) => t.request.job.deps.every((d) => this.finished.has(d))),
          onStart: (t) => {
            for (const d of t.request.job.deps) t.request.depDirs[d] = this.finished.get(d)!.dir;
            epochs.set(t.id, `${t.label} starting`);
            progress.update(done, status());
          },
          onProgress: (t, p) => {
            epochs.set(t.id, `${t.label} epoch ${p.epoch}/${p.epochs}`);
            progress.update(done, status());
          },
          onDone: (t, stats) => {
            epochs.delete(t.id);
            const { job, jobDir } = t.request;
            const result = readResult(jobDir);
            if (!result) throw new Error(`experiment ${o.name}: job ${job.label} reported done but ${jobDir}/result.json is missing`);
            this.finished.set(job.key, { job, dir: jobDir, result });
            this.trained++;
            done++;
            if (!o.quiet) {
              clearProgressBar(); // the log line replaces the bar; the next update redraws it
              o.log(`[${done}/${total}] ${job.label}: test mean error ${result.test.mean_error_m.toFixed(2)} m (${stats.seconds.toFixed(1)} s training, ${Math.round(stats.samplesPerSecond)} samples/s)`);
            }
            progress.update(done, status());
          },
        },
      );
    } finally {
      progress.done();
    }
  }
}
