import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';

// `npx tsx bench/scale.ts [--tracks 36,360] [--scenario FILE] [--threads N]`: each stage of the pipeline
// (trajectories, raytrace, export) run as the `simgen` command a user runs (compiled dist/), one process
// per stage, on the scenario with its trajectory count set to each value of --tracks (default: the
// scenario's own; 360 = the 10x scenario, ~250 k samples, ~4.5 M links, test tracks scaled alike). Prints
// wall time and peak RSS per stage and, with several counts, each one's peak RSS as a multiple of the first's.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const scenarioFile = path.resolve(arg('--scenario') ?? path.join(root, 'scenarios/hyploc-madrid.yaml'));
const threads = arg('--threads') ?? String(os.availableParallelism());
const base = YAML.parse(fs.readFileSync(scenarioFile, 'utf8'));
const counts = (arg('--tracks') ?? String(base.trajectories.count)).split(',').map(Number);
if (counts.some((n) => !Number.isInteger(n) || n < 2)) throw new Error('--tracks: a comma-separated list of integers >= 2');

const build = spawnSync('npm', ['run', '--silent', 'build:js'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
if (build.status !== 0) process.exit(1);

// Peak RSS of the child (all its threads), reported by an exit hook loaded before the CLI.
const RSS_HOOK = `data:text/javascript,process.on('exit',()=>process.stderr.write('maxrss '+process.resourceUsage().maxRSS+'\\n'))`;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'simgen-bench-scale-'));
const mib = (kib: number) => `${(kib / 1024).toFixed(0)} MiB`;
const STAGES: [string, string[]][] = [['trajectories', []], ['raytrace', ['--threads', threads]], ['export', ['--arrow']]];

console.log(`scenario ${base.name} (${path.relative(root, scenarioFile)}), ${os.availableParallelism()} cores, raytrace --threads ${threads}, load average ${os.loadavg()[0].toFixed(1)} at start`);
const rss: Record<string, number[]> = {};
try {
  for (const tracks of counts) {
    const dir = path.join(work, `tracks-${tracks}`);
    fs.mkdirSync(dir);
    const doc = structuredClone(base);
    doc.map = path.resolve(path.dirname(scenarioFile), base.map);
    doc.trajectories.count = tracks;
    doc.trajectories.test_tracks = Math.max(1, Math.round((base.trajectories.test_tracks * tracks) / base.trajectories.count));
    const file = path.join(dir, 'scenario.yaml');
    fs.writeFileSync(file, YAML.stringify(doc));
    for (const [stage, extra] of STAGES) {
      const t0 = performance.now();
      const r = spawnSync(process.execPath, ['--import', RSS_HOOK, path.join(root, 'bin/simgen.js'), stage, '--scenario', file, '--out', dir, '--quiet', ...extra], { encoding: 'utf8' });
      const s = (performance.now() - t0) / 1000;
      if (r.status !== 0) throw new Error(`${stage}: exit ${r.status}\n${r.stderr}`);
      const kib = Number(/maxrss (\d+)/.exec(r.stderr)?.[1]);
      (rss[stage] ??= []).push(kib);
      const out = { trajectories: 'trajectories.arrow', raytrace: 'links.arrow', export: 'dataset.arrow' }[stage]!;
      const size = fs.statSync(path.join(dir, out)).size / 2 ** 20;
      const sizeText = size < 10 ? size.toFixed(1) : size.toFixed(0);
      const ratio = rss[stage].length > 1 ? ` (${(kib / rss[stage][0]).toFixed(2)}x the ${counts[0]}-track run)` : '';
      console.log(`${String(tracks).padStart(4)} tracks  ${stage.padEnd(12)} ${s.toFixed(1).padStart(6)} s wall   peak RSS ${mib(kib).padStart(8)}${ratio}   ${out} ${sizeText} MiB`);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
