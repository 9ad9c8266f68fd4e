import fs from 'node:fs';
import { readArrowFile } from '../util/arrow.ts';
import { UserError } from '../util/errors.ts';
import { shownPath } from '../util/paths.ts';
import { stageKey } from '../util/meta.ts';

// The receiver points of a raytrace run: every trajectory sample (trajectories.arrow), or user points
// from a CSV file (--rx, header x,y,z; trajectory_id -1, sample = data row index from 0).

export interface Receivers {
  trajectoryId: Int32Array;
  sample: Int32Array;
  /** x, y, z triples (UE antenna positions). */
  xyz: Float64Array;
  /** input_key of the upstream file (trajectories.arrow), or a key of the CSV contents. */
  upstreamKey: string;
  source: string;
}

/** Reads trajectories.arrow and orders its samples by (trajectory_id, sample). */
export function readTrajectoryReceivers(file: string): Receivers {
  const table = readArrowFile(file, 'trajectories file');
  const col = (name: string) => {
    const c = table.getChild(name);
    if (!c) throw new UserError(`trajectories file ${file}: column "${name}" is missing (expected trajectory_id, sample, x, y, z); re-run "simgen trajectories"`);
    return c.toArray() as ArrayLike<number>;
  };
  const tid = col('trajectory_id'), smp = col('sample'), x = col('x'), y = col('y'), z = col('z');
  const n = table.numRows;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => tid[a] - tid[b] || smp[a] - smp[b]);
  const r: Receivers = { trajectoryId: new Int32Array(n), sample: new Int32Array(n), xyz: new Float64Array(3 * n), upstreamKey: table.schema.metadata.get('input_key') ?? '', source: file };
  order.forEach((i, k) => {
    r.trajectoryId[k] = tid[i];
    r.sample[k] = smp[i];
    r.xyz[3 * k] = x[i];
    r.xyz[3 * k + 1] = y[i];
    r.xyz[3 * k + 2] = z[i];
  });
  return r;
}

/** Parses a CSV of receiver points (header x,y,z); a bad line is a UserError naming line and column. */
export function readCsvReceivers(file: string): Receivers {
  if (!fs.existsSync(file)) throw new UserError(`--rx: file not found: ${shownPath(file)}`);
  const text = fs.readFileSync(file, 'utf8');
  const lines = text.split(/\r?\n/);
  const header = (lines[0] ?? '').split(',').map((h) => h.trim());
  if (header.join(',') !== 'x,y,z') throw new UserError(`--rx ${file}: line 1 must be the header "x,y,z" (got "${lines[0] ?? ''}")`);
  const pts: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    const cells = lines[i].split(',');
    if (cells.length !== 3) throw new UserError(`--rx ${file}: line ${i + 1} has ${cells.length} values, expected 3 (x,y,z)`);
    cells.forEach((c, j) => {
      const v = c.trim() === '' ? NaN : Number(c);
      if (!Number.isFinite(v)) throw new UserError(`--rx ${file}: line ${i + 1} column "${header[j]}": "${c.trim()}" is not a number`);
      if (j === 2 && v <= 0) throw new UserError(`--rx ${file}: line ${i + 1} column "z": ${v} must be > 0 (height above ground, m)`);
      pts.push(v);
    });
  }
  if (pts.length === 0) throw new UserError(`--rx ${file}: no points after the header "x,y,z"`);
  const n = pts.length / 3;
  return {
    trajectoryId: new Int32Array(n).fill(-1),
    sample: Int32Array.from({ length: n }, (_, i) => i),
    xyz: Float64Array.from(pts),
    upstreamKey: stageKey('rx-csv', text),
    source: file,
  };
}
