import { quantile } from '../util/quantile.ts';

// The leakage figure of a split: how far each test sample lies from the nearest training sample (2D position).
// A test sample a few centimetres from a training sample is answered by a lookup table; a model's error on it
// measures interpolation between training samples, not generalisation to places it has not seen. The figure is
// set against the sampling step along a track: a test sample nearer a training sample than a quarter of that step
// sits inside the training set's own sampling, where a lookup is as good as any model.
//
// The step, not the training samples' spacing (each one's distance to its nearest other training sample), is
// what the rule compares with: where the tracks drive the same lanes the spacing shrinks with the leakage
// (default scenario, tracks split: 0.13 m spacing, 0.17 m leakage), and a rule against it would never fire.

/** metrics.json's `leakage` and what `simgen export` prints: distances in m, over unique samples; null where there is nothing to measure. */
export interface Leakage {
  /** Median and 90th percentile of each test sample's distance to its nearest training sample (null: no test or no training sample). */
  median_m: number | null;
  p90_m: number | null;
  /** Median of each training sample's distance to its nearest other training sample (null: fewer than two). */
  median_spacing_m: number | null;
  /** Median distance between consecutive training samples of a track (sample k and k + 1); null when there are none. */
  median_step_m: number | null;
}

/** Points in the plane: x[i], y[i]. */
export interface Points {
  x: ArrayLike<number>;
  y: ArrayLike<number>;
}

/** Samples: their positions, tracks and sample numbers, in ascending (trajectory_id, sample) order. */
export interface TrackPoints extends Points {
  trajectoryId: ArrayLike<number>;
  sample: ArrayLike<number>;
}

/**
 * Exact nearest neighbours in 2D through a uniform grid: points bucketed by cell (about two a cell), a query
 * scans rings of cells outward from its own until the nearest point found is closer than any cell of the next
 * ring can be.
 */
export class PointGrid {
  private readonly x0: number;
  private readonly y0: number;
  private readonly h: number;
  private readonly nx: number;
  private readonly ny: number;
  /** Points of cell c: order[start[c] .. start[c + 1]). */
  private readonly start: Int32Array;
  private readonly order: Int32Array;

  constructor(private readonly p: Points) {
    const n = p.x.length;
    let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
    for (let i = 0; i < n; i++) {
      x0 = Math.min(x0, p.x[i]);
      y0 = Math.min(y0, p.y[i]);
      x1 = Math.max(x1, p.x[i]);
      y1 = Math.max(y1, p.y[i]);
    }
    if (n === 0) [x0, y0, x1, y1] = [0, 0, 0, 0];
    const w = x1 - x0, hgt = y1 - y0;
    // About two points a cell if they filled the box; never more cells than 4 n + 16 (points along a line).
    let h = Math.sqrt((2 * Math.max(w * hgt, 1e-12)) / Math.max(1, n)) || 1;
    while ((Math.floor(w / h) + 1) * (Math.floor(hgt / h) + 1) > 4 * n + 16) h *= 2;
    this.x0 = x0;
    this.y0 = y0;
    this.h = h;
    this.nx = Math.floor(w / h) + 1;
    this.ny = Math.floor(hgt / h) + 1;
    const cellOf = new Int32Array(n);
    this.start = new Int32Array(this.nx * this.ny + 1);
    for (let i = 0; i < n; i++) {
      cellOf[i] = this.col(p.x[i]) + this.nx * this.row(p.y[i]);
      this.start[cellOf[i] + 1]++;
    }
    for (let c = 0; c < this.nx * this.ny; c++) this.start[c + 1] += this.start[c];
    const fill = this.start.slice(0, -1);
    this.order = new Int32Array(n);
    for (let i = 0; i < n; i++) this.order[fill[cellOf[i]]++] = i;
  }

  private col(x: number): number {
    return Math.floor((x - this.x0) / this.h);
  }

  private row(y: number): number {
    return Math.floor((y - this.y0) / this.h);
  }

