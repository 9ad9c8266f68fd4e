import type { CityMap } from '../../map/types.ts';
import { makeArrayGain } from '../../radio/antenna.ts';
import { type FieldContext, makeFieldContext } from '../../radio/field.ts';
import { interactionLabel } from '../../radio/path.ts';
import type { RaytraceConfig } from '../../scenario/config.ts';
import type { Site } from '../../scenario/load.ts';
import { buildScene } from '../../scene/build.ts';
import type { Scene, Vec3 } from '../../scene/types.ts';
import { buildScatterIndex, diffuseAt, diffusePath, type ScatterIndex } from './diffuse.ts';
import { flattenScene, type FlatScene } from './flat-scene.ts';
import { illuminate } from './illumination.ts';
import { DiffuseRecord } from './diffuse-record.ts';
import { type ArrayGainFn, departureAtSite, type DiffuseLinkPath, directionAngles, evaluateLink, type LinkResult, type PathRecord } from './link.ts';
import { rayCounter } from './occlusion.ts';
import { pathLength } from './range.ts';
import { findPaths, precomputeSite, type SitePrecomputed } from './search.ts';
import { type TraceSettings, traceSettings } from './settings.ts';
import { buildTiles, type ScatterTiles } from './tiles.ts';

export type { SitePrecomputed };
export type { DiffuseRecord, LinkResult };

// The engine's one door: a tracer made from a scenario's map, raytrace config and sites, which precomputes each
// site (its image tree, edges, the tiles it lights) and traces a block of receivers against every site. The
// run machinery (../run/) calls it in the main thread (one thread) and in worker threads alike, so the output
// does not depend on where a block ran. Sites are traced in ascending id order.

/** What a tracer is made from (a Scenario is one; a radio map or a site's link file passes a subset of the sites). */
export interface TraceInput {
  map: CityMap;
  raytrace: RaytraceConfig;
  sites: Site[];
}

/**
 * What a thread needs to trace: the scene, the field context and the array, the scattering tiles, then
 * each site's precomputation (setSites) and the index of the tiles the sites light.
 */
export interface Tracer {
  scene: Scene;
  fs: FlatScene;
  field: FieldContext;
  arrayGain: ArrayGainFn;
  settings: TraceSettings;
  sites: { id: number; orientation: number; position: Vec3 }[];
  /** Diffuse scattering: the tiles (null when off or no surface scatters). */
  tiles: ScatterTiles | null;
  pre: SitePrecomputed[];
  scatter: ScatterIndex | null;
  /** max_range_m (Infinity when unset): no path longer is kept; `reach` is the culling radius (range.ts), Infinity when culling is off. */
  maxRange: number;
  reach: number;
}

/** The sites in the order a tracer traces them (ascending id): the order of a block's links. */
export function sitesInOrder<S extends { id: number }>(sites: S[]): S[] {
  return [...sites].sort((a, b) => a.id - b.id);
}

/**
 * Builds everything but the per-site precomputation; UserError on a material outside its range. `cull: false` keeps
 * the geometry beyond max_range_m (the paths are the same, test/raytrace-range.test.ts checks it).
 */
export function makeTracer(input: TraceInput, { cull = true } = {}): Tracer {
  const c = input.raytrace;
  const scene = buildScene(input.map);
  const settings = traceSettings(c);
  const field = makeFieldContext(scene, c.carrierFreqHz, c.polarization, c.allowMaterialOutOfRange, (m) => c.materialScattering[m]);
  const scatters = (s: number) => field.surfaceScattering[s].coefficient > 0;
  const tiles = settings.scattering && scene.surfaces.some((s) => scatters(s.id)) ? buildTiles(scene, settings.scattering.tileM, scatters) : null;
  return {
    scene,
    fs: flattenScene(scene),
    field,
    arrayGain: makeArrayGain(c.array, c.carrierFreqHz),
    settings,
    sites: sitesInOrder(input.sites).map((s) => ({ id: s.id, orientation: s.orientation, position: [s.x, s.y, s.z] as Vec3 })),
    tiles,
    pre: [],
    scatter: null,
    maxRange: settings.maxRangeM ?? Infinity,
    reach: cull ? (settings.maxRangeM ?? Infinity) : Infinity,
  };
}

