import type { TrackPoints } from '../dataset/leakage.ts';
import type { Dataset } from '../dataset/read.ts';
import type { Normalisation } from '../dataset/normalisation.ts';
import { UserError } from '../util/errors.ts';
import { rngFor, shuffleInPlace } from '../util/rng.ts';

// Rows of dataset.arrow chosen for training or testing, normalised once for the network.

/**
 * Input and label scaling. Features: z = (f - mean) / std per entry, from the dataset's training
 * split (a constant entry, e.g. a site coordinate within one constellation, gets std 1 and becomes 0).
 * Labels: per-axis mean but one common scale for x and y, so the MSE loss stays proportional to
 * the squared 2D error in metres (the paper's "consistent with the positioning error").
 */
export interface Scaler {
  featureMean: number[];
  featureStd: number[];
  labelMean: [number, number];
  labelScale: number;
}

export function scalerFrom(norm: Normalisation): Scaler {
  const [sx, sy] = norm.labels.std;
  return {
    featureMean: norm.features.mean,
    featureStd: norm.features.std.map((s) => (s > 1e-6 ? s : 1)),
    labelMean: [norm.labels.mean[0], norm.labels.mean[1]],
    labelScale: Math.sqrt((sx * sx + sy * sy) / 2) || 1,
  };
}

/** Selected rows, normalised features and raw labels (m). */
export interface SampleSet {
  n: number;
  width: number;
  /** n x width, normalised. */
  features: Float32Array;
  /** n x 2, UE position in metres (x, y). */
  positions: Float32Array;
  /** Row numbers in dataset.arrow. */
  rows: Int32Array;
  /** How many of the constellation's sites hear each sample (dataset.arrow's heard_count). */
  heard: Int32Array;
}

export interface Selection {
  /** Constellation ids (known or unseen). */
  constellations: number[];
  split: 'train' | 'test';
  /** Keep a seeded random share (0, 1] of the selected rows (e.g. re-training with 5 % of the data). */
  fraction?: number;
  seed?: number;
}

/** Rows of `ds` in the given constellations and split, in file order (or a seeded subset of them). */
export function selectSamples(ds: Dataset, sel: Selection, scaler: Scaler): SampleSet {
  const known = new Set(ds.meta.constellations.map((c) => c.id));
  for (const c of sel.constellations)
    if (!known.has(c)) throw new UserError(`constellation ${c} is not in dataset.arrow (allowed ids: ${[...known].join(', ')})`);
  const wanted = new Set(sel.constellations);
  const splitFlag = sel.split === 'test' ? 1 : 0;
  let rows: number[] = [];
  for (let r = 0; r < ds.rows; r++) if (ds.split[r] === splitFlag && wanted.has(ds.constellation[r])) rows.push(r);
  if (sel.fraction !== undefined) {
    if (!(sel.fraction > 0 && sel.fraction <= 1)) throw new UserError(`fraction must be in (0, 1] (got ${sel.fraction})`);
    const keep = Math.max(1, Math.round(rows.length * sel.fraction));
    rows = shuffleInPlace(rngFor(sel.seed ?? ds.meta.seed, `learn/fraction/${sel.fraction}`), rows).slice(0, keep).sort((a, b) => a - b);
  }
  const w = ds.width;
  if (scaler.featureMean.length !== w) throw new UserError(`model expects ${scaler.featureMean.length} features per sample, dataset.arrow has ${w}`);
  const features = new Float32Array(rows.length * w);
  const positions = new Float32Array(rows.length * 2);
  rows.forEach((r, i) => {
    for (let j = 0; j < w; j++) features[i * w + j] = (ds.features[r * w + j] - scaler.featureMean[j]) / scaler.featureStd[j];
    positions[2 * i] = ds.x[r];
    positions[2 * i + 1] = ds.y[r];
  });
  return { n: rows.length, width: w, features, positions, rows: Int32Array.from(rows), heard: Int32Array.from(rows, (r) => ds.heardCount[r]) };
}

/**
 * A sample set from raw feature rows (n x width) assembled elsewhere (e.g. deployments that are not in
 * dataset.arrow, src/dataset/deployment-features.ts), normalised in place with `scaler`.
 */
export function sampleSetFrom(features: Float32Array, positions: Float32Array, heard: Int32Array, scaler: Scaler): SampleSet {
  const w = scaler.featureMean.length;
  const n = positions.length / 2;
  if (features.length !== n * w) throw new Error(`sampleSetFrom: ${features.length} feature values for ${n} rows of ${w}`);
  for (let i = 0; i < n; i++) for (let j = 0; j < w; j++) features[i * w + j] = (features[i * w + j] - scaler.featureMean[j]) / scaler.featureStd[j];
  return { n, width: w, features, positions, rows: Int32Array.from({ length: n }, (_, i) => i), heard };
}

/** Labels as the network sees them (n x 2). */
export function scaledLabels(set: SampleSet, scaler: Scaler): Float32Array {
  const out = new Float32Array(set.n * 2);
  for (let i = 0; i < set.n; i++) {
    out[2 * i] = (set.positions[2 * i] - scaler.labelMean[0]) / scaler.labelScale;
    out[2 * i + 1] = (set.positions[2 * i + 1] - scaler.labelMean[1]) / scaler.labelScale;
  }
  return out;
}

/**
 * The distinct samples among a set's rows (with K constellations every sample has K rows), in ascending
 * (trajectory_id, sample) order.
 */
export function samplePositions(ds: Dataset, set: SampleSet): TrackPoints {
  const seen = new Set<string>();
  const order: number[] = [];
  for (let i = 0; i < set.n; i++) {
    const r = set.rows[i];
    const id = `${ds.trajectoryId[r]}/${ds.sample[r]}`;
    if (seen.has(id)) continue;
    seen.add(id);
    order.push(r);
  }
  order.sort((a, b) => ds.trajectoryId[a] - ds.trajectoryId[b] || ds.sample[a] - ds.sample[b]);
  return { x: order.map((r) => ds.x[r]), y: order.map((r) => ds.y[r]), trajectoryId: order.map((r) => ds.trajectoryId[r]), sample: order.map((r) => ds.sample[r]) };
}