  /** Distance from (x, y) to the nearest point other than point `skip` (Infinity when there is none). */
  nearest(x: number, y: number, skip = -1): number {
    const cx = this.col(x), cy = this.row(y);
    // Rings beyond this one hold no cell of the grid.
    const last = Math.max(cx, this.nx - 1 - cx, cy, this.ny - 1 - cy);
    let best = Infinity;
    const visit = (i: number, j: number) => {
      const c = i + this.nx * j;
      for (let k = this.start[c]; k < this.start[c + 1]; k++) {
        const q = this.order[k];
        if (q === skip) continue;
        const d = Math.hypot(this.p.x[q] - x, this.p.y[q] - y);
        if (d < best) best = d;
      }
    };
    for (let r = 0; r <= last; r++) {
      // Ring r: its bottom and top rows whole, then its left and right columns in between (cells off the grid skipped).
      const [i0, i1] = [Math.max(0, cx - r), Math.min(this.nx - 1, cx + r)];
      for (const j of r === 0 ? [cy] : [cy - r, cy + r]) if (j >= 0 && j < this.ny) for (let i = i0; i <= i1; i++) visit(i, j);
      const [j0, j1] = [Math.max(0, cy - r + 1), Math.min(this.ny - 1, cy + r - 1)];
      for (const i of r === 0 ? [] : [cx - r, cx + r]) if (i >= 0 && i < this.nx) for (let j = j0; j <= j1; j++) visit(i, j);
      // A point of ring r + 1 or beyond is at least r cell edges away.
      if (best <= r * this.h) break;
    }
    return best;
  }
}

/** 4 decimals, as the error summaries; null where there is nothing to summarise (NaN). */
const round = (v: number) => (Number.isNaN(v) ? null : Number(v.toFixed(4)));

/** The leakage figure of these training and test samples (each sample once). */
export function leakage(train: TrackPoints, test: Points): Leakage {
  const grid = new PointGrid(train);
  // Infinity (nothing to be near) is left out.
  const finite = (n: number, d: (i: number) => number) => Float64Array.from({ length: n }, (_, i) => d(i)).filter(Number.isFinite).sort();
  const toTrain = finite(test.x.length, (i) => grid.nearest(test.x[i], test.y[i]));
  const spacing = finite(train.x.length, (i) => grid.nearest(train.x[i], train.y[i], i));
  const steps: number[] = [];
  for (let i = 1; i < train.x.length; i++)
    if (train.trajectoryId[i] === train.trajectoryId[i - 1] && train.sample[i] === train.sample[i - 1] + 1) steps.push(Math.hypot(train.x[i] - train.x[i - 1], train.y[i] - train.y[i - 1]));
  return {
    median_m: round(quantile(toTrain, 0.5)),
    p90_m: round(quantile(toTrain, 0.9)),
    median_spacing_m: round(quantile(spacing, 0.5)),
    median_step_m: round(quantile(Float64Array.from(steps).sort(), 0.5)),
  };
}

/** Samples flagged 1 in `isTest` against those flagged 0. */
export function splitLeakage(p: TrackPoints, isTest: ArrayLike<number>): Leakage {
  const part = (flag: number) => {
    const q: { x: number[]; y: number[]; trajectoryId: number[]; sample: number[] } = { x: [], y: [], trajectoryId: [], sample: [] };
    for (let i = 0; i < isTest.length; i++)
      if (isTest[i] === flag) {
        q.x.push(p.x[i]);
        q.y.push(p.y[i]);
        q.trajectoryId.push(p.trajectoryId[i]);
        q.sample.push(p.sample[i]);
      }
    return q;
  };
  return leakage(part(0), part(1));
}

/** The leakage line, and a second one when the test samples sit closer than a quarter of the sampling step. */
export function leakageLines(l: Leakage, split: string): string[] {
  const m = (v: number | null) => (v === null ? '- m' : `${v.toFixed(2)} m`);
  if (l.median_m === null) return [`leakage (split ${split}): none to measure (no test or no training samples)`];
  const step = l.median_step_m === null ? '' : `, a track's samples ${m(l.median_step_m)} apart`;
  const lines = [`leakage (split ${split}): test samples lie a median ${m(l.median_m)} (p90 ${m(l.p90_m)}) from the nearest training sample; training samples: nearest neighbour a median ${m(l.median_spacing_m)}${step}`];
  if (l.median_step_m !== null && l.median_m < l.median_step_m / 4)
    lines.push(`note: the median leakage is under a quarter of the sampling step: split ${split} measures interpolation between training samples, not generalisation (try --split area)`);
  return lines;
}
