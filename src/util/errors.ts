import { shownPath } from './paths.ts';

// The two kinds of failure the CLI reports in one line (src/cli/main.ts), and their exit codes:
//   2  the user's input: a flag, a file or a folder named on the command line is wrong as given
//      (UserError; a path that does not exist, is a folder where a file is needed or the reverse, lies under
//      a file, loops through symbolic links);
//   1  the environment: the input is fine but the machine or the output folder's state stops the run (disk
//      full, read-only file system, permission denied, the folder in use by another run) (EnvironmentError).
// Anything else is a bug: its stack trace is printed, exit code 1.

export const EXIT_USER = 2;
export const EXIT_ENVIRONMENT = 1;

/**
 * A problem with the user's input (file, flag, value). The CLI prints its message alone
 * (no stack trace) and exits with code 2. Name the field and the allowed values in the message.
 */
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}

/**
 * The environment stops the run (disk full, read-only file system, permissions, an output folder another run
 * holds). The CLI prints its message alone and exits with code 1. Name the path and what to do.
 */
export class EnvironmentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EnvironmentError';
  }
}

/** A file-system error as Node throws it (code, syscall, path, dest). */
export function isErrnoError(e: unknown): e is NodeJS.ErrnoException {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).code === 'string' && typeof (e as NodeJS.ErrnoException).syscall === 'string';
}

interface ErrnoMeaning {
  /** The user's input (exit 2) or the environment (exit 1). */
  user: boolean;
  what: string;
  todo: string;
}

// Meaning and remedy of each error a file operation can end with; the message names the path.
const ERRNO: Record<string, ErrnoMeaning> = {
  ENOENT: { user: true, what: 'no such file or folder', todo: 'check the path' },
  EISDIR: { user: true, what: 'is a folder where a file is needed', todo: 'give a file' },
  ENOTDIR: { user: true, what: 'a part of the path is a file, not a folder', todo: 'give a path through folders only' },
  EEXIST: { user: true, what: 'exists and is not a folder', todo: 'give a folder, or a path where one can be made' },
  ELOOP: { user: true, what: 'too many levels of symbolic links (a link loop, or a link where simgen never follows one)', todo: 'fix or remove the link' },
  ENAMETOOLONG: { user: true, what: 'the name is too long', todo: 'give a shorter path' },
  ENOSPC: { user: false, what: 'no space left on the device', todo: 'free space on that file system or choose another --out' },
  EDQUOT: { user: false, what: 'disk quota exceeded', todo: 'free space or choose another --out' },
  EFBIG: { user: false, what: 'file too large for this file system', todo: 'choose another --out' },
  EROFS: { user: false, what: 'read-only file system', todo: 'choose a writable --out' },
  EACCES: { user: false, what: 'permission denied', todo: 'fix the permissions or choose another --out' },
  EPERM: { user: false, what: 'operation not permitted', todo: 'fix the permissions or choose another --out' },
  EIO: { user: false, what: 'input/output error', todo: 'check the disk' },
  EMFILE: { user: false, what: 'too many open files', todo: 'raise the limit (ulimit -n)' },
  ENFILE: { user: false, what: 'too many open files on this system', todo: 'raise the limit (fs.file-max)' },
  EBUSY: { user: false, what: 'resource busy', todo: 'retry when it is free' },
  ESTALE: { user: false, what: 'stale network file handle', todo: 'remount the shared folder and retry' },
};

/**
 * The one-line error for a file-system error, or undefined when its code is not one the user can act on (a
 * bug then). EEXIST means "not a folder" for mkdir only (an exclusive create that finds a file is simgen's own
 * business and handled where it happens).
 */
export function fsErrorLine(e: NodeJS.ErrnoException): UserError | EnvironmentError | undefined {
  const m = e.code === 'EEXIST' && e.syscall !== 'mkdir' ? undefined : ERRNO[e.code ?? ''];
  if (!m) return undefined;
  const where = e.path !== undefined ? shownPath(e.path) : 'a file';
  const dest = (e as { dest?: string }).dest;
  const to = dest !== undefined ? ` -> ${shownPath(dest)}` : '';
  const line = `${where}${to}: ${m.what} (${e.code}, ${e.syscall}); ${m.todo}`;
  return m.user ? new UserError(line) : new EnvironmentError(line);
}

/** What the CLI prints for `e` and its exit code: one line for known failures, undefined for a bug. */
export function failureLine(e: unknown): { line: string; exitCode: number } | undefined {
  const known = e instanceof UserError || e instanceof EnvironmentError ? e : isErrnoError(e) ? fsErrorLine(e) : undefined;
  if (!known) return undefined;
  return { line: known.message.replace(/\s*\n\s*/g, ' '), exitCode: known instanceof UserError ? EXIT_USER : EXIT_ENVIRONMENT };
}

/**
 * Runs `io` on the file `file` and names it in a file-system error that has no path (reads and writes through
 * a file descriptor report none), so that a full disk is reported with the file it happened to.
 */
export function onFile<T>(file: string, io: () => T): T {
  try {
    return io();
  } catch (e) {
    if (isErrnoError(e) && e.path === undefined) e.path = file;
    throw e;
  }
}

/** onFile for asynchronous I/O. */
export async function onFileAsync<T>(file: string, io: () => Promise<T>): Promise<T> {
  try {
    return await io();
  } catch (e) {
    if (isErrnoError(e) && e.path === undefined) e.path = file;
    throw e;
  }
}
