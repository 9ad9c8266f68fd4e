import os from 'node:os';
import path from 'node:path';
import { directionAzEl } from '../src/channel/array.ts';
import { angularSpreadDeg, rmsDelaySpread } from '../src/radio/spreads.ts';
import { runTrajectories } from '../src/mobility/trajectories.ts';
import { pathField, SPEED_OF_LIGHT } from '../src/radio/field.ts';
import { makeTracer, precomputeTracerSite, setSites } from '../src/raytrace/engine/tracer.ts';
import { diffuseAt, diffusePath } from '../src/raytrace/engine/diffuse.ts';
import { DiffuseRecord } from '../src/raytrace/engine/diffuse-record.ts';
import { departureAtSite, evaluateLink } from '../src/raytrace/engine/link.ts';
import { readTrajectoryReceivers } from '../src/raytrace/index.ts';
import { findPaths } from '../src/raytrace/engine/search.ts';
import { DEFAULT_SCENARIO, loadScenario } from '../src/scenario/load.ts';
import fs from 'node:fs';

// `npx tsx bench/channel-spreads.ts [--receivers N] [--scenario FILE]`: the RMS delay spread and the gNB-side
// azimuth and zenith spreads (src/radio/spreads.ts: TR 38.901 Annex A.1) of the heard links of N trajectory
// samples, with diffuse scattering as links.arrow has it (one path per group of tiles, at its strongest tile's
// delay and direction, with the group's power) and as it arrives (every tile, or far block of tiles, at its own
// delay and direction: what src/channel carries). Propagation gains only (antennas excluded), as TR 38.901
// defines its large-scale parameters; compared with TR 38.901 Table 7.5-6 UMi street canyon at the carrier.

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const scenario = loadScenario(arg('--scenario', DEFAULT_SCENARIO));
const N = Number(arg('--receivers', '200'));
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'simgen-bench-spreads-'));
await runTrajectories(scenario, out, { quiet: true });
const rx = await readTrajectoryReceivers(path.join(out, 'trajectories.arrow'));
const t = makeTracer(scenario);
setSites(t, t.sites.map((_, i) => precomputeTracerSite(t, i)));
const record = new DiffuseRecord(t.sites.length, 360, 0); // floor 0: every contribution kept one by one
t.scatter!.record = record;
const DEG = 180 / Math.PI;

type Spreads = { ds: number; asd: number; zsd: number };
const acc: Record<string, Spreads[]> = {};
const add = (key: string, power: number[], delay: number[], az: number[], zen: number[]) =>
  (acc[key] ??= []).push({ ds: rmsDelaySpread(power, delay) * 1e9, asd: angularSpreadDeg(power, az), zsd: angularSpreadDeg(power, zen) });

const stride = Math.floor(rx.sample.length / N);
for (let i = 0; i < N; i++) {
  const k = i * stride;
  const r: [number, number, number] = [rx.xyz[3 * k], rx.xyz[3 * k + 1], rx.xyz[3 * k + 2]];
  const diffuse = diffuseAt(t.scatter!, t.field, ...r);
  const { start, order } = record.bySite();
  t.sites.forEach((site, s) => {
    const paths = findPaths(t.fs, t.pre[s], r);
    const pre = t.pre[s];
    const groups = diffuse[s];
    const link = evaluateLink(t.field, t.arrayGain, site.orientation, paths, t.settings.link, undefined, groups.map((d) => ({ gain: d.gain, rxGain: d.rxGain, tiles: d.tiles, path: () => diffusePath(t.fs, pre.tree, pre.illumination!, d, t.tiles!, r) })));
    if (!link.heard) return;
    const p: number[] = [], d: number[] = [], az: number[] = [], zen: number[] = [];
    const push = (g: number, delay: number, u: number[]) => {
      const [a, e] = directionAzEl(u[0], u[1], u[2]);
      p.push(g);
      d.push(delay);
      az.push(a * DEG);
      zen.push(90 - e * DEG);
    };
    for (const path of paths) push(pathField(t.field, path).gain, pathField(t.field, path).delaySeconds, departureAtSite(path));
    const specular = p.length;
    for (const g of groups) {
      const path = diffusePath(t.fs, pre.tree, pre.illumination!, g, t.tiles!, r);
      let L = 0;
      for (let v = 1; v < path.vertices.length; v++) L += Math.hypot(...(path.vertices[v].map((x, c) => x - path.vertices[v - 1][c]) as [number, number, number]));
      push(g.gain, L / SPEED_OF_LIGHT, departureAtSite(path));
    }
    const los = link.los ? 'LOS' : 'NLOS';
    add(`${los} before`, p, d, az, zen);
    p.length = d.length = az.length = zen.length = specular;
    for (let q = start[s]; q < start[s + 1]; q++) {
      const c = order[q];
      push(record.gain[c], record.length[c] / SPEED_OF_LIGHT, [record.dep[3 * c], record.dep[3 * c + 1], record.dep[3 * c + 2]]);
    }
    add(`${los} after`, p, d, az, zen);
  });
}

const fc = scenario.raytrace.carrierFreqHz / 1e9;
const umi = {
  LOS: { ds: 10 ** (-0.24 * Math.log10(1 + fc) - 7.14) * 1e9, asd: 10 ** (-0.05 * Math.log10(1 + fc) + 1.21) },
  NLOS: { ds: 10 ** (-0.24 * Math.log10(1 + fc) - 6.83) * 1e9, asd: 10 ** (-0.23 * Math.log10(1 + fc) + 1.53) },
};
const q = (a: number[], f: number) => {
  const s = a.filter(Number.isFinite).sort((x, y) => x - y);
  return s[Math.floor(f * (s.length - 1))];
};
const fmt = (a: number[]) => `${q(a, 0.5).toFixed(1)} (${q(a, 0.25).toFixed(1)}-${q(a, 0.75).toFixed(1)})`;
console.log(`${scenario.name}: ${N} samples, heard links; median (quartiles); TR 38.901 UMi street canyon at ${fc} GHz: median = 10^mean of lgDS, lgASD`);
console.log(`${'links'.padEnd(13)}${'n'.padStart(6)}  ${'delay spread ns'.padEnd(20)}${'azimuth spread deg'.padEnd(22)}zenith spread deg`);
for (const los of ['LOS', 'NLOS'] as const)
  for (const when of ['before', 'after']) {
    const a = acc[`${los} ${when}`] ?? [];
    console.log(`${`${los} ${when}`.padEnd(13)}${String(a.length).padStart(6)}  ${fmt(a.map((x) => x.ds)).padEnd(20)}${fmt(a.map((x) => x.asd)).padEnd(22)}${fmt(a.map((x) => x.zsd))}`);
  }
for (const los of ['LOS', 'NLOS'] as const) console.log(`TR 38.901 ${los}: delay spread ${umi[los].ds.toFixed(1)} ns, azimuth spread (ASD) ${umi[los].asd.toFixed(1)} deg`);
fs.rmSync(out, { recursive: true, force: true });
