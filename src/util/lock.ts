import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isAlive, O_NOFOLLOW, sweepStaleTemps } from './atomic.ts';
import { EnvironmentError, fsErrorLine, isErrnoError } from './errors.ts';
import { onEarlyExit } from './interrupt.ts';
import { shownPath } from './paths.ts';

// The lock of an output folder: one writer at a time (docs/scale.md, "One writer per output folder").
//
// A run that writes into a folder first creates `.simgen.lock` there with O_EXCL (atomic, also on NFS v3+),
// holding its process id, host, machine identity, start time and command. A second run finds the file and is
// refused with a message naming the holder. The shards of a cluster raytrace write into one folder together,
// each its own files: they take *part* locks instead, `.simgen.lock.<part>` (e.g. raytrace-shard-2-of-8),
// which exclude the same part and the whole-folder lock but not each other. A whole-folder locker checks for
// part locks after creating its own, and a part locker for the whole-folder lock after creating its part:
// two runs can both back off, never both proceed.
//
// A lock outlives a killed run. It is stale, and taken over, when its holder is gone:
// - same machine (host name, boot id and pid namespace): its process is dead, or the process id now belongs
//   to a process started at another time;
// - another machine: its heartbeat stopped. The holder touches the lock file every REFRESH_MS; a lock whose
//   modification time has not moved for STALE_MS of watching (the waiting run's own clock: no clock of two
//   machines is compared) is stale. A waiting run watches, at most STALE_MS, and is told so.
// Taking over goes through a short-lived `.simgen.lock-break` file, so that of two runs breaking the same
// stale lock, one removes it and the other finds the first's new lock.
//
// The holder of the whole-folder lock then removes the temporary files of dead runs anywhere in the folder (no
// other run may be writing there); a part holder those of its own files.

export const LOCK_FILE = '.simgen.lock';
const PART_PREFIX = `${LOCK_FILE}.`;
const BREAK_FILE = '.simgen.lock-break';
const REFRESH_MS = 10_000;
const STALE_MS = 120_000;

/** What a lock file holds. */
export interface LockHolder {
  pid: number;
  host: string;
  /** Host, boot id and pid namespace: process ids compare only within one. */
  machine: string;
  /** The process's start (clock ticks since boot, /proc/<pid>/stat), when known: a reused pid has another. */
  procStart?: string;
  started: string;
  command: string;
  part?: string;
}

export interface LockOptions {
  /** The command line, shown to a run that finds the lock. */
  command: string;
  /**
   * Lock one part of the folder only (a shard's files, trajectories.arrow): `name` for the lock file, `files`
   * the names it writes (their stale temporaries are removed).
   */
  part?: { name: string; files: string[] };
  /** When the lock is held by a live run: refuse (default), or wait for it (a part that is quickly written). */
  onBusy?: 'refuse' | 'wait';
  /** Lines for the user while waiting (stderr). */
  log?: (line: string) => void;
  /** Heartbeat and staleness of another machine's lock (tests shorten them). */
  refreshMs?: number;
  staleMs?: number;
}

export interface FolderLock {
  dir: string;
  file: string;
  /** Removes the lock (and the folder, if this run made it and left it empty). */
  release(): void;
}

function readOr(file: string, fallback: string): string {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    return fallback;
  }
}

function linkOr(file: string, fallback: string): string {
  try {
    return fs.readlinkSync(file);
  } catch {
    return fallback;
  }
}

const MACHINE = [os.hostname(), readOr('/proc/sys/kernel/random/boot_id', '-'), linkOr('/proc/self/ns/pid', '-')].join(' ');

/** A process's start time in clock ticks since boot (Linux), undefined elsewhere or when it is gone. */
function procStart(pid: number): string | undefined {
  const stat = readOr(`/proc/${pid}/stat`, '');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields.length > 19 ? fields[19] : undefined; // field 22 of stat; the list starts at field 3
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A lock file read without following a link: its holder (undefined if unreadable) and identity. */
function readLock(file: string): { holder?: LockHolder; ino: number; mtimeMs: number } | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | O_NOFOLLOW | (fs.constants.O_NONBLOCK ?? 0));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ELOOP') throw new EnvironmentError(`${shownPath(file)} is a symbolic link where simgen keeps its lock: remove it and run again`);
    throw e;
  }
  try {
    const st = fs.fstatSync(fd);
    const text = st.isFile() && st.size < 65536 ? fs.readFileSync(fd, 'utf8') : '';
    let holder: LockHolder | undefined;
    try {
      const h = JSON.parse(text) as LockHolder;
      if (typeof h.pid === 'number' && typeof h.machine === 'string') holder = h;
    } catch {
      // being written (a window of microseconds), or damaged: judged below
    }
    return { holder, ino: st.ino, mtimeMs: st.mtimeMs };
  } finally {
    fs.closeSync(fd);
  }
}

