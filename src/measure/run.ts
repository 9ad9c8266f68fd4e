import os from 'node:os';
import path from 'node:path';
import { type ClusterStats, emptyClusterStats } from '../channel/diffuse-clusters.ts';
import { originMetadata } from '../map/origin.ts';
import { TRAJECTORIES_FILE, trajectoriesInputKey } from '../mobility/trajectories.ts';
import { raytraceInputKey, readTrajectoryReceivers } from '../raytrace/index.ts';
import { loadScenario, type Scenario } from '../scenario/load.ts';
import { type ColumnValues, columnIndex, readArrowFile, writeArrowFile } from '../util/arrow.ts';
import { removeStaleTemps } from '../util/atomic.ts';
import { siblingModule } from '../util/entry.ts';
import { UserError } from '../util/errors.ts';
import { SIMGEN_VERSION, stageKey } from '../util/meta.ts';
import { ProcessPool } from '../util/process-pool.ts';
import { Progress } from '../util/progress.ts';
import { makeMeasureContext, type MeasureColumns, type MeasureContext, measureBlock, srsOf } from './link.ts';
import { addErrors, emptyErrorGroups, type ErrorQuantiles, errorQuantiles, writeErrorFigures } from './report.ts';
import { measurementSchema } from './schema.ts';

// `simgen measure`: what the gNBs of an nr-srs scenario measure from every trajectory sample's uplink SRS ->
// measurements.arrow. The receivers go in blocks of BLOCK_RECEIVERS to worker processes (or run in this
// process with one job); each worker traces its blocks with the ray tracer of `simgen raytrace` (its site
// precomputation once, then the path search, the link evaluation and the diffuse tiles per receiver), builds
// every link's channel and measures it (link.ts). Blocks come back in any order and are written in block order,
// so the file does not depend on the job count; every random draw is keyed by the link.
// Measuring traces again instead of reading paths.arrow: writing paths.arrow takes minutes at the default
// scenario's size (3 GB) and it holds one path per diffuse group, not the tiles (docs/measure.md, "Cost").

export const MEASUREMENTS_FILE = 'measurements.arrow';
export const BLOCK_RECEIVERS = 64;

/** A block of receivers as sent to a worker. */
export interface MeasureRequest {
  scenario: string;
  seed: number;
  block: number;
  xyz: Float64Array;
  trajectoryId: Int32Array;
  sample: Int32Array;
  speed: Float64Array;
  heading: Float64Array;
}

export interface MeasureBlockResult {
  block: number;
  columns: MeasureColumns;
  stats: ClusterStats;
}

/** Runs one block in a worker's context (built on the first block: the scenario and its site precomputation). */
let context: { key: string; ctx: MeasureContext } | null = null;
export async function runMeasureRequest(req: MeasureRequest): Promise<MeasureBlockResult> {
  const key = `${req.scenario}#${req.seed}`;
  if (context?.key !== key) context = { key, ctx: await makeMeasureContext(loadScenario(req.scenario, { seed: req.seed })) };
  const ctx = context.ctx;
  const before = { ...ctx.stats };
  const columns = measureBlock(ctx, req.xyz, req.trajectoryId, req.sample, req.speed, req.heading);
  const s = ctx.stats;
  return {
    block: req.block, columns,
    stats: { recorded: s.recorded - before.recorded, fine: s.fine - before.fine, fineRx: s.fineRx - before.fineRx, coarseRx: s.coarseRx - before.coarseRx },
  };
}

/** The input_key runMeasure writes, without running it: the radio world (raytrace's key), the measurement settings, the seed. */
export function measureInputKey(scenario: Scenario, trajectoriesKey: string): string {
  srsOf(scenario); // nr-srs only
  const m = scenario.measurement as Extract<Scenario['measurement'], { model: 'nr-srs' }>;
  return stageKey('measure', SIMGEN_VERSION, raytraceInputKey(scenario, trajectoriesKey), m.asWritten, scenario.seed);
}

export interface MeasureOptions {
  /** Worker processes (default: one per core; 1 runs in this process). */
  jobs?: number;
  quiet?: boolean;
}

