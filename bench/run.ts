import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// `npm run bench`: every stage benchmark in turn, each in its own process so one's heap and
// wasm state do not distort the next. Each prints its own numbers (scale.ts: each stage's peak RSS). city.ts runs
// twice: three district sizes with 200 receivers, then the city-scale target (5,000 buildings, 10,000 receivers).

const here = path.dirname(fileURLToPath(import.meta.url));
const benches = [['cli.ts'], ['raytrace.ts'], ['measure.ts'], ['scale.ts'], ['map-load.ts'], ['city.ts'], ['city.ts', '--buildings', '5000', '--receivers', '10000'], ['radiomap.ts'], ['train.ts']];
let failed = false;
for (const [b, ...args] of benches) {
  console.log(`\n=== bench/${[b, ...args].join(' ')} ===`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(here, b), ...args, ...process.argv.slice(2)], { stdio: 'inherit' });
  if (r.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
