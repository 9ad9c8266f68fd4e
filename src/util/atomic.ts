import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { crashPoint } from './crash-point.ts';
import { EnvironmentError, isErrnoError, onFile, onFileAsync } from './errors.ts';
import { onEarlyExit } from './interrupt.ts';
import { shownPath } from './paths.ts';

// Atomic outputs. A file or folder is written under a temporary sibling name and renamed into place when
// complete, so a name that looks finished always holds a finished output, never a partial one nor a mix of two
// runs. Temporary names are `.<name>.<host>-<pid>-<random>.tmp`: the host and process id tell whose they are
// (stale ones of dead runs are removed), the random part makes them impossible to guess, and they are created
// exclusively (O_EXCL): a file or link planted under that name makes the create fail instead of being
// written through. Renames never follow a link either: a symbolic link planted at the target is replaced, and
// the file it pointed to is left alone.

/** This machine's name as it goes into temporary names (pods and cluster nodes share output folders). */
const HOST = os.hostname().replace(/[^A-Za-z0-9_]/g, '_').slice(0, 40) || 'host';

/** A temporary or displaced name: `.<target>.<host>-<pid>[-<random>].(tmp|old)` (no random part before issue 25). */
const TEMP_NAME = /^\.(.+)\.([A-Za-z0-9_]+)-(\d+)(?:-[0-9a-f]{16})?\.(tmp|old)$/;

/** Open flags that refuse a symbolic link as the last part of the path (Windows has none: 0). */
export const O_NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0;
const CREATE_EXCLUSIVE = fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_WRONLY | O_NOFOLLOW;

