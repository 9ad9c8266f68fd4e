import { parentPort, workerData } from 'node:worker_threads';
import { makeTracer, precomputeTracerSite, setSites, type SitePrecomputed, type TraceInput, traceBlock } from '../engine/tracer.ts';

// Worker thread of the ray tracer (started by pool.ts: worker.js from dist/, or worker.ts through tsx).
// It rebuilds the scene and its BVH from the map (deterministic, a few ms), precomputes the sites it
// is asked for, receives every site's precomputation (and indexes the tiles they light), then traces
// blocks of receivers.

export type ToWorker =
  | { type: 'site'; index: number }
  | { type: 'sites'; pre: SitePrecomputed[] }
  | { type: 'block'; id: number; receivers: Float64Array; withPaths: boolean };

const port = parentPort!;
const tracer = makeTracer((workerData as { input: TraceInput }).input);

port.on('message', (m: ToWorker) => {
  if (m.type === 'site') port.postMessage({ type: 'site', index: m.index, pre: precomputeTracerSite(tracer, m.index) });
  else if (m.type === 'sites') setSites(tracer, m.pre);
  else port.postMessage({ type: 'block', id: m.id, result: traceBlock(tracer, m.receivers, m.withPaths) });
});
