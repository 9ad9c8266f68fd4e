import type { ArrayConfig } from '../scenario/config.ts';
import type { Vec3 } from '../scene/types.ts';
import { SPEED_OF_LIGHT } from './field.ts';

// The gNB antenna: 3GPP TR 38.901 Table 7.3-1 elements on a uniform cylindrical array (UCA).
//
// Element (angles in degrees, zenith theta from +z, azimuth phi from the element's boresight):
//   A_V = -min(12 ((theta - 90)/65)^2, 30), A_H = -min(12 (phi/65)^2, 30), A = -min(-(A_V + A_H), 30),
//   G = 8 dBi + A (dB).
// Array: `columns` element columns around a vertical cylinder, arc spacing d = spacing_wavelengths lambda
// (radius R = columns d / (2 pi)), column m's boresight at orientation + 2 pi m / columns (outward normal);
// `rows` rings stacked at vertical spacing d. Array response a_i(u) = sqrt(g_i(u)) e^{j k p_i . u}.
// Beam: matched (conjugate) weights w = a(u_s)/|a(u_s)|, |w| = 1; gain toward u: G(u) = |w^H a(u)|^2.
// Steered at the evaluated direction (u_s = u) this is G(u) = |a(u)|^2 = sum_i g_i(u): the best gain any
// unit-norm weight vector achieves toward u (elements assumed uncoupled, so the radiated power is |w|^2).
// All rows share the pattern, so G(u) = rows * sum_m g(u; column m). Peak for the default array
// (16 x 4, 0.5 lambda): 18.92 dBi toward a column's boresight, 0.001 dB less midway between columns, in
// the horizontal plane — against 10 log10(64) + 8 = 26.06 dBi for 64 elements all facing u: the cylinder
// costs 7.1 dB because only ~3 of 16 columns face any direction. The beam of a fixed steering has a
// ~25 deg half-power width in azimuth (test/radio-antenna.test.ts).

export const ELEMENT_MAX_GAIN_DBI = 8;
const THETA_3DB = 65;
const A_MAX = 30;
const SLA_V = 30;
const DEG = 180 / Math.PI;

/** Element gain in dB (TR 38.901 Table 7.3-1) at zenith angle thetaDeg and azimuth phiDeg from boresight. */
export function elementGainDb(thetaDeg: number, phiDeg: number): number {
  const p = ((((phiDeg + 180) % 360) + 360) % 360) - 180;
  const av = Math.min(12 * ((thetaDeg - 90) / THETA_3DB) ** 2, SLA_V);
  const ah = Math.min(12 * (p / THETA_3DB) ** 2, A_MAX);
  return ELEMENT_MAX_GAIN_DBI - Math.min(av + ah, A_MAX);
}

/** Element positions (m) and boresight azimuths (rad) in the array frame: column 0 along +x, before rotation. */
export function arrayElementPositions(spec: ArrayConfig, freqHz: number): { pos: Vec3[]; boresightAz: number[] } {
  const lambda = SPEED_OF_LIGHT / freqHz;
  const d = spec.spacingWavelengths * lambda;
  const R = (spec.columns * d) / (2 * Math.PI);
  const pos: Vec3[] = [];
  const boresightAz: number[] = [];
  for (let r = 0; r < spec.rows; r++)
    for (let m = 0; m < spec.columns; m++) {
      const az = (2 * Math.PI * m) / spec.columns;
      pos.push([R * Math.cos(az), R * Math.sin(az), (r - (spec.rows - 1) / 2) * d]);
      boresightAz.push(az);
    }
  return { pos, boresightAz };
}

/**
 * |w^H a(dir)|^2 for weights matched to `steer` (unit norm), from the full array response with element
 * positions and patterns; orientation rotates the array about z. The reference the fast gain is checked
 * against, and the beam pattern of a fixed beam.
 */