type Verdict = { free: true } | { free: false; holder?: LockHolder; file: string };

/**
 * Whether the lock `name` in `dir` is held by a live run. A stale lock is removed (and reported free). Watching
 * another machine's heartbeat takes up to `staleMs`.
 */
async function judge(dir: string, name: string, o: LockOptions): Promise<Verdict> {
  const file = path.join(dir, name);
  const staleMs = o.staleMs ?? STALE_MS;
  let seen = readLock(file);
  if (!seen) return { free: true };
  if (!seen.holder) {
    // Unreadable: a run between creating and writing it, or one that died there.
    await sleep(200);
    const again = readLock(file);
    if (!again) return { free: true };
    if (again.holder || again.ino !== seen.ino) return judge(dir, name, o);
    return breakStale(dir, name, seen.ino, o, false);
  }
  const h = seen.holder;
  if (h.machine === MACHINE) {
    const alive = isAlive(h.pid) && (h.procStart === undefined || procStart(h.pid) === undefined || procStart(h.pid) === h.procStart);
    return alive ? { free: false, holder: h, file } : breakStale(dir, name, seen.ino, o, false);
  }
  // Another machine: a live holder moves its heartbeat within REFRESH_MS.
  const start = Date.now();
  let told = false;
  while (Date.now() - start < staleMs) {
    await sleep(Math.min(1000, staleMs / 10));
    const now = readLock(file);
    if (!now) return { free: true };
    if (now.ino !== seen.ino) return judge(dir, name, o);
    if (now.mtimeMs !== seen.mtimeMs) return { free: false, holder: h, file };
    if (!told && Date.now() - start >= 2000) {
      o.log?.(`simgen: ${shownPath(file)} is held by ${describe(h)}; watching its heartbeat: taken over if it does not move for ${Math.round(staleMs / 1000)} s`);
      told = true;
    }
    seen = now;
  }
  return breakStale(dir, name, seen.ino, o, true);
}

/**
 * Removes the stale lock `name` if it is still the file judged (inode `ino`), through the break file. Said
 * (`say`) for another machine's lock, whose holder may be a surprise; a dead process of this machine's is not.
 */
async function breakStale(dir: string, name: string, ino: number, o: LockOptions, say: boolean): Promise<Verdict> {
  const breaker = path.join(dir, BREAK_FILE);
  for (let tries = 0; ; tries++) {
    let fd: number;
    try {
      fd = fs.openSync(breaker, fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_WRONLY | O_NOFOLLOW, 0o644);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      // Another run is breaking a lock (milliseconds); one that died doing it leaves the file: after 5 s, gone.
      if (tries >= 50) fs.rmSync(breaker, { force: true });
      await sleep(100);
      continue;
    }
    try {
      const now = readLock(path.join(dir, name));
      if (now && now.ino === ino) fs.rmSync(path.join(dir, name), { force: true });
    } finally {
      fs.closeSync(fd);
      fs.rmSync(breaker, { force: true });
    }
    if (say) o.log?.(`simgen: took over the stale lock ${shownPath(path.join(dir, name))}: its heartbeat had stopped`);
    return { free: true };
  }
}

function describe(h: LockHolder): string {
  return `"${h.command}" (pid ${h.pid} on ${h.host}, started ${h.started})`;
}

function busy(dir: string, v: Extract<Verdict, { free: false }>): EnvironmentError {
  const who = v.holder ? `${v.holder.part ? `${v.holder.part} of ` : ''}${describe(v.holder)}` : 'a run that is starting';
  const machine = v.holder && v.holder.machine !== MACHINE ? '; another machine\'s lock is taken over once its heartbeat stops' : '';
  return new EnvironmentError(`the output folder ${shownPath(dir)} is in use by ${who}: wait for it to end or choose another --out (lock file ${shownPath(v.file)}${machine})`);
}

