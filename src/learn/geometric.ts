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
//    across it by the angle error times the range (d * sigma_theta), so its weight is the inverse of that
//    covariance: W = b b^T / sigma_r^2 + b_perp b_perp^T / (d sigma_theta)^2 (b: the horizontal bearing, d
//    floored at 1 m). sigma_r = 1 m; sigma_theta = 20 deg / sqrt(12), the error of an AoA quantised to the
//    default 20 deg. The UE height is the fixes' heights averaged with the across weights 1 / (d sigma_theta)^2.
// 3. Three or more sites heard: multi-RTT trilateration, Gauss-Newton on the horizontal ranges
//    sqrt(d^2 - (site z - UE z)^2), all weighted alike (one range error for all), from the fused fix; a step
//    that does not lower the squared range residuals is halved (up to 10 times), and it stops once a step is
//    under 1 nm, after 20 steps, or when the sites' geometry leaves the position undetermined (collinear).
// No site heard: the training set's mean position.

/** One heard site as the estimator sees it. */
export interface SiteObservation {
  site: [number, number, number];
  /** c * ToF (m): the strongest path's length. */
  rangeM: number;
  /** Unit vector at the site toward the arrival (the UE for a line-of-sight path). */
  aoa: [number, number, number];
}

export interface GeometricWeights {
  rangeSigmaM: number;
  angleSigmaDeg: number;
}

export const GEOMETRIC_WEIGHTS: GeometricWeights = { rangeSigmaM: 1, angleSigmaDeg: 20 / Math.sqrt(12) };

const NS_TO_M = SPEED_OF_LIGHT * 1e-9;
const MAX_STEPS = 20;
const MAX_HALVINGS = 10;

/** The fixes fused by weighted least squares: horizontal position and UE height. */
export function fuseFixes(obs: SiteObservation[], w: GeometricWeights): { x: number; y: number; z: number } {
  const sigmaTheta = (w.angleSigmaDeg * Math.PI) / 180;
  const wr = 1 / (w.rangeSigmaM * w.rangeSigmaM);
  let a11 = 0, a12 = 0, a22 = 0, b1 = 0, b2 = 0, zs = 0, zw = 0;
  for (const o of obs) {
    const [ux, uy, uz] = o.aoa;
    const h = Math.hypot(ux, uy);
    const bx = h > 1e-9 ? ux / h : 1, by = h > 1e-9 ? uy / h : 0;
    const fx = o.site[0] + o.rangeM * ux, fy = o.site[1] + o.rangeM * uy, fz = o.site[2] + o.rangeM * uz;
    const across = Math.max(o.rangeM, 1) * sigmaTheta;
    const wc = 1 / (across * across);
    const w11 = wr * bx * bx + wc * by * by, w12 = (wr - wc) * bx * by, w22 = wr * by * by + wc * bx * bx;
    a11 += w11;
    a12 += w12;
    a22 += w22;
    b1 += w11 * fx + w12 * fy;
    b2 += w12 * fx + w22 * fy;
    zs += wc * fz;
    zw += wc;
  }
  const det = a11 * a22 - a12 * a12;
  return { x: (a22 * b1 - a12 * b2) / det, y: (a11 * b2 - a12 * b1) / det, z: zs / zw };
}

/** Gauss-Newton on the horizontal ranges from (x, y), the UE at height z. */
export function trilaterate(obs: SiteObservation[], x: number, y: number, z: number): [number, number] {
  const rho = obs.map((o) => Math.sqrt(Math.max(0, o.rangeM * o.rangeM - (o.site[2] - z) ** 2)));
  const cost = (px: number, py: number) => obs.reduce((s, o, i) => s + (Math.hypot(px - o.site[0], py - o.site[1]) - rho[i]) ** 2, 0);
  let c = cost(x, y);
  for (let step = 0; step < MAX_STEPS; step++) {
    let j11 = 0, j12 = 0, j22 = 0, g1 = 0, g2 = 0;
    obs.forEach((o, i) => {
      const dx = x - o.site[0], dy = y - o.site[1];
      const dist = Math.max(Math.hypot(dx, dy), 1e-9);
      const jx = dx / dist, jy = dy / dist, r = dist - rho[i];
      j11 += jx * jx;
      j12 += jx * jy;
      j22 += jy * jy;
      g1 += jx * r;
      g2 += jy * r;
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
  return [x, y];
}

/** The UE position from its heard sites; null when none is heard. */
export function locate(obs: SiteObservation[], w: GeometricWeights = GEOMETRIC_WEIGHTS): [number, number] | null {
  if (obs.length === 0) return null;
  const f = fuseFixes(obs, w);
  return obs.length >= 3 ? trilaterate(obs, f.x, f.y, f.z) : [f.x, f.y];
}

/** The heard sites of sample i of `set`, its features un-normalised with `scaler` and read through `slots`. */
export function observations(set: SampleSet, scaler: Scaler, slots: SiteSlot[], i: number): SiteObservation[] {
  const raw = (j: number) => set.features[i * set.width + j] * scaler.featureStd[j] + scaler.featureMean[j];
  const obs: SiteObservation[] = [];
  for (const s of slots) {
    const aoa = s.aoa.map(raw) as [number, number, number];
    if (!(Math.hypot(...aoa) > 0.5)) continue; // the not-heard sentinel: (0, 0, 0)
    obs.push({ site: s.site.map(raw) as [number, number, number], rangeM: Math.max(0, raw(s.tofNs) * NS_TO_M), aoa });
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
  return new FittedGeometric({ featureLayout: r.featureLayout, fallback: [sx / t.n, sy / t.n] }, seconds, t.n / Math.max(seconds, 1e-9));
}

export async function loadGeometric(dir: string): Promise<Fitted> {
  return new FittedGeometric(loadBaseline<GeometricParams>(dir, 'geometric').params);
}
