import { type ChildProcess, fork } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModelKind } from '../learn/models.ts';
import { childExecArgv, siblingModule } from '../util/entry.ts';
import { UserError } from '../util/errors.ts';
import { Progress } from '../util/progress.ts';
import { adoptFromSibling, jobDirName, readResult } from './jobs.ts';
import type { Job, JobResult, WorkerMessage, WorkerRequest } from './types.ts';

// Runs an experiment's jobs: finished ones (result.json in their folder, here or in a sibling
// experiment) are skipped, the rest go to a pool of worker processes, a job starting once the jobs
// it depends on are done. Results are keyed by job, so they do not depend on which worker ran what.

// worker.js next to this module (dist/), or worker.ts run through tsx's loader (sources, tests).
const WORKER = siblingModule(import.meta.url, 'worker');

/** Relative training cost per sample (measured with bench/train.ts: Single is several times faster). */
const KIND_COST: Record<ModelKind, number> = { hyploc: 1, 'single-plus': 0.85, single: 0.2 };

/** Relative cost of a job: samples it trains on x cost per sample (epochs are equal within a run). */
export function jobCost(job: Job): number {
  const s = job.spec;
  return KIND_COST[s.kind] * (s.type === 'train' ? s.constellations.length : s.fraction);
}

export interface RunnerOptions {
  name: string;
  /** <out>/experiments/<name>. */
  experimentDir: string;
  datasetPath: string;
  scenarioSeed: number;
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

interface Worker {
  proc: ChildProcess;
  ready: boolean;
  /** Set while a pool() call owns the worker. */
  onMessage?: (m: WorkerMessage) => void;
  onExit?: (how: string) => void;
}

export class JobRunner {
  private workers: Worker[] = [];
  /** Every job seen so far (all phases), by key. */
  private readonly finished = new Map<string, JobDone>();
  /** Jobs trained by this run (not resumed). */
  trained = 0;

  constructor(private readonly o: RunnerOptions) {}

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

  /** Stop the worker processes (they exit when the channel closes). */
  close(): void {
    for (const w of this.workers) if (w.proc.connected) w.proc.disconnect();
    this.workers = [];
  }

  private spawn(): Worker {
    const proc = fork(fileURLToPath(WORKER), [], { execArgv: childExecArgv(WORKER), stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const w: Worker = { proc, ready: false };
    proc.on('message', (m: WorkerMessage) => {
      if (m.type === 'ready') w.ready = true;
      w.onMessage?.(m);
    });
    proc.on('exit', (code, signal) => {
      this.workers = this.workers.filter((x) => x !== w);
      w.onExit?.(signal ?? `code ${code}`);
    });
    return w;
  }

  private pool(queue: Job[], doneBefore: number, total: number, phase: string): Promise<void> {
    const o = this.o;
    const progress = new Progress(`${o.name} ${phase}`, total, o.quiet);
    const running = new Map<string, { job: Job; epoch: string }>();
    // Workers stay up between phases (unseen: pre-training, then re-training).
    while (this.workers.length < Math.min(o.parallel, queue.length)) this.workers.push(this.spawn());
    const workers = this.workers;
    const idle = workers.filter((w) => w.ready);
    let done = doneBefore;
    let settled = false;
    const status = () => [...running.values()].map((r) => `${r.job.label} ${r.epoch}`).join(', ');

    return new Promise<void>((resolve, reject) => {
      const finish = (err?: Error) => {
        if (settled) return;
        settled = true;
        progress.done();
        for (const w of workers) w.onMessage = w.onExit = undefined;
        if (err) {
          this.close();
          reject(err);
        } else resolve();
      };
      const dispatch = () => {
        while (idle.length > 0) {
          const i = queue.findIndex((j) => j.deps.every((d) => this.finished.has(d)));
          if (i < 0) break;
          const [job] = queue.splice(i, 1);
          running.set(job.key, { job, epoch: 'starting' });
          const depDirs = Object.fromEntries(job.deps.map((d) => [d, this.finished.get(d)!.dir]));
          const req: WorkerRequest = { type: 'job', job, jobDir: this.dirOf(job), depDirs, datasetPath: o.datasetPath, scenarioSeed: o.scenarioSeed };
          idle.pop()!.proc.send(req);
        }
        if (queue.length === 0 && running.size === 0) finish();
        else if (running.size === 0 && idle.length === workers.length)
          finish(new Error(`experiment ${o.name}: ${queue.length} job(s) wait for jobs that are not planned (${queue.map((j) => j.label).join(', ')})`));
        progress.update(done, status());
      };
      const onMessage = (worker: Worker) => (m: WorkerMessage) => {
        if (m.type === 'ready') {
          idle.push(worker);
          return dispatch();
        }
        const r = running.get(m.key);
        if (!r) return;
        if (m.type === 'epoch') {
          r.epoch = `epoch ${m.epoch}/${m.epochs}`;
          return progress.update(done, status());
        }
        running.delete(m.key);
        if (m.type === 'failed') {
          const msg = `${r.job.label}: ${m.message}`;
          return finish(m.userError ? new UserError(msg) : new Error(`experiment ${o.name}: job ${msg}`));
        }
        const dir = this.dirOf(r.job);
        const result = readResult(dir);
        if (!result) return finish(new Error(`experiment ${o.name}: job ${r.job.label} reported done but ${dir}/result.json is missing`));
        this.finished.set(m.key, { job: r.job, dir, result });
        this.trained++;
        done++;
        if (!o.quiet) {
          if (process.stderr.isTTY) process.stderr.write('\r\x1b[K'); // the log line replaces the bar; the next update redraws it
          o.log(`[${done}/${total}] ${r.job.label}: test mean error ${result.test.mean_error_m.toFixed(2)} m (${m.seconds.toFixed(1)} s training, ${Math.round(m.samplesPerSecond)} samples/s)`);
        }
        idle.push(worker);
        dispatch();
      };
      for (const w of workers) {
        w.onMessage = onMessage(w);
        w.onExit = (how) => finish(new Error(`experiment ${o.name}: a worker process exited (${how}) while jobs were running`));
      }
      dispatch();
    });
  }
}
