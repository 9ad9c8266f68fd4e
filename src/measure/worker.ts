import { serveTasks } from '../util/process-pool.ts';
import { type MeasureBlockResult, type MeasureRequest, runMeasureRequest } from './run.ts';

// Worker process entry for `simgen measure` (src/util/process-pool.ts): measures the blocks of receivers it is
// sent, one at a time, in a context built on the first one (the scenario, its ray tracer with every site
// precomputed, the estimators).

serveTasks<MeasureRequest, never, MeasureBlockResult>(async (req) => runMeasureRequest(req));
