import fs from 'node:fs';
import path from 'node:path';

/** Temporary sibling name: a crash leaves `name.<pid>.tmp`, never a file that looks finished. */
export function tmpPathFor(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.tmp`);
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
