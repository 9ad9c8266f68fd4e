import { Table } from 'apache-arrow';
import { trajectoriesInputKey } from '../../mobility/trajectories.ts';
import { raytraceInputKey } from '../../raytrace/run.ts';
import type { Scenario } from '../../scenario/load.ts';
import { ArrowBatchFile, readArrowFile } from '../../util/arrow.ts';
import { UserError } from '../../util/errors.ts';
import { shownPath } from '../../util/paths.ts';
import { checkProvenance, column, float64, int32, metaValue } from '../inputs.ts';

// Reads what `simgen raytrace --paths` wrote: links.arrow for the receivers (every one, with or without
// paths) and the sites, paths.arrow for every path of every link, as flat arrays. Both files list links
// in the same (trajectory_id, sample, site_id) order; a link's paths are consecutive rows of paths.arrow.
// paths.arrow is read one record batch at a time: with diffuse scattering the default scenario's is ~3 GB,
// over what Node reads into one buffer (2 GiB).

export interface RaytraceSite {
  id: number;
  x: number;
  y: number;
  z: number;
  orientation_deg: number;
}

export interface RaytracePaths {
  /** Sites in ascending id: transmitter index i of the DeepMIMO export is sites[i]. */
  sites: RaytraceSite[];
  /** Receivers in links.arrow order: (trajectory_id, sample), position. */
  receivers: { trajectoryId: Int32Array; sample: Int32Array; xyz: Float64Array };
  /** "trajectories" or "rx-csv" (raytrace --rx). */
  receiverSource: string;
  /** links.arrow schema metadata (the raytrace settings). */
  metadata: Record<string, string>;
  /** Per link (receiver r, site s at r * sites.length + s): its first row in paths.arrow and its path count. */
  linkStart: Int32Array;
  linkCount: Int32Array;
  /** paths.arrow columns, one entry per path. */
  interactions: string[];
  /** x, y, z of every vertex (site first, UE last) of path p: vertices[vertexOffsets[p] .. vertexOffsets[p + 1]]. */
  vertexOffsets: Int32Array;
  vertices: Float64Array;
  pathGainDb: Float64Array;
  amplitudeRe: Float64Array;
  amplitudeIm: Float64Array;
  delayNs: Float64Array;
  /** At the site, toward the first interaction (or the UE). */
  siteAzimuthDeg: Float64Array;
  siteElevationDeg: Float64Array;
  /** At the UE, toward the last interaction (or the site). */
  ueAzimuthDeg: Float64Array;
  ueElevationDeg: Float64Array;
}

/** A List<Float64> column flattened over all record batches: global offsets (rows + 1) and values. */
function float64List(table: Table, name: string, file: string): { offsets: Int32Array; values: Float64Array } {
  column(table, name, file);
  const offsets = new Int32Array(table.numRows + 1);
  const parts: Float64Array[] = [];
  let row = 0;
  let base = 0;
  for (const batch of table.batches) {
    for (const data of batch.getChild(name)!.data) {
      const o = data.valueOffsets;
      const child = data.children[0];
      const values = (child.values as Float64Array).subarray(child.offset + o[data.offset], child.offset + o[data.offset + data.length]);
      for (let i = 0; i < data.length; i++) offsets[++row] = base + o[data.offset + i + 1] - o[data.offset];
      parts.push(values);
      base += values.length;
    }
  }
  const values = new Float64Array(base);
  let at = 0;
  for (const p of parts) {
    values.set(p, at);
    at += p.length;
  }
  return { offsets, values };
}

/** paths.arrow's columns, one entry per path, concatenated over its record batches. */
type PathColumns = Pick<RaytracePaths, 'interactions' | 'vertexOffsets' | 'vertices' | 'pathGainDb' | 'amplitudeRe' | 'amplitudeIm' | 'delayNs' | 'siteAzimuthDeg' | 'siteElevationDeg' | 'ueAzimuthDeg' | 'ueElevationDeg'> & {
  trajectoryId: Int32Array;
  sample: Int32Array;
  siteId: Int32Array;
  inputKey: string;
};

