import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runTrajectories } from '../src/mobility/trajectories.ts';
import { runRaytrace } from '../src/raytrace/index.ts';
import { mapMaterials } from '../src/map/materials.ts';
import { DEFAULT_SCENARIO, loadScenario, withRaytraceSection } from '../src/scenario/load.ts';
import type { ScenarioFile } from '../src/scenario/schema.ts';
import { linkStats } from './link-stats.ts';

// `npx tsx bench/raytrace-ablation.ts [--scenario FILE] [--only a,b]`: the ray tracer's mechanisms switched on one
// after the other on the whole scenario (2 threads), one row each: links heard / with no path, median
// deviation from TR 38.901 UMi street canyon (LOS, NLOS), constellation #1's samples heard by 0 / 1 / >= 3
// sites, the diffuse share of the heard NLOS links' power, wall time. Prints the table of docs/raytrace.md.
// About 10 minutes on the 2-core machine.

const argScenario = process.argv.indexOf('--scenario');
const scenario = loadScenario(argScenario > 0 ? process.argv[argScenario + 1] : DEFAULT_SCENARIO);
const argOnly = process.argv.indexOf('--only');
const only = argOnly > 0 ? new Set(process.argv[argOnly + 1].split(',')) : null;
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'simgen-ablation-'));
await runTrajectories(scenario, out, { quiet: true });

type Raytrace = ScenarioFile['raytrace'];
const base = scenario.raytrace.asWritten.raytrace;
const off = { ...base.scattering, enabled: false };
const on = (k: number) => ({ ...base.scattering, enabled: true, reflections_before: k });
const rows: [string, string, Partial<Raytrace>][] = [
  ['r3', 'LOS + R3', { max_reflection_order: 3, diffraction: false, diffraction_reflections: false, scattering: off }],
  ['d', '+ D', { max_reflection_order: 3, diffraction: true, diffraction_reflections: false, scattering: off }],
  ['rd', '+ RD/DR', { max_reflection_order: 3, diffraction: true, diffraction_reflections: true, scattering: off }],
  ['s', '+ S', { max_reflection_order: 3, diffraction: true, diffraction_reflections: true, scattering: on(0) }],
  ['rs', '+ RS', { max_reflection_order: 3, diffraction: true, diffraction_reflections: true, scattering: on(1) }],
  ['rrs', '+ RRS', { max_reflection_order: 3, diffraction: true, diffraction_reflections: true, scattering: on(2) }],
  ['r4', 'order 4 (+ D, RD/DR, S, RS)', { max_reflection_order: 4, diffraction: true, diffraction_reflections: true, scattering: on(1) }],
  ['r5', 'order 5 (+ D, RD/DR, S, RS)', { max_reflection_order: 5, diffraction: true, diffraction_reflections: true, scattering: on(1) }],
  // Sensitivity to the scattering parameters (other published values, not the default), every material:
  ['sionna', 'S, RS with Sionna RT street canyon: S = 1/sqrt(3), directive alpha_R 10, no cross-pol.', {
    max_reflection_order: 3, diffraction: true, diffraction_reflections: true,
    scattering: { ...on(1), materials: everyMaterial({ coefficient: 1 / Math.sqrt(3), pattern: 'directive', alpha_r: 10, cross_polarized_fraction: 0 }) },
  }],
  ['lambertian', 'S, RS with a Lambertian pattern (S 0.4, 40 % cross-pol.)', {
    max_reflection_order: 3, diffraction: true, diffraction_reflections: true, scattering: { ...on(1), materials: everyMaterial({ pattern: 'lambertian' }) },
  }],
];

/** The same scattering override for every material of the map. */
function everyMaterial(o: Raytrace['scattering']['materials'][string]): Raytrace['scattering']['materials'] {
  return Object.fromEntries(mapMaterials(scenario.map).map((m) => [m, o]));
}

const pct = (x: number) => (100 * x).toFixed(1);
const f1 = (x: number) => x.toFixed(1);
console.log(`scenario ${scenario.name}: ${os.availableParallelism()} cores, load average ${os.loadavg()[0].toFixed(1)} at start`);
console.log('| setting | heard % | no path % | UMi LOS dev. dB | UMi NLOS dev. dB | #1: heard by 0 / 1 / >= 3 sites % | diffuse share (NLOS) % | wall s |');
console.log('|---|---|---|---|---|---|---|---|');
for (const [key, label, change] of rows) {
  if (only && !only.has(key)) continue;
  const variant = withRaytraceSection(scenario, { ...base, ...change });
  const res = await runRaytrace(variant, out, { threads: 2, quiet: true });
  const s = linkStats(res.path, variant);
  const first = s.first ? `${pct(s.first.k0)} / ${pct(s.first.k1)} / ${pct(s.first.k3)}` : '-';
  console.log(`| ${label} | ${pct(s.heard)} | ${pct(s.noPath)} | ${f1(s.umi.LOS.median)} | ${f1(s.umi.NLOS.median)} | ${first} | ${Number.isNaN(s.diffuseShareNlos) ? '-' : pct(s.diffuseShareNlos)} | ${f1(res.stats.seconds)} |`);
}
fs.rmSync(out, { recursive: true, force: true });
