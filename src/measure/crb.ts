import { type Manifold, steeringInto } from '../channel/array.ts';
import type { MeasureConfig } from './config.ts';

// Cramér-Rao bounds for one plane wave in white noise, the yardstick of the estimators (test/measure-closed-form).
// - SNR: the total received energy over the noise density, summed over all REs, symbols and elements:
//   SNR = symbols x P_UE x g x G / sigma^2 (P_UE = n P_RE; G = sum_m |a_m|^2 the array gain toward the wave).
// - ToA: var >= 1 / (8 pi^2 beta^2 SNR), beta the RMS bandwidth of the tones, sqrt(sum f_k^2 / n)
//   = comb SCS sqrt((n^2 - 1) / 12) ~ B / sqrt(12) (the per-element complex gains are nuisance parameters; with
//   the band centred on the carrier the delay decouples from them).
// - AoA (azimuth, elevation): the inverse of the Fisher information of the exact manifold with the complex
//   amplitude a nuisance, J = 2 (E / sigma^2) Re[D^H (I - a a^H / |a|^2) D], D the derivatives of a(u) along
//   azimuth and elevation (central differences), E the energy per unit |a|^2.

export function snrTotal(cfg: MeasureConfig, pathGain: number, arrayGain: number): number {
  return (cfg.symbols * cfg.uePowerW * pathGain * arrayGain) / cfg.noiseReW;
}

export function rmsBandwidthHz(cfg: MeasureConfig): number {
  return cfg.toneSpacingHz * Math.sqrt((cfg.n * cfg.n - 1) / 12);
}

/** Standard deviation bound of the delay, s. */
export function toaCrbS(cfg: MeasureConfig, snr: number): number {
  return 1 / (2 * Math.PI * rmsBandwidthHz(cfg) * Math.sqrt(2 * snr));
}

/** Standard deviation bounds of azimuth and elevation (rad) for a wave from (az, el) with total SNR `snr`. */
export function aoaCrbRad(m: Manifold, orientationRad: number, az: number, el: number, snr: number): [number, number] {
  const M = m.elements, h = 1e-6;
  const a = [new Float64Array(M), new Float64Array(M)];
  const d = [0, 1].map(() => [new Float64Array(M), new Float64Array(M)]);
  const p = [new Float64Array(M), new Float64Array(M)], q = [new Float64Array(M), new Float64Array(M)];
  steeringInto(m, orientationRad, az, el, a[0], a[1]);
  for (let k = 0; k < 2; k++) {
    steeringInto(m, orientationRad, az + (k === 0 ? h : 0), el + (k === 1 ? h : 0), p[0], p[1]);
    steeringInto(m, orientationRad, az - (k === 0 ? h : 0), el - (k === 1 ? h : 0), q[0], q[1]);
    for (let i = 0; i < M; i++) {
      d[k][0][i] = (p[0][i] - q[0][i]) / (2 * h);
      d[k][1][i] = (p[1][i] - q[1][i]) / (2 * h);
    }
  }
  let g = 0;
  for (let i = 0; i < M; i++) g += a[0][i] ** 2 + a[1][i] ** 2;
  // x^H y for complex vectors given as [re, im].
  const dot = (x: Float64Array[], y: Float64Array[]): [number, number] => {
    let re = 0, im = 0;
    for (let i = 0; i < M; i++) {
      re += x[0][i] * y[0][i] + x[1][i] * y[1][i];
      im += x[0][i] * y[1][i] - x[1][i] * y[0][i];
    }
    return [re, im];
  };
  const J = [[0, 0], [0, 0]];
  for (let i = 0; i < 2; i++)
    for (let j = 0; j < 2; j++) {
      const [dd] = dot(d[i], d[j]);
      const [ar, ai] = dot(d[i], a), [br, bi] = dot(a, d[j]);
      // Re[d_i^H d_j - (d_i^H a)(a^H d_j) / |a|^2], scaled by 2 SNR / |a|^2 (SNR counts the energy through |a|^2 = G).
      J[i][j] = ((2 * snr) / g) * (dd - (ar * br - ai * bi) / g);
    }
  const det = J[0][0] * J[1][1] - J[0][1] * J[1][0];
  return [Math.sqrt(J[1][1] / det), Math.sqrt(J[0][0] / det)];
}
