import { SPEED_OF_LIGHT } from './field.ts';

// Link-budget helpers: dB conversions, free-space loss, the 3GPP TR 38.901 UMi street-canyon path-loss
// models (Table 7.4.1-1, the external sanity anchor of the bench) and AoA quantisation.

export const toDb = (linear: number): number => 10 * Math.log10(linear);
export const fromDb = (db: number): number => 10 ** (db / 10);

/** Free-space path loss (dB): 20 log10 d + 20 log10 f - 147.55 (d in m, f in Hz). */
export function fsplDb(d: number, freqHz: number): number {
  return 20 * Math.log10((4 * Math.PI * d * freqHz) / SPEED_OF_LIGHT);
}

/** UMi effective environment height h_E (m) of TR 38.901 Table 7.4.1-1 note 1. */
const UMI_HE = 1;

/**
 * TR 38.901 UMi street canyon LOS path loss (dB), d3d in m. Below the breakpoint
 * d'BP = 4 h'BS h'UT fc / c (h' = h - 1 m): 32.4 + 21 log10 d3d + 20 log10 fcGHz; beyond it
 * 32.4 + 40 log10 d3d + 20 log10 fcGHz - 9.5 log10(d'BP^2 + (hBS - hUT)^2). The model is specified for
 * 10 m <= d2D <= 5 km; it is evaluated as is outside that range.
 */
export function umiLosPathLossDb(d3d: number, freqHz: number, hBs: number, hUt: number): number {
  const fGHz = freqHz / 1e9;
  const dh = hBs - hUt;
  const d2d = Math.sqrt(Math.max(0, d3d * d3d - dh * dh));
  const dBP = (4 * (hBs - UMI_HE) * (hUt - UMI_HE) * freqHz) / SPEED_OF_LIGHT;
  if (d2d <= dBP) return 32.4 + 21 * Math.log10(d3d) + 20 * Math.log10(fGHz);
  return 32.4 + 40 * Math.log10(d3d) + 20 * Math.log10(fGHz) - 9.5 * Math.log10(dBP * dBP + dh * dh);
}

/** TR 38.901 UMi street canyon NLOS: max(PL_LOS, 35.3 log10 d3d + 22.4 + 21.3 log10 fcGHz - 0.3 (hUT - 1.5)). */
export function umiNlosPathLossDb(d3d: number, freqHz: number, hBs: number, hUt: number): number {
  const nlos = 35.3 * Math.log10(d3d) + 22.4 + 21.3 * Math.log10(freqHz / 1e9) - 0.3 * (hUt - 1.5);
  return Math.max(umiLosPathLossDb(d3d, freqHz, hBs, hUt), nlos);
}

/**
 * The multiple of resolutionDeg nearest to angleDeg; a tie (exactly half a bin) rounds up, toward +inf
 * (10 -> 20 and -10 -> 0 at 20 deg). wrap360: azimuth, result in [0, 360); otherwise elevation, result
 * clamped to [-90, 90].
 */
export function quantizeAngleDeg(angleDeg: number, resolutionDeg: number, wrap360: boolean): number {
  const q = Math.floor(angleDeg / resolutionDeg + 0.5) * resolutionDeg;
  if (wrap360) {
    const w = ((q % 360) + 360) % 360;
    return w === 0 ? 0 : w; // no -0
  }
  return Math.min(90, Math.max(-90, q)) + 0;
}
