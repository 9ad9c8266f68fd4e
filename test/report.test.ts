import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { runExport } from '../src/dataset/export.ts';
import { runTrajectories } from '../src/mobility/trajectories.ts';
import { rmsDelaySpread, angularSpreadDeg } from '../src/radio/spreads.ts';
import { runRaytrace } from '../src/raytrace/index.ts';
import { ecdf, fitPathLoss, losShareByBin, normalCdf, summarize } from '../src/report/statistics.ts';
import { umiAzimuthSpread, umiDelaySpread, umiLosProbability, umiZenithSpread } from '../src/report/tr38901.ts';
import { loadScenario, PACKAGE_ROOT } from '../src/scenario/load.ts';
import { readArrowFile } from '../src/util/arrow.ts';
import { simgen } from './fixtures/cli.ts';

// simgen report: its statistics against hand-computed cases, the raytrace's spread columns against the paths
// they summarise, the report of a smoke run, and its bad inputs (exit 2, one line).

const near = (a: number, b: number, tol: number, what: string) => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);
const SMOKE = path.join(PACKAGE_ROOT, 'scenarios/smoke.yaml');

test('path-loss fit on synthetic data: intercept, exponent and sigma by hand', () => {
  // PL = 30 + 35 log10 d, each distance twice with +2 and -2 dB: the fit is exact, the residuals +-2 -> sigma 2.
  const d: number[] = [], pl: number[] = [];
  for (const x of [10, 20, 50, 100, 200, 500])
    for (const e of [2, -2]) {
      d.push(x);
      pl.push(30 + 35 * Math.log10(x) + e);
    }
  const fit = fitPathLoss(d, pl);
  assert.equal(fit.n, 12);
  near(fit.interceptDb, 30, 1e-9, 'intercept');
  near(fit.exponent, 3.5, 1e-12, 'exponent');
  near(fit.sigmaDb, 2, 1e-12, 'sigma');
  // Non-finite losses and distances <= 0 are left out.
  assert.equal(fitPathLoss([...d, 0, 30], [...pl, 100, NaN]).n, 12);
});

test('LOS probability: TR 38.901 Table 7.4.2-1 by hand, and the share of LOS links per bin on a tiny link set', () => {
  assert.equal(umiLosProbability(5), 1);
  assert.equal(umiLosProbability(18), 1);
  // d = 36 m: 18/36 + e^-1 (1 - 18/36) = 0.5 + 0.18394 = 0.68394.
  near(umiLosProbability(36), 0.5 + Math.exp(-1) / 2, 1e-12, '36 m');
  near(umiLosProbability(36), 0.68394, 1e-5, '36 m, hand value');
  // Five links: 5 m LOS, 15 m LOS, 30 m NLOS, 40 m LOS, 100 m NLOS; bins [0,20) [20,50) [50,200).
  const bins = losShareByBin([5, 15, 30, 40, 100], [1, 1, 0, 1, 0], [0, 20, 50, 200]);
  assert.deepEqual(bins.map((b) => [b.value.n, b.value.share]), [[2, 1], [2, 0.5], [1, 0]]);
  // A distance beyond the last edge is left out.
  assert.equal(losShareByBin([500], [1], [0, 20]).reduce((a, b) => a + b.value.n, 0), 0);
});

test('TR 38.901 Table 7.5-6 / 7.5-7 UMi at 28 GHz: the medians docs/report.md quotes', () => {
  near(10 ** umiDelaySpread('LOS', 28e9).mu, 32.3, 0.05, 'DS LOS ns');
  near(10 ** umiDelaySpread('NLOS', 28e9).mu, 65.9, 0.05, 'DS NLOS ns');
  near(umiDelaySpread('NLOS', 28e9).sigma, 0.16 * Math.log10(29) + 0.28, 1e-12, 'DS NLOS sd');
  near(10 ** umiAzimuthSpread('LOS', 28e9).mu, 13.7, 0.05, 'ASD LOS deg');
  near(10 ** umiAzimuthSpread('NLOS', 28e9).mu, 15.6, 0.05, 'ASD NLOS deg');
  // ZSD LOS at 100 m, site 10 m, UE 1.5 m: max(-0.21, -1.48 + 0.085 + 0.83 = -0.565) = -0.21.
  near(umiZenithSpread('LOS', 100, 10, 1.5).mu, -0.21, 1e-12, 'ZSD LOS floor');
  near(umiZenithSpread('LOS', 10, 10, 1.5).mu, -0.148 + 0.085 + 0.83, 1e-12, 'ZSD LOS 10 m');
  // Below 2 GHz the table's frequency is 2 GHz.
  assert.deepEqual(umiDelaySpread('LOS', 1e9), umiDelaySpread('LOS', 2e9));
});

test('statistics: quantiles, empirical CDF, normal CDF', () => {
  const s = summarize([5, 1, 4, 2, 3, NaN]);
  assert.deepEqual([s.n, s.median, s.q25, s.q75], [5, 3, 2, 4]);
  assert.deepEqual(ecdf([3, 1, 2, 4]), [[1, 0.25], [2, 0.5], [3, 0.75], [4, 1]]);
  assert.deepEqual(ecdf([1, 2, 3, 4], 2), [[2, 0.5], [4, 1]]);
  near(normalCdf(0, 0, 1), 0.5, 1e-9, 'Phi(0)');
  near(normalCdf(1.96, 0, 1), 0.975, 1e-4, 'Phi(1.96)');
});

