import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runMeasure } from '../src/measure/run.ts';
import { runTrajectories } from '../src/mobility/trajectories.ts';
import { loadScenario, PACKAGE_ROOT } from '../src/scenario/load.ts';

// `npx tsx bench/measure.ts [--jobs N] [--scenario FILE]` (part of `npm run bench`): `simgen measure` on the
// default scenario measured as a gNB does (scenarios/hyploc-madrid-nr-srs.yaml): wall and CPU time (the worker
// processes' included), links/s, what was detected, the channel components a link, and the estimation errors.

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const scenario = loadScenario(arg('--scenario', path.join(PACKAGE_ROOT, 'scenarios/hyploc-madrid-nr-srs.yaml')));
const jobs = Number(arg('--jobs', String(os.availableParallelism())));
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'simgen-bench-measure-'));
const load = () => os.loadavg()[0].toFixed(1);

/** CPU seconds of this process and its waited-for children (/proc/self/stat utime + stime + cutime + cstime). */
function cpuSeconds(): number {
  const f = fs.readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / 100;
}

console.log(`scenario ${scenario.name}: ${scenario.sites.length} sites, ${jobs} worker processes; ${os.availableParallelism()} cores, load average ${load()} at start`);
await runTrajectories(scenario, out, { quiet: true });
const cpu0 = cpuSeconds();
const r = await runMeasure(scenario, out, { jobs, quiet: true });
const cpu = cpuSeconds() - cpu0;
const pct = (k: number) => `${((100 * k) / r.rows).toFixed(1)} %`;
console.log(`measure: ${r.rows} links in ${r.seconds.toFixed(1)} s wall (${cpu.toFixed(1)} s CPU, load average ${load()} at the end) = ${(r.rows / r.seconds).toFixed(0)} links/s`);
console.log(`  detected ${pct(r.detected)} (false alarms ${pct(r.falseAlarms)}); heard in links.arrow's sense (path loss <= cutoff) ${pct(r.idealHeard)}`);
console.log(`  ${(r.specular / r.rows).toFixed(1)} specular paths and ${(r.clusters / r.rows).toFixed(1)} diffuse clusters a link; ${(r.stats.recorded / r.rows).toFixed(0)} diffuse contributions a link above the recorder's floor, ${(r.stats.fine / r.rows).toFixed(0)} of them in fine clusters`);
console.log(`  measurements.arrow ${(fs.statSync(r.path).size / 2 ** 20).toFixed(1)} MiB`);
console.log('estimation errors of the detected links, median / p90: ToA as a range (m), AoA to the line of sight (deg), |RSRP - ideal| (dB); median RSRP - ideal (dB)');
for (const e of r.errors)
  console.log(`  ${e.label.padEnd(16)}${String(e.links).padStart(8)}  ${e.toa[0].toFixed(2)} / ${e.toa[1].toFixed(2)}   ${e.aoa[0].toFixed(2)} / ${e.aoa[1].toFixed(2)}   ${e.rsrp[0].toFixed(2)} / ${e.rsrp[1].toFixed(2)}   ${e.rsrpBias.toFixed(2)}`);
fs.rmSync(out, { recursive: true, force: true });
