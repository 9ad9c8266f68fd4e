import fs from 'node:fs';
import path from 'node:path';
import { createTempDir, discard, removeStaleTemps } from '../util/atomic.ts';
import { onFile } from '../util/errors.ts';

// Feature rows parked on disk between the pass over links.arrow that computes them (every constellation at
// once, chunk by chunk) and the writing of dataset.arrow (constellation by constellation): one scratch file
// per constellation in a hidden folder next to the output, read back a chunk at a time and removed at the
// end. Memory holds one chunk; links.arrow is read once instead of once per constellation.

export class FeatureSpill {
  private readonly fds: number[];
  private readonly sizes: number[][] = [];
  private readonly dir: string;
  private readonly files: string[];

  /** In a temporary folder `.<base>.<host>-<pid>-<random>.tmp`; the leftovers of killed runs (dead process ids) are removed first. */
  constructor(private readonly base: string, files: number, private readonly width: number) {
    removeStaleTemps(base);
    this.dir = createTempDir(base);
    this.files = Array.from({ length: files }, (_, i) => path.join(this.dir, `${i}.bin`));
    this.fds = [];
    try {
      for (const f of this.files) this.fds.push(fs.openSync(f, 'wx+'));
    } catch (e) {
      this.remove();
      throw e;
    }
    this.sizes = this.fds.map(() => []);
  }

  /** Appends the next chunk of file `i`: n feature rows and their heard counts. */
  append(i: number, features: Float32Array, heardCount: Int32Array): void {
    const n = heardCount.length;
    onFile(`${this.base} (the export's scratch files)`, () => {
      write(this.fds[i], new Uint8Array(features.buffer, features.byteOffset, n * this.width * 4));
      write(this.fds[i], new Uint8Array(heardCount.buffer, heardCount.byteOffset, n * 4));
    });
    this.sizes[i].push(n);
  }

  /** The chunks of file `i` in order, read into the given buffers (reused from chunk to chunk). */
  *chunks(i: number, features: Float32Array, heardCount: Int32Array): Generator<number> {
    let at = 0;
    for (const n of this.sizes[i]) {
      at += read(this.fds[i], new Uint8Array(features.buffer, features.byteOffset, n * this.width * 4), at);
      at += read(this.fds[i], new Uint8Array(heardCount.buffer, heardCount.byteOffset, n * 4), at);
      yield n;
    }
  }

  remove(): void {
    for (const fd of this.fds) fs.closeSync(fd);
    discard(this.dir);
  }
}

function write(fd: number, bytes: Uint8Array): void {
  for (let at = 0; at < bytes.length; ) at += fs.writeSync(fd, bytes, at, bytes.length - at);
}

function read(fd: number, into: Uint8Array, position: number): number {
  for (let at = 0; at < into.length; ) {
    const got = fs.readSync(fd, into, at, into.length - at, position + at);
    if (got === 0) throw new Error('feature spill: file shorter than written');
    at += got;
  }
  return into.length;
}
