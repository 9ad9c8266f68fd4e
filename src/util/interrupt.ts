// Work that must be done when the process ends early: on SIGINT, SIGTERM or SIGHUP (Ctrl-C, `kill`, a closed
// terminal, a scheduler stopping the job) and at any exit. A folder lock is released, worker processes are
// ended, temporary files removed. While at least one cleanup is registered, those signals end the process
// through here (exit code 128 + signal number, as a shell reports a signal) instead of Node's default, which
// would kill it without running any of them. Cleanups are synchronous: nothing else runs after a signal.

type Cleanup = () => void;

const cleanups = new Set<Cleanup>();
const SIGNALS = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as const;

function runCleanups(): void {
  for (const fn of [...cleanups].reverse()) {
    cleanups.delete(fn);
    try {
      fn();
    } catch {
      // Ending anyway: one failed cleanup must not keep the others from running.
    }
  }
}

function onSignal(name: NodeJS.Signals): void {
  runCleanups();
  process.exit(128 + SIGNALS[name as keyof typeof SIGNALS]);
}

function install(on: boolean): void {
  for (const name of Object.keys(SIGNALS) as (keyof typeof SIGNALS)[]) {
    if (on) process.on(name, onSignal);
    else process.off(name, onSignal);
  }
  if (on) process.on('exit', runCleanups);
  else process.off('exit', runCleanups);
}

/** Runs `fn` if the process ends (signal or exit) before the returned function is called; that call unregisters it. */
export function onEarlyExit(fn: Cleanup): () => void {
  if (cleanups.size === 0) install(true);
  cleanups.add(fn);
  return () => {
    if (cleanups.delete(fn) && cleanups.size === 0) install(false);
  };
}
