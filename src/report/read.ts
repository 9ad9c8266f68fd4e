import fs from 'node:fs';
import path from 'node:path';
import type { Table } from 'apache-arrow';
import { checkProvenanceKey, IDEAL_LINKS, MEASURED_LINKS, parseSites, type LinkSite } from '../dataset/inputs.ts';
import { metaFromMap } from '../dataset/schema.ts';
import { type ErrorGroup, measurementErrors } from '../measure/report.ts';
import { MEASUREMENTS_FILE } from '../measure/run.ts';
import type { Scenario } from '../scenario/load.ts';
import { ArrowBatchFile, columnIndex, readArrowFile } from '../util/arrow.ts';
import { UserError } from '../util/errors.ts';
import { shownPath } from '../util/paths.ts';

// What the report reads: links.arrow (every link's numbers, its spreads included: no paths.arrow needed), the
// constellations recorded in dataset.arrow's metadata (only the schema is read), and measurements.arrow when the
// run has one. Each file must be this scenario's (its input_key), or the report would describe another world.

/** links.arrow's columns as flat arrays, one entry per link (a row). */
export interface ReportLinks {
  file: string;
  inputKey: string;
  carrierFreqHz: number;
  cutoffDb: number;
  sites: LinkSite[];
  rows: number;
  trajectoryId: Int32Array;
  sample: Int32Array;
  siteId: Int32Array;
  x: Float64Array;
  y: Float64Array;
  z: Float64Array;
  heard: Uint8Array;
  los: Uint8Array;
  pathLossDb: Float64Array;
  numPaths: Int32Array;
  numDiffuse: Int32Array;
  diffuseShare: Float64Array;
  strongest: (string | null)[];
  delaySpreadNs: Float64Array;
  azimuthSpreadDeg: Float64Array;
  zenithSpreadDeg: Float64Array;
}

const LINK_COLUMNS = {
  trajectory_id: 'int32', sample: 'int32', site_id: 'int32', x: 'float64', y: 'float64', z: 'float64', heard: 'bool', los: 'bool',
  path_loss_db: 'float64', num_paths: 'int32', num_diffuse: 'int32', diffuse_share: 'float64', strongest_interactions: 'utf8',
} as const;
const SPREAD_COLUMNS = { delay_spread_ns: 'float64', azimuth_spread_deg: 'float64', zenith_spread_deg: 'float64' } as const;

/** A nullable float column as a Float64Array with NaN for null. */
function floats(t: Table, name: string): Float64Array {
  const out = new Float64Array(t.numRows);
  let o = 0;
  for (const d of t.getChild(name)!.data) {
    const v = d.values as Float64Array;
    for (let i = 0; i < d.length; i++) out[o + i] = d.getValid(i) ? v[d.offset + i] : NaN;
    o += d.length;
  }
  return out;
}

function ints(t: Table, name: string): Int32Array {
  const a = t.getChild(name)!.toArray();
  return a instanceof Int32Array ? a : Int32Array.from(a as ArrayLike<number>);
}

function bools(t: Table, name: string): Uint8Array {
  const out = new Uint8Array(t.numRows);
  let i = 0;
  for (const v of t.getChild(name)!) out[i++] = v ? 1 : 0;
  return out;
}

