import * as tf from '@tensorflow/tfjs';
import type { SampleSet, Scaler } from './data.ts';
import { quantile } from '../util/quantile.ts';

// Predictions in metres and the 2D positioning error sqrt((x - x̂)² + (y - ŷ)²) (paper IV-C).

const CHUNK = 4096;

/** Predicted UE positions (n x 2, metres) for a sample set. */
export function predictPositions(model: tf.LayersModel, set: SampleSet, scaler: Scaler): Float32Array {
  const out = new Float32Array(set.n * 2);
  for (let s = 0; s < set.n; s += CHUNK) {
    const b = Math.min(CHUNK, set.n - s);
    const y = tf.tidy(() => (model.predict(tf.tensor2d(set.features.subarray(s * set.width, (s + b) * set.width), [b, set.width])) as tf.Tensor).dataSync());
    for (let i = 0; i < b; i++) {
      out[2 * (s + i)] = y[2 * i] * scaler.labelScale + scaler.labelMean[0];
      out[2 * (s + i) + 1] = y[2 * i + 1] * scaler.labelScale + scaler.labelMean[1];
    }
  }
  return out;
}

/** Per-sample 2D error (m). */
export function positionErrors(predicted: Float32Array, set: SampleSet): Float64Array {
  const e = new Float64Array(set.n);
  for (let i = 0; i < set.n; i++) e[i] = Math.hypot(predicted[2 * i] - set.positions[2 * i], predicted[2 * i + 1] - set.positions[2 * i + 1]);
  return e;
}

export interface ErrorSummary {
  mean_error_m: number;
  median_error_m: number;
  p90_error_m: number;
  /** Empirical CDF at probabilities 0, 0.01, ..., 1: error_m[k] is the error that share probability[k] of samples stay within. */
  cdf: { probability: number[]; error_m: number[] };
}

const round = (v: number, d = 4) => Number(v.toFixed(d));

/** Mean of numbers, rounded like the summaries (4 decimals). */
export function mean4(values: number[]): number {
  return round(values.reduce((a, b) => a + b, 0) / values.length);
}

export function summarizeErrors(errors: Float64Array): ErrorSummary {
  const sorted = Float64Array.from(errors).sort();
  const mean = sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length);
  const probability = Array.from({ length: 101 }, (_, k) => k / 100);
  return {
    mean_error_m: round(mean),
    median_error_m: round(quantile(sorted, 0.5)),
    p90_error_m: round(quantile(sorted, 0.9)),
    cdf: { probability, error_m: probability.map((p) => round(quantile(sorted, p))) },
  };
}

/** Groups of samples by how many of the constellation's sites hear them. */
export const HEARD_GROUPS = ['0', '1', '2', '>=3'] as const;

export interface HeardGroupErrors {
  sites_heard: (typeof HEARD_GROUPS)[number];
  samples: number;
  mean_error_m: number | null;
  median_error_m: number | null;
}

/** Mean and median error of the samples heard by 0, 1, 2 and >= 3 of the constellation's sites (null: no sample). */
export function errorsByHeard(errors: Float64Array, heard: Int32Array): HeardGroupErrors[] {
  return HEARD_GROUPS.map((sites_heard, g) => {
    const e = Float64Array.from(errors.filter((_, i) => Math.min(heard[i], 3) === g)).sort();
    return {
      sites_heard,
      samples: e.length,
      mean_error_m: e.length ? round(e.reduce((a, b) => a + b, 0) / e.length) : null,
      median_error_m: e.length ? round(quantile(e, 0.5)) : null,
    };
  });
}

/** Errors and their summary for a model on a sample set. */
export function evaluate(model: tf.LayersModel, set: SampleSet, scaler: Scaler): { predicted: Float32Array; errors: Float64Array; summary: ErrorSummary } {
  const predicted = predictPositions(model, set, scaler);
  const errors = positionErrors(predicted, set);
  return { predicted, errors, summary: summarizeErrors(errors) };
}
