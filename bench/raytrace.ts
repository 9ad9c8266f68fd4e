import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runTrajectories } from '../src/mobility/trajectories.ts';
import { umiLosPathLossDb, umiNlosPathLossDb } from '../src/radio/link-budget.ts';
import { makeTracer, precomputeTracerSite, traceBlock } from '../src/raytrace/chunk.ts';
import { rayCounter } from '../src/raytrace/occlusion.ts';
import { runRaytrace } from '../src/raytrace/run.ts';
import { DEFAULT_SCENARIO, loadScenario } from '../src/scenario/load.ts';
import { readArrowFile } from '../src/util/arrow.ts';

// `npx tsx bench/raytrace.ts [--threads N] [--scenario FILE]`: the whole default scenario (trajectories, then every sample
// to all 18 sites), wall and CPU time, links/s and rays/s; one thread's throughput on its own; and the path
// loss of links.arrow against 3GPP TR 38.901 UMi street canyon (LOS and NLOS), by median deviation.

const argThreads = process.argv.indexOf('--threads');
const threads = argThreads > 0 ? Number(process.argv[argThreads + 1]) : os.availableParallelism();
const argScenario = process.argv.indexOf('--scenario');
const scenario = loadScenario(argScenario > 0 ? process.argv[argScenario + 1] : DEFAULT_SCENARIO);
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'simgen-bench-raytrace-'));
const load = () => os.loadavg()[0].toFixed(1);
const f1 = (x: number) => x.toFixed(1);

console.log(`scenario ${scenario.name}: order ${scenario.file.raytrace.max_reflection_order}, diffraction ${scenario.file.raytrace.diffraction} (RD/DR ${scenario.file.raytrace.diffraction_reflections}), ${scenario.sites.length} sites; ${os.availableParallelism()} cores, load average ${load()} at start`);
await runTrajectories(scenario, out, { quiet: true });

// 1. One thread, no workers: per-core throughput of the path search + field on 1000 samples.
{
  const tracer = makeTracer(scenario);
  let t0 = performance.now();
  tracer.pre = tracer.sites.map((_, i) => precomputeTracerSite(tracer, i));
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
  console.log(`one thread: site precomputation ${f1(preMs / tracer.sites.length)} ms/site; ${links} links in ${s.toFixed(2)} s = ${(links / s).toFixed(0)} links/s, ${((rayCounter.rays - r0) / s / 1e6).toFixed(2)} M rays/s (${f1((rayCounter.rays - r0) / links)} occlusion rays and ${f1(res.pathCount / links)} paths a link)`);
}

// 2. The whole scenario through runRaytrace (workers, Arrow output).
const cpu0 = process.cpuUsage();
const res = await runRaytrace(scenario, out, { threads, quiet: true });
const cpu = process.cpuUsage(cpu0);
const st = res.stats;
console.log(`whole scenario, ${threads} threads: ${res.rows} links in ${f1(st.seconds)} s wall (${f1((cpu.user + cpu.system) / 1e6)} s CPU, load average ${load()} at the end) = ${(res.rows / st.seconds).toFixed(0)} links/s, ${((st.rays / st.seconds) / 1e6).toFixed(2)} M rays/s`);
console.log(`  heard ${f1((100 * st.heard) / st.links)} %, LOS ${f1((100 * st.los) / st.links)} %, no path ${f1((100 * (st.links - st.withPaths)) / st.links)} %, ${f1(st.paths / st.links)} paths a link`);

// 3. Against TR 38.901 UMi street canyon: deviation = simulated path loss - model, LOS and NLOS links.
const t = readArrowFile(res.path);
const sites = new Map<number, { x: number; y: number; z: number }>(JSON.parse(t.schema.metadata.get('sites')!).map((s: { id: number }) => [s.id, s]));
const [sid, x, y, z, loss, los, np] = ['site_id', 'x', 'y', 'z', 'path_loss_db', 'los', 'num_paths'].map((c) => t.getChild(c)!.toArray()) as unknown as number[][];
const dev: Record<'LOS' | 'NLOS', number[]> = { LOS: [], NLOS: [] };
const f = scenario.file.carrier_freq_hz;
for (let i = 0; i < t.numRows; i++) {
  if (np[i] === 0) continue;
  const s = sites.get(sid[i])!;
  const d3 = Math.hypot(x[i] - s.x, y[i] - s.y, z[i] - s.z);
  if (Math.hypot(x[i] - s.x, y[i] - s.y) < 10) continue; // the model starts at d2D = 10 m
  if (los[i]) dev.LOS.push(loss[i] - umiLosPathLossDb(d3, f, s.z, z[i]));
  else dev.NLOS.push(loss[i] - umiNlosPathLossDb(d3, f, s.z, z[i]));
}
const q = (a: number[], p: number) => a[Math.min(a.length - 1, Math.floor(p * a.length))];
for (const k of ['LOS', 'NLOS'] as const) {
  const a = dev[k].sort((u, v) => u - v);
  console.log(`38.901 UMi ${k}: ${a.length} links, deviation (simulated - model) median ${f1(q(a, 0.5))} dB, quartiles ${f1(q(a, 0.25))} / ${f1(q(a, 0.75))} dB, 5-95 % ${f1(q(a, 0.05))} / ${f1(q(a, 0.95))} dB`);
}
fs.rmSync(out, { recursive: true, force: true });