export function readReportLinks(outDir: string, scenario: Scenario): ReportLinks {
  const file = path.join(outDir, 'links.arrow');
  const t = readArrowFile(file, 'links.arrow', 'simgen raytrace');
  const md = t.schema.metadata;
  const meta = (key: string) => {
    const v = md.get(key);
    if (v === undefined) throw new UserError(`${shownPath(file)}: schema metadata "${key}" is missing (not a simgen links.arrow; rerun "simgen raytrace")`);
    return v;
  };
  checkProvenanceKey(meta('input_key'), IDEAL_LINKS.inputKey(scenario), shownPath(file), 'raytrace');
  columnIndex(t.schema, LINK_COLUMNS, file);
  for (const name of Object.keys(SPREAD_COLUMNS))
    if (!t.schema.fields.some((f) => f.name === name))
      throw new UserError(`${shownPath(file)}: column "${name}" is missing: it was traced by a simgen without the spread columns; delete it and rerun "simgen raytrace"`);
  columnIndex(t.schema, SPREAD_COLUMNS, file);
  const sites = parseSites(meta('sites'), shownPath(file));
  // Rows by (trajectory, sample, site): every site once per sample, in the metadata's order.
  const siteCol = ints(t, 'site_id');
  const ns = sites.length;
  if (t.numRows % ns !== 0 || siteCol.some((id, r) => id !== sites[r % ns].id))
    throw new UserError(`${shownPath(file)}: rows are not ordered (trajectory_id, sample, site_id) with each of the ${ns} sites once per sample (rerun "simgen raytrace")`);
  const strongest: (string | null)[] = new Array(t.numRows);
  let i = 0;
  for (const v of t.getChild('strongest_interactions')!) strongest[i++] = v as string | null;
  return {
    file,
    inputKey: meta('input_key'),
    carrierFreqHz: Number(meta('carrier_freq_hz')),
    cutoffDb: Number(meta('path_loss_cutoff_db')),
    sites,
    rows: t.numRows,
    trajectoryId: ints(t, 'trajectory_id'),
    sample: ints(t, 'sample'),
    siteId: siteCol,
    x: floats(t, 'x'),
    y: floats(t, 'y'),
    z: floats(t, 'z'),
    heard: bools(t, 'heard'),
    los: bools(t, 'los'),
    pathLossDb: floats(t, 'path_loss_db'),
    numPaths: ints(t, 'num_paths'),
    numDiffuse: ints(t, 'num_diffuse'),
    diffuseShare: floats(t, 'diffuse_share'),
    strongest,
    delaySpreadNs: floats(t, 'delay_spread_ns'),
    azimuthSpreadDeg: floats(t, 'azimuth_spread_deg'),
    zenithSpreadDeg: floats(t, 'zenith_spread_deg'),
  };
}

/** A constellation as dataset.arrow records it. */
export interface ReportConstellation {
  id: number;
  sites: number[];
  unseen: boolean;
}

/**
 * The constellations of dataset.arrow (its schema metadata only), or null without a dataset.arrow: the
 * coverage figure then shows the per-site shares alone. A dataset.arrow of another links.arrow is refused.
 */
export async function readConstellations(outDir: string, links: ReportLinks): Promise<ReportConstellation[] | null> {
  const file = path.join(outDir, 'dataset.arrow');
  if (!fs.existsSync(file)) return null;
  const a = await ArrowBatchFile.open(file, 'dataset.arrow', 'simgen export');
  try {
    const meta = metaFromMap(a.schema.metadata, shownPath(file));
    const upstream = a.schema.metadata.get('links_input_key');
    if (upstream !== undefined && upstream !== links.inputKey)
      throw new UserError(`${shownPath(file)} was exported from another links.arrow (links input_key ${upstream.slice(0, 12)}, links.arrow has ${links.inputKey.slice(0, 12)}): rerun "simgen export"`);
    return meta.constellations.map((c) => ({ id: c.id, sites: [...c.sites], unseen: c.unseen }));
  } finally {
    await a.close();
  }
}

/**
 * measurements.arrow's errors when the run has one (null otherwise), checked to be this scenario's: the LOS and
 * NLOS groups of measure/report.ts's measurementErrors (detected links; ToA as a range error in m, AoA as the
 * angle to the true direction in deg, power measured - ideal in dB).
 */
export async function readMeasurements(outDir: string, scenario: Scenario): Promise<ErrorGroup[] | null> {
  const file = path.join(outDir, MEASUREMENTS_FILE);
  if (!fs.existsSync(file)) return null;
  if (scenario.measurement.model !== 'nr-srs')
    throw new UserError(`${shownPath(file)} is there but the scenario's measurement.model is "${scenario.measurement.model}" (measurements need "nr-srs"): report with the scenario that measured it, or remove the file`);
  const a = await ArrowBatchFile.open(file, MEASUREMENTS_FILE, 'simgen measure');
  try {
    const key = a.schema.metadata.get('input_key');
    if (key === undefined) throw new UserError(`${shownPath(file)}: schema metadata "input_key" is missing (rerun "simgen measure")`);
    checkProvenanceKey(key, MEASURED_LINKS.inputKey(scenario), shownPath(file), 'measure');
    columnIndex(a.schema, MEASUREMENT_COLUMNS, file);
  } finally {
    await a.close();
  }
  return measurementErrors(file).slice(0, 2);
}

const MEASUREMENT_COLUMNS = {
  los: 'bool', los_delay_ns: 'float64', los_azimuth_deg: 'float64', los_elevation_deg: 'float64', ideal_rx_power_dbm: 'float64', snr_db: 'float64',
  detected: 'bool', toa_ns: 'float64', aoa_azimuth_deg: 'float64', aoa_elevation_deg: 'float64', rx_power_dbm: 'float64',
} as const;
