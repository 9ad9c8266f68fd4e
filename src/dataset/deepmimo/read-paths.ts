import type { Table } from 'apache-arrow';
import { trajectoriesInputKey } from '../../mobility/trajectories.ts';
import { raytraceInputKey } from '../../raytrace/run.ts';
import type { Scenario } from '../../scenario/load.ts';
import { readArrowFile } from '../../util/arrow.ts';
import { UserError } from '../../util/errors.ts';
import { checkProvenance, column, float64, int32, metaValue } from '../inputs.ts';

// Reads what `simgen raytrace --paths` wrote: links.arrow for the receivers (every one, with or without
// paths) and the sites, paths.arrow for every path of every link, as flat arrays. Both files list links
// in the same (trajectory_id, sample, site_id) order; a link's paths are consecutive rows of paths.arrow.

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

export function readRaytracePaths(files: { links: string; paths: string }, scenario: Scenario): RaytracePaths {
  const links = readArrowFile(files.links, 'links.arrow');
  const paths = readArrowFile(files.paths, 'paths.arrow (written by "simgen raytrace --paths")');
  const metadata = Object.fromEntries(links.schema.metadata);
  const receiverSource = metaValue(links, 'receivers', files.links);
  // The scene and materials of params.json come from the scenario: the paths must come from it too.
  if (receiverSource === 'trajectories') checkProvenance(links, raytraceInputKey(scenario, trajectoriesInputKey(scenario)), files.links, 'raytrace --paths');
  else if (metaValue(links, 'scenario_hash', files.links) !== scenario.hash || metaValue(links, 'seed', files.links) !== String(scenario.seed))
    throw new UserError(`${files.links} was traced for another scenario or seed than ${scenario.name} (seed ${scenario.seed}): rerun "simgen raytrace --paths --rx ..."`);
  if (metaValue(paths, 'input_key', files.paths) !== metaValue(links, 'input_key', files.links))
    throw new UserError(`${files.paths} and ${files.links} come from different raytrace runs (input_key differs): rerun "simgen raytrace --paths"`);

  const sites = (JSON.parse(metaValue(links, 'sites', files.links)) as RaytraceSite[]).sort((a, b) => a.id - b.id);
  const ns = sites.length;
  const rows = links.numRows;
  if (ns === 0 || rows % ns !== 0) throw new UserError(`${files.links}: ${rows} rows is not a whole number of receivers x ${ns} sites`);
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
        throw new UserError(`${files.links}: row ${l + s} breaks the (trajectory_id, sample, site_id) order with one row per site (rerun "simgen raytrace --paths")`);
  }

  // Each path row belongs to the next link (in links.arrow order) with its key: a merge of the two files.
  const pTid = int32(paths, 'trajectory_id', files.paths);
  const pSmp = int32(paths, 'sample', files.paths);
  const pSid = int32(paths, 'site_id', files.paths);
  const linkStart = new Int32Array(rows).fill(-1);
  const linkCount = new Int32Array(rows);
  let l = 0;
  for (let p = 0; p < paths.numRows; p++) {
    while (l < rows && !(tid[l] === pTid[p] && smp[l] === pSmp[p] && sid[l] === pSid[p])) l++;
    if (l === rows)
      throw new UserError(`${files.paths}: row ${p} (trajectory ${pTid[p]}, sample ${pSmp[p]}, site ${pSid[p]}) has no link in ${files.links} at or after its predecessor's (rerun "simgen raytrace --paths")`);
    if (linkStart[l] < 0) linkStart[l] = p;
    linkCount[l]++;
  }

  const { offsets: vertexOffsets, values: vertices } = float64List(paths, 'vertices', files.paths);
  const interactions = Array.from(column(paths, 'interactions', files.paths), (v) => String(v));
  return {
    sites,
    receivers,
    receiverSource,
    metadata,
    linkStart,
    linkCount,
    interactions,
    vertexOffsets,
    vertices,
    pathGainDb: float64(paths, 'path_gain_db', files.paths),
    amplitudeRe: float64(paths, 'amplitude_re', files.paths),
    amplitudeIm: float64(paths, 'amplitude_im', files.paths),
    delayNs: float64(paths, 'delay_ns', files.paths),
    siteAzimuthDeg: float64(paths, 'aoa_azimuth_deg', files.paths),
    siteElevationDeg: float64(paths, 'aoa_elevation_deg', files.paths),
    ueAzimuthDeg: float64(paths, 'aod_azimuth_deg', files.paths),
    ueElevationDeg: float64(paths, 'aod_elevation_deg', files.paths),
  };
}
