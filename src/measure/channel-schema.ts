import { Bool, Field, FixedSizeList, Float32, Float64, Int32, List, Schema, Uint8 } from 'apache-arrow';

// channels.arrow (`simgen channels`): one row per selected link (receiver x site), receivers in the order they
// were selected, sites by ascending id. A row holds the link, the UE's position and velocity, links.arrow's
// values for it, and its channel as the measure stage builds it (src/channel): one list entry per component
// (specular path, diffuse cluster or coarse diffuse cluster), all lists of a row of the same length. With
// `--response`, also the frequency response of every element at every SRS tone. docs/measure.md lists the
// columns with their units.

const f64 = (name: string, nullable = false) => new Field(name, new Float64(), nullable);
const i32 = (name: string) => new Field(name, new Int32(), false);
const bool = (name: string) => new Field(name, new Bool(), false);
const list = (name: string, item: Float64 | Uint8) => new Field(name, new List(new Field('item', item, false)), false);

export const LINK_FIELDS = [
  i32('trajectory_id'), i32('sample'), i32('site_id'),
  f64('x'), f64('y'), f64('z'),
  /** UE velocity the Doppler shifts come from (trajectories.arrow's; 0 for --rx points). */
  f64('speed'), f64('heading'),
  bool('los'), f64('los_delay_ns'),
  /** links.arrow's heard, rx_power_dbm and tof_ns (null without a path). */
  bool('ideal_heard'), f64('ideal_rx_power_dbm', true), f64('ideal_tof_ns', true),
  i32('specular_paths'), i32('diffuse_clusters'),
];

/** The component lists, in the order of src/channel/link-channel.ts's LinkChannel. */
export const COMPONENT_FIELDS = [
  list('delay_ns', new Float64()), list('amplitude_re', new Float64()), list('amplitude_im', new Float64()),
  list('azimuth_deg', new Float64()), list('elevation_deg', new Float64()), list('doppler_hz', new Float64()),
  list('kind', new Uint8()),
];

/** The values of kind: LinkChannel.diffuse's codes. */
export const COMPONENT_KINDS = ['specular', 'diffuse', 'diffuse_coarse'] as const;

/** response_re / response_im: element-major (index = element * tones + tone), Float32 (its values' precision is ~1e-7 of the link's largest). */
const responseField = (name: string, values: number) => new Field(name, new FixedSizeList(values, new Field('item', new Float32(), false)), false);

export function channelSchema(metadata: Map<string, string>, responseValues: number): Schema {
  const fields: Field[] = [...LINK_FIELDS, ...COMPONENT_FIELDS];
  if (responseValues > 0) fields.push(responseField('response_re', responseValues), responseField('response_im', responseValues));
  return new Schema(fields, metadata);
}

/** Bytes of a link row's own columns (a Bool counted as a byte, one offset per list), and of one component in every list. */
const width = (f: Field) => (f.type.ArrayType as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT; // a list's: its items'
const LINK_BYTES = LINK_FIELDS.reduce((s, f) => s + width(f), 0) + 4 * COMPONENT_FIELDS.length;
const COMPONENT_BYTES = COMPONENT_FIELDS.reduce((s, f) => s + width(f), 0);

/** The data bytes of `links` rows holding `components` components and `responseValues` complex response values each (Arrow's padding and metadata aside). */
export function channelBytes(links: number, components: number, responseValues: number): number {
  return links * (LINK_BYTES + 2 * 4 * responseValues) + components * COMPONENT_BYTES;
}
