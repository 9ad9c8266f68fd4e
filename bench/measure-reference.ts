import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeMeasureContext, measureBlock } from '../src/measure/link.ts';
import { referenceMeasure } from '../src/measure/reference.ts';
import { runTrajectories } from '../src/mobility/trajectories.ts';
import { readTrajectoryReceivers } from '../src/raytrace/index.ts';
import { loadScenario, PACKAGE_ROOT } from '../src/scenario/load.ts';

// `npx tsx bench/measure-reference.ts [--receivers N] [--scenario FILE]`: the fast estimators of `simgen measure`
// (src/measure/estimate.ts) against the brute-force reference (src/measure/reference.ts: every tone of every
// symbol, DFTs, a 1 deg + 0.05 deg beam scan, RSRP over every tone with explicit noise) on the real links of N
// trajectory samples of the default nr-srs scenario, each link's channel and noise realisation shared: how often
// they agree on detection, how far apart their ToA, AoA and RSRP are, and what each costs.

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const scenario = loadScenario(arg('--scenario', path.join(PACKAGE_ROOT, 'scenarios/hyploc-madrid-nr-srs.yaml')));
const N = Number(arg('--receivers', '20'));
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'simgen-bench-measure-ref-'));
await runTrajectories(scenario, out, { quiet: true });
const rx = await readTrajectoryReceivers(path.join(out, 'trajectories.arrow'));
const ctx = await makeMeasureContext(scenario);
const stride = Math.floor(rx.sample.length / N);
let links = 0, fastOnly = 0, refOnly = 0, fastFa = 0, fastMs = 0, refMs = 0;
const dToa: number[] = [], dAoa: number[] = [], dRsrp: number[] = [];
let t = performance.now();
for (let i = 0; i < N; i++) {
  const k = i * stride;
  measureBlock(ctx, rx.xyz.slice(3 * k, 3 * k + 3), rx.trajectoryId.slice(k, k + 1), rx.sample.slice(k, k + 1), new Float64Array(1), new Float64Array(1), (l) => {
    if (l.channel.count === 0) return;
    fastMs += performance.now() - t;
    const f = { ...l.measurement };
    const t1 = performance.now();
    const r = referenceMeasure(ctx.cfg, ctx.manifold, l.channel, ctx.tracer.sites[l.site].orientation, ctx.impairments[l.site], l.losDelayS, l.key);
    refMs += performance.now() - t1;
    links++;
    if (f.falseAlarm) fastFa++;
    if (f.detected && !r.detected) fastOnly++;
    if (r.detected && !f.detected) refOnly++;
    if (f.detected && r.detected) {
      dToa.push(Math.abs(f.toaS - r.toaS) * 1e9);
      const u = [Math.cos(f.elRad) * Math.cos(f.azRad), Math.cos(f.elRad) * Math.sin(f.azRad), Math.sin(f.elRad)];
      const v = [Math.cos(r.elRad) * Math.cos(r.azRad), Math.cos(r.elRad) * Math.sin(r.azRad), Math.sin(r.elRad)];
      dAoa.push((Math.acos(Math.min(1, u[0] * v[0] + u[1] * v[1] + u[2] * v[2])) * 180) / Math.PI);
      // RSRP where the signal is 10 dB over the noise per RE (both draw their own noise).
      if (r.rsrpSignalW > 10 * ctx.cfg.noiseReW) dRsrp.push(Math.abs(10 * Math.log10(f.rsrpW / r.rsrpW)));
    }
    t = performance.now();
  });
}
const q = (a: number[], f: number) => [...a].sort((x, y) => x - y)[Math.floor(f * (a.length - 1))];
const qs = (a: number[], d: number) => `median ${q(a, 0.5).toFixed(d)}, p90 ${q(a, 0.9).toFixed(d)}, p99 ${q(a, 0.99).toFixed(d)}, max ${q(a, 1).toFixed(d)}`;
console.log(`${scenario.name}: ${links} links of ${N} samples; fast ${(fastMs / links).toFixed(2)} ms a link with the path search, reference ${(refMs / links).toFixed(0)} ms a link`);
console.log(`detection: both ${dToa.length}, fast only ${fastOnly}, reference only ${refOnly} (agreement ${((100 * (links - fastOnly - refOnly)) / links).toFixed(1)} %); fast false alarms ${fastFa}`);
console.log(`|ToA fast - reference| ns: ${qs(dToa, 3)}`);
console.log(`|AoA fast - reference| deg: ${qs(dAoa, 3)}`);
if (dRsrp.length > 0) console.log(`|RSRP fast - reference| dB (${dRsrp.length} links 10 dB over the noise per RE): ${qs(dRsrp, 3)}`);
fs.rmSync(out, { recursive: true, force: true });