export function precomputeTracerSite(t: Tracer, i: number): SitePrecomputed {
  const pre = precomputeSite(t.fs, t.scene, t.sites[i].position, t.settings.search, t.reach);
  if (t.tiles) pre.illumination = illuminate(t.fs, t.field, t.tiles, pre.tree, t.sites[i].orientation, t.arrayGain, t.settings.scattering!.reflectionsBefore, t.maxRange, t.reach);
  return pre;
}

/** Hands the tracer every site's precomputation (in site order) and indexes the tiles they light. */
export function setSites(t: Tracer, pre: SitePrecomputed[]): void {
  t.pre = pre;
  t.scatter = t.tiles ? buildScatterIndex(t.tiles, t.fs, t.field, pre.map((p) => p.illumination!), t.maxRange, t.reach) : null;
}

/** The paths between site s and receiver rx no longer than max_range_m; none without a search when the site is beyond the culling radius. */
function sitePaths(t: Tracer, s: number, rx: Vec3) {
  const [x, y, z] = t.sites[s].position;
  if (t.reach < Infinity && Math.hypot(rx[0] - x, rx[1] - y, rx[2] - z) > t.reach) return [];
  const paths = findPaths(t.fs, t.pre[s], rx, t.scatter?.view);
  return t.maxRange < Infinity ? paths.filter((p) => pathLength(p) <= t.maxRange) : paths;
}

/** Per-link columns of a block, row = receiver * sites + site. */
export interface LinkColumns {
  heard: Uint8Array;
  los: Uint8Array;
  rx_power_dbm: Float64Array;
  path_loss_db: Float64Array;
  tof_ns: Float64Array;
  aoa_azimuth_deg: Float64Array;
  aoa_elevation_deg: Float64Array;
  aoa_azimuth_q_deg: Float64Array;
  aoa_elevation_q_deg: Float64Array;
  num_paths: Int32Array;
  num_diffuse: Int32Array;
  diffuse_share: Float64Array;
  strongest_interactions: string[];
  delay_spread_ns: Float64Array;
  azimuth_spread_deg: Float64Array;
  zenith_spread_deg: Float64Array;
}

/** Per-path columns of a block; `link` is the row of the path's link within the block. */
export interface PathColumns {
  link: number[];
  interactions: string[];
  interaction_ids: number[][];
  vertices: number[][];
  length_m: number[];
  delay_ns: number[];
  path_gain_db: number[];
  amplitude_re: number[];
  amplitude_im: number[];
  array_gain_dbi: number[];
  rx_power_dbm: number[];
  aoa_azimuth_deg: number[];
  aoa_elevation_deg: number[];
  aod_azimuth_deg: number[];
  aod_elevation_deg: number[];
  scatter_tiles: number[];
}

export interface BlockResult {
  links: LinkColumns;
  paths: PathColumns | null;
  /** Paths found, rays cast (occlusion tests) and seconds spent on diffuse scattering, for the throughput numbers. */
  pathCount: number;
  rays: number;
  scatterSeconds: number;
}

/** Link columns for n links, to be filled. */
export function emptyLinkColumns(n: number): LinkColumns {
  return {
    heard: new Uint8Array(n), los: new Uint8Array(n),
    rx_power_dbm: new Float64Array(n), path_loss_db: new Float64Array(n), tof_ns: new Float64Array(n),
    aoa_azimuth_deg: new Float64Array(n), aoa_elevation_deg: new Float64Array(n),
    aoa_azimuth_q_deg: new Float64Array(n), aoa_elevation_q_deg: new Float64Array(n),
    num_paths: new Int32Array(n), num_diffuse: new Int32Array(n), diffuse_share: new Float64Array(n), strongest_interactions: new Array<string>(n),
    delay_spread_ns: new Float64Array(n), azimuth_spread_deg: new Float64Array(n), zenith_spread_deg: new Float64Array(n),
  };
}