test('links.arrow spread columns = the spreads of the link\'s paths in paths.arrow; report on the smoke run writes its files; bad inputs exit 2', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simgen-report-'));
  const smoke = loadScenario(SMOKE);
  await runTrajectories(smoke, dir, { quiet: true });
  await runRaytrace(smoke, dir, { paths: true, threads: 2, quiet: true });

  // Every link's delay, azimuth and zenith spreads from its paths (gains without antennas; angles at the site).
  const L = readArrowFile(path.join(dir, 'links.arrow'));
  const P = readArrowFile(path.join(dir, 'paths.arrow'));
  const lc = (n: string) => L.getChild(n)!;
  const pc = (n: string) => P.getChild(n)!.toArray() as unknown as number[];
  const [pg, pd, paz, pel] = ['path_gain_db', 'delay_ns', 'aoa_azimuth_deg', 'aoa_elevation_deg'].map(pc);
  const np = lc('num_paths').toArray() as Int32Array;
  let p = 0, checked = 0, multi = 0;
  for (let r = 0; r < L.numRows; r++) {
    const n = np[r];
    const g = Array.from({ length: n }, (_, k) => 10 ** (pg[p + k] / 10));
    const d = Array.from({ length: n }, (_, k) => pd[p + k]);
    const az = Array.from({ length: n }, (_, k) => paz[p + k]);
    const zen = Array.from({ length: n }, (_, k) => 90 - pel[p + k]);
    p += n;
    const [ds, as, zs] = ['delay_spread_ns', 'azimuth_spread_deg', 'zenith_spread_deg'].map((c) => lc(c).get(r) as number | null);
    if (n === 0) {
      assert.deepEqual([ds, as, zs], [null, null, null], `link ${r}: no path, null spreads`);
      continue;
    }
    near(ds!, rmsDelaySpread(g, d), 1e-6 * Math.max(1, ds!), `link ${r} delay spread`);
    near(as!, angularSpreadDeg(g, az), 1e-6 * Math.max(1, as!), `link ${r} azimuth spread`);
    near(zs!, angularSpreadDeg(g, zen), 1e-6 * Math.max(1, zs!), `link ${r} zenith spread`);
    checked++;
    if (n > 1 && ds! > 0) multi++;
  }
  assert.equal(p, P.numRows);
  assert.ok(checked > 1000 && multi > 1000, `${checked} links checked, ${multi} with a spread`);

  // The report, without dataset.arrow (coverage: constellation #1 of the scenario), then with it.
  const first = await simgen('report', '--scenario', SMOKE, '--out', dir);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /^report: \d+ links, 7 figures/m);
  assert.match(JSON.parse(fs.readFileSync(path.join(dir, 'report/report.json'), 'utf8')).figures.find((f: { id: string }) => f.id === 'coverage').caption, /constellation #1 of the scenario/);
  await runExport(smoke, dir, { quiet: true });
  const r = await simgen('report', '--scenario', SMOKE, '--out', dir);
  assert.equal(r.code, 0, r.stderr);
  const files = fs.readdirSync(path.join(dir, 'report')).sort();
  for (const f of ['report.html', 'report.json', 'path-loss.svg', 'delay-spread.svg', 'azimuth-spread.svg', 'zenith-spread.svg', 'los-probability.svg', 'coverage-sites.svg', 'coverage-k.svg', 'paths-per-link.svg', 'strongest-mechanism.svg', 'diffuse-share.svg'])
    assert.ok(files.includes(f), `${f} written (${files.join(', ')})`);
  const json = JSON.parse(fs.readFileSync(path.join(dir, 'report/report.json'), 'utf8'));
  assert.deepEqual(json.figures.map((f: { id: string }) => f.id), ['path-loss', 'delay-spread', 'azimuth-spread', 'zenith-spread', 'los-probability', 'coverage', 'multipath']);
  const pl = json.figures[0].numbers.links;
  assert.ok(pl.LOS.links > 0 && pl.NLOS.links > 0 && pl.NLOS.fit.exponent > 2, JSON.stringify(pl.NLOS.fit));
  assert.equal(json.figures[5].numbers.constellations.length, smoke.constellations.count + (smoke.constellations.unseen ? 1 : 0));
  const html = fs.readFileSync(path.join(dir, 'report/report.html'), 'utf8');
  assert.equal(html.match(/<svg /g)?.length, 10, 'every figure inline');
  assert.ok(!/<script|src="http/.test(html), 'self-contained');

  // Bad inputs: one line, exit 2, nothing written. links.arrow of another run (another seed), then none at all.
  const other = await simgen('report', '--scenario', SMOKE, '--out', dir, '--seed', '7');
  assert.equal(other.code, 2, other.stderr);
  assert.equal(other.stderr.trim().split('\n').length, 1, other.stderr);
  assert.match(other.stderr, /^simgen: .*links\.arrow was written for another scenario, seed or upstream file .*rerun "simgen raytrace"/);
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'simgen-report-empty-'));
  const missing = await simgen('report', '--scenario', SMOKE, '--out', empty);
  assert.equal(missing.code, 2, missing.stderr);
  assert.equal(missing.stderr.trim().split('\n').length, 1, missing.stderr);
  assert.match(missing.stderr, /^simgen: links\.arrow not found: .*run "simgen raytrace --out/);
  assert.deepEqual(fs.readdirSync(empty), [], 'nothing written');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(empty, { recursive: true, force: true });
});
