import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runTrajectories } from '../src/mobility/trajectories.ts';
import { makeTracer, precomputeTracerSite, setSites, traceBlock } from '../src/raytrace/engine/tracer.ts';
import { rayCounter } from '../src/raytrace/engine/occlusion.ts';
import { runRaytrace } from '../src/raytrace/index.ts';
import { DEFAULT_SCENARIO, loadScenario } from '../src/scenario/load.ts';
import { readArrowFile } from '../src/util/arrow.ts';
import { formatLinkStats, linkStats } from './link-stats.ts';

// `npx tsx bench/raytrace.ts [--threads N] [--scenario FILE]`: the whole default scenario (trajectories, then every
// sample to all 18 sites): wall and CPU time, links/s and rays/s, the share of the time spent on diffuse
// scattering, peak memory; one thread's throughput on its own; and links.arrow's coverage and path loss against
// 3GPP TR 38.901 UMi street canyon (bench/link-stats.ts).

const argThreads = process.argv.indexOf('--threads');
const threads = argThreads > 0 ? Number(process.argv[argThreads + 1]) : os.availableParallelism();
const argScenario = process.argv.indexOf('--scenario');
const scenario = loadScenario(argScenario > 0 ? process.argv[argScenario + 1] : DEFAULT_SCENARIO);
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'simgen-bench-raytrace-'));
const load = () => os.loadavg()[0].toFixed(1);
const f1 = (x: number) => x.toFixed(1);
const r = scenario.raytrace;
const sc = r.scattering;

console.log(
  `scenario ${scenario.name}: order ${r.maxReflectionOrder}, diffraction ${r.diffraction} (RD/DR ${r.diffractionReflections}), ` +
    `scattering ${sc ? `on (${sc.reflectionsBefore} reflections before, ${sc.tileM} m tiles)` : 'off'}, ${scenario.sites.length} sites; ${os.availableParallelism()} cores, load average ${load()} at start`,
);
await runTrajectories(scenario, out, { quiet: true });

// 1. One thread, no workers: per-core throughput of the path search + field on 1000 samples.
{
  const tracer = makeTracer(scenario);
  let t0 = performance.now();
  setSites(tracer, tracer.sites.map((_, i) => precomputeTracerSite(tracer, i)));
  const preMs = performance.now() - t0;
  const traj = readArrowFile(path.join(out, 'trajectories.arrow'));
  const [x, y, z] = ['x', 'y', 'z'].map((c) => traj.getChild(c)!.toArray() as Float64Array);
  const n = 1000, stride = Math.floor(traj.numRows / n);
  const rx = new Float64Array(3 * n);
  for (let i = 0; i < n; i++) rx.set([x[i * stride], y[i * stride], z[i * stride]], 3 * i);
  const r0 = rayCounter.rays;
  t0 = performance.now();
  const res = traceBlock(tracer, rx, false);
  const s = (performance.now() - t0) / 1000;
  const links = n * tracer.sites.length;
  console.log(
    `one thread: site precomputation ${f1(preMs / tracer.sites.length)} ms/site; ${links} links in ${s.toFixed(2)} s = ${(links / s).toFixed(0)} links/s, ` +
      `${((rayCounter.rays - r0) / s / 1e6).toFixed(2)} M rays/s (${f1((rayCounter.rays - r0) / links)} occlusion rays and ${f1(res.pathCount / links)} paths a link); ` +
      `diffuse scattering ${f1((100 * res.scatterSeconds) / s)} % of the time`,
  );
}

// 2. The whole scenario through runRaytrace (workers, Arrow output).
const cpu0 = process.cpuUsage();
const res = await runRaytrace(scenario, out, { threads, quiet: true });
const cpu = process.cpuUsage(cpu0);
const cpuS = (cpu.user + cpu.system) / 1e6;
const st = res.stats;
console.log(
  `whole scenario, ${threads} threads: ${res.rows} links in ${f1(st.seconds)} s wall (${f1(cpuS)} s CPU, load average ${load()} at the end) = ` +
    `${(res.rows / st.seconds).toFixed(0)} links/s, ${(st.rays / st.seconds / 1e6).toFixed(2)} M rays/s`,
);
console.log(
  `  site precomputation ${f1(st.siteSeconds)} s wall; diffuse scattering ${f1(st.scatterSeconds)} s of thread time (${f1((100 * st.scatterSeconds) / cpuS)} % of the CPU time); ` +
    `peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`,
);
console.log(`  ${f1(st.paths / st.links)} paths a link`);

// 3. Coverage and TR 38.901 UMi deviation of links.arrow.
for (const line of formatLinkStats(linkStats(res.path, scenario))) console.log(line);
fs.rmSync(out, { recursive: true, force: true });
