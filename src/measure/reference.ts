import { columnFactorsInto, type Manifold, ringFactorsInto, steeringInto } from '../channel/array.ts';
import type { LinkChannel } from '../channel/link-channel.ts';
import { frequencyResponse } from '../channel/response.ts';
import { NormalStream } from '../util/gaussian.ts';
import type { MeasureConfig } from './config.ts';
import type { LinkMeasurement, SiteImpairments } from './estimate.ts';
import { dft } from './fft.ts';
import { LinkNoise, STREAM_RSRP } from './noise.ts';

// The brute-force reference the fast path (estimate.ts) is checked against: what a gNB does with the samples,
// step by step, in the frequency domain.
// 1. The per-element frequency response at every SRS tone for every symbol (src/channel/response.ts), combined
//    over the symbols; plus the receiver noise of each tone, the DFT of the same delay-domain noise samples the
//    fast path draws (noise.ts), so both see one realisation.
// 2. Hann window and an n-point inverse DFT per element: the delay profile at every native sample of the
//    period; the detector's rule on it (the threshold against the *noisy* profile's maximum here), the climb to
//    the peak, and the same parabolic refinements with h(t) summed over the tones directly.
// 3. AoA: the beam scan on a 1 deg grid over azimuth and -60..60 deg elevation, then a 0.05 deg grid around the
//    best point.
// 4. RSRP: the average over every tone and symbol of |w^H (H + N)|^2 minus the noise power, with explicit
//    per-tone noise of its own (the fast path draws the same statistic from its distribution).
// It costs elements x (components x tones x symbols + DFTs): ~10-100 ms a link.

const RAD = Math.PI / 180;

/** The 1 deg scan grid of a manifold in the array frame (azimuth 0..359, elevation -60..60): column and ring factors. */
const grids = new WeakMap<Manifold, { colRe: Float64Array; colIm: Float64Array; ringRe: Float64Array; ringIm: Float64Array }>();
function gridOf(m: Manifold) {
  let g = grids.get(m);
  if (!g) {
    const C = m.columns, R = m.rows;
    g = { colRe: new Float64Array(121 * 360 * C), colIm: new Float64Array(121 * 360 * C), ringRe: new Float64Array(121 * R), ringIm: new Float64Array(121 * R) };
    const cr = new Float64Array(C), ci = new Float64Array(C), rr = new Float64Array(R), ri = new Float64Array(R);
    for (let e = 0; e < 121; e++) {
      ringFactorsInto(m, (e - 60) * RAD, rr, ri);
      g.ringRe.set(rr, e * R);
      g.ringIm.set(ri, e * R);
      for (let a = 0; a < 360; a++) {
        columnFactorsInto(m, 0, a * RAD, (e - 60) * RAD, cr, ci);
        g.colRe.set(cr, (e * 360 + a) * C);
        g.colIm.set(ci, (e * 360 + a) * C);
      }
    }
    grids.set(m, g);
  }
  return g;
}

