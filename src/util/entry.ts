import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

// simgen runs either as compiled JavaScript from dist/ (the `simgen` command, an installed package) or as
// its TypeScript sources through tsx (tests, `npm run simgen`). A worker thread or process must start
// in the same form as its parent: a .js entry runs as it is; a .ts entry needs tsx's loader, which is a
// development dependency and is resolved only then.

/** The module `name` (no extension) next to `moduleUrl` (an import.meta.url), with the caller's own extension. */
export function siblingModule(moduleUrl: string, name: string): URL {
  return new URL(`./${name}${path.extname(fileURLToPath(moduleUrl))}`, moduleUrl);
}

const isTypeScript = (entry: URL) => entry.pathname.endsWith('.ts');

/** A worker thread running `entry`. On Node 20, `execArgv: ['--import', 'tsx']` does not reach a worker's
 *  entry module (ERR_UNKNOWN_FILE_EXTENSION for .ts), so a .ts entry starts from a two-line bootstrap that
 *  registers tsx's loader, then imports it. */
export function startWorkerThread(entry: URL, options: WorkerOptions): Worker {
  if (!isTypeScript(entry)) return new Worker(entry, options);
  const boot = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); })`;
  return new Worker(boot, { ...options, eval: true });
}

/** Node flags for a child process (child_process.fork) running `entry`. */
export function childExecArgv(entry: URL): string[] {
  return isTypeScript(entry) ? ['--import', import.meta.resolve('tsx')] : [];
}
