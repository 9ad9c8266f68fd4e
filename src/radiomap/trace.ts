import { tracePoints } from '../raytrace/index.ts';
import type { Scenario } from '../scenario/load.ts';
import { Progress } from '../util/progress.ts';
import { openCells, type RadioGrid } from './grid.ts';

// A radio map is the raytrace stage run on other receivers: the open cells' centres, traced by tracePoints
// (every core, blocks in order) with the scenario's ray tracer and settings, against the chosen sites only.
// A link's numbers depend only on its site and receiver, so tracing a subset of the sites gives the same
// numbers as tracing them all (test/radiomap.test.ts checks them against `simgen raytrace --rx`).

/** Per (open cell, site) values, row = cell index n * sites + site index (sites ascending by id). */
export interface RadioMapValues {
  grid: RadioGrid;
  /** Open cells, indices j * nx + i ascending. */
  cells: Int32Array;
  siteIds: number[];
  /** -path_loss_db of raytrace: propagation gain summed over the paths, antennas excluded; NaN without a path. */
  pathGainDb: Float64Array;
  /** rx_power_dbm of raytrace (transmit power + array gain + path gain); NaN without a path. */
  rxPowerDbm: Float64Array;
  heard: Uint8Array;
  los: Uint8Array;
  numPaths: Int32Array;
}

export interface TraceMapOptions {
  threads: number;
  quiet?: boolean;
}

/** Traces the open cells of `grid` against the sites `siteIds` (a subset of the scenario's); returns the values and the wall seconds. */
export async function traceRadioMap(scenario: Scenario, siteIds: number[], grid: RadioGrid, opts: TraceMapOptions): Promise<{ values: RadioMapValues; seconds: number }> {
  const started = Date.now();
  const ids = [...siteIds].sort((a, b) => a - b);
  // The tracer traces every site of its input: these sites alone, in ascending id (as `ids`).
  const sub: Scenario = { ...scenario, sites: scenario.sites.filter((s) => ids.includes(s.id)) };
  const { cells, xyz } = openCells(scenario.map, grid);
  const n = cells.length * ids.length;
  const v: RadioMapValues = {
    grid, cells, siteIds: ids,
    pathGainDb: new Float64Array(n), rxPowerDbm: new Float64Array(n), heard: new Uint8Array(n), los: new Uint8Array(n), numPaths: new Int32Array(n),
  };
  const progress = new Progress('radiomap', n, opts.quiet, { unit: 'links' });
  await tracePoints(sub, xyz, { threads: opts.threads, withPaths: false }, (first, res) => {
    const L = res.links;
    const o = first * ids.length;
    for (let r = 0; r < L.heard.length; r++) v.pathGainDb[o + r] = -L.path_loss_db[r];
    v.rxPowerDbm.set(L.rx_power_dbm, o);
    v.heard.set(L.heard, o);
    v.los.set(L.los, o);
    v.numPaths.set(L.num_paths, o);
    progress.update(o + L.heard.length);
  }).finally(() => progress.done());
  return { values: v, seconds: (Date.now() - started) / 1000 };
}
