// Crash injection for the crash-safety tests (test/crash-safety.test.ts): with SIMGEN_CRASH_AT=<point> in the
// environment, the process kills itself with SIGKILL when it reaches that point, exactly as `kill -9` would at
// that moment. Without the variable (every normal run) a point does nothing. The points are listed in
// docs/scale.md ("Crash safety").

const CRASH_AT = process.env.SIMGEN_CRASH_AT;

export function crashPoint(name: string): void {
  if (CRASH_AT === name) process.kill(process.pid, 'SIGKILL');
}
