// Diffuse scattering as it arrives, for the channel (src/channel) and the measurements (src/measure). A diffuse
// path of links.arrow stands for a whole surface's tiles lit through one sequence, at its strongest tile's delay
// and angle; a band-limited receiver sees those tiles as multipath spread in delay and angle. With a recorder
// attached to the scatter index (diffuse.ts), every contribution the diffuse step sums for a receiver (a tile,
// a sub-sampled near tile, or a far block of 4 x 4 tiles summed at its power centroid) is also kept with its
// own geometry: its site, its unfolded length (site -> tile -> receiver), its propagation gain and its gain
// times the site's array gain, its departure direction at the site (toward the tile, or toward the first
// reflection of an "RS" path) with a fine direction cell, and the unit vector from the receiver toward it (for
// the Doppler shift). Contributions whose received power (gain x array gain) is under `floorRx` are not kept
// one by one: they are summed per site and coarse direction cell (power, power-weighted length and directions),
// which is all a receiver that cannot resolve them needs. The sums links.arrow holds do not change.

/** Fine direction cells of the departure directions, degrees of azimuth and of elevation. */
export const FINE_CELL_DEG = 2.5;
export const AZ_CELLS = 360 / FINE_CELL_DEG;
export const EL_CELLS = 180 / FINE_CELL_DEG;

/** Fine direction cell of a unit departure vector: azimuth cell * EL_CELLS + elevation cell. */
export function directionCell(x: number, y: number, z: number): number {
  let az = (Math.atan2(y, x) * 180) / Math.PI;
  if (az < 0) az += 360;
  const el = (Math.atan2(z, Math.hypot(x, y)) * 180) / Math.PI;
  return Math.min(AZ_CELLS - 1, Math.floor(az / FINE_CELL_DEG)) * EL_CELLS + Math.min(EL_CELLS - 1, Math.floor((el + 90) / FINE_CELL_DEG));
}

/** Values summed per coarse cell: gain, gain x length, gain x departure (3), gain x UE vector (3). */
export const COARSE_VALUES = 8;

/** One receiver's diffuse contributions, every site's, in the order the diffuse step summed them. */
export class DiffuseRecord {
  count = 0;
  site = new Int32Array(1024);
  cell = new Int32Array(1024);
  /** Unfolded length site -> scattering point -> receiver, m. */
  length = new Float64Array(1024);
  /** Propagation gain (antennas excluded) and gain times the site's array gain toward the first segment. */
  gain = new Float64Array(1024);
  rx = new Float64Array(1024);
  /** Unit departure direction at the site, and unit vector from the receiver toward the scattering point (3 each). */
  dep = new Float32Array(3 * 1024);
  ue = new Float32Array(3 * 1024);
  /** Per site and coarse cell: the summed contributions under floorRx (COARSE_VALUES each). */
  readonly coarse: Float64Array;
  /** Coarse cells: azimuth cells x elevation cells. */
  readonly coarseAz: number;
  readonly coarseEl: number;
  /** Each fine cell's coarse cell (a table: the divisions cost more than the rest of add). */
  private readonly coarseOf: Int32Array;
  /** cellsOf's last table and its cell size. */
  private cellsDeg = NaN;
  private cells = new Int32Array(0);
  /** bySite's index, reused. */
  private start: Int32Array;
  private order = new Int32Array(1024);

  /** `sites`: the scatter index's site count; weaker contributions than `floorRx` go to cells of `coarseCellDeg`. */
  constructor(readonly sites: number, coarseCellDeg: number, readonly floorRx: number) {
    const merge = Math.max(1, Math.round(coarseCellDeg / FINE_CELL_DEG));
    this.coarseAz = Math.ceil(AZ_CELLS / merge);
    this.coarseEl = Math.ceil(EL_CELLS / merge);
    this.coarseOf = Int32Array.from({ length: AZ_CELLS * EL_CELLS }, (_, c) => Math.floor(c / EL_CELLS / merge) * this.coarseEl + Math.floor((c % EL_CELLS) / merge));
    this.coarse = new Float64Array(sites * this.coarseAz * this.coarseEl * COARSE_VALUES);
    this.start = new Int32Array(sites + 1);
  }

  clear(): void {
    this.count = 0;
    this.coarse.fill(0);
  }

  /** Values per coarse cell (COARSE_VALUES). */
  readonly coarseStride = COARSE_VALUES;

  /** Coarse cell of a fine cell. */
  coarseCell(cell: number): number {
    return this.coarseOf[cell];
  }

  /** Each fine cell in cells of `cellDeg` (a multiple of FINE_CELL_DEG): azimuth cell * 1024 + elevation cell (a table, kept for the last size asked). */
  cellsOf(cellDeg: number): Int32Array {
    if (cellDeg !== this.cellsDeg) {
      const merge = Math.max(1, Math.round(cellDeg / FINE_CELL_DEG));
      this.cells = Int32Array.from({ length: AZ_CELLS * EL_CELLS }, (_, c) => Math.floor(c / EL_CELLS / merge) * 1024 + Math.floor((c % EL_CELLS) / merge));
      this.cellsDeg = cellDeg;
    }
    return this.cells;
  }

  private grow(): void {
    const n = 2 * this.site.length;
    const g = <T extends Int32Array | Float64Array | Float32Array>(a: T, k = 1): T => {
      const b = new (a.constructor as { new (n: number): T })(k * n);
      b.set(a as never);
      return b;
    };
    this.site = g(this.site);
    this.cell = g(this.cell);
    this.length = g(this.length);
    this.gain = g(this.gain);
    this.rx = g(this.rx);
    this.dep = g(this.dep, 3);
    this.ue = g(this.ue, 3);
  }

  add(site: number, length: number, cell: number, dep: Float32Array, o: number, ux: number, uy: number, uz: number, gain: number, rx: number): void {
    if (rx < this.floorRx) {
      const A = this.coarse, q = (site * this.coarseAz * this.coarseEl + this.coarseCell(cell)) * COARSE_VALUES;
      A[q] += gain;
      A[q + 1] += gain * length;
      A[q + 2] += gain * dep[o];
      A[q + 3] += gain * dep[o + 1];
      A[q + 4] += gain * dep[o + 2];
      A[q + 5] += gain * ux;
      A[q + 6] += gain * uy;
      A[q + 7] += gain * uz;
      return;
    }
    if (this.count === this.site.length) this.grow();
    const i = this.count++;
    this.site[i] = site;
    this.cell[i] = cell;
    this.length[i] = length;
    this.gain[i] = gain;
    this.rx[i] = rx;
    this.dep[3 * i] = dep[o];
    this.dep[3 * i + 1] = dep[o + 1];
    this.dep[3 * i + 2] = dep[o + 2];
    this.ue[3 * i] = ux;
    this.ue[3 * i + 1] = uy;
    this.ue[3 * i + 2] = uz;
  }

  /** The kept contributions of each site: indices order[start[s] .. start[s + 1]), in recorded order (reused arrays). */
  bySite(): { start: Int32Array; order: Int32Array } {
    const start = this.start;
    start.fill(0);
    for (let i = 0; i < this.count; i++) start[this.site[i] + 1]++;
    for (let s = 0; s < this.sites; s++) start[s + 1] += start[s];
    if (this.order.length < this.count) this.order = new Int32Array(this.site.length);
    const next = start.slice(0, this.sites);
    for (let i = 0; i < this.count; i++) this.order[next[this.site[i]]++] = i;
    return { start, order: this.order };
  }
}
