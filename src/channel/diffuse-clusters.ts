import { SPEED_OF_LIGHT } from '../radio/field.ts';
import { type DiffuseRecord, EL_CELLS, FINE_CELL_DEG } from '../raytrace/diffuse-record.ts';
import type { NormalStream } from '../util/gaussian.ts';
import { directionAzEl } from './array.ts';
import { type ChannelBuilder, DIFFUSE, DIFFUSE_COARSE, dopplerHz } from './link-channel.ts';

// A link's diffuse scattering as channel components: the tile contributions the ray tracer recorded
// (src/raytrace/diffuse-record.ts), each at its own delay and direction, are binned into clusters of a
// delay bin (from the line-of-sight delay) and a cell of azimuth x elevation at the site. A cluster carries the
// summed gain of its contributions, their power-weighted delay and directions, and a CN(0, gain) amplitude
// (link-channel.ts). Two resolutions, set from what the receiver can resolve (src/measure sets them from the
// bandwidth and the array):
//   - fine bins for contributions within `fineBelowDb` of the link's strongest component and above
//     `fineFloorRx`: the part of the channel a detector and a beam scan can see in detail;
//   - one coarse cluster per coarseCellDeg x coarseCellDeg direction cell (all delays) for the weaker ones, which
//     only add power (RSRP) through the beam: their amplitude is the square root of their power, with a random
//     phase (a sum over many delays, its power averaged over the band, does not fade);
//   - contributions whose received power (gain x array gain) is below `floorRx` are left out and counted.

export interface ClusterGrid {
  fineDelayS: number;
  fineCellDeg: number;
  coarseCellDeg: number;
  /** Contributions weaker than the link's strongest component by more than this go to coarse bins (dB)... */
  fineBelowDb: number;
  /** ...and so do those with a received power (gain x array gain) under this one. */
  fineFloorRx: number;
  /** Received power (gain x site array gain, linear) under which a contribution is left out. */
  floorRx: number;
}

/** What clustering left out and kept, for the docs' accounting. */
export interface ClusterStats {
  contributions: number;
  fine: number;
  coarse: number;
  droppedRx: number;
  keptRx: number;
}

export const emptyClusterStats = (): ClusterStats => ({ contributions: 0, fine: 0, coarse: 0, droppedRx: 0, keptRx: 0 });

/** Reused hash of a link's clusters (open addressing; stamps clear it per link). */
class ClusterTable {
  cap = 0;
  key = new Float64Array(0);
  stamp = new Int32Array(0);
  slot = new Int32Array(0);
  now = 1;
  n = 0;
  /** Per cluster: gain, gain x length, gain x departure (3), gain x UE vector (3). */
  acc = new Float64Array(0);

  constructor() {
    this.resize(1 << 10);
  }

  begin(): void {
    if (++this.now === 0x7fffffff) {
      this.stamp.fill(0);
      this.now = 1;
    }
    this.n = 0;
  }

  resize(cap: number): void {
    const { key, stamp, slot, cap: old } = this;
    this.cap = cap;
    this.key = new Float64Array(cap);
    this.stamp = new Int32Array(cap);
    this.slot = new Int32Array(cap);
    const acc = new Float64Array(8 * (cap >> 1));
    acc.set(this.acc.subarray(0, Math.min(acc.length, this.acc.length)));
    this.acc = acc;
    for (let i = 0; i < old; i++) if (stamp[i] === this.now) this.place(key[i], slot[i]);
  }

  private place(k: number, s: number): void {
    const mask = this.cap - 1;
    let h = hash(k) & mask;
    while (this.stamp[h] === this.now) h = (h + 1) & mask;
    this.stamp[h] = this.now;
    this.key[h] = k;
    this.slot[h] = s;
  }

  /** The cluster index of key k (a new, zeroed one if absent). */
  find(k: number): number {
    const mask = this.cap - 1;
    let h = hash(k) & mask;
    while (this.stamp[h] === this.now) {
      if (this.key[h] === k) return this.slot[h];
      h = (h + 1) & mask;
    }
    if (2 * (this.n + 1) > this.cap) {
      this.resize(2 * this.cap);
      return this.find(k);
    }
    const s = this.n++;
    this.place(k, s);
    this.acc.fill(0, 8 * s, 8 * s + 8);
    return s;
  }
}