/** Temporary sibling name of `target`, never the same twice. */
function tmpPathFor(target: string, suffix: 'tmp' | 'old' = 'tmp'): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${HOST}-${process.pid}-${crypto.randomBytes(8).toString('hex')}.${suffix}`);
}

// Temporaries of this process not yet renamed or removed: removed if it is interrupted (SIGINT, SIGTERM).
const live = new Set<string>();
let unregister: (() => void) | undefined;

function track(tmp: string): void {
  live.add(tmp);
  unregister ??= onEarlyExit(() => {
    for (const t of live) fs.rmSync(t, { recursive: true, force: true });
  });
}

function untrack(tmp: string): void {
  live.delete(tmp);
  if (live.size === 0 && unregister) {
    unregister();
    unregister = undefined;
  }
}

let mayPublish: (() => boolean) | undefined;

/**
 * A condition checked before every rename into place: when it is false the process exits at once without
 * publishing. A training worker process sets it to "my parent is still there" (src/util/process-pool.ts), so
 * a worker orphaned by a killed `simgen train` never overwrites a model.
 */
export function setPublishCheck(check: () => boolean): void {
  mayPublish = check;
}

/** Exits at once, `tmp` removed, when the publish check says this process may no longer publish. */
function checkPublish(tmp: string): void {
  if (mayPublish && !mayPublish()) {
    fs.rmSync(tmp, { recursive: true, force: true });
    process.exit(1);
  }
}

function renameIn(tmp: string, target: string): void {
  fs.renameSync(tmp, target);
  untrack(tmp);
  syncDir(path.dirname(target));
}

/** Renames the finished temporary `tmp` to `target` (replacing it) and fsyncs the folder. */
export function publish(tmp: string, target: string): void {
  checkPublish(tmp);
  renameIn(tmp, target);
}

/** Removes an unfinished temporary (after a failure). */
export function discard(tmp: string): void {
  fs.rmSync(tmp, { recursive: true, force: true });
  untrack(tmp);
}

/** Creates a new temporary file for `target` (its folder made if needed); returns its path and a descriptor open for writing. */
export function createTemp(target: string): { path: string; fd: number } {
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const tmp = tmpPathFor(target);
  const fd = fs.openSync(tmp, CREATE_EXCLUSIVE, 0o666);
  track(tmp);
  return { path: tmp, fd };
}

/** Creates a new empty temporary folder for `target` (scratch space, or a folder to swap in); returns its path. */
export function createTempDir(target: string): string {
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const tmp = tmpPathFor(target);
  fs.mkdirSync(tmp); // fails if anything is there: the folder is ours
  track(tmp);
  return tmp;
}

/** Writes all of `bytes` at the descriptor's position. */
export function writeAll(fd: number, bytes: Uint8Array): void {
  for (let at = 0; at < bytes.length; ) at += fs.writeSync(fd, bytes, at, bytes.length - at);
}

/** fsync a folder so a file created or renamed in it survives a power loss (not possible on Windows). */
export function syncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Windows cannot open a folder for fsync; its renames are durable on their own.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Write a whole file atomically (write to a temporary name, fsync, rename). */
export function writeFileAtomic(target: string, data: string | Uint8Array): void {
  const t = createTemp(target);
  try {
    onFile(target, () => {
      writeAll(t.fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
      fs.fsyncSync(t.fd);
    });
  } catch (e) {
    fs.closeSync(t.fd);
    discard(t.path);
    throw e;
  }
  fs.closeSync(t.fd);
  publish(t.path, target);
}

/**
 * Stream into a file atomically: `write` receives a function appending bytes to the temporary file; on
 * success the file is fsync'ed and renamed to `target`, on failure removed.
 */
export async function withAtomicFile<T>(target: string, write: (append: (bytes: Uint8Array) => void) => Promise<T>): Promise<T> {
  const t = createTemp(target);
  let result: T;
  try {
    result = await onFileAsync(target, async () => {
      const r = await write((bytes) => writeAll(t.fd, bytes));
      fs.fsyncSync(t.fd);
      return r;
    });
  } catch (e) {
    fs.closeSync(t.fd);
    discard(t.path);
    throw e;
  }
  fs.closeSync(t.fd);
  publish(t.path, target);
  return result;
}

/**
 * Moves the filled temporary folder `tmp` to `dir`: the old `dir`, if any, is renamed aside first (to
 * `.<dir>.<host>-<pid>-<random>.old`), then `tmp` renamed in, then the old one removed. A kill between the two
 * renames leaves no `dir` and the old one aside: the next run that locks the output folder renames it back
 * (sweepStaleTemps), so `dir` is always the old folder or the new one, whole. The crash points (SIMGEN_CRASH_AT)
 * are the phases the crash-safety test kills at.
 */
function swapInto(dir: string, tmp: string): void {
  crashPoint('swap:filled');
  checkPublish(tmp);
  let old: string | undefined;
  if (fs.existsSync(dir)) {
    old = tmpPathFor(dir, 'old'); // not removed if interrupted here: the next run puts it back
    fs.renameSync(dir, old);
    crashPoint('swap:moved-old');
  }
  renameIn(tmp, dir);
  crashPoint('swap:swapped');
  if (old) fs.rmSync(old, { recursive: true, force: true });
}

/** A file-system error inside the temporary folder names the file as it would be in the final folder. */
function namedInFolder(e: unknown, tmp: string, dir: string): unknown {
  if (isErrnoError(e) && e.path?.startsWith(tmp + path.sep)) e.path = dir + e.path.slice(tmp.length);
  return e;
}

/**
 * Write a whole folder atomically: `fill` writes into a new temporary sibling folder, which then replaces
 * `dir` (swapInto), so `dir` is never a partial output nor a mix of two runs.
 */
export function writeDirAtomic<T>(dir: string, fill: (tmpDir: string) => T): T {
  const tmp = createTempDir(dir);
  crashPoint('swap:setup');
  let result: T;
  try {
    result = fill(tmp);
  } catch (e) {
    discard(tmp);
    throw namedInFolder(e, tmp, dir);
  }
  swapInto(dir, tmp);
  return result;
}

/** writeDirAtomic with an asynchronous `fill` (e.g. Arrow files streamed into the folder, a model trained into it). */
export async function writeDirAtomicAsync<T>(dir: string, fill: (tmpDir: string) => Promise<T>): Promise<T> {
  const tmp = createTempDir(dir);
  crashPoint('swap:setup');
  let result: T;
  try {
    result = await fill(tmp);
  } catch (e) {
    discard(tmp);
    throw namedInFolder(e, tmp, dir);
  }
  swapInto(dir, tmp);
  return result;
}

/** Whether process `pid` of this machine is alive. */
export function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // alive, another user's
  }
}

/** A temporary entry's parts, or undefined when `name` is not one. */
function parseTemp(name: string): { target: string; host: string; pid: number; kind: 'tmp' | 'old' } | undefined {
  const m = TEMP_NAME.exec(name);
  return m ? { target: m[1], host: m[2], pid: Number(m[3]), kind: m[4] as 'tmp' | 'old' } : undefined;
}

/**
 * Removes what runs killed on this machine left for `target` (temporaries whose process is no longer alive;
 * a displaced old folder goes back into place if the new one never came). A live process's entries, and any
 * other machine's, are left alone: this needs no lock.
 */
export function removeStaleTemps(target: string): void {
  const dir = path.dirname(target);
  if (!fs.existsSync(dir)) return;
  for (const f of fs.readdirSync(dir)) {
    const t = parseTemp(f);
    if (t && t.target === path.basename(target) && t.host === HOST && !isAlive(t.pid)) cleanTemp(dir, f, t);
  }
}

function cleanTemp(dir: string, name: string, t: NonNullable<ReturnType<typeof parseTemp>>): void {
  const file = path.join(dir, name);
  const target = path.join(dir, t.target);
  if (t.kind === 'old' && !fs.existsSync(target)) fs.renameSync(file, target);
  else fs.rmSync(file, { recursive: true, force: true });
}

/**
 * Cleans the temporaries of `dir` and its subfolders (down to `depth` levels, links never followed), whoever
 * left them: for the holder of the output folder's lock (src/util/lock.ts), which no other run may write into,
 * every temporary is a dead run's. With `targets`, only those of these names in `dir` itself (the files a
 * shard's lock covers). Returns the entries cleaned.
 */
export function sweepStaleTemps(dir: string, opts: { targets?: string[]; depth?: number } = {}): string[] {
  const cleaned: string[] = [];
  const walk = (d: string, depth: number) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return; // gone, or not readable: nothing of ours
    }
    for (const e of entries) {
      const t = parseTemp(e.name);
      if (t && (!opts.targets || opts.targets.includes(t.target))) {
        cleanTemp(d, e.name, t);
        cleaned.push(shownPath(path.join(d, e.name)));
      } else if (!t && !opts.targets && depth > 0 && e.isDirectory()) walk(path.join(d, e.name), depth - 1);
    }
  };
  walk(dir, opts.depth ?? 3);
  return cleaned;
}

/**
 * Opens an existing file of an output folder for reading and writing, refusing a symbolic link or anything
 * but a regular file there: simgen never writes through a link it did not make. Returns undefined if absent.
 */
export function openOwnFile(file: string): number | undefined {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  if (st.isSymbolicLink()) throw new EnvironmentError(`${shownPath(file)} is a symbolic link (to ${fs.readlinkSync(file)}): simgen never writes through a link in its output folder; remove it and run again`);
  if (!st.isFile()) throw new EnvironmentError(`${shownPath(file)} is not a regular file: remove it and run again`);
  return fs.openSync(file, fs.constants.O_RDWR | O_NOFOLLOW | (fs.constants.O_NONBLOCK ?? 0));
}
