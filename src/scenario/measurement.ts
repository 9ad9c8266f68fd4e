import { z } from 'zod';
import { UserError } from '../util/errors.ts';
import { numberIn } from '../util/validate.ts';

// The scenario's `measurement:` block: what dataset.arrow's features are.
// - `ideal` (the default, the paper's): the strongest traced path's power, delay and direction (AoA quantised
//   to raytrace.aoa_resolution_deg), straight from links.arrow.
// - `nr-srs`: what a 5G gNB estimates from the UE's uplink sounding reference signal (src/measure), with the
//   keys below. Defaults: 3GPP TR 38.855 v16.0.0 Table 6.1-1 (FR2 evaluation assumptions: 400 MHz at 120 kHz,
//   gNB noise figure 7 dB); the SRS layout within what TS 38.211 s6.4.1.4 allows; detector settings are
//   simgen's, stated in docs/measure.md.

export const MEASUREMENT_MODELS = ['ideal', 'nr-srs'] as const;

export const MeasurementSchema = z
  .strictObject({
    model: z.enum(MEASUREMENT_MODELS),
    /** Channel bandwidth and subcarrier spacing (a pair of TS 38.101-1/-2 Table 5.3.2-1). */
    bandwidth_mhz: numberIn(5, 400, 'MHz', { exclusiveMin: false }).optional(),
    subcarrier_spacing_khz: z.literal([15, 30, 60, 120]).optional(),
    /** SRS transmission comb: every comb-th subcarrier (TS 38.211 s6.4.1.4.3; 2, 4 or 8 for positioning). */
    comb: z.literal([2, 4, 8]).optional(),
    /** OFDM symbols of the SRS resource, the same subcarriers in each, combined coherently (1, 2, 4, 8 or 12). */
    symbols: z.literal([1, 2, 4, 8, 12]).optional(),
    /** gNB receiver noise figure. */
    noise_figure_db: numberIn(0, 30, 'dB').optional(),
    /** First-path detection: probability that noise alone crosses the threshold somewhere in the search window. */
    false_alarm_probability: numberIn(1e-12, 0.5, '', { exclusiveMin: false }).optional(),
    /** First-path detection: a first path may lie at most this far below the strongest peak of the delay profile. */
    peak_threshold_db: numberIn(3, 40, 'dB').optional(),
    /** The search window starts this long before the expected (line-of-sight) arrival. */
    search_margin_ns: numberIn(0, 1000, 'ns').optional(),
    /** Standard deviation of a fixed timing offset per site (uncalibrated gNB Rx/Tx timing); 0 = none. */
    timing_error_ns: numberIn(0, 100, 'ns').optional(),
    /** Standard deviation of a fixed phase error per array element and site (uncalibrated array); 0 = none. */
    phase_error_deg: numberIn(0, 180, 'deg').optional(),
  })
  .superRefine((m, ctx) => {
    if (m.model === 'nr-srs') return;
    for (const k of Object.keys(m)) if (k !== 'model') ctx.addIssue({ code: 'custom', path: [k], message: `applies to model "nr-srs" only (model is "${m.model}")` });
  });

export type MeasurementSpec = z.infer<typeof MeasurementSchema>;

/** The nr-srs settings with every default filled in. */
export interface NrSrsSpec {
  bandwidthMhz: number;
  subcarrierSpacingKhz: number;
  comb: number;
  symbols: number;
  noiseFigureDb: number;
  falseAlarmProbability: number;
  peakThresholdDb: number;
  searchMarginNs: number;
  timingErrorNs: number;
  phaseErrorDeg: number;
  /** Resource blocks of the SRS (a multiple of 4 within the channel's transmission bandwidth). */
  resourceBlocks: number;
}

export const NR_SRS_DEFAULTS = {
  bandwidthMhz: 400, // TR 38.855 Table 6.1-1, FR2
  subcarrierSpacingKhz: 120, // TR 38.855 Table 6.1-1, FR2
  comb: 4,
  symbols: 4,
  noiseFigureDb: 7, // TR 38.855 Table 6.1-1, FR2 gNB
  falseAlarmProbability: 1e-3,
  peakThresholdDb: 20,
  searchMarginNs: 100,
  timingErrorNs: 0,
  phaseErrorDeg: 0,
};

