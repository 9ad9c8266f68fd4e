import { arrayElementPositions, ELEMENT_MAX_GAIN_DBI } from '../radio/antenna.ts';
import { SPEED_OF_LIGHT } from '../radio/field.ts';
import type { ArrayConfig } from '../scenario/config.ts';

// The site array's per-element response, the manifold the gNB's estimators scan: element i of the uniform
// cylindrical array of src/radio/antenna.ts (column c, ring r, index r * columns + c) receives a plane wave
// arriving from unit direction u (from the site toward where the wave comes from) as
//   a_i(u) = sqrt(g(theta, phi - phi_c)) exp(j k p_i . u),
// with g the TR 38.901 Table 7.3-1 element gain at zenith theta and azimuth phi - phi_c from the column's
// boresight phi_c (orientation + 2 pi c / columns), and p_i = (R cos phi_c, R sin phi_c, z_r). The phase
// separates into a column part k R cos(el) cos(phi - phi_c) and a ring part k z_r sin(el), and all rings share
// the pattern, so a direction costs `columns` patterns and columns + rows phases. sum_i |a_i(u)|^2 is the
// matched-beam gain antenna.ts tabulates (steeredGainExact, makeArrayGain; checked in
// test/channel-array.test.ts).

export interface Manifold {
  columns: number;
  rows: number;
  elements: number;
  /** Wavenumber times the cylinder radius (rad). */
  kR: number;
  /** Wavenumber times each ring's height above the array centre (rad per unit sin(el)). */
  ringKz: Float64Array;
  /** Column boresight azimuths (rad) in the array frame, before the site's orientation. */
  columnAz: Float64Array;
}

export function makeManifold(spec: ArrayConfig, freqHz: number): Manifold {
  const k = (2 * Math.PI * freqHz) / SPEED_OF_LIGHT;
  const { pos, boresightAz } = arrayElementPositions(spec, freqHz);
  const columns = spec.columns, rows = spec.rows;
  return {
    columns,
    rows,
    elements: columns * rows,
    kR: k * Math.hypot(pos[0][0], pos[0][1]),
    ringKz: Float64Array.from({ length: rows }, (_, r) => k * pos[r * columns][2]),
    columnAz: Float64Array.from(boresightAz.slice(0, columns)),
  };
}

const DEG = 180 / Math.PI;
const LN10_20 = Math.LN10 / 20;
const THETA_3DB = 65;
const TWO_PI = 2 * Math.PI;
const MAX_ATTENUATION_DB = 30;
/** The element's amplitude at its maximum attenuation, where most columns are seen from: the exp once. */
const FLOOR_AMP = Math.exp((ELEMENT_MAX_GAIN_DBI - MAX_ATTENUATION_DB) * LN10_20);
/**
 * The column factors of a(u) for the direction at azimuth az and elevation el (rad, map frame) of an array
 * rotated by orientationRad: sqrt(g(theta, phi - phi_c)) e^{j k R cos(el) cos(phi - phi_c)} of column c into
 * re/im[c]. The element gain is antenna.ts's elementGainDb, written out per column.
 */
export function columnFactorsInto(m: Manifold, orientationRad: number, az: number, el: number, re: Float64Array, im: Float64Array): void {
  const thetaDeg = 90 - el * DEG;
  const av = Math.min(12 * ((thetaDeg - 90) / THETA_3DB) ** 2, MAX_ATTENUATION_DB);
  const kc = m.kR * Math.cos(el);
  for (let c = 0; c < m.columns; c++) {
    let phi = az - orientationRad - m.columnAz[c];
    if (!(Math.abs(phi) < TWO_PI)) phi %= TWO_PI; // within a period the remainder is phi itself: no fmod
    if (phi > Math.PI) phi -= 2 * Math.PI;
    else if (phi < -Math.PI) phi += 2 * Math.PI;
    const ah = Math.min(12 * ((phi * DEG) / THETA_3DB) ** 2, MAX_ATTENUATION_DB);
    const att = Math.min(av + ah, MAX_ATTENUATION_DB);
    const amp = att === MAX_ATTENUATION_DB ? FLOOR_AMP : Math.exp((ELEMENT_MAX_GAIN_DBI - att) * LN10_20);
    const ph = kc * Math.cos(phi);
    re[c] = amp * Math.cos(ph);
    im[c] = amp * Math.sin(ph);
  }
}

/** The ring factors e^{j k z_r sin(el)} of a(u) into re/im[r]. */
export function ringFactorsInto(m: Manifold, el: number, re: Float64Array, im: Float64Array): void {
  const se = Math.sin(el);
  for (let r = 0; r < m.rows; r++) {
    re[r] = Math.cos(m.ringKz[r] * se);
    im[r] = Math.sin(m.ringKz[r] * se);
  }
}

let colRe = new Float64Array(64), colIm = new Float64Array(64), ringRe = new Float64Array(64), ringIm = new Float64Array(64);

/** a(u): element r * columns + c of re/im (from offset o) = column factor c x ring factor r. */
export function steeringInto(m: Manifold, orientationRad: number, az: number, el: number, re: Float64Array, im: Float64Array, o = 0): void {
  const { columns, rows } = m;
  if (colRe.length < columns || ringRe.length < rows) {
    colRe = new Float64Array(columns);
    colIm = new Float64Array(columns);
    ringRe = new Float64Array(rows);
    ringIm = new Float64Array(rows);
  }
  const cr = colRe, ci = colIm, rr = ringRe, ri = ringIm;
  columnFactorsInto(m, orientationRad, az, el, cr, ci);
  ringFactorsInto(m, el, rr, ri);
  for (let r = 0, i = o; r < rows; r++) {
    const wr = rr[r], wi = ri[r];
    for (let c = 0; c < columns; c++, i++) {
      re[i] = cr[c] * wr - ci[c] * wi;
      im[i] = cr[c] * wi + ci[c] * wr;
    }
  }
}

/** Azimuth and elevation (rad) of a direction vector (any length). */
export function directionAzEl(x: number, y: number, z: number): [number, number] {
  return [Math.atan2(y, x), Math.atan2(z, Math.hypot(x, y))];
}
