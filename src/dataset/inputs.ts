import type { Table } from 'apache-arrow';
import { trajectoriesInputKey } from '../mobility/trajectories.ts';
import { raytraceInputKey } from '../raytrace/run.ts';
import type { Scenario } from '../scenario/load.ts';
import { readArrowFile } from '../util/arrow.ts';
import { UserError } from '../util/errors.ts';

// Reads the two upstream outputs the export depends on (links.arrow from `simgen raytrace`,
// trajectories.arrow from `simgen trajectories`) into flat typed arrays, checking their contracts.

/** A site as recorded in links.arrow metadata `sites`. */
export interface LinkSite {
  id: number;
  x: number;
  y: number;
  z: number;
}

/** links.arrow regrouped per trajectory sample: link arrays are indexed [sample * sites.length + siteIndex]. */
export interface Links {
  /** Sites in ascending id; siteIndex refers to this order. */
  sites: LinkSite[];
  samples: number;
  trajectoryId: Int32Array;
  sample: Int32Array;
  /** UE position per sample (m). */
  x: Float64Array;
  y: Float64Array;
  /** 1 when the link's path loss is within the cutoff. */
  heard: Uint8Array;
  rxPowerDbm: Float64Array;
  tofNs: Float64Array;
  /** Quantised AoA at the gNB (degrees, as the file stores them). */
  azimuthQDeg: Float64Array;
  elevationQDeg: Float64Array;
  inputKey: string;
  pathLossCutoffDb: number;
  ueTxPowerDbm: number;
}

/** trajectories.arrow reduced to what the export needs: the split of each trajectory. */
export interface Splits {
  /** trajectory_id -> true when it is a test track. */
  isTest: Map<number, boolean>;
  inputKey: string;
}

export function column(table: Table, name: string, file: string) {
  const c = table.getChild(name);
  if (!c) throw new UserError(`${file}: column "${name}" is missing (rerun the stage that writes it)`);
  return c;
}

export function float64(table: Table, name: string, file: string): Float64Array {
  const a = column(table, name, file).toArray();
  return a instanceof Float64Array ? a : Float64Array.from(a as ArrayLike<number>);
}

export function int32(table: Table, name: string, file: string): Int32Array {
  const a = column(table, name, file).toArray();
  return a instanceof Int32Array ? a : Int32Array.from(a as ArrayLike<number>);
}

export function metaValue(table: Table, key: string, file: string): string {
  const v = table.schema.metadata.get(key);
  if (v === undefined) throw new UserError(`${file}: schema metadata "${key}" is missing (rerun the stage that writes it)`);
  return v;
}

/** The file must be what this scenario and seed make (its recorded input_key), or its numbers describe another world. */
export function checkProvenance(table: Table, expectedKey: string, file: string, stage: string): void {
  const key = metaValue(table, 'input_key', file);
  if (key !== expectedKey)
    throw new UserError(`${file} was written for another scenario, seed or upstream file (input_key ${key.slice(0, 12)}, expected ${expectedKey.slice(0, 12)}): rerun "simgen ${stage}"`);
}

export function readLinks(file: string, scenario: Scenario): Links {
  const t = readArrowFile(file, 'links.arrow');
  checkProvenance(t, raytraceInputKey(scenario, trajectoriesInputKey(scenario)), file, 'raytrace');
  const sites = (JSON.parse(metaValue(t, 'sites', file)) as LinkSite[]).map(({ id, x, y, z }) => ({ id, x, y, z })).sort((a, b) => a.id - b.id);
  const n = sites.length;
  const rows = t.numRows;
  if (n === 0 || rows % n !== 0) throw new UserError(`${file}: ${rows} rows is not a whole number of samples x ${n} sites`);
  const samples = rows / n;

  const trajectoryId = int32(t, 'trajectory_id', file);
  const sample = int32(t, 'sample', file);
  const siteId = int32(t, 'site_id', file);
  // The contract orders rows by (trajectory_id, sample, site_id) with every site present per sample.
  for (let r = 0; r < rows; r++) {
    const head = r - (r % n);
    if (siteId[r] !== sites[r % n].id || trajectoryId[r] !== trajectoryId[head] || sample[r] !== sample[head])
      throw new UserError(`${file}: row ${r} breaks the (trajectory_id, sample, site_id) order with one row per site (rerun "simgen raytrace")`);
  }
  const perSample = <T extends Int32Array | Float64Array>(a: T): T => a.filter((_, r) => r % n === 0) as T;
  const heardCol = column(t, 'heard', file);
  const heard = new Uint8Array(rows);
  let r = 0;
  for (const v of heardCol) heard[r++] = v ? 1 : 0;

  return {
    sites,
    samples,
    trajectoryId: perSample(trajectoryId),
    sample: perSample(sample),
    x: perSample(float64(t, 'x', file)),
    y: perSample(float64(t, 'y', file)),
    heard,
    rxPowerDbm: float64(t, 'rx_power_dbm', file),
    tofNs: float64(t, 'tof_ns', file),
    azimuthQDeg: float64(t, 'aoa_azimuth_q_deg', file),
    elevationQDeg: float64(t, 'aoa_elevation_q_deg', file),
    inputKey: metaValue(t, 'input_key', file),
    pathLossCutoffDb: Number(metaValue(t, 'path_loss_cutoff_db', file)),
    ueTxPowerDbm: Number(metaValue(t, 'ue_tx_power_dbm', file)),
  };
}

export function readSplits(file: string, scenario: Scenario): Splits {
  const t = readArrowFile(file, 'trajectories.arrow');
  checkProvenance(t, trajectoriesInputKey(scenario), file, 'trajectories');
  const ids = int32(t, 'trajectory_id', file);
  const split = column(t, 'split', file);
  const isTest = new Map<number, boolean>();
  let r = 0;
  for (const v of split) {
    if (v !== 'train' && v !== 'test') throw new UserError(`${file}: row ${r} has split ${JSON.stringify(v)}; allowed "train" | "test"`);
    const test = v === 'test';
    const seen = isTest.get(ids[r]);
    if (seen !== undefined && seen !== test) throw new UserError(`${file}: trajectory ${ids[r]} has samples in both splits`);
    isTest.set(ids[r], test);
    r++;
  }
  return { isTest, inputKey: metaValue(t, 'input_key', file) };
}
