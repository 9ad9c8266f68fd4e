import os from 'node:os';
import path from 'node:path';
import { originMetadata } from '../map/origin.ts';
import { materialScattering } from '../radio/materials.ts';
import type { ScatteringParams } from '../radio/scattering.ts';
import { mapMaterials, type Scenario } from '../scenario/load.ts';
import { ArrowFileWriter, type ColumnValues } from '../util/arrow.ts';
import { UserError } from '../util/errors.ts';
import { SIMGEN_VERSION, stageKey } from '../util/meta.ts';
import { Progress } from '../util/progress.ts';
import { DEFAULT_CANDIDATE_RAYS } from './candidates.ts';
import { type BlockResult, makeTracer, traceSettings } from './chunk.ts';
import { tracePoints } from './pool.ts';
import { readCsvReceivers, readTrajectoryReceivers, type Receivers } from './receivers.ts';
import { linkSchema, pathSchema } from './schema.ts';

// `simgen raytrace`: every receiver (trajectory sample or --rx point) against every site -> links.arrow
// (and paths.arrow with --paths). The receivers are traced in blocks on worker threads (pool.ts); each block
// is written as one record batch in block order, so the file is the same bytes whatever the thread count,
// and memory holds only the blocks in flight.

export interface RaytraceOptions {
  threads?: number;
  quiet?: boolean;
  paths?: boolean;
  rxCsv?: string;
}

export interface RaytraceResult {
  path: string;
  rows: number;
  inputKey: string;
  pathsFile?: string;
  /**
   * Links with at least one path found, heard (path loss <= cutoff), with LOS; paths found and occlusion rays
   * cast in total; wall seconds of the whole run and of the site precomputation; thread-seconds spent on the
   * per-receiver diffuse scattering.
   */
  stats: { links: number; withPaths: number; heard: number; los: number; paths: number; rays: number; seconds: number; siteSeconds: number; scatterSeconds: number };
}

/** Float column with null for NaN (a link without any path). */
function nullable(a: Float64Array): ColumnValues {
  return a.some((v) => Number.isNaN(v)) ? Array.from(a, (v) => (Number.isNaN(v) ? null : v)) : a;
}

/** The diffuse-scattering parameters of each material of the map (the table's defaults with the scenario's overrides). */
function scatteringByMaterial(scenario: Scenario): Record<string, ScatteringParams> {
  const of = materialScattering(scenario.file.raytrace.scattering);
  return Object.fromEntries(mapMaterials(scenario.map).map((m) => [m, of(m)]));
}

/** The input_key runRaytrace writes for these receivers (upstreamKey: trajectories.arrow's input_key), without running it. */
export function raytraceInputKey(scenario: Scenario, upstreamKey: string): string {
  const f = scenario.file;
  // The map and the radio sections only: editing e.g. the train block keeps links.arrow valid.
  return stageKey('raytrace', SIMGEN_VERSION, scenario.mapHash, f.carrier_freq_hz, f.ue, scenario.sites, scenario.array, f.raytrace, traceSettings(scenario), scatteringByMaterial(scenario), DEFAULT_CANDIDATE_RAYS, upstreamKey);
}