export interface MeasureResult {
  path: string;
  rows: number;
  inputKey: string;
  seconds: number;
  /** Links detected, of them false alarms; links with line of sight; links heard in links.arrow's sense. */
  detected: number;
  falseAlarms: number;
  idealHeard: number;
  /** Channel components: specular paths and diffuse clusters summed over all links. */
  specular: number;
  clusters: number;
  stats: ClusterStats;
  /** Estimation errors by LOS/NLOS and SNR, and the error CDF figures written beside the file. */
  errors: ErrorQuantiles[];
  figures: string[];
}

/** Trajectory samples in (trajectory_id, sample) order with their positions, speeds and headings. */
export async function readSamples(file: string) {
  const r = await readTrajectoryReceivers(file);
  const table = readArrowFile(file, 'trajectories file');
  columnIndex(table.schema, { trajectory_id: 'int32', sample: 'int32', speed: 'float64', heading: 'float64' }, file);
  const tid = table.getChild('trajectory_id')!.toArray() as Int32Array, smp = table.getChild('sample')!.toArray() as Int32Array;
  const sp = table.getChild('speed')!.toArray() as Float64Array, hd = table.getChild('heading')!.toArray() as Float64Array;
  const index = new Map<string, number>();
  for (let i = 0; i < tid.length; i++) index.set(`${tid[i]}/${smp[i]}`, i);
  const n = r.sample.length;
  const speed = new Float64Array(n), heading = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const i = index.get(`${r.trajectoryId[k]}/${r.sample[k]}`)!;
    speed[k] = sp[i];
    heading[k] = hd[i];
  }
  return { ...r, speed, heading };
}