/** Traces receivers (x, y, z triples) against every site of the tracer. */
export function traceBlock(t: Tracer, receivers: Float64Array, withPaths: boolean): BlockResult {
  const nr = receivers.length / 3;
  const ns = t.sites.length;
  const n = nr * ns;
  const L = emptyLinkColumns(n);
  const P: PathColumns | null = withPaths
    ? { link: [], interactions: [], interaction_ids: [], vertices: [], length_m: [], delay_ns: [], path_gain_db: [], amplitude_re: [], amplitude_im: [], array_gain_dbi: [], rx_power_dbm: [], aoa_azimuth_deg: [], aoa_elevation_deg: [], aod_azimuth_deg: [], aod_elevation_deg: [], scatter_tiles: [] }
    : null;
  const keep: PathRecord[] | undefined = withPaths ? [] : undefined;
  let pathCount = 0;
  let scatterMs = 0;
  const rays0 = rayCounter.rays;
  for (let r = 0; r < nr; r++) {
    const rx: Vec3 = [receivers[3 * r], receivers[3 * r + 1], receivers[3 * r + 2]];
    const t0 = performance.now();
    const diffuse = t.scatter ? diffuseAt(t.scatter, t.field, rx[0], rx[1], rx[2]) : null;
    scatterMs += performance.now() - t0;
    for (let s = 0; s < ns; s++) {
      const row = r * ns + s;
      const paths = sitePaths(t, s, rx);
      const pre = t.pre[s];
      const dl: DiffuseLinkPath[] = diffuse
        ? diffuse[s].map((d) => ({ gain: d.gain, rxGain: d.rxGain, tiles: d.tiles, path: () => diffusePath(t.fs, pre.tree, pre.illumination!, d, t.tiles!, rx) }))
        : [];
      pathCount += paths.length + dl.length;
      if (keep) keep.length = 0;
      const res = evaluateLink(t.field, t.arrayGain, t.sites[s].orientation, paths, t.settings.link, keep, dl);
      L.heard[row] = res.heard ? 1 : 0;
      L.los[row] = res.los ? 1 : 0;
      L.rx_power_dbm[row] = res.rxPowerDbm;
      L.path_loss_db[row] = res.pathLossDb;
      L.tof_ns[row] = res.tofNs;
      L.aoa_azimuth_deg[row] = res.aoaAzimuthDeg;
      L.aoa_elevation_deg[row] = res.aoaElevationDeg;
      L.aoa_azimuth_q_deg[row] = res.aoaAzimuthQDeg;
      L.aoa_elevation_q_deg[row] = res.aoaElevationQDeg;
      L.num_paths[row] = res.numPaths;
      L.num_diffuse[row] = res.numDiffuse;
      L.diffuse_share[row] = res.diffuseShare;
      L.strongest_interactions[row] = res.strongest;
      L.delay_spread_ns[row] = res.delaySpreadNs;
      L.azimuth_spread_deg[row] = res.azimuthSpreadDeg;
      L.zenith_spread_deg[row] = res.zenithSpreadDeg;
      if (P && keep) for (const k of keep) appendPath(P, row, k, t.settings.link.txPowerDbm);
    }
  }
  return { links: L, paths: P, pathCount, rays: rayCounter.rays - rays0, scatterSeconds: scatterMs / 1000 };
}

function appendPath(P: PathColumns, row: number, k: PathRecord, txPowerDbm: number): void {
  const V = k.path.vertices;
  const a = V[0], b = V[1], u = V[V.length - 1], w = V[V.length - 2];
  const [aoaAz, aoaEl] = directionAngles(b[0] - a[0], b[1] - a[1], b[2] - a[2]);
  const [aodAz, aodEl] = directionAngles(w[0] - u[0], w[1] - u[1], w[2] - u[2]);
  P.link.push(row);
  P.interactions.push(interactionLabel(k.path));
  P.interaction_ids.push(k.path.ids);
  P.vertices.push(V.flat());
  P.length_m.push(k.field.lengthMeters);
  P.delay_ns.push(k.field.delaySeconds * 1e9);
  P.path_gain_db.push(10 * Math.log10(k.field.gain));
  P.amplitude_re.push(k.field.re);
  P.amplitude_im.push(k.field.im);
  P.array_gain_dbi.push(10 * Math.log10(k.arrayGain));
  P.rx_power_dbm.push(txPowerDbm + 10 * Math.log10(k.field.gain * k.arrayGain));
  P.aoa_azimuth_deg.push(aoaAz);
  P.aoa_elevation_deg.push(aoaEl);
  P.aod_azimuth_deg.push(aodAz);
  P.aod_elevation_deg.push(aodEl);
  P.scatter_tiles.push(k.tiles);
}

