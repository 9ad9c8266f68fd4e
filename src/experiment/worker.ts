import { UserError } from '../util/errors.ts';
import { runJob } from './job-exec.ts';
import type { WorkerMessage, WorkerRequest } from './types.ts';

// Worker process entry (child_process.fork): tfjs's wasm backend is single-threaded in Node, so the
// runner starts one process per core. It runs the jobs it is sent, one at a time, and reports back.

const send = (m: WorkerMessage) => process.send!(m);

process.on('message', (req: WorkerRequest) => {
  const { key } = req.job;
  runJob(req, { onEpoch: (epoch, epochs) => send({ type: 'epoch', key, epoch, epochs }) }).then(
    (stats) => send({ type: 'done', key, ...stats }),
    (e: unknown) => send({ type: 'failed', key, message: e instanceof UserError ? e.message : e instanceof Error ? (e.stack ?? e.message) : String(e), userError: e instanceof UserError }),
  );
});
// The parent going away (Ctrl-C, crash) ends the worker too.
process.on('disconnect', () => process.exit(0));
send({ type: 'ready' });
