import { SPEED_OF_LIGHT } from '../radio/field.ts';
import type { DiffuseRecord } from '../raytrace/index.ts';
import type { NormalStream } from '../util/gaussian.ts';
import { directionAzEl } from './array.ts';
import { type ChannelBuilder, DIFFUSE, DIFFUSE_COARSE, dopplerHz } from './link-channel.ts';

// A link's diffuse scattering as channel components: the tile contributions the ray tracer recorded
// (src/raytrace/diffuse-record.ts), each at its own delay and direction, become clusters:
//   - contributions within `fineBelowDb` of the link's strongest component and above `fineFloorRx` go to fine
//     clusters, one per delay bin of `fineDelayS` (from the line-of-sight delay) and direction cell of
//     `fineCellDeg` at the site: the part of the channel a detector and a beam scan see in detail. A fine cluster
//     carries the summed gain of its contributions, their power-weighted delay and directions, and an amplitude
//     drawn from CN(0, gain) (a sum of tiles with random phases; link-channel.ts);
//   - the weaker ones (and those the recorder summed under its floor) go to one coarse cluster per direction cell
//     of the recorder (all delays): they only add power through the beam (RSRP), so a coarse cluster's amplitude
//     is the square root of its power with a random phase (a sum over many delays does not fade across the band).

export interface ClusterGrid {
  fineDelayS: number;
  fineCellDeg: number;
  /** Direction cells of the coarse clusters (and of the recorder's sums). */
  coarseCellDeg: number;
  /** Contributions weaker than the link's strongest component by more than this go to coarse clusters (dB)... */
  fineBelowDb: number;
  /** ...and so do those with a received power (gain x array gain) under this one (the recorder's floor too). */
  fineFloorRx: number;
}

/** How the diffuse contributions were carried, for the docs' accounting. */
export interface ClusterStats {
  /** Contributions kept one by one by the recorder, and of them those in fine clusters. */
  recorded: number;
  fine: number;
  /** Received power (gain x array gain) in fine and in coarse clusters. */
  fineRx: number;
  coarseRx: number;
}

export const emptyClusterStats = (): ClusterStats => ({ recorded: 0, fine: 0, fineRx: 0, coarseRx: 0 });

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

/** murmur3's finaliser: every bit of the key reaches the low bits the table masks (a bare multiply leaves them to the elevation cell alone). */
function hash(k: number): number {
  const lo = k | 0, hi = (k / 4294967296) | 0;
  let h = lo ^ Math.imul(hi, 0x85ebca77);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

const table = new ClusterTable();
let coarseAcc = new Float64Array(0);

/**
 * Clusters site `site`'s diffuse contributions (order[a .. b) of `rec`, and its coarse sums) into `out`.
 * `losLength`: the link's line-of-sight length (m), the origin of the delay bins; `strongestRx`: its strongest
 * specular path's gain x array gain (the contributions' own maximum is taken too); `v`: UE velocity for the
 * Doppler shifts.
 */
export function clusterDiffuse(
  rec: DiffuseRecord, site: number, order: Int32Array, a: number, b: number, losLength: number, strongestRx: number,
  grid: ClusterGrid, v: readonly number[], wavelength: number, normals: NormalStream, out: ChannelBuilder, stats?: ClusterStats,
): void {
  let top = strongestRx;
  for (let q = a; q < b; q++) top = Math.max(top, rec.rx[order[q]]);
  const fineMin = Math.max(grid.fineFloorRx, top * 10 ** (-grid.fineBelowDb / 10));
  const fineM = grid.fineDelayS * SPEED_OF_LIGHT;
  const cells = rec.coarseAz * rec.coarseEl, V = rec.coarseStride;
  if (coarseAcc.length < V * cells) coarseAcc = new Float64Array(V * cells);
  coarseAcc.set(rec.coarse.subarray(site * cells * V, (site + 1) * cells * V));
  const fineCell = rec.cellsOf(grid.fineCellDeg);
  table.begin();
  for (let q = a; q < b; q++) {
    const i = order[q];
    const rx = rec.rx[i];
    const g = rec.gain[i], c = rec.cell[i];
    let o: number, A: Float64Array;
    if (rx >= fineMin) {
      const bin = Math.max(0, Math.floor((rec.length[i] - losLength) / fineM));
      const s = table.find(bin * 2 ** 20 + fineCell[c]);
      A = table.acc;
      o = 8 * s;
      if (stats) {
        stats.fine++;
        stats.fineRx += rx;
      }
    } else {
      A = coarseAcc;
      o = V * rec.coarseCell(c);
      if (stats) stats.coarseRx += rx;
    }
    A[o] += g;
    A[o + 1] += g * rec.length[i];
    for (let k = 0; k < 3; k++) {
      A[o + 2 + k] += g * rec.dep[3 * i + k];
      A[o + 5 + k] += g * rec.ue[3 * i + k];
    }
  }
  if (stats) stats.recorded += b - a;
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
  for (let s = 0; s < cells; s++) emit(coarseAcc, s, DIFFUSE_COARSE);
}
