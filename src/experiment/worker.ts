import { serveTasks } from '../util/process-pool.ts';
import { type JobStats, runJob } from './job-exec.ts';
import type { JobProgress, WorkerRequest } from './types.ts';

// Worker process entry (src/util/process-pool.ts): runs the experiment jobs it is sent, one at a time.

serveTasks<WorkerRequest, JobProgress, JobStats>((req, progress) => runJob(req, { onEpoch: (epoch, epochs) => progress({ epoch, epochs }) }));
