import type { ClusterGrid } from '../channel/diffuse-clusters.ts';
import { SPEED_OF_LIGHT } from '../radio/field.ts';
import type { NrSrsSpec } from '../scenario/measurement.ts';
import { gammaQInverse } from './gamma.ts';

// Everything the nr-srs estimators derive from the scenario's measurement block, in SI units.
//
// Signal. The UE sends the SRS on every comb-th subcarrier of 12 x resourceBlocks, the same n subcarriers in
// each of `symbols` OFDM symbols, with its whole power spread over them: P_RE = P_UE / n per resource element
// (RE). Subcarrier k sits at f_k = (k - (n - 1) / 2) comb SCS from the carrier.
// Noise. Thermal density -174 dBm/Hz (290 K) plus the noise figure, over one subcarrier: sigma^2 = k T SCS F per
// RE and element. The symbols are combined coherently (each component times its Doppler factor), which leaves
// sigma^2 / symbols per RE.
// Delay domain. A symmetric Hann window w_k = (1 + cos(2 pi (k - (n - 1) / 2) / n)) / 2 over the n REs (sidelobes
// -31.5 dB, falling 18 dB an octave, so a first path is not buried under the sidelobes of a stronger one),
// then h(tau) = (1 / n) sum_k w_k Y_k e^{j 2 pi f_k tau}: a component of amplitude c at delay t contributes
// c R(tau - t) with R the window's kernel (kernel.ts), periodic in T_p = 1 / (comb SCS). Native samples are
// T = T_p / n = 1 / (n comb SCS) apart; there the noise is x[j] i.i.d. CN(0, sigma^2 / (symbols n)) filtered by
// the window's three taps (1/4, 1/2, 1/4), variance 0.375 of that per element.
// Detection threshold: the element sum of |h|^2 over M elements is, on noise alone, Gamma(M, sigma_h^2); the
// threshold is its quantile for a per-sample false-alarm probability p with 1 - (1 - p)^n = the scenario's
// probability over the search window (one period).

export const BOLTZMANN_W_PER_HZ = 10 ** (-174 / 10) / 1000; // -174 dBm/Hz, kT at 290 K
export const HANN_TAP_ENERGY = 0.375; // 1/4^2 + 1/2^2 + 1/4^2
export const KERNEL_PEAK = 0.5; // R(0) = mean of the Hann window

export interface MeasureConfig {
  spec: NrSrsSpec;
  carrierHz: number;
  wavelength: number;
  scsHz: number;
  /** Spacing of the SRS subcarriers, Hz (comb x SCS). */
  toneSpacingHz: number;
  /** SRS subcarriers per symbol (REs per symbol). */
  n: number;
  /** Occupied bandwidth, Hz (12 x resource blocks x SCS). */
  bandwidthHz: number;
  /** Native delay sample T and period T_p, s. */
  sampleS: number;
  periodS: number;
  symbols: number;
  /** OFDM symbol duration with its normal cyclic prefix, s ((2048 + 144) / 2048 / SCS, TS 38.211 s5.3.1). */
  symbolS: number;
  /** UE power, power per RE (W), thermal noise per RE and element (W). */
  uePowerW: number;
  rePowerW: number;
  noiseReW: number;
  /** Variance of the native-grid noise x (unwindowed) and of a windowed delay sample, per element (W). */
  noiseX: number;
  noiseH: number;
  elements: number;
  /** Per-sample false-alarm probability and the threshold on the element-summed |h|^2 (W). */
  pSample: number;
  thresholdW: number;
  /** A first path may be this much (linear) below the strongest peak. */
  peakRatio: number;
  searchMarginS: number;
  timingErrorS: number;
  phaseErrorRad: number;
  /** Diffuse clusters at the resolution this receiver has (src/channel/diffuse-clusters.ts). */
  clusters: ClusterGrid;
  /** Link-budget noise over the occupied bandwidth (W): the SNR's denominator. */
  noiseBandW: number;
}

export function measureConfig(spec: NrSrsSpec, carrierHz: number, uePowerDbm: number, elements: number): MeasureConfig {
  const scsHz = spec.subcarrierSpacingKhz * 1e3;
  const toneSpacingHz = spec.comb * scsHz;
  const subcarriers = 12 * spec.resourceBlocks;
  const n = subcarriers / spec.comb;
  const bandwidthHz = subcarriers * scsHz;
  const uePowerW = 10 ** (uePowerDbm / 10) / 1000;
  const rePowerW = uePowerW / n;
  const f = 10 ** (spec.noiseFigureDb / 10);
  const noiseReW = BOLTZMANN_W_PER_HZ * scsHz * f;
  const noiseX = noiseReW / (spec.symbols * n);
  const noiseH = HANN_TAP_ENERGY * noiseX;
  const pSample = -Math.expm1(Math.log1p(-spec.falseAlarmProbability) / n);
  const sampleS = 1 / (n * toneSpacingHz);
  return {
    spec,
    carrierHz,
    wavelength: SPEED_OF_LIGHT / carrierHz,
    scsHz,
    toneSpacingHz,
    n,
    bandwidthHz,
    sampleS,
    periodS: 1 / toneSpacingHz,
    symbols: spec.symbols,
    symbolS: (2048 + 144) / 2048 / scsHz,
    uePowerW,
    rePowerW,
    noiseReW,
    noiseX,
    noiseH,
    elements,
    pSample,
    thresholdW: noiseH * gammaQInverse(elements, pSample),
    peakRatio: 10 ** (-spec.peakThresholdDb / 10),
    searchMarginS: spec.searchMarginNs * 1e-9,
    timingErrorS: spec.timingErrorNs * 1e-9,
    phaseErrorRad: (spec.phaseErrorDeg * Math.PI) / 180,
    clusters: {
      // Fine: half the delay resolution 1/B and a fifth of the array's ~25 deg beam; coarse: 30 deg cells.
      fineDelayS: 1 / (2 * bandwidthHz),
      fineCellDeg: 5,
      coarseCellDeg: 30,
      // Weaker than the strongest by the peak threshold and 20 dB more: never a first path, only power.
      fineBelowDb: spec.peakThresholdDb + 20,
      // Under 0.2 % of the element-summed noise of a delay sample at the kernel's peak: no detector or scan sees it.
      fineFloorRx: (2e-3 * elements * noiseH) / (rePowerW * KERNEL_PEAK * KERNEL_PEAK),
    },
    noiseBandW: BOLTZMANN_W_PER_HZ * bandwidthHz * f,
  };
}

/**
 * Coherent average over the SRS symbols of a component with Doppler shift nu (Hz), the reference instant at the
 * middle symbol: (1 / S) sum_s e^{j 2 pi nu t_s}, real, = sin(pi nu S T_s) / (S sin(pi nu T_s)).
 */
export function symbolAverage(nuHz: number, symbols: number, symbolS: number): number {
  const x = Math.PI * nuHz * symbolS;
  if (Math.abs(x) < 1e-12) return 1;
  return Math.sin(symbols * x) / (symbols * Math.sin(x));
}