// Maximum transmission bandwidth configuration N_RB per channel bandwidth (MHz) and SCS (kHz):
// TS 38.101-1 Table 5.3.2-1 (FR1, carriers up to 7.125 GHz) and TS 38.101-2 Table 5.3.2-1 (FR2, 24.25-71 GHz).
const FR1_RB: Record<number, Record<number, number>> = {
  15: { 5: 25, 10: 52, 15: 79, 20: 106, 25: 133, 30: 160, 40: 216, 50: 270 },
  30: { 5: 11, 10: 24, 15: 38, 20: 51, 25: 65, 30: 78, 40: 106, 50: 133, 60: 162, 70: 189, 80: 217, 90: 245, 100: 273 },
  60: { 10: 11, 15: 18, 20: 24, 25: 31, 30: 38, 40: 51, 50: 65, 60: 79, 70: 93, 80: 107, 90: 121, 100: 135 },
};
const FR2_RB: Record<number, Record<number, number>> = {
  60: { 50: 66, 100: 132, 200: 264 },
  120: { 50: 32, 100: 66, 200: 132, 400: 264 },
};

/** The measurement block resolved: `ideal`, or `nr-srs` with every setting (the stages read this, never the file). */
export type MeasurementConfig = { model: 'ideal' } | { model: 'nr-srs'; srs: NrSrsSpec; /** The section as written: for the measure input_key only. */ asWritten: MeasurementSpec };

export function measurementConfig(m: MeasurementSpec, carrierHz: number, label: string): MeasurementConfig {
  return m.model === 'nr-srs' ? { model: 'nr-srs', srs: nrSrsSpec(m, carrierHz, label), asWritten: m } : { model: 'ideal' };
}

/** The nr-srs settings of a scenario, defaults filled in and the bandwidth checked against its carrier's frequency range. */
export function nrSrsSpec(m: MeasurementSpec, carrierHz: number, label: string): NrSrsSpec {
  const d = NR_SRS_DEFAULTS;
  const bw = m.bandwidth_mhz ?? d.bandwidthMhz, scs = m.subcarrier_spacing_khz ?? d.subcarrierSpacingKhz;
  const fr = carrierHz <= 7.125e9 ? { name: 'FR1 (TS 38.101-1 Table 5.3.2-1)', table: FR1_RB } : carrierHz >= 24.25e9 && carrierHz <= 71e9 ? { name: 'FR2 (TS 38.101-2 Table 5.3.2-1)', table: FR2_RB } : null;
  if (!fr) throw new UserError(`${label}: field "measurement.model": nr-srs needs a carrier in FR1 (<= 7.125 GHz) or FR2 (24.25-71 GHz) (carrier_freq_hz is ${carrierHz})`);
  const rb = fr.table[scs]?.[bw];
  if (rb === undefined) {
    const pairs = Object.entries(fr.table).flatMap(([s, bws]) => Object.keys(bws).map((b) => `${b} MHz at ${s} kHz`));
    throw new UserError(`${label}: field "measurement.bandwidth_mhz": ${bw} MHz at ${scs} kHz is not a channel of ${fr.name}; allowed: ${pairs.join(', ')}`);
  }
  return {
    bandwidthMhz: bw, subcarrierSpacingKhz: scs, comb: m.comb ?? d.comb, symbols: m.symbols ?? d.symbols, noiseFigureDb: m.noise_figure_db ?? d.noiseFigureDb,
    falseAlarmProbability: m.false_alarm_probability ?? d.falseAlarmProbability, peakThresholdDb: m.peak_threshold_db ?? d.peakThresholdDb,
    searchMarginNs: m.search_margin_ns ?? d.searchMarginNs, timingErrorNs: m.timing_error_ns ?? d.timingErrorNs, phaseErrorDeg: m.phase_error_deg ?? d.phaseErrorDeg,
    resourceBlocks: 4 * Math.floor(rb / 4),
  };
}