/** A specular path as a channel needs it (src/channel): delay, complex amplitude, directions at both ends. */
export interface SpecularRecord {
  delayS: number;
  /** Complex amplitude a (antennas excluded) and |a|^2. */
  re: number;
  im: number;
  gain: number;
  /** The site array's matched-beam gain toward the path (linear). */
  arrayGain: number;
  /** Unit vectors: at the site toward the first interaction (or the UE); from the UE toward its last interaction (or the site). */
  siteDir: Vec3;
  ueDir: Vec3;
}

/** One receiver against one site: links.arrow's link result and the specular paths. */
export interface SiteLink {
  result: LinkResult;
  specular: SpecularRecord[];
}

/** One receiver against every site, with every diffuse contribution recorded (the recorder's `bySite` index). */
export interface ReceiverLinks {
  links: SiteLink[];
  record: DiffuseRecord | null;
  bySite: { start: Int32Array; order: Int32Array } | null;
}

/**
 * A tracer for the channel and measurement stages: every site precomputed, the diffuse step recording each
 * contribution (diffuse-record.ts; weaker than `floorRx`: summed per cell of `coarseCellDeg`), one receiver at a time.
 */
export interface LinkTracer {
  sites: Tracer['sites'];
  trace(rx: Vec3): ReceiverLinks;
}

export function makeLinkTracer(input: TraceInput, record: { coarseCellDeg: number; floorRx: number }): LinkTracer {
  const t = makeTracer(input);
  setSites(t, t.sites.map((_, i) => precomputeTracerSite(t, i)));
  const rec = t.scatter ? new DiffuseRecord(t.sites.length, record.coarseCellDeg, record.floorRx) : null;
  if (t.scatter) t.scatter.record = rec;
  const kept: PathRecord[] = [];
  return {
    sites: t.sites,
    trace(rx: Vec3): ReceiverLinks {
      const diffuse = t.scatter ? diffuseAt(t.scatter, t.field, rx[0], rx[1], rx[2]) : null;
      const links = t.sites.map((site, s): SiteLink => {
        const pre = t.pre[s];
        const paths = sitePaths(t, s, rx);
        const dl: DiffuseLinkPath[] = diffuse
          ? diffuse[s].map((d) => ({ gain: d.gain, rxGain: d.rxGain, tiles: d.tiles, path: () => diffusePath(t.fs, pre.tree, pre.illumination!, d, t.tiles!, rx) }))
          : [];
        kept.length = 0;
        const result = evaluateLink(t.field, t.arrayGain, site.orientation, paths, t.settings.link, kept, dl);
        // The specular paths' fields and array gains as evaluateLink computed them (its first records).
        const specular = paths.map((p, i): SpecularRecord => {
          const { field, arrayGain } = kept[i];
          const u = departureAtSite(p), l = Math.hypot(u[0], u[1], u[2]);
          const w = p.vertices[p.vertices.length - 2];
          const ue: Vec3 = [w[0] - rx[0], w[1] - rx[1], w[2] - rx[2]], m = Math.hypot(ue[0], ue[1], ue[2]);
          return { delayS: field.delaySeconds, re: field.re, im: field.im, gain: field.gain, arrayGain, siteDir: [u[0] / l, u[1] / l, u[2] / l], ueDir: [ue[0] / m, ue[1] / m, ue[2] / m] };
        });
        return { result, specular };
      });
      return { links, record: rec, bySite: rec ? rec.bySite() : null };
    },
  };
}
