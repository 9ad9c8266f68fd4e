import fs from 'node:fs';
import { buildingLocator } from '../../map/locate.ts';
import type { CityMap } from '../../map/types.ts';
import { columnIndex, readArrowFile } from '../../util/arrow.ts';
import { UserError } from '../../util/errors.ts';
import { shownPath } from '../../util/paths.ts';
import { readTextFile } from '../../util/text-file.ts';
import { stageKey } from '../../util/meta.ts';

// The receiver points of a raytrace run: every trajectory sample (trajectories.arrow), or user points
// from a CSV file (--rx, header x,y,z; trajectory_id -1, sample = data row index from 0). Points the
// scene cannot mean (inside a building, off the map, at or below the ground) are refused before any
// tracing (checkReceivers), unless the user asks to keep the first two kinds.

export interface Receivers {
  trajectoryId: Int32Array;
  sample: Int32Array;
  /** x, y, z triples (UE antenna positions). */
  xyz: Float64Array;
  /** input_key of the upstream file (trajectories.arrow), or a key of the CSV contents. */
  upstreamKey: string;
  source: string;
  /** Where receiver k came from, for messages: "line 5" of the CSV or "row 17 (trajectory 2, sample 9)". */
  where: (k: number) => string;
}

/** Reads trajectories.arrow and orders its samples by (trajectory_id, sample). */
export function readTrajectoryReceivers(file: string): Receivers {
  const table = readArrowFile(file, 'trajectories file', 'simgen trajectories');
  columnIndex(table.schema, { trajectory_id: 'int32', sample: 'int32', x: 'float64', y: 'float64', z: 'float64' }, file);
  const col = (name: string) => {
    const c = table.getChild(name);
    if (!c) throw new UserError(`trajectories file ${file}: column "${name}" is missing (expected trajectory_id, sample, x, y, z); re-run "simgen trajectories"`);
    return c.toArray() as ArrayLike<number>;
  };
  const tid = col('trajectory_id'), smp = col('sample'), x = col('x'), y = col('y'), z = col('z');
  const n = table.numRows;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => tid[a] - tid[b] || smp[a] - smp[b]);
  const row = new Int32Array(n);
  const r: Receivers = {
    trajectoryId: new Int32Array(n), sample: new Int32Array(n), xyz: new Float64Array(3 * n), upstreamKey: table.schema.metadata.get('input_key') ?? '', source: file,
    where: (k) => `row ${row[k]} (trajectory ${r.trajectoryId[k]}, sample ${r.sample[k]})`,
  };
  order.forEach((i, k) => {
    row[k] = i;
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
  const text = readTextFile(file, `--rx ${file}`);
  const lines = text.split(/\r?\n/);
  const header = (lines[0] ?? '').split(',').map((h) => h.trim());
  if (header.join(',') !== 'x,y,z') throw new UserError(`--rx ${file}: line 1 must be the header "x,y,z" (got "${lines[0] ?? ''}")`);
  const pts: number[] = [];
  const lineOf: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    lineOf.push(i + 1);
    const cells = lines[i].split(',');
    if (cells.length !== 3) throw new UserError(`--rx ${file}: line ${i + 1} has ${cells.length} values, expected 3 (x,y,z)`);
    cells.forEach((c, j) => {
      const v = c.trim() === '' ? NaN : Number(c);
      if (!Number.isFinite(v)) throw new UserError(`--rx ${file}: line ${i + 1} column "${header[j]}": "${c.trim()}" is not a number`);
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
    source: `--rx ${file}`,
    where: (k) => `line ${lineOf[k]}`,
  };
}

export interface ReceiverChecks {
  /** Keep receivers inside a building footprint (below its roof). */
  allowIndoor?: boolean;
  /** Keep receivers outside the map's rectangle. */
  allowOffMap?: boolean;
}

const fmt = (v: number) => String(Math.round(v * 1000) / 1000);

/**
 * Refuses receivers the scene cannot mean, naming the first and counting the others: a coordinate that is
 * not a finite number, z <= 0 (at or below the flat ground), off the map, or inside a building (within its
 * footprint and not above its roof; a point above a roof is a rooftop receiver and kept). The last two are
 * kept with allowIndoor / allowOffMap.
 */
export function checkReceivers(rx: Receivers, map: CityMap, opts: ReceiverChecks = {}): void {
  const at = buildingLocator(map);
  const n = rx.xyz.length / 3;
  let first: string | undefined;
  let refused = 0;
  let fix = '';
  for (let k = 0; k < n; k++) {
    const x = rx.xyz[3 * k], y = rx.xyz[3 * k + 1], z = rx.xyz[3 * k + 2];
    let why: string | undefined;
    let hint = '';
    if (!Number.isFinite(x) || !Number.isFinite(y) || !Number.isFinite(z)) why = `(${x}, ${y}, ${z}) is not a finite position`;
    else if (z <= 0) why = `(${fmt(x)}, ${fmt(y)}, ${fmt(z)}) is at or below the ground (z must be > 0 m, the height above the flat ground)`;
    else if (!(x >= 0 && x <= map.width && y >= 0 && y <= map.height)) {
      if (!opts.allowOffMap) {
        why = `(${fmt(x)}, ${fmt(y)}, ${fmt(z)}) is off the map (allowed x 0..${map.width}, y 0..${map.height})`;
        hint = '--allow-off-map keeps receivers outside the map';
      }
    } else if (!opts.allowIndoor) {
      const b = at(x, y);
      if (b && z <= b.height) {
        why = `(${fmt(x)}, ${fmt(y)}, ${fmt(z)}) is inside building ${b.id}${b.osmId ? ` (${b.osmId})` : ''} (within its footprint, below its roof at ${fmt(b.height)} m)`;
        hint = '--allow-indoor keeps receivers inside buildings';
      }
    }
    if (!why) continue;
    refused++;
    if (first === undefined) {
      first = `${shownPath(rx.source)}: ${rx.where(k)}: receiver ${why}`;
      fix = hint;
    }
  }
  if (first !== undefined) throw new UserError(`${first}${refused > 1 ? `; ${refused - 1} more of the ${n} receivers refused` : ''}${fix ? `; ${fix}` : ''}`);
}
