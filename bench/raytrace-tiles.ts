import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runTrajectories } from '../src/mobility/trajectories.ts';
import { type LinkColumns, makeTracer, precomputeTracerSite, setSites, traceBlock } from '../src/raytrace/engine/tracer.ts';
import { DEFAULT_SCENARIO, loadScenario, withRaytraceSection } from '../src/scenario/load.ts';
import { readArrowFile } from '../src/util/arrow.ts';

// `npx tsx bench/raytrace-tiles.ts [--receivers N] [--sizes 1,2,3]`: how the results depend on the scattering
// tile size. N trajectory samples of the default scenario (spread over all tracks) are traced with each tile
// size; against the smallest: the received power of links heard with both (|difference| median and 90th
// percentile), links whose heard flag changes, heard links whose quantised AoA changes; and the time per
// receiver on one thread.

const arg = (name: string, dflt: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : dflt);
const N = Number(arg('--receivers', '150'));
const sizes = arg('--sizes', '1,2,3').split(',').map(Number);
const scenario = loadScenario(DEFAULT_SCENARIO);
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'simgen-bench-tiles-'));
await runTrajectories(scenario, out, { quiet: true });
const traj = readArrowFile(path.join(out, 'trajectories.arrow'));
const [x, y, z] = ['x', 'y', 'z'].map((c) => traj.getChild(c)!.toArray() as Float64Array);
const stride = Math.floor(traj.numRows / N);
const rx = new Float64Array(3 * N);
for (let i = 0; i < N; i++) rx.set([x[i * stride], y[i * stride], z[i * stride]], 3 * i);

const results: LinkColumns[] = [];
for (const size of sizes) {
  const written = scenario.raytrace.asWritten.raytrace;
  const t = makeTracer(withRaytraceSection(scenario, { ...written, scattering: { ...written.scattering, enabled: true, tile_m: size } }));
  setSites(t, t.sites.map((_, i) => precomputeTracerSite(t, i)));
  const t0 = performance.now();
  results.push(traceBlock(t, rx, false).links);
  console.log(`tiles ${size} m: ${t.tiles!.count} tiles, ${((performance.now() - t0) / N).toFixed(2)} ms per receiver (18 sites, one thread)`);
}
const ref = results[0];
for (let k = 1; k < sizes.length; k++) {
  const L = results[k];
  const d: number[] = [];
  let flips = 0, heard = 0, aoa = 0;
  for (let i = 0; i < ref.heard.length; i++) {
    if (ref.heard[i] !== L.heard[i]) flips++;
    if (!ref.heard[i] || !L.heard[i]) continue;
    heard++;
    d.push(Math.abs(L.rx_power_dbm[i] - ref.rx_power_dbm[i]));
    if (L.aoa_azimuth_q_deg[i] !== ref.aoa_azimuth_q_deg[i] || L.aoa_elevation_q_deg[i] !== ref.aoa_elevation_q_deg[i]) aoa++;
  }
  d.sort((a, b) => a - b);
  const q = (p: number) => d[Math.floor(p * (d.length - 1))].toFixed(2);
  console.log(
    `${sizes[k]} m against ${sizes[0]} m: received power of heard links |difference| median ${q(0.5)} dB, 90 % ${q(0.9)} dB; ` +
      `heard flag changes on ${flips} of ${ref.heard.length} links; quantised AoA changes on ${aoa} of ${heard} heard links (${((100 * aoa) / heard).toFixed(1)} %)`,
  );
}
fs.rmSync(out, { recursive: true, force: true });
