import { Bool, Field, Float64, Int32, Schema } from 'apache-arrow';

// measurements.arrow: one row per (trajectory sample, site), in links.arrow's order (trajectory_id, sample,
// site_id): what the gNB measured from the link's uplink SRS, beside the ideal values links.arrow holds for the
// same link and the geometric truth, so that estimation errors can be studied row by row.

const f64 = (name: string, nullable = true) => new Field(name, new Float64(), nullable);
const i32 = (name: string) => new Field(name, new Int32(), false);
const bool = (name: string) => new Field(name, new Bool(), false);

export const MEASUREMENT_FIELDS = [
  i32('trajectory_id'), i32('sample'), i32('site_id'),
  f64('x', false), f64('y', false), f64('z', false),
  /** Geometric truth: line-of-sight distance / c, and the direction from the site toward the UE. */
  bool('los'), f64('los_delay_ns', false), f64('los_azimuth_deg', false), f64('los_elevation_deg', false),
  /** links.arrow's values for the link (the "ideal" measurement model): heard, power, strongest path. */
  bool('ideal_heard'), f64('ideal_rx_power_dbm'), f64('ideal_tof_ns'), f64('ideal_aoa_azimuth_deg'), f64('ideal_aoa_elevation_deg'),
  /** Link-budget SNR: ideal received power (every path through its own matched beam) over the noise in the SRS bandwidth. */
  f64('snr_db'),
  /** Channel components the gNB saw: specular paths and diffuse clusters. */
  i32('specular_paths'), i32('diffuse_clusters'),
  /** The gNB's report: detected by first-path detection; a detection of noise alone. */
  bool('detected'), bool('false_alarm'),
  /** Estimated ToA (one-way, as multi-RTT gives it), AoA at the site (azimuth from +x CCW in [0, 360), elevation). */
  f64('toa_ns'), f64('aoa_azimuth_deg'), f64('aoa_elevation_deg'),
  /** RSRP per resource element (TS 38.215, beam toward the estimated AoA) and the same over the SRS's REs of a symbol. */
  f64('rsrp_dbm'), f64('rx_power_dbm'),
];

export function measurementSchema(metadata: Map<string, string>): Schema {
  return new Schema(MEASUREMENT_FIELDS, metadata);
}