export function referenceMeasure(
  cfg: MeasureConfig, m: Manifold, ch: LinkChannel, orientationRad: number, imp: SiteImpairments, losDelayS: number, key: readonly number[],
): LinkMeasurement & { rsrpSignalW: number } {
  const n = cfg.n, M = m.elements, S = cfg.symbols, T = cfg.sampleS, D = cfg.toneSpacingHz, c = (n - 1) / 2;
  const out = { detected: false, falseAlarm: false, toaS: NaN, azRad: NaN, elRad: NaN, rsrpW: NaN, rsrpSignalW: NaN };
  const t0 = losDelayS - cfg.searchMarginS;
  const f0 = -c * D;
  // 1. Per-symbol responses (kept for the RSRP) and their coherent average, scaled to the RE power.
  const amp = Math.sqrt(cfg.rePowerW);
  const symRe: Float64Array[] = [], symIm: Float64Array[] = [];
  const Yr = new Float64Array(M * n), Yi = new Float64Array(M * n);
  for (let s = 0; s < S; s++) {
    const re = new Float64Array(M * n), im = new Float64Array(M * n);
    frequencyResponse(ch, m, orientationRad, f0, D, n, (s - (S - 1) / 2) * cfg.symbolS, re, im, imp.phaseRe, imp.phaseIm);
    for (let i = 0; i < M * n; i++) {
      re[i] *= amp;
      im[i] *= amp;
      Yr[i] += re[i] / S;
      Yi[i] += im[i] / S;
    }
    symRe.push(re);
    symIm.push(im);
  }
  // Noise of tone k: sum_j x[j] e^{-j 2 pi f_k (t0 + j T)}.
  const noise = new LinkNoise();
  noise.begin(key, M, n, cfg.noiseX);
  const xr = new Float64Array(n), xi = new Float64Array(n);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < n; j++) {
      const q = noise.at(i, j);
      // x[j] e^{+j 2 pi c j / n}: the tones' centring.
      const a = (2 * Math.PI * c * j) / n;
      xr[j] = noise.re[q] * Math.cos(a) - noise.im[q] * Math.sin(a);
      xi[j] = noise.re[q] * Math.sin(a) + noise.im[q] * Math.cos(a);
    }
    const N = dft(xr, xi);
    for (let k = 0; k < n; k++) {
      const a = -2 * Math.PI * (f0 + k * D) * t0;
      Yr[i * n + k] += N.re[k] * Math.cos(a) - N.im[k] * Math.sin(a);
      Yi[i * n + k] += N.re[k] * Math.sin(a) + N.im[k] * Math.cos(a);
    }
  }
  // 2. Windowed tones, moved to the window's start: z_k = w_k Y_k e^{j 2 pi f_k t0}; h(t0 + jT) = (1/n) e^{-j 2 pi c j / n} IDFT(z)[j].
  const w = Float64Array.from({ length: n }, (_, k) => 0.5 + 0.5 * Math.cos((2 * Math.PI * (k - c)) / n));
  const zr = new Float64Array(M * n), zi = new Float64Array(M * n);
  for (let i = 0; i < M; i++)
    for (let k = 0; k < n; k++) {
      const a = 2 * Math.PI * (f0 + k * D) * t0, o = i * n + k;
      zr[o] = w[k] * (Yr[o] * Math.cos(a) - Yi[o] * Math.sin(a));
      zi[o] = w[k] * (Yr[o] * Math.sin(a) + Yi[o] * Math.cos(a));
    }
  const profile = new Float64Array(n);
  for (let i = 0; i < M; i++) {
    const h = dft(zr.subarray(i * n, (i + 1) * n), zi.subarray(i * n, (i + 1) * n), true);
    for (let j = 0; j < n; j++) profile[j] += (h.re[j] ** 2 + h.im[j] ** 2) / (n * n);
  }
  // h_m(t0 + t) summed over the tones, into hr/hi; returns sum |h|^2.
  const hr = new Float64Array(M), hi = new Float64Array(M);
  const er = new Float64Array(n), ei = new Float64Array(n);
  const at = (t: number): number => {
    for (let k = 0; k < n; k++) {
      const a = 2 * Math.PI * (k - c) * D * t;
      er[k] = Math.cos(a);
      ei[k] = Math.sin(a);
    }
    let s = 0;
    for (let i = 0; i < M; i++) {
      let re = 0, im = 0;
      for (let k = 0, o = i * n; k < n; k++, o++) {
        re += zr[o] * er[k] - zi[o] * ei[k];
        im += zr[o] * ei[k] + zi[o] * er[k];
      }
      hr[i] = re / n;
      hi[i] = im / n;
      s += hr[i] ** 2 + hi[i] ** 2;
    }
    return s;
  };
  let peak = 0;
  for (let j = 0; j < n; j++) peak = Math.max(peak, profile[j]);
  const threshold = Math.max(cfg.thresholdW, peak * cfg.peakRatio);
  let hit = -1;
  for (let j = 0; j < n; j++)
    if (profile[j] > threshold) {
      hit = j;
      break;
    }
  if (hit < 0) return out;
  out.detected = true;
  while (hit + 1 < n && profile[hit + 1] > profile[hit]) hit++;
  const refine = (t: number, f: number, h: number) => {
    const fm = at(t - h), fp = at(t + h), den = fm - 2 * f + fp;
    if (!(den < 0)) return fp > fm ? t + h : fm > f ? t - h : t;
    return t + Math.max(-h, Math.min(h, (0.5 * h * (fm - fp)) / den));
  };
  let tHat = refine(hit * T, at(hit * T), T / 2);
  tHat = refine(tHat, at(tHat), T / 8);
  at(tHat);
  out.toaS = t0 + tHat + imp.timingOffsetS;

  // 3. Beam scan on the fine grid.
  const aRe = new Float64Array(M), aIm = new Float64Array(M);
  const power = (az: number, el: number) => {
    steeringInto(m, orientationRad, az * RAD, el * RAD, aRe, aIm);
    let re = 0, im = 0, g = 0;
    for (let i = 0; i < M; i++) {
      re += aRe[i] * hr[i] + aIm[i] * hi[i];
      im += aRe[i] * hi[i] - aIm[i] * hr[i];
      g += aRe[i] ** 2 + aIm[i] ** 2;
    }
    return (re * re + im * im) / g;
  };
  let best = -1, bAz = 0, bEl = 0;
  const grid = gridOf(m);
  const C = m.columns, R = m.rows, zr2 = new Float64Array(C), zi2 = new Float64Array(C);
  for (let e = 0; e < 121; e++) {
    for (let cc = 0; cc < C; cc++) {
      let re = 0, im = 0;
      for (let r = 0; r < R; r++) {
        const wr = grid.ringRe[e * R + r], wi = grid.ringIm[e * R + r], i = r * C + cc;
        re += wr * hr[i] + wi * hi[i];
        im += wr * hi[i] - wi * hr[i];
      }
      zr2[cc] = re;
      zi2[cc] = im;
    }
    for (let a = 0; a < 360; a++) {
      const o = (e * 360 + a) * C;
      let re = 0, im = 0, g = 0;
      for (let cc = 0; cc < C; cc++) {
        const wr = grid.colRe[o + cc], wi = grid.colIm[o + cc];
        re += wr * zr2[cc] + wi * zi2[cc];
        im += wr * zi2[cc] - wi * zr2[cc];
        g += wr * wr + wi * wi;
      }
      const sc = (re * re + im * im) / (R * g);
      if (sc > best) [best, bAz, bEl] = [sc, a + orientationRad / RAD, e - 60];
    }
  }
  const cAz = bAz, cEl = bEl;
  for (let de = -1; de <= 1 + 1e-9; de += 0.05)
    for (let da = -1; da <= 1 + 1e-9; da += 0.05) {
      const s = power(cAz + da, cEl + de);
      if (s > best) [best, bAz, bEl] = [s, cAz + da, cEl + de];
    }
  let az = bAz % 360;
  if (az > 180) az -= 360;
  out.azRad = az * RAD;
  out.elRad = bEl * RAD;

  // 4. RSRP over every tone and symbol with explicit noise.
  steeringInto(m, orientationRad, out.azRad, out.elRad, aRe, aIm);
  let g = 0;
  for (let i = 0; i < M; i++) g += aRe[i] ** 2 + aIm[i] ** 2;
  const nrm = Math.sqrt(g);
  const draws = new NormalStream(key, STREAM_RSRP + 1);
  const sd = Math.sqrt(cfg.noiseReW / 2);
  let sig = 0, tot = 0;
  for (let s = 0; s < S; s++)
    for (let k = 0; k < n; k++) {
      let re = 0, im = 0;
      for (let i = 0; i < M; i++) {
        const o = i * n + k;
        re += aRe[i] * symRe[s][o] + aIm[i] * symIm[s][o];
        im += aRe[i] * symIm[s][o] - aIm[i] * symRe[s][o];
      }
      re /= nrm;
      im /= nrm;
      sig += re * re + im * im;
      const nr = re + sd * draws.next(), ni = im + sd * draws.next();
      tot += nr * nr + ni * ni;
    }
  out.rsrpSignalW = sig / (n * S);
  out.rsrpW = tot / (n * S) - cfg.noiseReW;
  return out;
}
