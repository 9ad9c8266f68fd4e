import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { setPublishCheck } from './atomic.ts';
import { childExecArgv } from './entry.ts';
import { EnvironmentError, EXIT_USER, failureLine, UserError } from './errors.ts';
import { onEarlyExit } from './interrupt.ts';

// A pool of worker processes (child_process.fork) that run tasks one at a time each and report
// back. tfjs's wasm backend is single-threaded in Node, so training uses one process per core:
// `simgen train` (one model per task) and `simgen experiment` (one job per task) share this pool.
// The worker side is serveTasks(); tasks must not depend on which worker runs them.
//
// Workers never outlive their parent. The parent ends them (SIGKILL) when it is interrupted (SIGINT, SIGTERM,
// SIGHUP) or exits; a parent killed with SIGKILL cannot, so each worker watches its parent (its parent
// process id changes when the parent dies, and the IPC channel closes) and exits without writing anything
// more: before every rename into place it checks again (setPublishCheck), so a model is never published by
// a worker whose run is over. The work a worker runs must yield to the event loop now and then (the
// training loop does, src/learn/train.ts) for the watchdog to run.

// A worker runs in the form of its parent (entry.ts): compiled JavaScript from dist/, or the TypeScript
// sources through tsx's loader.

export interface PoolTask<Req> {
  id: string;
  /** Name in messages. */
  label: string;
  request: Req;
}

/** Worker -> pool. */
type PoolMessage<P, D> =
  | { type: 'ready' }
  | { type: 'progress'; id: string; data: P }
  | { type: 'done'; id: string; data: D }
  | { type: 'failed'; id: string; message: string; kind: 'user' | 'environment' | 'bug' };

/** Pool -> worker. */
interface TaskMessage<Req> {
  type: 'task';
  id: string;
  request: Req;
}

export interface PoolHandlers<Req, P, D> {
  /** Index in `queue` of the next task that may start now, or -1 (default: the first). */
  pick?: (queue: PoolTask<Req>[]) => number;
  onStart?: (task: PoolTask<Req>) => void;
  onProgress?: (task: PoolTask<Req>, progress: P) => void;
  /** A task finished; an error thrown here stops the run with it. */
  onDone?: (task: PoolTask<Req>, result: D) => void;
}

interface Worker<P, D> {
  proc: ChildProcess;
  ready: boolean;
  /** Set while a run() call owns the worker. */
  onMessage?: (m: PoolMessage<P, D>) => void;
  onExit?: (how: string) => void;
}

export class ProcessPool<Req, P, D> {
  private workers: Worker<P, D>[] = [];

  /**
   * `entry`: the worker module (it calls serveTasks; see siblingModule); `size`: at most this many processes;
   * `serialization`: of the messages, 'advanced' (structured clone) for typed arrays.
   */
  constructor(
    private readonly entry: URL,
    private readonly size: number,
    private readonly name: string,
    private readonly serialization: 'json' | 'advanced' = 'json',
  ) {}

  /** Run `tasks`; resolves when all are done, rejects on the first failure (and stops the workers). */
  run(tasks: PoolTask<Req>[], h: PoolHandlers<Req, P, D> = {}): Promise<void> {
    const queue = [...tasks];
    const pick = h.pick ?? ((q: PoolTask<Req>[]) => (q.length > 0 ? 0 : -1));
    // Workers stay up between runs (e.g. experiment phases) until close().
    while (this.workers.length < Math.min(this.size, queue.length)) this.workers.push(this.spawn());
    const workers = this.workers;
    const idle = workers.filter((w) => w.ready);
    const running = new Map<string, PoolTask<Req>>();
    let settled = false;

    return new Promise<void>((resolve, reject) => {
      const finish = (err?: Error) => {
        if (settled) return;
        settled = true;
        for (const w of workers) w.onMessage = w.onExit = undefined;
        if (err) {
          void this.close();
          reject(err);
        } else resolve();
      };
      const dispatch = () => {
        while (idle.length > 0 && queue.length > 0) {
          const i = pick(queue);
          if (i < 0) break;
          const [task] = queue.splice(i, 1);
          running.set(task.id, task);
          h.onStart?.(task);
          const m: TaskMessage<Req> = { type: 'task', id: task.id, request: task.request };
          idle.pop()!.proc.send(m);
        }
        if (queue.length === 0 && running.size === 0) finish();
        else if (running.size === 0 && idle.length === workers.length)
          finish(new Error(`${this.name}: ${queue.length} task(s) can never start (${queue.map((t) => t.label).join(', ')})`));
      };
      const onMessage = (worker: Worker<P, D>) => (m: PoolMessage<P, D>) => {
        if (m.type === 'ready') {
          idle.push(worker);
          return dispatch();
        }
        const task = running.get(m.id);
        if (!task) return;
        if (m.type === 'progress') return h.onProgress?.(task, m.data);
        running.delete(m.id);
        if (m.type === 'failed') {
          const text = `${task.label}: ${m.message}`;
          return finish(m.kind === 'user' ? new UserError(text) : m.kind === 'environment' ? new EnvironmentError(text) : new Error(`${this.name}: ${text}`));
        }
        try {
          h.onDone?.(task, m.data);
        } catch (e) {
          return finish(e as Error);
        }
        idle.push(worker);
        dispatch();
      };
      for (const w of workers) {
        w.onMessage = onMessage(w);
        // Killed from outside (the out-of-memory killer, a scheduler): the environment, not the input.
        w.onExit = (how) => finish(new EnvironmentError(`${this.name}: a worker process ended (${how}) while tasks were running (killed from outside, or out of memory?); run again`));
      }
      dispatch();
    });
  }

