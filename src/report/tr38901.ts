import { umiLosPathLossDb, umiNlosPathLossDb } from '../radio/link-budget.ts';

// The 3GPP TR 38.901 (V17.0.0, 2022-03) UMi street-canyon models the report compares against. The path-loss
// formulas live in radio/link-budget.ts (Table 7.4.1-1, shared with the benchmarks); the rest is here:
// - shadow fading sigma of Table 7.4.1-1: LOS 4 dB, NLOS 7.82 dB;
// - LOS probability, Table 7.4.2-1 (UMi street canyon): 1 for d2D <= 18 m, else
//   18/d2D + exp(-d2D/36) (1 - 18/d2D);
// - delay spread and gNB-side azimuth spread (ASD), Table 7.5-6 Part 1 (UMi street canyon), log10 of seconds
//   and of degrees, fc in GHz (fc < 2 GHz counts as 2 GHz, the table's note for UMi):
//     lgDS  LOS  mu = -0.24 log10(1 + fc) - 7.14, sigma = 0.38
//           NLOS mu = -0.24 log10(1 + fc) - 6.83, sigma = 0.16 log10(1 + fc) + 0.28
//     lgASD LOS  mu = -0.05 log10(1 + fc) + 1.21, sigma = 0.41
//           NLOS mu = -0.23 log10(1 + fc) + 1.53, sigma = 0.11 log10(1 + fc) + 0.33
// - gNB-side zenith spread (ZSD), Table 7.5-7 (UMi street canyon), depends on the link's d2D (km) and heights:
//     lgZSD LOS  mu = max(-0.21, -14.8 d2D/1000 + 0.01 |hUT - hBS| + 0.83), sigma = 0.35
//           NLOS mu = max(-0.5, -3.1 d2D/1000 + 0.01 max(hUT - hBS, 0) + 0.2), sigma = 0.35
// These are fits to measurement campaigns with sites at 10 m; a scenario with other heights is compared all the
// same (the report says so).

export { umiLosPathLossDb, umiNlosPathLossDb };

export type LinkState = 'LOS' | 'NLOS';

/** Shadow-fading standard deviation (dB), Table 7.4.1-1 UMi street canyon. */
export const UMI_SHADOW_FADING_DB: Record<LinkState, number> = { LOS: 4, NLOS: 7.82 };

/** LOS probability at 2D distance d2d (m), Table 7.4.2-1 UMi street canyon. */
export function umiLosProbability(d2d: number): number {
  if (d2d <= 18) return 1;
  return 18 / d2d + Math.exp(-d2d / 36) * (1 - 18 / d2d);
}

/** A log-normal as 38.901 gives it: mean and standard deviation of log10 of the quantity. */
export interface LogNormal {
  mu: number;
  sigma: number;
}

const lgf = (freqHz: number) => Math.log10(1 + Math.max(2, freqHz / 1e9));

/** lgDS with the spread in ns (the table's seconds + 9). */
export function umiDelaySpread(state: LinkState, freqHz: number): LogNormal {
  const l = lgf(freqHz);
  return state === 'LOS' ? { mu: -0.24 * l - 7.14 + 9, sigma: 0.38 } : { mu: -0.24 * l - 6.83 + 9, sigma: 0.16 * l + 0.28 };
}

/** lgASD (degrees). */
export function umiAzimuthSpread(state: LinkState, freqHz: number): LogNormal {
  const l = lgf(freqHz);
  return state === 'LOS' ? { mu: -0.05 * l + 1.21, sigma: 0.41 } : { mu: -0.23 * l + 1.53, sigma: 0.11 * l + 0.33 };
}

/** lgZSD (degrees) of one link. */
export function umiZenithSpread(state: LinkState, d2d: number, hBs: number, hUt: number): LogNormal {
  const km = d2d / 1000;
  return state === 'LOS'
    ? { mu: Math.max(-0.21, -14.8 * km + 0.01 * Math.abs(hUt - hBs) + 0.83), sigma: 0.35 }
    : { mu: Math.max(-0.5, -3.1 * km + 0.01 * Math.max(hUt - hBs, 0) + 0.2), sigma: 0.35 };
}

/** Path loss of the UMi model for the link's state. */
export function umiPathLossDb(state: LinkState, d3d: number, freqHz: number, hBs: number, hUt: number): number {
  return state === 'LOS' ? umiLosPathLossDb(d3d, freqHz, hBs, hUt) : umiNlosPathLossDb(d3d, freqHz, hBs, hUt);
}
