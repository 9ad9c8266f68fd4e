import fs from 'node:fs';
import path from 'node:path';
import { drawConstellations } from '../dataset/constellations.ts';
import type { Track } from '../mobility/types.ts';
import { readRadioMap } from '../radiomap/read.ts';
import { RADIOMAP_DIR, RADIOMAP_FILE } from '../radiomap/run.ts';
import type { Scenario } from '../scenario/load.ts';
import type { PageData, RadioMapOverlay, TrackTrace } from './page-data.ts';
import { MAX_PATHS_SHOWN } from './trace-track.ts';

// The page's data from the scenario (map, sites, constellations), the generated tracks, one track's trace and,
// when <out>/radiomap/radiomap.arrow belongs to this scenario, the radio map.

const r2 = (v: number) => Math.round(v * 100) / 100;

export function pageData(scenario: Scenario, tracks: Track[], trace: TrackTrace, radiomap: RadioMapOverlay | null, opts: { constellation: number; serve: boolean; command: string }): PageData {
  const m = scenario.map;
  const ids = scenario.sites.map((s) => s.id).sort((a, b) => a - b);
  return {
    scenario: scenario.name,
    command: opts.command,
    map: {
      width: m.width, height: m.height,
      buildings: m.buildings.map((b) => ({ id: b.id, footprint: b.footprint.map(([x, y]) => [r2(x), r2(y)] as [number, number]), height: b.height })),
      streets: m.streets.map((s) => ({ line: s.centerline.map(([x, y]) => [r2(x), r2(y)] as [number, number]), width: s.width })),
      pedestrian: m.pedestrianAreas.map((a) => a.polygon.map(([x, y]) => [r2(x), r2(y)] as [number, number])),
    },
    sites: [...scenario.sites].sort((a, b) => a.id - b.id).map((s) => ({ id: s.id, x: s.x, y: s.y, z: s.z })),
    constellations: drawConstellations(ids, scenario.constellations, scenario.seed).map((c) => ({ id: c.id, sites: c.sites })),
    constellation: opts.constellation,
    tracks: tracks.map((t) => ({ id: t.id, split: t.split, xy: t.samples.flatMap((s) => [r2(s.x), r2(s.y)]) })),
    txPowerDbm: scenario.raytrace.txPowerDbm,
    cutoffDb: scenario.raytrace.pathLossCutoffDb,
    maxPathsShown: MAX_PATHS_SHOWN,
    trace,
    radiomap,
    serve: opts.serve,
  };
}

/** The radio map overlay, or null (with the reason) when there is none for this scenario. */
export function radioMapOverlay(scenario: Scenario, outDir: string): { overlay: RadioMapOverlay | null; note?: string } {
  const file = path.join(outDir, RADIOMAP_DIR, RADIOMAP_FILE);
  if (!fs.existsSync(file)) return { overlay: null, note: `no radio map overlay: ${path.join(RADIOMAP_DIR, RADIOMAP_FILE)} is missing (run "simgen radiomap" first)` };
  const { values: v, metadata } = readRadioMap(file);
  if (metadata.get('scenario_hash') !== scenario.hash) return { overlay: null, note: `no radio map overlay: ${RADIOMAP_FILE} was made from another scenario or map (run "simgen radiomap" again)` };
  const floor = scenario.raytrace.txPowerDbm - scenario.raytrace.pathLossCutoffDb;
  let top = floor + 10;
  v.rxPowerDbm.forEach((p, r) => v.heard[r] && (top = Math.max(top, p)));
  const max = Math.ceil(top / 10) * 10;
  const levels = new Uint8Array(v.rxPowerDbm.length);
  v.rxPowerDbm.forEach((p, r) => (levels[r] = v.heard[r] ? 1 + Math.round((254 * Math.min(max, Math.max(floor, p)) - 254 * floor) / (max - floor)) : 0));
  return {
    overlay: {
      cell: v.grid.cell, nx: v.grid.nx, ny: v.grid.ny, height: v.grid.height, siteIds: v.siteIds, floorDbm: floor, maxDbm: max,
      cells: Buffer.from(new Uint8Array(Int32Array.from(v.cells).buffer)).toString('base64'),
      levels: Buffer.from(levels).toString('base64'),
    },
  };
}
