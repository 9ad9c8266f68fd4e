import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** This machine's name as it goes into temporary names (pods and cluster nodes share output folders). */
const HOST = os.hostname().replace(/[^A-Za-z0-9_]/g, '_').slice(0, 40) || 'host';

/**
 * Temporary sibling name: a crash leaves `.name.<host>-<pid>.tmp`, never a file that looks finished. The host
 * keeps two machines writing the same target into a shared folder (cluster jobs) from sharing a name.
 */
export function tmpPathFor(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${HOST}-${process.pid}.tmp`);
}

/**
 * Removes the temporary files (tmpPathFor) that runs killed on this machine left for `target`: those whose
 * process id is no longer alive. A live process's file, and any other machine's, is left alone.
 */
export function removeStaleTemps(target: string, opts: { directory?: boolean } = {}): void {
  const dir = path.dirname(target);
  if (!fs.existsSync(dir)) return;
  const prefix = `.${path.basename(target)}.${HOST}-`;
  for (const f of fs.readdirSync(dir)) {
    if (!f.startsWith(prefix) || !f.endsWith('.tmp')) continue;
    const pid = f.slice(prefix.length, -'.tmp'.length);
    if (/^\d+$/.test(pid) && !isAlive(Number(pid))) fs.rmSync(path.join(dir, f), { force: true, recursive: Boolean(opts.directory) });
  }
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // alive, another user's
  }
}

/** Write a whole file atomically (write to a temporary name, then rename). */
export function writeFileAtomic(target: string, data: string | Uint8Array): void {
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const tmp = tmpPathFor(target);
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, target);
}

/**
 * Stream into a file atomically: `write` receives the temporary path; on success it is renamed
 * to `target`, on failure removed.
 */
export async function withAtomicFile<T>(target: string, write: (tmpPath: string) => Promise<T> | T): Promise<T> {
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const tmp = tmpPathFor(target);
  try {
    const result = await write(tmp);
    fs.renameSync(tmp, target);
    return result;
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

/** The temporary and the displaced name of a directory written atomically. */
function dirTemps(dir: string): { tmp: string; old: string } {
  const tmp = tmpPathFor(dir);
  return { tmp, old: tmp.replace(/\.tmp$/, '.old') };
}

/** Moves the filled temporary directory to `dir` (the old one, if any, out of the way first) and cleans up. */
function swapInto(dir: string, t: { tmp: string; old: string }, filled: boolean): void {
  try {
    if (filled) {
      if (fs.existsSync(dir)) fs.renameSync(dir, t.old);
      fs.renameSync(t.tmp, dir);
    }
  } finally {
    fs.rmSync(t.tmp, { recursive: true, force: true });
    fs.rmSync(t.old, { recursive: true, force: true });
  }
}

/**
 * Write a whole directory atomically: `fill` writes into a temporary sibling directory, which then
 * replaces `dir` in one rename, so `dir` is never a partial output nor a mix of two runs.
 */
export function writeDirAtomic<T>(dir: string, fill: (tmpDir: string) => T): T {
  const t = dirTemps(dir);
  fs.rmSync(t.tmp, { recursive: true, force: true });
  let filled = false;
  try {
    fs.mkdirSync(t.tmp, { recursive: true });
    const result = fill(t.tmp);
    filled = true;
    return result;
  } finally {
    swapInto(dir, t, filled);
  }
}

/** writeDirAtomic with an asynchronous `fill` (e.g. Arrow files streamed into the directory). */
export async function writeDirAtomicAsync<T>(dir: string, fill: (tmpDir: string) => Promise<T>): Promise<T> {
  const t = dirTemps(dir);
  fs.rmSync(t.tmp, { recursive: true, force: true });
  let filled = false;
  try {
    fs.mkdirSync(t.tmp, { recursive: true });
    const result = await fill(t.tmp);
    filled = true;
    return result;
  } finally {
    swapInto(dir, t, filled);
  }
}
