import type { Worker } from 'node:worker_threads';
import { siblingModule, startWorkerThread } from '../../util/entry.ts';
import { type BlockResult, makeTracer, precomputeTracerSite, setSites, type SitePrecomputed, type TraceInput, traceBlock, type Tracer } from '../engine/tracer.ts';
import type { ToWorker } from './worker.ts';

// Tracing a list of receiver points against every site on all cores: the sites are precomputed first (one
// task each) and handed to every thread, then the points go out in fixed blocks of BLOCK_RECEIVERS to
// whichever thread is free, and the results come back in block order. Each block's numbers depend only on
// its points, so the output is the same whatever the thread count. Used by `simgen raytrace`, the radio map,
// the per-site link files and the viewer.

export const BLOCK_RECEIVERS = 64;

/** Runs tasks on a pool of workers (or inline), handing out the next task as soon as a thread is free. */
interface Pool {
  run<T>(tasks: ToWorker[], onResult: (task: number, result: T) => void): Promise<void>;
  broadcast(m: ToWorker): void;
  close(): Promise<void>;
}

const WORKER = siblingModule(import.meta.url, 'worker');

function workerPool(input: TraceInput, threads: number): Pool {
  // Only what a tracer is made from crosses to the threads (a structured clone each).
  const workerData = { input: { map: input.map, raytrace: input.raytrace, sites: input.sites } satisfies TraceInput };
  const workers = Array.from({ length: threads }, () => startWorkerThread(WORKER, { workerData }));
  return {
    run<T>(tasks: ToWorker[], onResult: (task: number, result: T) => void) {
      return new Promise<void>((resolve, reject) => {
        let next = 0;
        let done = 0;
        let failed = false;
        if (tasks.length === 0) return resolve();
        const fail = (e: unknown) => {
          failed = true;
          reject(e);
        };
        const feed = (w: Worker) => {
          if (next >= tasks.length || failed) return;
          const i = next++;
          const onMessage = (m: { result?: T; pre?: T }) => {
            w.off('error', onError);
            try {
              onResult(i, (m.result ?? m.pre) as T); // e.g. a journal write that fails: reject, do not crash the thread
            } catch (e) {
              return fail(e);
            }
            done++;
            if (done === tasks.length) resolve();
            else feed(w);
          };
          const onError = (e: Error) => fail(e);
          w.once('message', onMessage);
          w.once('error', onError);
          w.postMessage(tasks[i]);
        };
        for (const w of workers) feed(w);
      });
    },
    broadcast(m: ToWorker) {
      for (const w of workers) w.postMessage(m);
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}

function inlinePool(tracer: Tracer): Pool {
  return {
    async run<T>(tasks: ToWorker[], onResult: (task: number, result: T) => void) {
      for (let i = 0; i < tasks.length; i++) {
        const m = tasks[i];
        if (m.type === 'site') onResult(i, precomputeTracerSite(tracer, m.index) as T);
        else if (m.type === 'block') onResult(i, traceBlock(tracer, m.receivers, m.withPaths) as T);
        await new Promise((r) => setImmediate(r)); // let the progress bar and signals through
      }
    },
    broadcast(m: ToWorker) {
      if (m.type === 'sites') setSites(tracer, m.pre);
    },
    async close() {},
  };
}

export interface TracePointsOptions {
  threads: number;
  /** Keep every path of every link (paths.arrow). */
  withPaths: boolean;
  /**
   * The blocks to trace, ascending (block k holds points k * BLOCK_RECEIVERS .. + BLOCK_RECEIVERS - 1);
   * default every block. A resumed or sharded run passes the ones it still owes.
   */
  blocks?: number[];
}

/** Number of blocks for `points` receiver points. */
export const blockCount = (points: number): number => Math.ceil(points / BLOCK_RECEIVERS);

/**
 * Traces receiver points (x, y, z triples) against every site of `input` (in ascending id: a block's link
 * row is receiver * sites + site index); onBlock(first receiver, result) is called for each block in order.
 * Returns the wall seconds of the site precomputation (0 when there is no block to trace).
 */
export async function tracePoints(input: TraceInput, xyz: Float64Array, opts: TracePointsOptions, onBlock: (first: number, res: BlockResult) => void): Promise<{ siteSeconds: number }> {
  const nr = xyz.length / 3;
  const ns = input.sites.length;
  const ids = opts.blocks ?? Array.from({ length: blockCount(nr) }, (_, b) => b);
  ids.forEach((b, i) => {
    if (!Number.isInteger(b) || b < 0 || b >= blockCount(nr) || (i > 0 && b <= ids[i - 1])) throw new Error(`tracePoints: blocks must be ascending ids in 0..${blockCount(nr) - 1} (got ${b} at ${i})`);
  });
  if (ids.length === 0) return { siteSeconds: 0 };
  const workers = Math.min(opts.threads, Math.max(ids.length, ns));
  const pool = workers > 1 ? workerPool(input, workers) : inlinePool(makeTracer(input));
  try {
    const pre: SitePrecomputed[] = new Array(ns);
    const siteStart = Date.now();
    await pool.run<SitePrecomputed>(Array.from({ length: ns }, (_, index) => ({ type: 'site', index })), (i, p) => (pre[i] = p));
    pool.broadcast({ type: 'sites', pre });
    const siteSeconds = (Date.now() - siteStart) / 1000;
    const blocks: ToWorker[] = ids.map((b) => {
      const lo = b * BLOCK_RECEIVERS, hi = Math.min(nr, lo + BLOCK_RECEIVERS);
      return { type: 'block', id: b, receivers: xyz.slice(3 * lo, 3 * hi), withPaths: opts.withPaths };
    });
    // Results arrive in any order; hand them on in task order.
    const pending = new Map<number, BlockResult>();
    let next = 0;
    await pool.run<BlockResult>(blocks, (task, res) => {
      pending.set(task, res);
      for (let w = pending.get(next); w; w = pending.get(next)) {
        pending.delete(next);
        onBlock(ids[next] * BLOCK_RECEIVERS, w);
        next++;
      }
    });
    return { siteSeconds };
  } finally {
    await pool.close();
  }
}
