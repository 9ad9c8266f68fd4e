import type { Track } from '../mobility/types.ts';
import { tracePoints } from '../raytrace/index.ts';
import type { Scenario } from '../scenario/load.ts';
import { Progress } from '../util/progress.ts';
import type { TrackTrace } from './page-data.ts';

// The paths of one track for the viewer, traced on demand by the raytrace stage (tracePoints with paths) rather
// than read from a full paths.arrow (hundreds of MB for the default scenario): a track is ~700 samples.

/** Paths kept per heard link for display, the strongest first. */
export const MAX_PATHS_SHOWN = 10;

const r2 = (v: number) => Math.round(v * 100) / 100;
const r1 = (v: number) => Math.round(v * 10) / 10;
const orNull = (v: number) => (Number.isNaN(v) ? null : r2(v));

/** Traces every sample of `track` against every site; a progress bar on a terminal unless quiet. */
export async function traceTrack(scenario: Scenario, track: Track, threads: number, quiet = true): Promise<TrackTrace> {
  const n = track.samples.length;
  const xyz = new Float64Array(3 * n);
  track.samples.forEach((s, k) => xyz.set([s.x, s.y, s.z], 3 * k));
  const ns = scenario.sites.length;
  const out: TrackTrace = {
    track: track.id, split: track.split, sites: scenario.sites.map((s) => s.id).sort((a, b) => a - b), // the tracer's order
    t: track.samples.map((s) => r2(s.t)), x: track.samples.map((s) => r2(s.x)), y: track.samples.map((s) => r2(s.y)), z: track.samples.map((s) => r2(s.z)),
    heard: [], power: [], tof: [], azimuth: [], elevation: [], numPaths: [], strongest: [],
    pathStart: [0], pathSite: [], pathKind: [], pathPower: [], vertStart: [0], verts: [],
  };
  const progress = new Progress(`view: track ${track.id}`, n * ns, quiet, { unit: 'links' });
  await tracePoints(scenario, xyz, { threads, withPaths: true }, (_first, res) => {
    const L = res.links, P = res.paths!;
    const rows = L.heard.length;
    // The block's paths by link row (paths come in link order).
    const byRow: number[][] = Array.from({ length: rows }, () => []);
    P.link.forEach((row, p) => byRow[row].push(p));
    for (let row = 0; row < rows; row++) {
      out.heard.push(L.heard[row]);
      out.power.push(orNull(L.rx_power_dbm[row]));
      out.tof.push(orNull(L.tof_ns[row]));
      out.azimuth.push(orNull(L.aoa_azimuth_deg[row]));
      out.elevation.push(orNull(L.aoa_elevation_deg[row]));
      out.numPaths.push(L.num_paths[row]);
      out.strongest.push(L.strongest_interactions[row]);
      if (L.heard[row]) {
        const shown = byRow[row].sort((a, b) => P.rx_power_dbm[b] - P.rx_power_dbm[a] || a - b).slice(0, MAX_PATHS_SHOWN);
        for (const p of shown) {
          out.pathSite.push(row % ns);
          out.pathKind.push(P.interactions[p]);
          out.pathPower.push(r2(P.rx_power_dbm[p]));
          for (const v of P.vertices[p]) out.verts.push(r1(v)); // 0.1 m: enough to draw, a smaller page
          out.vertStart.push(out.verts.length / 3);
        }
      }
      if (row % ns === ns - 1) out.pathStart.push(out.pathSite.length);
    }
    progress.update(out.heard.length);
  }).finally(() => progress.done());
  return out;
}
