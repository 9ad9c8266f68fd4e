import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { denseDistrict } from '../maps/dense-district.make.ts';
import { makeTracer, precomputeTracerSite } from '../src/raytrace/engine/tracer.ts';
import { loadScenario } from '../src/scenario/load.ts';

// `npx tsx bench/city.ts [--buildings 1250,2500,5000] [--receivers 200] [--threads N] [--max-range M]`: tracing a large city. For each
// size, the dense district (maps/dense-district.make.ts, same density at every size) with the bundled district's
// radio settings (scenarios/chestnut-quarter.yaml: reflections, diffraction with RD/DR, diffuse scattering) and 18
// automatic sites; `simgen raytrace --rx` (the compiled command, its own process) on receivers spread along the
// streets at 1.5 m. Prints the wall time, links/s and peak RSS of that process, and what each site's
// precomputation keeps of the map (surfaces its candidate rays reach, edges it sees, tiles it lights; measured
// in this process on one tracer). `--max-range M` sets raytrace.max_range_m (src/raytrace/engine/range.ts).

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : def;
};
const sizes = arg('--buildings', '1250,2500,5000').split(',').map(Number);
const receivers = Number(arg('--receivers', '200'));
const threads = arg('--threads', String(os.availableParallelism()));
const maxRange = arg('--max-range', '');

const build = spawnSync('npm', ['run', '--silent', 'build:js'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
if (build.status !== 0) process.exit(1);
const RSS_HOOK = `data:text/javascript,process.on('exit',()=>process.stderr.write('maxrss '+process.resourceUsage().maxRSS+'\\n'))`;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'simgen-bench-city-'));
const base = YAML.parse(fs.readFileSync(path.join(root, 'scenarios/chestnut-quarter.yaml'), 'utf8'));
const pct = (a: number, b: number) => `${((100 * a) / b).toFixed(1)} %`;
const range = (v: number[], f: (x: number) => string) => `${f(Math.min(...v))}-${f(Math.max(...v))} (median ${f(v.sort((a, b) => a - b)[v.length >> 1])})`;

console.log(`city-scale raytrace, dense district, 18 automatic sites, ${receivers} receivers, --threads ${threads}, ${maxRange ? `max_range_m ${maxRange}, ` : ''}${os.availableParallelism()} cores, load average ${os.loadavg()[0].toFixed(1)} at start`);
try {
  for (const n of sizes) {
    const dir = path.join(work, `district-${n}`);
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'district.geojson'), JSON.stringify(denseDistrict(n)));
    const doc = structuredClone(base);
    Object.assign(doc, { name: `dense-district-${n}`, map: 'district.geojson' });
    doc.sites.auto.count = 18;
    if (maxRange) doc.raytrace.max_range_m = Number(maxRange);
    const file = path.join(dir, 'scenario.yaml');
    fs.writeFileSync(file, YAML.stringify(doc));
    const scenario = loadScenario(file);
    const map = scenario.map;

    // Receivers: evenly along the streets' centre lines, 1.75 m to either side (a lane's middle), at 1.5 m.
    const segs = map.streets.flatMap((s) => s.centerline.slice(1).map((b, k) => [s.centerline[k], b]));
    const total = segs.reduce((a, [p, q]) => a + Math.hypot(q[0] - p[0], q[1] - p[1]), 0);
    const rows = ['x,y,z'];
    let at = total / receivers / 2;
    for (const [p, q] of segs) {
      const len = Math.hypot(q[0] - p[0], q[1] - p[1]);
      for (; at < len && rows.length <= receivers; at += total / receivers) {
        const side = rows.length % 2 ? 1.75 : -1.75;
        rows.push(`${(p[0] + ((q[0] - p[0]) * at) / len - (side * (q[1] - p[1])) / len).toFixed(3)},${(p[1] + ((q[1] - p[1]) * at) / len + (side * (q[0] - p[0])) / len).toFixed(3)},1.5`);
      }
      at -= len;
    }
    fs.writeFileSync(path.join(dir, 'rx.csv'), `${rows.join('\n')}\n`);

    // What each site's precomputation keeps of the map.
    const t = makeTracer(scenario);
    const kept = t.sites.map((_, i) => {
      const pre = precomputeTracerSite(t, i);
      const lit = new Set(pre.illumination?.tile ?? []);
      return { surfaces: new Set(pre.tree.surface.subarray(1)).size, edges: pre.edges?.seen.length ?? 0, tiles: lit.size };
    });
    console.log(`${String(n).padStart(5)} buildings  ${map.width} x ${map.height} m  ${t.scene.surfaces.length} surfaces, ${t.scene.edges.length} edges, ${t.tiles?.count ?? 0} tiles`);
    console.log(`       per site kept: surfaces ${range(kept.map((k) => k.surfaces / t.scene.surfaces.length), (x) => pct(x, 1))}, edges seen ${range(kept.map((k) => k.edges / t.scene.edges.length), (x) => pct(x, 1))}, tiles lit ${range(kept.map((k) => k.tiles / (t.tiles?.count || 1)), (x) => pct(x, 1))}`);

    const t0 = performance.now();
    const r = spawnSync(process.execPath, ['--import', RSS_HOOK, path.join(root, 'bin/simgen.js'), 'raytrace', '--scenario', file, '--out', dir, '--rx', path.join(dir, 'rx.csv'), '--threads', threads, '--quiet'], { encoding: 'utf8' });
    const s = (performance.now() - t0) / 1000;
    if (r.status !== 0) throw new Error(`raytrace: exit ${r.status}\n${r.stderr}`);
    const kib = Number(/maxrss (\d+)/.exec(r.stderr)?.[1]);
    const links = (rows.length - 1) * t.sites.length;
    console.log(`       raytrace ${rows.length - 1} receivers x ${t.sites.length} sites: ${s.toFixed(1)} s wall, ${(links / s).toFixed(0)} links/s, peak RSS ${(kib / 1024).toFixed(0)} MiB`);
    if (n >= 5000 && receivers >= 10000) console.log(`       target (5,000 buildings, 10,000 receivers) <= 300 s and <= 3 GB: ${s <= 300 && kib * 1024 <= 3e9 ? 'met' : 'not met'}${maxRange ? ` with max_range_m ${maxRange}` : ''}`);
    fs.rmSync(dir, { recursive: true, force: true });
  }
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
