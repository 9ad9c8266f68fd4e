import { serveTasks } from '../../util/process-pool.ts';
import { runJob } from './execute.ts';
import type { JobProgress, JobRequest, JobStats } from './job.ts';

// Worker process entry of the job runner (src/util/process-pool.ts): runs the jobs it is sent, one at a time.
// Sample counts go back at most every 200 ms (a progress bar needs no more); epochs always.

serveTasks<JobRequest, JobProgress, JobStats>((req, progress) => {
  let last = 0;
  return runJob(req, (p) => {
    if (p.type === 'samples' && p.processed < p.total && Date.now() - last < 200) return;
    last = Date.now();
    progress(p);
  });
});