function hash(k: number): number {
  const lo = k | 0, hi = (k / 4294967296) | 0;
  return Math.imul(lo ^ Math.imul(hi, 0x85ebca77), 0x9e3779b1) >>> 0;
}

const table = new ClusterTable();
let coarseAcc = new Float64Array(0);

/**
 * Clusters contributions order[a .. b) of `rec` (one link's) into `out` as diffuse components. `losLength`: the
 * link's line-of-sight length (m), the origin of the delay bins; `strongestRx`: its strongest specular path's
 * gain x array gain (the contributions' own maximum is taken too); `v`: UE velocity for the Doppler shifts.
 */
export function clusterDiffuse(
  rec: DiffuseRecord, order: Int32Array, a: number, b: number, losLength: number, strongestRx: number,
  grid: ClusterGrid, v: readonly number[], wavelength: number, normals: NormalStream, out: ChannelBuilder, stats?: ClusterStats,
): void {
  let top = strongestRx;
  for (let q = a; q < b; q++) top = Math.max(top, rec.rx[order[q]]);
  const fineMin = Math.max(grid.floorRx, grid.fineFloorRx, top * 10 ** (-grid.fineBelowDb / 10));
  const fineM = grid.fineDelayS * SPEED_OF_LIGHT;
  const fineMerge = Math.max(1, Math.round(grid.fineCellDeg / FINE_CELL_DEG)), coarseMerge = Math.max(1, Math.round(grid.coarseCellDeg / FINE_CELL_DEG));
  table.begin();
  const cAz = Math.ceil(360 / grid.coarseCellDeg), cEl = Math.ceil(180 / grid.coarseCellDeg);
  if (coarseAcc.length < 8 * cAz * cEl) coarseAcc = new Float64Array(8 * cAz * cEl);
  coarseAcc.fill(0, 0, 8 * cAz * cEl);
  for (let q = a; q < b; q++) {
    const i = order[q];
    const rx = rec.rx[i];
    if (stats) stats.contributions++;
    if (!(rx >= grid.floorRx)) {
      if (stats) stats.droppedRx += rx;
      continue;
    }
    const g = rec.gain[i], c = rec.cell[i];
    let o: number, A: Float64Array;
    if (rx >= fineMin) {
      const bin = Math.max(0, Math.floor((rec.length[i] - losLength) / fineM));
      const s = table.find(bin * 2 ** 20 + Math.floor(c / EL_CELLS / fineMerge) * 1024 + Math.floor((c % EL_CELLS) / fineMerge));
      A = table.acc;
      o = 8 * s;
      if (stats) stats.fine++;
    } else {
      A = coarseAcc;
      o = 8 * (Math.floor(c / EL_CELLS / coarseMerge) * cEl + Math.floor((c % EL_CELLS) / coarseMerge));
      if (stats) stats.coarse++;
    }
    A[o] += g;
    A[o + 1] += g * rec.length[i];
    for (let k = 0; k < 3; k++) {
      A[o + 2 + k] += g * rec.dep[3 * i + k];
      A[o + 5 + k] += g * rec.ue[3 * i + k];
    }
    if (stats) stats.keptRx += rx;
  }
  const emit = (A: Float64Array, s: number, kind: number) => {
    const o = 8 * s, g = A[o];
    if (!(g > 0)) return;
    const [az, el] = directionAzEl(A[o + 2], A[o + 3], A[o + 4]);
    const u = Math.hypot(A[o + 5], A[o + 6], A[o + 7]);
    const nu = dopplerHz(v, A[o + 5] / u, A[o + 6] / u, A[o + 7] / u, wavelength);
    if (kind === DIFFUSE) out.addDiffuse(g, A[o + 1] / g / SPEED_OF_LIGHT, az, el, nu, normals);
    else {
      const ph = 2 * Math.PI * normals.uniform();
      out.add(A[o + 1] / g / SPEED_OF_LIGHT, Math.sqrt(g) * Math.cos(ph), Math.sqrt(g) * Math.sin(ph), az, el, nu, DIFFUSE_COARSE);
    }
  };
  for (let s = 0; s < table.n; s++) emit(table.acc, s, DIFFUSE);
  for (let s = 0; s < cAz * cEl; s++) emit(coarseAcc, s, DIFFUSE_COARSE);
}
