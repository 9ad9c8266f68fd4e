import { type SiteSlot, siteSlots } from '../dataset/features.ts';
import { SPEED_OF_LIGHT } from '../radio/field.ts';
import { loadBaseline, saveBaseline } from './baseline-io.ts';
import type { SampleSet, Scaler } from './data.ts';
import type { ModelInfo } from './model-io.ts';
import type { FitRequest, Fitted } from './registry.ts';

// The geometric baseline: classical 5G positioning from the sample's own features, nothing learnt.
//
// 1. Single-site RTT + AoA: each heard site (AoA vector non-zero; a site not heard has the (0, 0, 0) sentinel)
//    gives a fix at its position + d * u, where d = c * ToF is the strongest path's length (ToF is one-way:
//    the ray tracer's path length / c; nr-srs datasets put the first-path ToA there) and u the AoA unit vector
//    at the site (toward the UE for a line-of-sight path).
// 2. Weighted least squares over the fixes. A fix errs along its bearing by the range error (sigma_r) and
//    across it by the angle error times the range (d * sigma_theta), and a weak link is more likely a
//    non-line-of-sight one, whose fix can be off by tens of metres: its weight is its received power relative
//    to the strongest site's (linear, q = 10^((P - P_max) / 10)) times the inverse of that covariance,
//    W = q (b b^T / sigma_r^2 + b_perp b_perp^T / (d sigma_theta)^2) (b: the horizontal bearing, d floored
//    at 1 m). sigma_theta = 20 deg / sqrt(12), the error of an AoA quantised to the default 20 deg; sigma_r =
//    10 m, for the strongest path's excess length on non-line-of-sight links (chosen on the default dataset's
//    training split among 1, 3, 10, 30 m: docs/train.md). The UE height is the fixes' heights averaged with
//    the across weights q / (d sigma_theta)^2.
// 3. Three or more sites heard: multi-RTT trilateration, Gauss-Newton on the horizontal ranges
//    sqrt(d^2 - (site z - UE z)^2) weighted by q, from the fused fix; a step that does not lower the weighted
//    squared residuals is halved (up to 10 times); it stops once a step is under 1 nm, after 20 steps, or when
//    the sites' geometry leaves the position undetermined (collinear). Its position is kept only if every
//    heard site's range agrees with it within 1 m (the classical residual test for non-line-of-sight ranges,
//    which a trilateration would otherwise average in); else the fused fix stands.
// No site heard: the training set's mean position.

/** One heard site as the estimator sees it. */
export interface SiteObservation {
  site: [number, number, number];
  /** c * ToF (m): the strongest path's length. */
  rangeM: number;
  /** Unit vector at the site toward the arrival (the UE for a line-of-sight path). */
  aoa: [number, number, number];
  rxPowerDbm: number;
}

export interface GeometricWeights {
  rangeSigmaM: number;
  angleSigmaDeg: number;
}

export const GEOMETRIC_WEIGHTS: GeometricWeights = { rangeSigmaM: 10, angleSigmaDeg: 20 / Math.sqrt(12) };

const NS_TO_M = SPEED_OF_LIGHT * 1e-9;
const MAX_STEPS = 20;
const MAX_HALVINGS = 10;
/** A trilateration is kept when every range agrees with it within this (m). */
const RANGE_AGREEMENT_M = 1;

/** Each site's received power relative to the strongest, linear: q = 10^((P - P_max) / 10). */
export function powerWeights(obs: SiteObservation[]): number[] {
  const max = Math.max(...obs.map((o) => o.rxPowerDbm));
  return obs.map((o) => 10 ** ((o.rxPowerDbm - max) / 10));
}

/** The fixes fused by weighted least squares: horizontal position and UE height. */
export function fuseFixes(obs: SiteObservation[], w: GeometricWeights): { x: number; y: number; z: number } {
  const sigmaTheta = (w.angleSigmaDeg * Math.PI) / 180;
  const wr = 1 / (w.rangeSigmaM * w.rangeSigmaM);
  const q = powerWeights(obs);
  let a11 = 0, a12 = 0, a22 = 0, b1 = 0, b2 = 0, zs = 0, zw = 0;
  obs.forEach((o, i) => {
    const [ux, uy, uz] = o.aoa;
    const h = Math.hypot(ux, uy);
    const bx = h > 1e-9 ? ux / h : 1, by = h > 1e-9 ? uy / h : 0;
    const fx = o.site[0] + o.rangeM * ux, fy = o.site[1] + o.rangeM * uy, fz = o.site[2] + o.rangeM * uz;
    const across = Math.max(o.rangeM, 1) * sigmaTheta;
    const wa = q[i] * wr, wc = q[i] / (across * across);
    const w11 = wa * bx * bx + wc * by * by, w12 = (wa - wc) * bx * by, w22 = wa * by * by + wc * bx * bx;
    a11 += w11;
    a12 += w12;
    a22 += w22;
    b1 += w11 * fx + w12 * fy;
    b2 += w12 * fx + w22 * fy;
    zs += wc * fz;
    zw += wc;
  });
  const det = a11 * a22 - a12 * a12;
  return { x: (a22 * b1 - a12 * b2) / det, y: (a11 * b2 - a12 * b1) / det, z: zs / zw };
}

/**
 * Gauss-Newton on the horizontal ranges (weighted by q) from (x, y), the UE at height z; null when some
 * range disagrees with the result by more than RANGE_AGREEMENT_M.
 */
