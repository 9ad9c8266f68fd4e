import { columnFactorsInto, type Manifold, ringFactorsInto, steeringInto } from '../channel/array.ts';

// AoA by a beam scan over the array's own manifold (Bartlett): for the per-element vector y at the detected
// delay, S(u) = |a(u)^H y|^2 / |a(u)|^2, the power a matched beam toward u collects (normalised so that a single
// plane wave peaks at its own direction whatever the element gains). The maximum is found on a grid of
// AZ_STEP x EL_STEP degrees (azimuth all around, elevation -64..+64: below, a site at 5 m sees the ground
// within 3 m; above, roofs) using the manifold's column x ring separation (per elevation, the rings are combined
// first, then each azimuth costs one product per column), then refined by a pattern search on the exact
// manifold down to REFINE_MIN_DEG and a parabola through the last three points on each axis.

const AZ_STEP = 6;
const EL_STEP = 8;
const EL_MIN = -64;
const EL_MAX = 64;
const REFINE_MIN_DEG = 1 / 4;
const RAD = Math.PI / 180;

export class BeamScanner {
  private readonly nAz = 360 / AZ_STEP;
  private readonly nEl = (EL_MAX - EL_MIN) / EL_STEP + 1;
  /** Per (el, az) of the grid in the array frame: the column factors; per el: the ring factors; per (el, az): |a|^2. */
  private readonly colRe: Float64Array;
  private readonly colIm: Float64Array;
  private readonly ringRe: Float64Array;
  private readonly ringIm: Float64Array;
  private readonly norm2: Float64Array;
  private readonly zRe: Float64Array;
  private readonly zIm: Float64Array;
  private readonly aRe: Float64Array;
  private readonly aIm: Float64Array;
  /** The largest |a(u)|^2 on the grid, plus 1 % (the array's peak gain, for bounds). */
  readonly maxGain: number;

  constructor(readonly m: Manifold) {
    const C = m.columns, R = m.rows;
    this.colRe = new Float64Array(this.nEl * this.nAz * C);
    this.colIm = new Float64Array(this.nEl * this.nAz * C);
    this.ringRe = new Float64Array(this.nEl * R);
    this.ringIm = new Float64Array(this.nEl * R);
    this.norm2 = new Float64Array(this.nEl * this.nAz);
    const cr = new Float64Array(C), ci = new Float64Array(C), rr = new Float64Array(R), ri = new Float64Array(R);
    for (let e = 0; e < this.nEl; e++) {
      const el = (EL_MIN + e * EL_STEP) * RAD;
      ringFactorsInto(m, el, rr, ri);
      this.ringRe.set(rr, e * R);
      this.ringIm.set(ri, e * R);
      for (let a = 0; a < this.nAz; a++) {
        columnFactorsInto(m, 0, a * AZ_STEP * RAD, el, cr, ci);
        const o = (e * this.nAz + a) * C;
        this.colRe.set(cr, o);
        this.colIm.set(ci, o);
        let g = 0;
        for (let c = 0; c < C; c++) g += cr[c] * cr[c] + ci[c] * ci[c];
        this.norm2[e * this.nAz + a] = R * g;
      }
    }
    this.maxGain = 1.01 * Math.max(...this.norm2);
    this.zRe = new Float64Array(C);
    this.zIm = new Float64Array(C);
    this.aRe = new Float64Array(m.elements);
    this.aIm = new Float64Array(m.elements);
  }

  /** The per-elevation ring sums of a fixed beam w, for beamPower (from beamSetup). */
  private beamZRe = new Float64Array(0);
  private beamZIm = new Float64Array(0);

  /** Prepares beamPower for the beam with weights w (elements r * columns + c). */
  beamSetup(wRe: Float64Array, wIm: Float64Array): void {
    const C = this.m.columns, R = this.m.rows;
    if (this.beamZRe.length !== this.nEl * C) {
      this.beamZRe = new Float64Array(this.nEl * C);
      this.beamZIm = new Float64Array(this.nEl * C);
    }
    for (let e = 0; e < this.nEl; e++)
      for (let c = 0; c < C; c++) {
        let re = 0, im = 0;
        for (let r = 0; r < R; r++) {
          const ar = this.ringRe[e * R + r], ai = this.ringIm[e * R + r], i = r * C + c;
          // conj(a) w
          re += ar * wRe[i] + ai * wIm[i];
          im += ar * wIm[i] - ai * wRe[i];
        }
        this.beamZRe[e * C + c] = re;
        this.beamZIm[e * C + c] = im;
      }
  }

