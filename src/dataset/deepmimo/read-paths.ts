import { Table } from 'apache-arrow';
import { trajectoriesInputKey } from '../../mobility/trajectories.ts';
import { raytraceInputKey } from '../../raytrace/index.ts';
import type { Scenario } from '../../scenario/load.ts';
import { ArrowBatchFile, columnIndex, readArrowFile } from '../../util/arrow.ts';
import { UserError } from '../../util/errors.ts';
import { shownPath } from '../../util/paths.ts';
import { checkProvenance, column, float64, int32, metaValue } from '../inputs.ts';
import { MAX_PATHS, strongestFirst } from './matrices.ts';

// Reads what `simgen raytrace --paths` wrote: links.arrow for the receivers (every one, with or without
// paths) and the sites, paths.arrow for every path of every link, as flat arrays. Both files list links
// in the same (trajectory_id, sample, site_id) order; a link's paths are consecutive rows of paths.arrow.
// paths.arrow is read one record batch at a time, twice: with diffuse scattering the default scenario's is
// ~3 GB (over what Node reads into one buffer, 2 GiB) and holds 14 M paths. The first pass reads each row's
// link and path gain and picks the MAX_PATHS strongest paths of every link (DeepMIMO keeps no more); the
// second reads the columns of those rows only, so memory follows what is exported.

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
  /** Per link (receiver r, site s at r * sites.length + s): its first kept path and its kept paths (<= MAX_PATHS). */
  linkStart: Int32Array;
  linkCount: Int32Array;
  /** Per link: its paths in paths.arrow (kept or not); and all the file's paths. */
  linkTotal: Int32Array;
  pathsTotal: number;
  /** paths.arrow columns of the kept paths (a link's strongest MAX_PATHS, in file order), one entry per path. */
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
  return { offsets, values: concat(parts, Float64Array) };
}

/** paths.arrow's columns, one entry per kept path, concatenated over its record batches. */
type PathColumns = Pick<RaytracePaths, 'interactions' | 'vertexOffsets' | 'vertices' | 'pathGainDb' | 'amplitudeRe' | 'amplitudeIm' | 'delayNs' | 'siteAzimuthDeg' | 'siteElevationDeg' | 'ueAzimuthDeg' | 'ueElevationDeg'>;

/** What the first pass reads of every row: its link key and path gain. */
interface PathIndex {
  trajectoryId: Int32Array;
  sample: Int32Array;
  siteId: Int32Array;
  pathGainDb: Float64Array;
}

/** The scalar columns the export reads, with their types (`vertices` is a list, checked where it is read). */
const PATH_COLUMNS = {
  trajectory_id: 'int32', sample: 'int32', site_id: 'int32', interactions: 'utf8', path_gain_db: 'float64', amplitude_re: 'float64',
  amplitude_im: 'float64', delay_ns: 'float64', aoa_azimuth_deg: 'float64', aoa_elevation_deg: 'float64', aod_azimuth_deg: 'float64', aod_elevation_deg: 'float64',
} as const;