function concat<T extends Int32Array | Float64Array>(parts: T[], make: new (n: number) => T): T {
  const out = new make(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

async function readPathColumns(file: string): Promise<PathColumns> {
  const arrow = await ArrowBatchFile.open(file, 'paths.arrow (written by "simgen raytrace --paths")');
  try {
    const inputKey = arrow.schema.metadata.get('input_key');
    if (inputKey === undefined) throw new UserError(`${shownPath(file)}: schema metadata "input_key" is missing (rerun "simgen raytrace --paths")`);
    const ints = { trajectoryId: 'trajectory_id', sample: 'sample', siteId: 'site_id' } as const;
    const floats = {
      pathGainDb: 'path_gain_db', amplitudeRe: 'amplitude_re', amplitudeIm: 'amplitude_im', delayNs: 'delay_ns',
      siteAzimuthDeg: 'aoa_azimuth_deg', siteElevationDeg: 'aoa_elevation_deg', ueAzimuthDeg: 'aod_azimuth_deg', ueElevationDeg: 'aod_elevation_deg',
    } as const;
    const intParts = Object.fromEntries(Object.keys(ints).map((k) => [k, [] as Int32Array[]])) as Record<keyof typeof ints, Int32Array[]>;
    const floatParts = Object.fromEntries(Object.keys(floats).map((k) => [k, [] as Float64Array[]])) as Record<keyof typeof floats, Float64Array[]>;
    const offsetParts: Int32Array[] = [new Int32Array(1)];
    const vertexParts: Float64Array[] = [];
    const interactions: string[] = [];
    let vertexBase = 0;
    for await (const batch of arrow.batches()) {
      const t = new Table(batch);
      for (const [k, name] of Object.entries(ints)) intParts[k as keyof typeof ints].push(int32(t, name, file));
      for (const [k, name] of Object.entries(floats)) floatParts[k as keyof typeof floats].push(float64(t, name, file));
      const v = float64List(t, 'vertices', file);
      offsetParts.push(v.offsets.subarray(1).map((o) => o + vertexBase));
      vertexParts.push(v.values);
      vertexBase += v.values.length;
      for (const i of column(t, 'interactions', file)) interactions.push(String(i));
    }
    return {
      inputKey, interactions,
      ...(Object.fromEntries(Object.entries(intParts).map(([k, parts]) => [k, concat(parts, Int32Array)])) as Record<keyof typeof ints, Int32Array>),
      ...(Object.fromEntries(Object.entries(floatParts).map(([k, parts]) => [k, concat(parts, Float64Array)])) as Record<keyof typeof floats, Float64Array>),
      vertexOffsets: concat(offsetParts, Int32Array),
      vertices: concat(vertexParts, Float64Array),
    };
  } finally {
    await arrow.close();
  }
}

export async function readRaytracePaths(files: { links: string; paths: string }, scenario: Scenario): Promise<RaytracePaths> {
  const links = readArrowFile(files.links, 'links.arrow');
  const metadata = Object.fromEntries(links.schema.metadata);
  const receiverSource = metaValue(links, 'receivers', files.links);
  // The scene and materials of params.json come from the scenario: the paths must come from it too.
  if (receiverSource === 'trajectories') checkProvenance(links, raytraceInputKey(scenario, trajectoriesInputKey(scenario)), files.links, 'raytrace --paths');
  else if (metaValue(links, 'scenario_hash', files.links) !== scenario.hash || metaValue(links, 'seed', files.links) !== String(scenario.seed))
    throw new UserError(`${shownPath(files.links)} was traced for another scenario or seed than ${scenario.name} (seed ${scenario.seed}): rerun "simgen raytrace --paths --rx ..."`);
  const paths = await readPathColumns(files.paths);
  if (paths.inputKey !== metaValue(links, 'input_key', files.links))
    throw new UserError(`${shownPath(files.paths)} and ${shownPath(files.links)} come from different raytrace runs (input_key differs): rerun "simgen raytrace --paths"`);

  const sites = (JSON.parse(metaValue(links, 'sites', files.links)) as RaytraceSite[]).sort((a, b) => a.id - b.id);
  const ns = sites.length;
  const rows = links.numRows;
  if (ns === 0 || rows % ns !== 0) throw new UserError(`${shownPath(files.links)}: ${rows} rows is not a whole number of receivers x ${ns} sites`);
  const nr = rows / ns;
  const tid = int32(links, 'trajectory_id', files.links);
  const smp = int32(links, 'sample', files.links);
  const sid = int32(links, 'site_id', files.links);
  const x = float64(links, 'x', files.links), y = float64(links, 'y', files.links), z = float64(links, 'z', files.links);
  const receivers = { trajectoryId: new Int32Array(nr), sample: new Int32Array(nr), xyz: new Float64Array(3 * nr) };
  for (let r = 0; r < nr; r++) {
    const l = r * ns;
    receivers.trajectoryId[r] = tid[l];
    receivers.sample[r] = smp[l];
    receivers.xyz.set([x[l], y[l], z[l]], 3 * r);
    for (let s = 0; s < ns; s++)
      if (sid[l + s] !== sites[s].id || tid[l + s] !== tid[l] || smp[l + s] !== smp[l])
        throw new UserError(`${shownPath(files.links)}: row ${l + s} breaks the (trajectory_id, sample, site_id) order with one row per site (rerun "simgen raytrace --paths")`);
  }

  // Each path row belongs to the next link (in links.arrow order) with its key: a merge of the two files.
  const { trajectoryId: pTid, sample: pSmp, siteId: pSid, inputKey: _, ...columns } = paths;
  const linkStart = new Int32Array(rows).fill(-1);
  const linkCount = new Int32Array(rows);
  let l = 0;
  for (let p = 0; p < pTid.length; p++) {
    while (l < rows && !(tid[l] === pTid[p] && smp[l] === pSmp[p] && sid[l] === pSid[p])) l++;
    if (l === rows)
      throw new UserError(`${shownPath(files.paths)}: row ${p} (trajectory ${pTid[p]}, sample ${pSmp[p]}, site ${pSid[p]}) has no link in ${shownPath(files.links)} at or after its predecessor's (rerun "simgen raytrace --paths")`);
    if (linkStart[l] < 0) linkStart[l] = p;
    linkCount[l]++;
  }
  return { sites, receivers, receiverSource, metadata, linkStart, linkCount, ...columns };
}
