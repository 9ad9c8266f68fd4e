import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { denseDistrict } from '../maps/dense-district.make.ts';
import { loadMap } from '../src/map/load.ts';

// `npx tsx bench/map-load.ts [--buildings 1250,2500,5000]`: loading a large map (the generated dense district,
// lon/lat GeoJSON through the import) at several sizes of the same density: wall time of loadMap (parse,
// projection, footprint merging, the overlap and centre-line checks, street noding), best of 3.

const arg = process.argv.indexOf('--buildings');
const sizes = (arg > 0 ? process.argv[arg + 1] : '1250,2500,5000').split(',').map(Number);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simgen-bench-map-'));
console.log(`map loading, dense district (maps/dense-district.make.ts), best of 3, load average ${os.loadavg()[0].toFixed(1)}`);
try {
  for (const n of sizes) {
    const file = path.join(dir, `dense-district-${n}.geojson`);
    fs.writeFileSync(file, JSON.stringify(denseDistrict(n)));
    let best = Infinity;
    let map = loadMap(file);
    for (let k = 0; k < 3; k++) {
      const t0 = performance.now();
      map = loadMap(file);
      best = Math.min(best, performance.now() - t0);
    }
    const mb = fs.statSync(file).size / 2 ** 20;
    console.log(`${String(map.buildings.length).padStart(6)} buildings  ${map.width} x ${map.height} m  ${mb.toFixed(1)} MiB  load ${(best / 1000).toFixed(2)} s`);
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