function concat<T extends Int32Array | Float64Array>(parts: T[], make: new (n: number) => T): T {
  const out = new make(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * paths.arrow, checked (its columns, and the input_key of the links.arrow it goes with), then each record batch
 * as a Table.
 */
async function eachBatch(files: { links: string; paths: string }, linksKey: string, use: (t: Table) => void): Promise<void> {
  const arrow = await ArrowBatchFile.open(files.paths, 'paths.arrow', 'simgen raytrace --paths');
  try {
    if (arrow.schema.metadata.get('input_key') !== linksKey)
      throw new UserError(`${shownPath(files.paths)} and ${shownPath(files.links)} come from different raytrace runs (input_key differs): rerun "simgen raytrace --paths"`);
    columnIndex(arrow.schema, PATH_COLUMNS, files.paths);
    for await (const batch of arrow.batches()) use(new Table(batch));
  } finally {
    await arrow.close();
  }
}

async function readPathIndex(files: { links: string; paths: string }, linksKey: string): Promise<PathIndex> {
  const parts = { trajectoryId: [] as Int32Array[], sample: [] as Int32Array[], siteId: [] as Int32Array[], pathGainDb: [] as Float64Array[] };
  const file = files.paths;
  await eachBatch(files, linksKey, (t) => {
    parts.trajectoryId.push(int32(t, 'trajectory_id', file));
    parts.sample.push(int32(t, 'sample', file));
    parts.siteId.push(int32(t, 'site_id', file));
    parts.pathGainDb.push(float64(t, 'path_gain_db', file));
  });
  return {
    trajectoryId: concat(parts.trajectoryId, Int32Array), sample: concat(parts.sample, Int32Array), siteId: concat(parts.siteId, Int32Array),
    pathGainDb: concat(parts.pathGainDb, Float64Array),
  };
}

async function readKeptPaths(files: { links: string; paths: string }, linksKey: string, keep: Uint8Array): Promise<PathColumns> {
  const file = files.paths;
  const floats = {
    pathGainDb: 'path_gain_db', amplitudeRe: 'amplitude_re', amplitudeIm: 'amplitude_im', delayNs: 'delay_ns',
    siteAzimuthDeg: 'aoa_azimuth_deg', siteElevationDeg: 'aoa_elevation_deg', ueAzimuthDeg: 'aod_azimuth_deg', ueElevationDeg: 'aod_elevation_deg',
  } as const;
  type Key = keyof typeof floats;
  const kept = keep.reduce((n, k) => n + k, 0);
  const cols = Object.fromEntries(Object.keys(floats).map((k) => [k, new Float64Array(kept)])) as Record<Key, Float64Array>;
  const vertexOffsets = new Int32Array(kept + 1);
  const vertexParts: Float64Array[] = [];
  const interactions: string[] = [];
  let row = 0; // row of the file
  let at = 0; // kept path
  await eachBatch(files, linksKey, (t) => {
    const values = Object.entries(floats).map(([k, name]) => [cols[k as Key], float64(t, name, file)] as const);
    const v = float64List(t, 'vertices', file);
    const labels = column(t, 'interactions', file);
    let size = 0;
    for (let i = 0; i < t.numRows; i++) if (keep[row + i]) size += v.offsets[i + 1] - v.offsets[i];
    const verts = new Float64Array(size);
    let vAt = 0;
    for (let i = 0; i < t.numRows; i++, row++) {
      if (!keep[row]) continue;
      for (const [out, src] of values) out[at] = src[i];
      verts.set(v.values.subarray(v.offsets[i], v.offsets[i + 1]), vAt);
      vAt += v.offsets[i + 1] - v.offsets[i];
      vertexOffsets[at + 1] = vertexOffsets[at] + v.offsets[i + 1] - v.offsets[i];
      interactions.push(String(labels.get(i)));
      at++;
    }
    vertexParts.push(verts);
  });
  if (row !== keep.length) throw new UserError(`${shownPath(file)} changed while it was read (${row} rows, ${keep.length} before); run the export again`);
  return { ...cols, interactions, vertexOffsets, vertices: concat(vertexParts, Float64Array) };
}

export async function readRaytracePaths(files: { links: string; paths: string }, scenario: Scenario): Promise<RaytracePaths> {
  const links = readArrowFile(files.links, 'links.arrow', 'simgen raytrace --paths');
  const metadata = Object.fromEntries(links.schema.metadata);
  const receiverSource = metaValue(links, 'receivers', files.links);
  // The scene and materials of params.json come from the scenario: the paths must come from it too.
  if (receiverSource === 'trajectories') checkProvenance(links, raytraceInputKey(scenario, trajectoriesInputKey(scenario)), files.links, 'raytrace --paths');
  else if (metaValue(links, 'scenario_hash', files.links) !== scenario.hash || metaValue(links, 'seed', files.links) !== String(scenario.seed))
    throw new UserError(`${shownPath(files.links)} was traced for another scenario or seed than ${scenario.name} (seed ${scenario.seed}): rerun "simgen raytrace --paths --rx ..."`);
  const linksKey = metaValue(links, 'input_key', files.links);
  const index = await readPathIndex(files, linksKey);

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
  const { trajectoryId: pTid, sample: pSmp, siteId: pSid, pathGainDb: gain } = index;
  const linkFirst = new Int32Array(rows).fill(-1);
  const linkTotal = new Int32Array(rows);
  let l = 0;
  for (let p = 0; p < pTid.length; p++) {
    while (l < rows && !(tid[l] === pTid[p] && smp[l] === pSmp[p] && sid[l] === pSid[p])) l++;
    if (l === rows)
      throw new UserError(`${shownPath(files.paths)}: row ${p} (trajectory ${pTid[p]}, sample ${pSmp[p]}, site ${pSid[p]}) has no link in ${shownPath(files.links)} at or after its predecessor's (rerun "simgen raytrace --paths")`);
    if (linkFirst[l] < 0) linkFirst[l] = p;
    linkTotal[l]++;
  }

  // Keep the MAX_PATHS strongest paths of each link (ties: the search order), in file order.
  const keep = new Uint8Array(pTid.length);
  const linkStart = new Int32Array(rows).fill(-1);
  const linkCount = new Int32Array(rows);
  let kept = 0;
  for (let k = 0; k < rows; k++) {
    const n = linkTotal[k], first = linkFirst[k];
    if (n === 0) continue;
    if (n <= MAX_PATHS) keep.fill(1, first, first + n);
    else {
      const order = Array.from({ length: n }, (_, i) => first + i).sort(strongestFirst(gain));
      for (let i = 0; i < MAX_PATHS; i++) keep[order[i]] = 1;
    }
    linkStart[k] = kept;
    linkCount[k] = Math.min(n, MAX_PATHS);
    kept += linkCount[k];
  }
  const columns = await readKeptPaths(files, linksKey, keep);
  return { sites, receivers, receiverSource, metadata, linkStart, linkCount, linkTotal, pathsTotal: pTid.length, ...columns };
}
