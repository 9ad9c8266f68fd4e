import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runRadiomap } from '../src/radiomap/run.ts';
import { DEFAULT_SCENARIO, loadScenario } from '../src/scenario/load.ts';

// `npx tsx bench/radiomap.ts [--cell M] [--threads N] [--scenario FILE]`: the whole radio map of the default
// scenario (all sites, 2 m cells at the UE height, images included): wall and CPU time, links/s, peak memory.
// The target of issue 12: <= 60 s on 2 cores.

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const threads = Number(arg('--threads') ?? os.availableParallelism());
const cell = Number(arg('--cell') ?? 2);
const scenario = loadScenario(arg('--scenario') ?? DEFAULT_SCENARIO);
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'simgen-bench-radiomap-'));
const load = () => os.loadavg()[0].toFixed(1);
console.log(`scenario ${scenario.name}: ${scenario.sites.length} sites, ${cell} m cells; ${os.availableParallelism()} cores, load average ${load()} at start`);
const t0 = performance.now();
const cpu0 = process.cpuUsage();
const res = await runRadiomap(scenario, out, { cell, threads, quiet: true });
const wall = (performance.now() - t0) / 1000;
// Worker threads' CPU counts in the process's usage.
const cpu = process.cpuUsage(cpu0);
const links = res.values.cells.length * res.values.siteIds.length;
console.log(
  `whole map, ${threads} threads: ${res.values.cells.length} open cells x ${res.values.siteIds.length} sites = ${links} links; ` +
    `traced in ${res.seconds.toFixed(1)} s, ${wall.toFixed(1)} s with the images and the file (${((cpu.user + cpu.system) / 1e6).toFixed(1)} s CPU) = ${(links / wall).toFixed(0)} links/s; ` +
    `peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB; load average ${load()} at the end`,
);
console.log(`target <= 60 s on 2 cores: ${wall <= 60 ? 'met' : 'NOT met'}`);
fs.rmSync(out, { recursive: true, force: true });