function removeIfEmpty(dir: string): void {
  try {
    fs.rmdirSync(dir);
  } catch {
    // not empty: it holds outputs
  }
}

/** Makes `dir` (parents too); true if it did not exist. A path that cannot be a folder is the user's error. */
function ensureFolder(dir: string): boolean {
  const existed = fs.existsSync(dir);
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (e) {
    if (isErrnoError(e)) {
      const known = fsErrorLine(e);
      if (known) throw known;
    }
    throw e;
  }
  return !existed;
}

/** Creates the lock file exclusively; undefined if one is there. A folder that cannot be written fails here, before any work. */
function create(file: string, holder: LockHolder): number | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_WRONLY | O_NOFOLLOW, 0o644);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
    const known = isErrnoError(e) ? fsErrorLine(e) : undefined;
    if (known) throw new EnvironmentError(`cannot write into the output folder: ${known.message}`);
    throw e;
  }
  try {
    fs.writeSync(fd, `${JSON.stringify(holder)}\n`);
  } catch (e) {
    fs.closeSync(fd);
    fs.rmSync(file, { force: true });
    const known = isErrnoError(e) ? fsErrorLine(Object.assign(e, { path: e.path ?? file })) : undefined;
    if (known) throw new EnvironmentError(`cannot write into the output folder: ${known.message}`);
    throw e;
  }
  return fd;
}

/**
 * Takes the lock of the output folder `dir` (made if missing) for this process: the whole folder, or one part
 * of it. Throws an EnvironmentError naming the holder when a live run holds it (unless `onBusy: 'wait'`).
 * The lock goes when released, and at any exit or interruption of the process.
 */
export async function lockOutputFolder(dir: string, o: LockOptions): Promise<FolderLock> {
  const created = ensureFolder(dir);
  const name = o.part ? `${PART_PREFIX}${o.part.name.replace(/[^A-Za-z0-9_.-]/g, '_')}` : LOCK_FILE;
  const file = path.join(dir, name);
  const holder: LockHolder = { pid: process.pid, host: os.hostname(), machine: MACHINE, procStart: procStart(process.pid), started: new Date().toISOString(), command: o.command, ...(o.part ? { part: o.part.name } : {}) };
  let waiting = false;
  for (;;) {
    const fd = create(file, holder);
    let conflict: Verdict = { free: true };
    if (fd === undefined) conflict = await judge(dir, name, o);
    else {
      // The other side: the whole-folder lock for a part, every part lock for the whole folder.
      const others = o.part ? [LOCK_FILE] : fs.readdirSync(dir).filter((f) => f.startsWith(PART_PREFIX));
      for (const other of others) {
        conflict = await judge(dir, other, o);
        if (!conflict.free) break;
      }
      if (conflict.free) return hold(dir, file, fd, created, o);
      fs.closeSync(fd);
      fs.rmSync(file, { force: true });
    }
    if (conflict.free) continue; // a stale lock was removed: try again
    // Only a part waits, and only for its own kind: a whole-folder run may take hours.
    const ownKind = fd === undefined;
    if (o.onBusy !== 'wait' || !ownKind) {
      if (created) removeIfEmpty(dir);
      throw busy(dir, conflict);
    }
    if (!waiting) o.log?.(`simgen: waiting for ${conflict.holder ? describe(conflict.holder) : 'another run'} to finish with ${shownPath(dir)}`);
    waiting = true;
    await sleep(200 + Math.random() * 300);
  }
}

function hold(dir: string, file: string, fd: number, created: boolean, o: LockOptions): FolderLock {
  const ino = fs.fstatSync(fd).ino;
  const heartbeat = setInterval(() => {
    try {
      const now = new Date();
      fs.futimesSync(fd, now, now);
    } catch {
      // a folder gone or unwritable: the run's own writes will say so
    }
  }, o.refreshMs ?? REFRESH_MS);
  heartbeat.unref();
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    clearInterval(heartbeat);
    fs.closeSync(fd);
    try {
      if (fs.lstatSync(file).ino === ino) fs.rmSync(file, { force: true });
    } catch {
      // already gone
    }
    if (created) removeIfEmpty(dir); // a run refused before writing anything leaves nothing behind
  };
  const unregister = onEarlyExit(release);
  if (o.part) sweepStaleTemps(dir, { targets: o.part.files });
  else sweepStaleTemps(dir);
  return {
    dir,
    file,
    release() {
      unregister();
      release();
    },
  };
}
