import path from 'node:path';
import { siblingModule } from '../../util/entry.ts';
import { type PoolHandlers, type PoolTask, ProcessPool } from '../../util/process-pool.ts';
import { clearProgressBar, Progress } from '../../util/progress.ts';
import { jobCost, runJob } from './execute.ts';
import type { Job, JobProgress, JobRequest, JobStats, ModelMetrics } from './job.ts';
import { adoptFromSibling, readRecord, RECORD_FILE } from './store.ts';

// The one training orchestrator: `simgen train` and every experiment hand their jobs to a JobRunner. Finished
// jobs (metrics.json in their folder, here or in a sibling experiment's) are skipped when resuming; the rest
// run longest first on a pool of worker processes (src/util/process-pool.ts; tfjs-wasm is single-threaded in
// Node), or in this process when one at a time is asked for, a job starting once the jobs it depends on are
// done. Each job runs exactly as it would anywhere else (its numbers depend on its spec and seed only), so the
// bytes do not depend on the number of processes or on which one ran what.

// worker.js next to this module (dist/), or worker.ts run through tsx's loader (sources, tests).
const WORKER = siblingModule(import.meta.url, 'worker');

export interface JobDone {
  job: Job;
  dir: string;
  record: ModelMetrics;
  /** Wall-clock numbers of a job run now (undefined for one resumed or adopted). */
  stats?: JobStats;
}

/** What a run shows while its jobs train: called for every job run now. */
export interface JobEvents {
  onStart?: (job: Job) => void;
  onProgress?: (job: Job, p: JobProgress) => void;
  onDone?: (done: JobDone) => void;
  /** After the last job (or a failure): e.g. clear a progress bar. */
  close?: () => void;
}

export interface RunnerOptions {
  /** For messages: "train", "experiment baseline". */
  name: string;
  /** Worker processes; 1 runs the jobs in this process. */
  parallel: number;
  /** The folder of a job. */
  dirOf: (job: Job) => string;
  /** Skip jobs already finished (and adopt finished copies from `<siblingsDir>/<other>/jobs/`); else run every job. */
  resume: boolean;
  siblingsDir?: string;
  datasetPath: string;
  scenarioPath: string;
  scenarioSeed: number;
  quiet: boolean;
  log: (line: string) => void;
  /** What to show for a run() call (default: a bar over the jobs and a line per finished job). */
  events?: (phase: string, total: number, doneBefore: number) => JobEvents;
}

/** Runs tasks one at a time in this process, with the pool's handlers (start order and dependencies by `pick`). */
async function runInline(tasks: PoolTask<JobRequest>[], h: PoolHandlers<JobRequest, JobProgress, JobStats>): Promise<void> {
  const queue = [...tasks];
  while (queue.length > 0) {
    const i = h.pick ? h.pick(queue) : 0;
    if (i < 0) throw new Error(`${queue.length} job(s) can never start (${queue.map((t) => t.label).join(', ')})`);
    const [task] = queue.splice(i, 1);
    h.onStart?.(task);
    const stats = await runJob(task.request, (p) => h.onProgress?.(task, p));
    h.onDone?.(task, stats);
  }
}

export class JobRunner {
  private readonly pool: ProcessPool<JobRequest, JobProgress, JobStats> | null;
  /** Every job finished so far (all phases), by key. */
  private readonly finished = new Map<string, JobDone>();
  /** Jobs trained by this runner (not resumed). */
  trained = 0;

  constructor(private readonly o: RunnerOptions) {
    this.pool = o.parallel > 1 ? new ProcessPool(WORKER, o.parallel, o.name) : null;
  }