export function trilaterate(obs: SiteObservation[], x: number, y: number, z: number): [number, number] | null {
  const q = powerWeights(obs);
  const rho = obs.map((o) => Math.sqrt(Math.max(0, o.rangeM * o.rangeM - (o.site[2] - z) ** 2)));
  const residual = (px: number, py: number, i: number) => Math.hypot(px - obs[i].site[0], py - obs[i].site[1]) - rho[i];
  const cost = (px: number, py: number) => obs.reduce((s, _, i) => s + q[i] * residual(px, py, i) ** 2, 0);
  let c = cost(x, y);
  for (let step = 0; step < MAX_STEPS; step++) {
    let j11 = 0, j12 = 0, j22 = 0, g1 = 0, g2 = 0;
    obs.forEach((o, i) => {
      const dx = x - o.site[0], dy = y - o.site[1];
      const dist = Math.max(Math.hypot(dx, dy), 1e-9);
      const jx = dx / dist, jy = dy / dist, r = dist - rho[i];
      j11 += q[i] * jx * jx;
      j12 += q[i] * jx * jy;
      j22 += q[i] * jy * jy;
      g1 += q[i] * jx * r;
      g2 += q[i] * jy * r;
    });
    const det = j11 * j22 - j12 * j12;
    if (!(det > 1e-9 * (j11 + j22) ** 2)) break; // the sites are (nearly) collinear as seen from here
    let sx = -(j22 * g1 - j12 * g2) / det, sy = -(j11 * g2 - j12 * g1) / det;
    let accepted = false;
    for (let h = 0; h <= MAX_HALVINGS && !accepted; h++, sx /= 2, sy /= 2) {
      const nc = cost(x + sx, y + sy);
      if (nc <= c) {
        x += sx;
        y += sy;
        c = nc;
        accepted = true;
      }
    }
    if (!accepted || Math.hypot(sx, sy) < 1e-9) break;
  }
  return obs.every((_, i) => Math.abs(residual(x, y, i)) <= RANGE_AGREEMENT_M) ? [x, y] : null;
}

/** The UE position from its heard sites; null when none is heard. */
export function locate(obs: SiteObservation[], w: GeometricWeights = GEOMETRIC_WEIGHTS): [number, number] | null {
  if (obs.length === 0) return null;
  const f = fuseFixes(obs, w);
  return (obs.length >= 3 ? trilaterate(obs, f.x, f.y, f.z) : null) ?? [f.x, f.y];
}

/** The heard sites of sample i of `set`, its features un-normalised with `scaler` and read through `slots`. */
export function observations(set: SampleSet, scaler: Scaler, slots: SiteSlot[], i: number): SiteObservation[] {
  const raw = (j: number) => set.features[i * set.width + j] * scaler.featureStd[j] + scaler.featureMean[j];
  const obs: SiteObservation[] = [];
  for (const s of slots) {
    const aoa = s.aoa.map(raw) as [number, number, number];
    if (!(Math.hypot(...aoa) > 0.5)) continue; // the not-heard sentinel: (0, 0, 0)
    obs.push({ site: s.site.map(raw) as [number, number, number], rangeM: Math.max(0, raw(s.tofNs) * NS_TO_M), aoa, rxPowerDbm: raw(s.rxPowerDbm) });
  }
  return obs;
}

interface GeometricParams {
  featureLayout: string[];
  /** Predicted for a sample no site hears: the training set's mean position (m). */
  fallback: [number, number];
}

/** The estimator as a Fitted model: params 0, no curve. */
export class FittedGeometric implements Fitted {
  readonly params = 0;
  readonly curve = [];
  readonly settings = { range_sigma_m: GEOMETRIC_WEIGHTS.rangeSigmaM, angle_sigma_deg: Number(GEOMETRIC_WEIGHTS.angleSigmaDeg.toFixed(4)) };
  private readonly slots: SiteSlot[];

  constructor(
    readonly p: GeometricParams,
    readonly seconds = 0,
    readonly samplesPerSecond = 0,
  ) {
    this.slots = siteSlots(p.featureLayout);
  }

  predict(set: SampleSet, scaler: Scaler): Float32Array {
    const out = new Float32Array(set.n * 2);
    for (let i = 0; i < set.n; i++) {
      const [x, y] = locate(observations(set, scaler, this.slots, i)) ?? this.p.fallback;
      out[2 * i] = x;
      out[2 * i + 1] = y;
    }
    return out;
  }

  async save(dir: string, info: ModelInfo): Promise<void> {
    saveBaseline(dir, info, this.p);
  }

  dispose(): void {}
}

export async function fitGeometric(r: FitRequest): Promise<Fitted> {
  const start = performance.now();
  const t = r.train;
  let sx = 0, sy = 0;
  for (let i = 0; i < t.n; i++) {
    sx += t.positions[2 * i];
    sy += t.positions[2 * i + 1];
  }
  const seconds = (performance.now() - start) / 1000;
  return new FittedGeometric({ featureLayout: r.featureLayout, fallback: [sx / t.n, sy / t.n] }, seconds); // no training loop: no samples/s
}

export async function loadGeometric(dir: string): Promise<Fitted> {
  return new FittedGeometric(loadBaseline<GeometricParams>(dir, 'geometric').params);
}