export async function runRaytrace(scenario: Scenario, outDir: string, opts: RaytraceOptions = {}): Promise<RaytraceResult> {
  const started = Date.now();
  const threads = opts.threads ?? os.availableParallelism();
  if (!Number.isInteger(threads) || threads < 1 || threads > 256) throw new UserError(`--threads: must be an integer from 1 to 256 (got ${opts.threads})`);
  const receivers: Receivers = opts.rxCsv ? readCsvReceivers(opts.rxCsv) : readTrajectoryReceivers(path.join(outDir, 'trajectories.arrow'));
  const tracer = makeTracer(scenario); // validates the materials before anything is written
  const { sites } = tracer;
  const nr = receivers.sample.length;
  const ns = sites.length;

  const inputKey = raytraceInputKey(scenario, receivers.upstreamKey);
  const r = scenario.file.raytrace;
  const metadata = new Map<string, string>([
    ['simgen_version', SIMGEN_VERSION],
    ['scenario', scenario.name],
    ['scenario_hash', scenario.hash],
    ['seed', String(scenario.seed)],
    ['input_key', inputKey],
    ['receivers', opts.rxCsv ? 'rx-csv' : 'trajectories'],
    ['sites', JSON.stringify(sites.map((s) => ({ id: s.id, x: s.position[0], y: s.position[1], z: s.position[2], orientation_deg: (s.orientation * 180) / Math.PI })))],
    ['carrier_freq_hz', String(scenario.file.carrier_freq_hz)],
    ['path_loss_cutoff_db', String(r.path_loss_cutoff_db)],
    ['aoa_resolution_deg', String(r.aoa_resolution_deg)],
    ['ue_tx_power_dbm', String(scenario.file.ue.tx_power_dbm)],
    ['max_reflection_order', String(r.max_reflection_order)],
    ['diffraction', String(r.diffraction)],
    ['diffraction_reflections', String(r.diffraction_reflections)],
    ['scattering', JSON.stringify(r.scattering.enabled ? { ...r.scattering, materials: scatteringByMaterial(scenario) } : { enabled: false })],
    ['power_combining', r.power_combining],
    ['polarization', r.polarization],
    ...originMetadata(scenario.map),
  ]);

  const linksFile = path.join(outDir, 'links.arrow');
  const pathsFile = path.join(outDir, 'paths.arrow');
  let links: ArrowFileWriter | null = null;
  let paths: ArrowFileWriter | null = null;
  const stats = { links: nr * ns, withPaths: 0, heard: 0, los: 0, paths: 0, rays: 0, seconds: 0, siteSeconds: 0, scatterSeconds: 0 };
  try {
    links = new ArrowFileWriter(linksFile, linkSchema(metadata));
    if (opts.paths) paths = new ArrowFileWriter(pathsFile, pathSchema(metadata));
    const progress = new Progress('raytrace', nr * ns, opts.quiet);
    let linksDone = 0;
    const traced = await tracePoints(scenario, tracer, receivers.xyz, { threads, withPaths: Boolean(opts.paths) }, (first, res) => {
      writeBlock(first, res);
      linksDone += res.links.heard.length;
      progress.update(linksDone);
    });
    stats.siteSeconds = traced.siteSeconds;
    progress.done();
    await links.close();
    if (paths) await paths.close();
  } catch (e) {
    links?.abort();
    paths?.abort();
    throw e;
  }
  stats.seconds = (Date.now() - started) / 1000;
  return { path: linksFile, rows: nr * ns, inputKey, pathsFile: opts.paths ? pathsFile : undefined, stats };

  function writeBlock(first: number, res: BlockResult): void {
    const L = res.links;
    const n = L.heard.length;
    const tid = new Int32Array(n), smp = new Int32Array(n), sid = new Int32Array(n);
    const x = new Float64Array(n), y = new Float64Array(n), z = new Float64Array(n);
    for (let row = 0; row < n; row++) {
      const k = first + Math.floor(row / ns);
      tid[row] = receivers.trajectoryId[k];
      smp[row] = receivers.sample[k];
      sid[row] = sites[row % ns].id;
      x[row] = receivers.xyz[3 * k];
      y[row] = receivers.xyz[3 * k + 1];
      z[row] = receivers.xyz[3 * k + 2];
      if (L.num_paths[row] > 0) stats.withPaths++;
      stats.heard += L.heard[row];
      stats.los += L.los[row];
    }
    stats.paths += res.pathCount;
    stats.rays += res.rays;
    stats.scatterSeconds += res.scatterSeconds;
    links!.write({
      trajectory_id: tid, sample: smp, site_id: sid, x, y, z,
      heard: Array.from(L.heard, Boolean), los: Array.from(L.los, Boolean),
      rx_power_dbm: nullable(L.rx_power_dbm), path_loss_db: nullable(L.path_loss_db), tof_ns: nullable(L.tof_ns),
      aoa_azimuth_deg: nullable(L.aoa_azimuth_deg), aoa_elevation_deg: nullable(L.aoa_elevation_deg),
      aoa_azimuth_q_deg: nullable(L.aoa_azimuth_q_deg), aoa_elevation_q_deg: nullable(L.aoa_elevation_q_deg),
      num_paths: L.num_paths, num_diffuse: L.num_diffuse, diffuse_share: nullable(L.diffuse_share),
      strongest_interactions: L.strongest_interactions.map((s) => (s === '' ? null : s)),
    });
    const P = res.paths;
    if (paths && P && P.link.length > 0) {
      const { link, ...cols } = P;
      paths.write({
        trajectory_id: link.map((row) => tid[row]), sample: link.map((row) => smp[row]), site_id: link.map((row) => sid[row]),
        ...cols,
      });
    }
  }
}