export function beamGain(spec: ArrayConfig, freqHz: number, orientationRad: number, steer: Vec3, dir: Vec3): number {
  const k = (2 * Math.PI * freqHz) / SPEED_OF_LIGHT;
  const { pos, boresightAz } = arrayElementPositions(spec, freqHz);
  const resp = (u: Vec3) =>
    pos.map((p, i) => {
      const az = Math.atan2(u[1], u[0]);
      const th = Math.acos(Math.max(-1, Math.min(1, u[2] / Math.hypot(u[0], u[1], u[2]))));
      const amp = Math.sqrt(10 ** (elementGainDb(th * DEG, (az - orientationRad - boresightAz[i]) * DEG) / 10));
      const c = Math.cos(orientationRad), s = Math.sin(orientationRad);
      const ph = k * ((c * p[0] - s * p[1]) * u[0] + (s * p[0] + c * p[1]) * u[1] + p[2] * u[2]);
      return [amp * Math.cos(ph), amp * Math.sin(ph)];
    });
  const w = resp(steer);
  const norm = Math.sqrt(w.reduce((acc, [r, i]) => acc + r * r + i * i, 0));
  const a = resp(dir);
  let re = 0, im = 0;
  for (let i = 0; i < a.length; i++) {
    // conj(w_i) a_i
    re += w[i][0] * a[i][0] + w[i][1] * a[i][1];
    im += w[i][0] * a[i][1] - w[i][1] * a[i][0];
  }
  return (re * re + im * im) / (norm * norm);
}

/** Steered array gain (linear) at azimuth az from column 0's boresight and zenith angle theta, both degrees. */
export function steeredGainExact(spec: ArrayConfig, azDeg: number, thetaDeg: number): number {
  let g = 0;
  for (let m = 0; m < spec.columns; m++) g += 10 ** (elementGainDb(thetaDeg, azDeg - (360 * m) / spec.columns) / 10);
  return spec.rows * g;
}

/** Table steps (degrees): bilinear interpolation error is below 0.01 dB (test/radio-antenna.test.ts). */
export const TABLE_STEP_DEG = 0.25;

/**
 * The site array's gain toward unit direction `dir` (from the site outward) with the beam steered to
 * `dir`, for an array rotated by orientationRad about z. Tabulated over one column period in azimuth and
 * the full zenith range, interpolated bilinearly: ~40 ns per call instead of `columns` pattern evaluations.
 */
export function makeArrayGain(spec: ArrayConfig, freqHz: number): (orientationRad: number, dir: Vec3) => number {
  void freqHz; // the matched-beam gain does not depend on the element spacing (see the file header)
  const period = 360 / spec.columns;
  const nA = Math.ceil(period / TABLE_STEP_DEG) + 1;
  const stepA = period / (nA - 1);
  const nT = Math.round(180 / TABLE_STEP_DEG) + 1;
  const stepT = 180 / (nT - 1);
  const table = new Float64Array(nA * nT);
  for (let t = 0; t < nT; t++) for (let a = 0; a < nA; a++) table[t * nA + a] = steeredGainExact(spec, a * stepA, t * stepT);
  return (orientationRad: number, dir: Vec3): number => {
    let az = (Math.atan2(dir[1], dir[0]) - orientationRad) * DEG;
    az %= period;
    if (az < 0) az += period;
    const th = Math.atan2(Math.sqrt(dir[0] * dir[0] + dir[1] * dir[1]), dir[2]) * DEG;
    let fa = az / stepA, ft = th / stepT;
    let ia = Math.floor(fa), it = Math.floor(ft);
    if (ia >= nA - 1) ia = nA - 2;
    if (it >= nT - 1) it = nT - 2;
    fa -= ia; ft -= it;
    const o = it * nA + ia;
    const g0 = table[o] + fa * (table[o + 1] - table[o]);
    const g1 = table[o + nA] + fa * (table[o + nA + 1] - table[o + nA]);
    return g0 + ft * (g1 - g0);
  };
}