  /**
   * |a(u)^H w|^2 for the beam of beamSetup, u at (az, el) rad (map frame) taken at the nearest grid point
   * (AZ_STEP x EL_STEP, elevations beyond +-60 deg at the grid's edge): the beam's gain toward a weak
   * component whose own direction is a cell's centroid anyway.
   */
  beamPower(orientationRad: number, az: number, el: number): number {
    const C = this.m.columns;
    let a = Math.round(((az - orientationRad) / RAD) / AZ_STEP) % this.nAz;
    if (a < 0) a += this.nAz;
    const e = Math.max(0, Math.min(this.nEl - 1, Math.round((el / RAD - EL_MIN) / EL_STEP)));
    const o = (e * this.nAz + a) * C, z = e * C;
    let re = 0, im = 0;
    for (let c = 0; c < C; c++) {
      const wr = this.colRe[o + c], wi = this.colIm[o + c], zr = this.beamZRe[z + c], zi = this.beamZIm[z + c];
      re += wr * zr + wi * zi;
      im += wr * zi - wi * zr;
    }
    return re * re + im * im;
  }

  /** S(u) on the exact manifold, u at (az, el) rad in the map frame. */
  power(yRe: Float64Array, yIm: Float64Array, orientationRad: number, az: number, el: number): number {
    steeringInto(this.m, orientationRad, az, el, this.aRe, this.aIm);
    let re = 0, im = 0, g = 0;
    for (let i = 0; i < this.m.elements; i++) {
      const ar = this.aRe[i], ai = this.aIm[i];
      re += ar * yRe[i] + ai * yIm[i];
      im += ar * yIm[i] - ai * yRe[i];
      g += ar * ar + ai * ai;
    }
    return (re * re + im * im) / g;
  }

  /** The direction (az, el) in rad, map frame, of the scan's maximum for y (elements r * columns + c). */
  scan(yRe: Float64Array, yIm: Float64Array, orientationRad: number): [number, number] {
    const C = this.m.columns, R = this.m.rows, nAz = this.nAz;
    const ringRe = this.ringRe, ringIm = this.ringIm, colRe = this.colRe, colIm = this.colIm, norm2 = this.norm2, zRe = this.zRe, zIm = this.zIm;
    let best = -1, bestAz = 0, bestEl = 0;
    for (let e = 0; e < this.nEl; e++) {
      for (let c = 0; c < C; c++) {
        let re = 0, im = 0;
        for (let r = 0; r < R; r++) {
          const wr = ringRe[e * R + r], wi = ringIm[e * R + r], i = r * C + c;
          re += wr * yRe[i] + wi * yIm[i];
          im += wr * yIm[i] - wi * yRe[i];
        }
        zRe[c] = re;
        zIm[c] = im;
      }
      for (let a = 0; a < nAz; a++) {
        const o = (e * nAz + a) * C;
        let re = 0, im = 0;
        for (let c = 0; c < C; c++) {
          const wr = colRe[o + c], wi = colIm[o + c], zr = zRe[c], zi = zIm[c];
          re += wr * zr + wi * zi;
          im += wr * zi - wi * zr;
        }
        const s = (re * re + im * im) / norm2[e * nAz + a];
        if (s > best) {
          best = s;
          bestAz = a * AZ_STEP;
          bestEl = EL_MIN + e * EL_STEP;
        }
      }
    }
    // Pattern search on the exact manifold (degrees, map frame), then a parabola per axis.
    let az = bestAz + (orientationRad / RAD), el = bestEl;
    let f = this.power(yRe, yIm, orientationRad, az * RAD, el * RAD);
    const at = (a: number, e: number) => this.power(yRe, yIm, orientationRad, a * RAD, Math.max(-90, Math.min(90, e)) * RAD);
    let step = AZ_STEP / 2, stepEl = EL_STEP / 2;
    while (step >= REFINE_MIN_DEG) {
      let moved = true;
      for (let guard = 0; moved && guard < 64; guard++) {
        moved = false;
        for (const [da, de] of [[step, 0], [-step, 0], [0, stepEl], [0, -stepEl]]) {
          const g = at(az + da, el + de);
          if (g > f) {
            f = g;
            az += da;
            el += de;
            moved = true;
          }
        }
      }
      step /= 2;
      stepEl /= 2;
    }
    step *= 2;
    stepEl *= 2;
    az += vertex(at(az - step, el), f, at(az + step, el)) * step;
    el += vertex(at(az, el - stepEl), at(az, el), at(az, el + stepEl)) * stepEl;
    let a = az % 360;
    if (a > 180) a -= 360;
    else if (a <= -180) a += 360;
    return [a * RAD, Math.max(-90, Math.min(90, el)) * RAD];
  }
}

/** Offset (in steps, within +-1/2) of the vertex of the parabola through (-1, fm), (0, f0), (1, fp). */
function vertex(fm: number, f0: number, fp: number): number {
  const den = fm - 2 * f0 + fp;
  if (!(den < 0)) return 0;
  return Math.max(-0.5, Math.min(0.5, (0.5 * (fm - fp)) / den));
}