  /** Run `jobs` (duplicates by key run once); returns every one of them, finished, by key. */
  async run(jobs: Job[], phase = 'jobs'): Promise<Map<string, JobDone>> {
    const unique = [...new Map(jobs.map((j) => [j.key, j])).values()];
    let copied = 0;
    const pending: Job[] = [];
    for (const job of unique) {
      if (this.finished.has(job.key)) continue;
      const dir = this.o.dirOf(job);
      let record = this.o.resume ? readRecord(dir) : undefined;
      if (!record && this.o.resume && this.o.siblingsDir && (record = adoptFromSibling(this.o.siblingsDir, dir))) copied++;
      if (record) this.finished.set(job.key, { job, dir, record });
      else pending.push(job);
    }
    const total = unique.length;
    const doneBefore = total - pending.length;
    if (doneBefore > 0) this.o.log(`resuming: ${doneBefore}/${total} ${phase} done${copied ? ` (${copied} copied from other experiments' finished jobs)` : ''}`);
    // Longest first, so that the last job to finish is a short one and no core idles at the end.
    pending.sort((a, b) => jobCost(b.spec) - jobCost(a.spec));
    if (pending.length > 0) await this.execute(pending, (this.o.events ?? this.jobBar.bind(this))(phase, total, doneBefore));
    return new Map(unique.map((j) => [j.key, this.finished.get(j.key)!]));
  }

  /** Stop the worker processes (resolves once they have ended). */
  async close(): Promise<void> {
    await this.pool?.close();
  }

  private async execute(queue: Job[], ev: JobEvents): Promise<void> {
    const o = this.o;
    const tasks = queue.map((job) => ({
      id: job.key,
      label: job.label,
      request: { job, jobDir: o.dirOf(job), depDirs: {}, datasetPath: o.datasetPath, scenarioSeed: o.scenarioSeed, scenarioPath: o.scenarioPath } as JobRequest,
    }));
    const handlers: PoolHandlers<JobRequest, JobProgress, JobStats> = {
      // A job may start once the jobs it depends on are done; their folders are known by then.
      pick: (q) => q.findIndex((t) => t.request.job.deps.every((d) => this.finished.has(d))),
      onStart: (t) => {
        for (const d of t.request.job.deps) t.request.depDirs[d] = this.finished.get(d)!.dir;
        ev.onStart?.(t.request.job);
      },
      onProgress: (t, p) => ev.onProgress?.(t.request.job, p),
      onDone: (t, stats) => {
        const { job, jobDir } = t.request;
        const record = readRecord(jobDir);
        if (!record) throw new Error(`${o.name}: job ${job.label} reported done but ${path.join(jobDir, RECORD_FILE)} is missing`);
        const done = { job, dir: jobDir, record, stats };
        this.finished.set(job.key, done);
        this.trained++;
        ev.onDone?.(done);
      },
    };
    try {
      await (this.pool ? this.pool.run(tasks, handlers) : runInline(tasks, handlers));
    } finally {
      ev.close?.();
    }
  }

  /** The default display: a bar over the jobs with each running job's epoch, and a line per finished job. */
  private jobBar(phase: string, total: number, doneBefore: number): JobEvents {
    const o = this.o;
    const progress = new Progress(o.name, total, o.quiet, { unit: phase, initial: doneBefore });
    const epochs = new Map<string, string>();
    let done = doneBefore;
    const status = () => [...epochs.values()].join(', ');
    return {
      onStart: (job) => {
        epochs.set(job.key, `${job.label} starting`);
        progress.update(done, status());
      },
      onProgress: (job, p) => {
        if (p.type !== 'epoch') return;
        epochs.set(job.key, `${job.label} epoch ${p.stats.epoch}/${p.epochs}`);
        progress.update(done, status());
      },
      onDone: ({ job, record, stats }) => {
        epochs.delete(job.key);
        done++;
        if (!o.quiet) {
          clearProgressBar(); // the log line replaces the bar; the next update redraws it
          o.log(`[${done}/${total}] ${job.label}: test mean error ${record.mean_error_m.toFixed(2)} m (${stats!.seconds.toFixed(1)} s training${stats!.samplesPerSecond ? `, ${Math.round(stats!.samplesPerSecond)} samples/s` : ''})`);
        }
        progress.update(done, status());
      },
      close: () => progress.done(),
    };
  }
}
