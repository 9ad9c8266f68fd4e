import { type Manifold, steeringInto } from './array.ts';
import type { LinkChannel } from './link-channel.ts';

// The channel's frequency response per array element, the full-band form of a link's channel:
//   H_i(f, t) = sum_p a_p e^{j 2 pi nu_p t} a_i(u_p) e^{-j 2 pi f tau_p},
// f the frequency offset from the carrier (the carrier's phase -k L is in a_p already), t the time after the
// channel's reference instant, a_i the site's per-element response (array.ts), nu_p the Doppler shift. Computed
// on a uniform grid f_k = f0 + k df with one complex rotation per step. The brute-force reference of
// src/measure uses it; it costs components x elements x frequencies.

/**
 * H into re/im (element i, frequency k at i * count + k). `gainRe/gainIm`: optional per-element factors applied
 * to the true response (an array's phase errors).
 */
export function frequencyResponse(
  ch: LinkChannel, m: Manifold, orientationRad: number, f0: number, df: number, count: number, t: number,
  re: Float64Array, im: Float64Array, gainRe: Float64Array | null = null, gainIm: Float64Array | null = null,
): void {
  const M = m.elements;
  re.fill(0, 0, M * count);
  im.fill(0, 0, M * count);
  const aRe = new Float64Array(M), aIm = new Float64Array(M);
  const eRe = new Float64Array(count), eIm = new Float64Array(count);
  for (let p = 0; p < ch.count; p++) {
    steeringInto(m, orientationRad, ch.az[p], ch.el[p], aRe, aIm);
    // Amplitude at time t.
    const ph = 2 * Math.PI * ch.doppler[p] * t;
    const cr = ch.re[p] * Math.cos(ph) - ch.im[p] * Math.sin(ph), ci = ch.re[p] * Math.sin(ph) + ch.im[p] * Math.cos(ph);
    // e^{-j 2 pi f_k tau} for every k, by rotation (renormalised every 256 steps).
    const tau = ch.delay[p];
    const sr = Math.cos(-2 * Math.PI * df * tau), si = Math.sin(-2 * Math.PI * df * tau);
    let xr = Math.cos(-2 * Math.PI * f0 * tau), xi = Math.sin(-2 * Math.PI * f0 * tau);
    for (let k = 0; k < count; k++) {
      if ((k & 255) === 255) {
        xr = Math.cos(-2 * Math.PI * (f0 + k * df) * tau);
        xi = Math.sin(-2 * Math.PI * (f0 + k * df) * tau);
      }
      eRe[k] = cr * xr - ci * xi;
      eIm[k] = cr * xi + ci * xr;
      const nr = xr * sr - xi * si;
      xi = xr * si + xi * sr;
      xr = nr;
    }
    for (let i = 0; i < M; i++) {
      let ar = aRe[i], ai = aIm[i];
      if (gainRe) {
        const r = ar * gainRe[i] - ai * gainIm![i];
        ai = ar * gainIm![i] + ai * gainRe[i];
        ar = r;
      }
      const o = i * count;
      for (let k = 0; k < count; k++) {
        re[o + k] += ar * eRe[k] - ai * eIm[k];
        im[o + k] += ar * eIm[k] + ai * eRe[k];
      }
    }
  }
}
