import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { drawConstellations } from '../dataset/constellations.ts';
import { originMetadata } from '../map/origin.ts';
import { raytraceInputKey } from '../raytrace/index.ts';
import type { Scenario } from '../scenario/load.ts';
import { ArrowFileWriter } from '../util/arrow.ts';
import { writeDirAtomicAsync } from '../util/atomic.ts';
import { SIMGEN_VERSION, stageKey } from '../util/meta.ts';
import { makeGrid, type RadioGrid } from './grid.ts';
import { radioMapImages } from './images.ts';
import { radiomapSchema } from './schema.ts';
import { type RadioMapValues, traceRadioMap } from './trace.ts';

// `simgen radiomap`: received power on a regular grid over the open map area, traced by the raytrace stage
// with the scenario's settings -> <out>/radiomap/radiomap.arrow and PNG images. The folder is written under a
// temporary name and renamed when complete.

export const RADIOMAP_DIR = 'radiomap';
export const RADIOMAP_FILE = 'radiomap.arrow';
/** Most grid cells a map may have (a 0.25 m grid over a 500 x 500 m map). */
export const MAX_CELLS = 4_000_000;

/** The options, checked by the CLI against the scenario (src/cli/radiomap.ts). */
export interface RadiomapOptions {
  /** Sites with images (default: all). */
  sites?: number[];
  /** Cell edge, m (default 2). */
  cell?: number;
  /** Receiver height, m (default: the scenario's UE antenna height). */
  height?: number;
  /** Constellation whose heard-by count is drawn (default 1; with --sites only when asked for). */
  constellation?: number;
  threads?: number;
  /** Image resolution: pixels per image pixel, an integer from 1 to 4 (default 1). */
  resolution?: number;
  quiet?: boolean;
}

export interface RadiomapResult {
  dir: string;
  file: string;
  images: string[];
  values: RadioMapValues;
  seconds: number;
  inputKey: string;
}

export async function runRadiomap(scenario: Scenario, outDir: string, opts: RadiomapOptions = {}): Promise<RadiomapResult> {
  const allIds = scenario.sites.map((s) => s.id).sort((a, b) => a - b);
  const cell = opts.cell ?? 2;
  // The trajectories' UE antenna height: the radio map then shows what the dataset's receivers hear.
  const height = opts.height ?? scenario.trajectories.antennaHeightM;
  const threads = opts.threads ?? os.availableParallelism();
  const sites = [...new Set(opts.sites ?? allIds)];
  let constellation: { id: number; sites: number[] } | undefined;
  if (opts.constellation !== undefined || opts.sites === undefined) {
    const k = opts.constellation ?? 1;
    constellation = drawConstellations(allIds, scenario.constellations, scenario.seed).find((c) => c.id === k)!;
  }
  const traced = [...new Set([...sites, ...(constellation?.sites ?? [])])].sort((a, b) => a - b);
  const grid = makeGrid(scenario.map, cell, height);
  const inputKey = raytraceInputKey(scenario, stageKey('radiomap', grid, traced));

  const { values, seconds } = await traceRadioMap(scenario, traced, grid, { threads, quiet: opts.quiet });
  const siteRecords = scenario.sites.filter((s) => traced.includes(s.id)).sort((a, b) => a.id - b.id);
  const c = scenario.raytrace;
  const metadata = new Map<string, string>([
    ['simgen_version', SIMGEN_VERSION],
    ['scenario', scenario.name],
    ['scenario_hash', scenario.hash],
    ['input_key', inputKey],
    ['grid', JSON.stringify({ origin: [0, 0], cell_m: cell, nx: grid.nx, ny: grid.ny, height_m: height })],
    ['sites', JSON.stringify(siteRecords.map((s) => ({ id: s.id, x: s.x, y: s.y, z: s.z })))],
    ['carrier_freq_hz', String(c.carrierFreqHz)],
    ['ue_tx_power_dbm', String(c.txPowerDbm)],
    ['path_loss_cutoff_db', String(c.pathLossCutoffDb)],
    ...(constellation ? [['constellation', JSON.stringify(constellation)] as [string, string]] : []),
    ...originMetadata(scenario.map),
  ]);
  const images = radioMapImages({
    map: scenario.map, values, sites: [...sites].sort((a, b) => a - b), constellation,
    allSites: scenario.sites.map((s) => ({ id: s.id, x: s.x, y: s.y })),
    txPowerDbm: c.txPowerDbm, cutoffDb: c.pathLossCutoffDb, resolution: opts.resolution,
  });
  const dir = path.join(outDir, RADIOMAP_DIR);
  await writeDirAtomicAsync(dir, async (tmp) => {
    const w = new ArrowFileWriter(path.join(tmp, RADIOMAP_FILE), radiomapSchema(metadata));
    try {
      writeValues(w, values);
      await w.close();
    } catch (e) {
      w.abort();
      throw e;
    }
    for (const im of images) fs.writeFileSync(path.join(tmp, im.file), im.png, { flag: 'wx' });
  });
  return { dir, file: path.join(dir, RADIOMAP_FILE), images: images.map((im) => im.file), values, seconds, inputKey };
}

/** One record batch per row of the grid (bounded batches, cell-major order). */
function writeValues(w: ArrowFileWriter, v: RadioMapValues): void {
  const ns = v.siteIds.length;
  const g: RadioGrid = v.grid;
  let n0 = 0;
  while (n0 < v.cells.length) {
    const row = Math.floor(v.cells[n0] / g.nx);
    let n1 = n0;
    while (n1 < v.cells.length && Math.floor(v.cells[n1] / g.nx) === row) n1++;
    const m = (n1 - n0) * ns;
    const ix = new Int32Array(m), iy = new Int32Array(m), x = new Float64Array(m), y = new Float64Array(m), sid = new Int32Array(m);
    for (let r = 0; r < m; r++) {
      const k = v.cells[n0 + Math.floor(r / ns)];
      ix[r] = k % g.nx;
      iy[r] = row;
      x[r] = (ix[r] + 0.5) * g.cell;
      y[r] = (row + 0.5) * g.cell;
      sid[r] = v.siteIds[r % ns];
    }
    const lo = n0 * ns, hi = n1 * ns;
    const nullable = (a: Float64Array) => Array.from(a.subarray(lo, hi), (z) => (Number.isNaN(z) ? null : z));
    w.write({
      ix, iy, x, y, site_id: sid,
      path_gain_db: nullable(v.pathGainDb), rx_power_dbm: nullable(v.rxPowerDbm),
      heard: Array.from(v.heard.subarray(lo, hi), Boolean), los: Array.from(v.los.subarray(lo, hi), Boolean),
      num_paths: v.numPaths.subarray(lo, hi),
    });
    n0 = n1;
  }
}
