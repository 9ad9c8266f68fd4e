import { Bool, Field, Float64, Int32, List, Schema, Utf8 } from 'apache-arrow';

// Arrow schemas of the raytrace outputs. links.arrow: one row per (sample, site), ordered by
// (trajectory_id, sample, site_id). paths.arrow (--paths): one row per path of every link, same order,
// then paths in search order (LOS, reflections, diffractions, diffuse).

const f64 = (name: string, nullable = false) => new Field(name, new Float64(), nullable);
const i32 = (name: string) => new Field(name, new Int32(), false);

export const LINK_FIELDS = [
  i32('trajectory_id'), i32('sample'), i32('site_id'),
  f64('x'), f64('y'), f64('z'),
  new Field('heard', new Bool(), false), new Field('los', new Bool(), false),
  // Null when the link has no path at all (num_paths 0).
  f64('rx_power_dbm', true), f64('path_loss_db', true), f64('tof_ns', true),
  f64('aoa_azimuth_deg', true), f64('aoa_elevation_deg', true), f64('aoa_azimuth_q_deg', true), f64('aoa_elevation_q_deg', true),
  i32('num_paths'),
  /** Diffuse paths among num_paths (a group of tiles of one surface lit through one sequence), and their share of the path gain. */
  i32('num_diffuse'), f64('diffuse_share', true),
  new Field('strongest_interactions', new Utf8(), true),
  /** Over every path of the link (gains without antennas; TR 38.901 Annex A.1 angles at the site); null without a path. */
  f64('delay_spread_ns', true), f64('azimuth_spread_deg', true), f64('zenith_spread_deg', true),
];

export const PATH_FIELDS = [
  i32('trajectory_id'), i32('sample'), i32('site_id'),
  /** "LOS", "R", "RR", "D", ... from the site toward the UE. */
  new Field('interactions', new Utf8(), false),
  /** Surface id (R) or edge id (D) of each interaction, in path order. */
  new Field('interaction_ids', new List(new Field('item', new Int32(), false)), false),
  /** x, y, z of every vertex, site first, UE last (3 values a vertex). */
  new Field('vertices', new List(new Field('item', new Float64(), false)), false),
  f64('length_m'), f64('delay_ns'),
  /** Propagation gain |a|^2 in dB (antennas excluded) and the complex amplitude a. */
  f64('path_gain_db'), f64('amplitude_re'), f64('amplitude_im'),
  /** Site array gain toward the path (dBi) and the power this path alone delivers (dBm). */
  f64('array_gain_dbi'), f64('rx_power_dbm'),
  /** At the site: toward the first interaction (or the UE). At the UE: toward its last interaction (or the site). */
  f64('aoa_azimuth_deg'), f64('aoa_elevation_deg'), f64('aod_azimuth_deg'), f64('aod_elevation_deg'),
  /** Diffuse paths: the tiles summed (their vertex is the strongest tile's centre); 0 for the others. */
  i32('scatter_tiles'),
];

export function linkSchema(metadata: Map<string, string>): Schema {
  return new Schema(LINK_FIELDS, metadata);
}

export function pathSchema(metadata: Map<string, string>): Schema {
  return new Schema(PATH_FIELDS, metadata);
}