export async function runMeasure(scenario: Scenario, outDir: string, opts: MeasureOptions = {}): Promise<MeasureResult> {
  const started = Date.now();
  const spec = srsOf(scenario);
  const jobs = opts.jobs ?? os.availableParallelism();
  const file = path.join(outDir, TRAJECTORIES_FILE);
  const samples = await readSamples(file);
  const inputKey = measureInputKey(scenario, samples.upstreamKey);
  if (samples.upstreamKey !== trajectoriesInputKey(scenario))
    throw new UserError(`${file} was written for another scenario or seed (input_key ${samples.upstreamKey.slice(0, 12)}): rerun "simgen trajectories"`);
  const sites = [...scenario.sites].sort((a, b) => a.id - b.id);
  const ns = sites.length, nr = samples.sample.length;
  const blocks = Math.ceil(nr / BLOCK_RECEIVERS);
  const request = (b: number): MeasureRequest => {
    const lo = b * BLOCK_RECEIVERS, hi = Math.min(nr, lo + BLOCK_RECEIVERS);
    return {
      scenario: scenario.path, seed: scenario.seed, block: b, xyz: samples.xyz.slice(3 * lo, 3 * hi), trajectoryId: samples.trajectoryId.slice(lo, hi),
      sample: samples.sample.slice(lo, hi), speed: samples.speed.slice(lo, hi), heading: samples.heading.slice(lo, hi),
    };
  };
  const metadata = new Map<string, string>([
    ['simgen_version', SIMGEN_VERSION],
    ['scenario', scenario.name],
    ['scenario_hash', scenario.hash],
    ['seed', String(scenario.seed)],
    ['input_key', inputKey],
    ['sites', JSON.stringify(sites.map((s) => ({ id: s.id, x: s.x, y: s.y, z: s.z, orientation_deg: (s.orientation * 180) / Math.PI })))],
    ['carrier_freq_hz', String(scenario.raytrace.carrierFreqHz)],
    ['ue_tx_power_dbm', String(scenario.raytrace.txPowerDbm)],
    ['path_loss_cutoff_db', String(scenario.raytrace.pathLossCutoffDb)],
    ['measurement', JSON.stringify({ model: 'nr-srs', ...spec })],
    ...originMetadata(scenario.map),
  ]);

  const target = path.join(outDir, 'measurements.arrow');
  removeStaleTemps(target);
  const totals = { detected: 0, falseAlarms: 0, idealHeard: 0, specular: 0, clusters: 0 };
  const stats: ClusterStats = emptyClusterStats();
  // The detected links' errors, gathered as the blocks are written (not read back from the file).
  const groups = emptyErrorGroups();
  const progress = new Progress('measure', nr * ns, opts.quiet);
  let linksDone = 0;
  const rows = await writeArrowFile(target, measurementSchema(metadata), async (writer) => {
    const write = (res: MeasureBlockResult) => {
      const req = request(res.block);
      const k = req.sample.length, L = res.columns;
      const tid = new Int32Array(k * ns), smp = new Int32Array(k * ns), sid = new Int32Array(k * ns);
      const x = new Float64Array(k * ns), y = new Float64Array(k * ns), z = new Float64Array(k * ns);
      for (let row = 0; row < k * ns; row++) {
        const r = Math.floor(row / ns);
        tid[row] = req.trajectoryId[r];
        smp[row] = req.sample[r];
        sid[row] = sites[row % ns].id;
        x[row] = req.xyz[3 * r];
        y[row] = req.xyz[3 * r + 1];
        z[row] = req.xyz[3 * r + 2];
        totals.detected += L.detected[row];
        totals.falseAlarms += L.false_alarm[row];
        totals.idealHeard += L.ideal_heard[row];
        totals.specular += L.specular_paths[row];
        totals.clusters += L.diffuse_clusters[row];
        if (L.detected[row])
          addErrors(groups, {
            los: L.los[row] === 1, snrDb: L.snr_db[row], toaNs: L.toa_ns[row], losDelayNs: L.los_delay_ns[row], azDeg: L.aoa_azimuth_deg[row], elDeg: L.aoa_elevation_deg[row],
            losAzDeg: L.los_azimuth_deg[row], losElDeg: L.los_elevation_deg[row], rxPowerDbm: L.rx_power_dbm[row], idealRxPowerDbm: L.ideal_rx_power_dbm[row],
          });
      }
      for (const key of Object.keys(stats) as (keyof ClusterStats)[]) stats[key] += res.stats[key];
      const nullable = (a: Float64Array): ColumnValues => (a.some(Number.isNaN) ? Array.from(a, (v) => (Number.isNaN(v) ? null : v)) : a);
      const bools = (a: Uint8Array) => Array.from(a, Boolean);
      writer.write({
        trajectory_id: tid, sample: smp, site_id: sid, x, y, z,
        los: bools(L.los), los_delay_ns: L.los_delay_ns, los_azimuth_deg: L.los_azimuth_deg, los_elevation_deg: L.los_elevation_deg,
        ideal_heard: bools(L.ideal_heard), ideal_rx_power_dbm: nullable(L.ideal_rx_power_dbm), ideal_tof_ns: nullable(L.ideal_tof_ns),
        ideal_aoa_azimuth_deg: nullable(L.ideal_aoa_azimuth_deg), ideal_aoa_elevation_deg: nullable(L.ideal_aoa_elevation_deg),
        snr_db: nullable(L.snr_db), specular_paths: L.specular_paths, diffuse_clusters: L.diffuse_clusters,
        detected: bools(L.detected), false_alarm: bools(L.false_alarm), toa_ns: nullable(L.toa_ns),
        aoa_azimuth_deg: nullable(L.aoa_azimuth_deg), aoa_elevation_deg: nullable(L.aoa_elevation_deg), rsrp_dbm: nullable(L.rsrp_dbm), rx_power_dbm: nullable(L.rx_power_dbm),
      });
      linksDone += k * ns;
      progress.update(linksDone);
    };
    if (jobs === 1 || blocks === 1) {
      for (let b = 0; b < blocks; b++) {
        write(await runMeasureRequest(request(b)));
        await new Promise((r) => setImmediate(r)); // let the progress bar and signals through
      }
      return;
    }
    const pool = new ProcessPool<MeasureRequest, never, MeasureBlockResult>(siblingModule(import.meta.url, 'worker'), Math.min(jobs, blocks), 'measure', 'advanced');
    const pending = new Map<number, MeasureBlockResult>();
    let next = 0;
    try {
      await pool.run(
        Array.from({ length: blocks }, (_, b) => ({ id: String(b), label: `block ${b}`, request: request(b) })),
        {
          onDone: (_task, res) => {
            pending.set(res.block, res);
            for (let r = pending.get(next); r; r = pending.get(next)) {
              pending.delete(next++);
              write(r);
            }
          },
        },
      );
    } finally {
      await pool.close();
    }
  });
  progress.done();
  const figures = writeErrorFigures(target, groups, `${scenario.name}: nr-srs estimation errors, detected links`);
  return { path: target, rows, inputKey, seconds: (Date.now() - started) / 1000, ...totals, stats, errors: errorQuantiles(groups), figures };
}