  /**
   * Stop the worker processes: they exit when the channel closes (removing their temporaries), at the next
   * point where their work yields; resolves once they have, or after CLOSE_MS with the rest killed.
   */
  close(): Promise<void> {
    const procs = this.workers.map((w) => w.proc);
    this.workers = [];
    const exited = procs.map((p) => (p.exitCode !== null || p.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => p.once('exit', () => r()))));
    for (const p of procs) if (p.connected) p.disconnect();
    const timer = setTimeout(() => procs.forEach((p) => p.kill('SIGKILL')), CLOSE_MS);
    // A failed run closes the pool itself; its caller's close() then waits for those workers too.
    this.closing = Promise.all([this.closing, ...exited]).then(() => {
      clearTimeout(timer);
      if (this.live.size === 0) {
        this.unregister?.();
        this.unregister = undefined;
      }
    });
    return this.closing;
  }

  private closing: Promise<void> = Promise.resolve();

  private unregister?: () => void;
  /** Every worker process started and not yet ended (those being closed too). */
  private readonly live = new Set<ChildProcess>();

  private spawn(): Worker<P, D> {
    const proc = fork(fileURLToPath(this.entry), [], { execArgv: childExecArgv(this.entry), stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: this.serialization });
    const w: Worker<P, D> = { proc, ready: false };
    this.live.add(proc);
    // Interrupted or exiting, this process ends its workers at once: none keeps training for a run that is over.
    this.unregister ??= onEarlyExit(() => {
      for (const p of this.live) p.kill('SIGKILL');
    });
    proc.on('message', (m: PoolMessage<P, D>) => {
      if (m.type === 'ready') w.ready = true;
      w.onMessage?.(m);
    });
    proc.on('exit', (code, signal) => {
      this.live.delete(proc);
      this.workers = this.workers.filter((x) => x !== w);
      w.onExit?.(signal ?? `code ${code}`);
    });
    return w;
  }
}

/**
 * The worker side: run each task the pool sends with `run` (one at a time), reporting progress,
 * the result or the failure. The worker exits when the pool goes away (Ctrl-C, crash, close()).
 */
export function serveTasks<Req, P, D>(run: (request: Req, progress: (p: P) => void) => Promise<D>): void {
  const parent = process.ppid;
  const orphaned = () => !process.connected || process.ppid !== parent;
  // Checked between batches (the training loop yields) and before every rename into place.
  setInterval(() => orphaned() && process.exit(1), WATCHDOG_MS).unref();
  setPublishCheck(() => !orphaned());
  // A message the parent can no longer take (it closed the channel, or died; or a worker starting while the
  // pool closes): exit quietly instead of an EPIPE thrown as an unhandled 'error' event.
  const send = (m: PoolMessage<P, D>) => {
    if (orphaned()) process.exit(1);
    process.send!(m, undefined, {}, (err) => err && process.exit(1));
  };
  process.on('message', ({ id, request }: TaskMessage<Req>) => {
    run(request, (data) => send({ type: 'progress', id, data })).then(
      (data) => send({ type: 'done', id, data }),
      (e: unknown) => {
        const known = failureLine(e);
        const kind = !known ? 'bug' : known.exitCode === EXIT_USER ? 'user' : 'environment';
        send({ type: 'failed', id, message: known ? known.line : e instanceof Error ? (e.stack ?? e.message) : String(e), kind });
      },
    );
  });
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready' });
}

/** How long close() waits for the workers to end by themselves (ms). */
const CLOSE_MS = 10_000;

/** How often a worker checks that its parent is alive (ms). */
const WATCHDOG_MS = 250;
