import type { KnnConfig } from '../scenario/config.ts';
import { loadBaseline, saveBaseline } from './baseline-io.ts';
import type { SampleSet } from './data.ts';
import type { ModelInfo } from './model-io.ts';
import type { FitRequest, Fitted } from './registry.ts';

// The kNN fingerprinting baseline: the training samples' normalised feature vectors are the table; a sample's
// position is the mean of its k nearest rows' positions (Euclidean distance over the normalised features),
// weighted by 1 / distance ("inverse-distance": rows at distance 0, if any, share the weight alone) or
// equally ("uniform"). The search is exact brute force: each query scans every row in row order, summing
// squared differences in float64, and drops a row as soon as its partial sum reaches the k-th best so far
// (a sum of squares only grows, so the k nearest are exactly those of the full scan); a row at the same
// distance as one already kept comes later, so ties go to the lower row. Same table, same bits, anywhere.

export const KNN_DEFAULTS: KnnConfig = { k: 5, weighting: 'inverse-distance' };

/** Rows of features (n x width, normalised) and their positions (n x 2, m). */
export interface KnnTable {
  n: number;
  width: number;
  features: Float32Array;
  positions: Float32Array;
}

/** Features are checked against the k-th best distance every BLOCK values (early exit). */
const BLOCK = 8;

/** Indices (ascending distance, ties by row) and squared distances of the k nearest rows to query q. */
export function nearestRows(t: KnnTable, q: Float32Array, qOffset: number, k: number, idx: Int32Array, dist: Float64Array): number {
  const w = t.width;
  const f = t.features;
  const kk = Math.min(k, t.n);
  if (kk === 0) return 0;
  let count = 0;
  let worst = Infinity;
  for (let r = 0, base = 0; r < t.n; r++, base += w) {
    let acc = 0;
    let j = 0;
    // Whole blocks unrolled (the same additions in the same order), then the rest.
    for (; j + BLOCK <= w && acc < worst; j += BLOCK) {
      const a = qOffset + j, b = base + j;
      const d0 = q[a] - f[b], d1 = q[a + 1] - f[b + 1], d2 = q[a + 2] - f[b + 2], d3 = q[a + 3] - f[b + 3];
      const d4 = q[a + 4] - f[b + 4], d5 = q[a + 5] - f[b + 5], d6 = q[a + 6] - f[b + 6], d7 = q[a + 7] - f[b + 7];
      acc += d0 * d0;
      acc += d1 * d1;
      acc += d2 * d2;
      acc += d3 * d3;
      acc += d4 * d4;
      acc += d5 * d5;
      acc += d6 * d6;
      acc += d7 * d7;
    }
    if (acc >= worst) continue;
    for (; j < w; j++) {
      const d = q[qOffset + j] - f[base + j];
      acc += d * d;
    }
    if (acc >= worst) continue;
    // Insert after every kept row at the same or a smaller distance.
    let at = count < kk ? count : kk - 1;
    while (at > 0 && dist[at - 1] > acc) {
      dist[at] = dist[at - 1];
      idx[at] = idx[at - 1];
      at--;
    }
    dist[at] = acc;
    idx[at] = r;
    if (count < kk) count++;
    if (count === kk) worst = dist[kk - 1];
  }
  return count;
}

/** Positions (n x 2, m) of `n` query rows (normalised, the table's width) from their k nearest table rows. */
export function knnPositions(t: KnnTable, queries: Float32Array, n: number, o: KnnConfig): Float32Array {
  const out = new Float32Array(n * 2);
  const idx = new Int32Array(o.k);
  const dist = new Float64Array(o.k);
  for (let i = 0; i < n; i++) {
    const m = nearestRows(t, queries, i * t.width, o.k, idx, dist);
    // Inverse distance: exact matches (distance 0), if any, take all the weight, equally.
    const exact = o.weighting === 'inverse-distance' && m > 0 && dist[0] === 0;
    let sw = 0, sx = 0, sy = 0;
    for (let a = 0; a < m; a++) {
      if (exact && dist[a] !== 0) break;
      const wgt = o.weighting === 'uniform' || exact ? 1 : 1 / Math.sqrt(dist[a]);
      sw += wgt;
      sx += wgt * t.positions[2 * idx[a]];
      sy += wgt * t.positions[2 * idx[a] + 1];
    }
    out[2 * i] = sx / sw;
    out[2 * i + 1] = sy / sw;
  }
  return out;
}

/** A kNN table as a Fitted model. Its `params` is the table's size (feature and position values stored). */
export class FittedKnn implements Fitted {
  readonly params: number;
  readonly curve = [];
  readonly settings: Record<string, number | string>;

  constructor(
    readonly table: KnnTable,
    readonly knn: KnnConfig,
    readonly seconds = 0,
    readonly samplesPerSecond = 0,
  ) {
    this.params = table.n * (table.width + 2);
    this.settings = { k: knn.k, weighting: knn.weighting };
  }

  predict(set: SampleSet): Float32Array {
    if (set.width !== this.table.width) throw new Error(`knn: the table has ${this.table.width} features per sample, the set ${set.width}`);
    return knnPositions(this.table, set.features, set.n, this.knn);
  }

  async save(dir: string, info: ModelInfo): Promise<void> {
    const { n, width, features, positions } = this.table;
    const packed = new Float32Array(features.length + positions.length);
    packed.set(features);
    packed.set(positions, features.length);
    saveBaseline(dir, info, { ...this.knn, n, width }, packed);
  }

  dispose(): void {}
}

/** The table of the training rows; re-training (`from` a kNN) adds them to its table, after its rows. */
export async function fitKnn(r: FitRequest): Promise<Fitted> {
  if (r.from && !(r.from instanceof FittedKnn)) throw new Error('knn: can only continue a kNN table');
  const start = performance.now();
  const t = r.train;
  const base = r.from?.table ?? { n: 0, width: t.width, features: new Float32Array(0), positions: new Float32Array(0) };
  if (base.width !== t.width) throw new Error(`knn: the table has ${base.width} features per sample, the training set ${t.width}`);
  const features = new Float32Array(base.features.length + t.features.length);
  features.set(base.features);
  features.set(t.features, base.features.length);
  const positions = new Float32Array(base.positions.length + t.positions.length);
  positions.set(base.positions);
  positions.set(t.positions, base.positions.length);
  const table = { n: base.n + t.n, width: t.width, features, positions };
  const seconds = (performance.now() - start) / 1000;
  return new FittedKnn(table, r.config.knn ?? KNN_DEFAULTS, seconds); // no training loop: no samples/s
}

export async function loadKnn(dir: string): Promise<Fitted> {
  const { params: p, table } = loadBaseline<KnnConfig & { n: number; width: number }>(dir, 'knn');
  const split = p.n * p.width;
  const t = { n: p.n, width: p.width, features: table!.subarray(0, split), positions: table!.subarray(split, split + 2 * p.n) };
  return new FittedKnn(t, { k: p.k, weighting: p.weighting });
}
