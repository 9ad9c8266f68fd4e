import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runExport } from '../src/dataset/export.ts';
import { readDataset } from '../src/dataset/read.ts';
import { makeMeasureContext, measureBlock, RSRP_FLOOR_DBM } from '../src/measure/link.ts';
import { referenceMeasure } from '../src/measure/reference.ts';
import { errorQuantiles, measurementErrors } from '../src/measure/report.ts';
import { runMeasure } from '../src/measure/run.ts';
import { runTrajectories } from '../src/mobility/trajectories.ts';
import { readTrajectoryReceivers, runRaytrace } from '../src/raytrace/index.ts';
import { loadScenario } from '../src/scenario/load.ts';
import { readArrowFile } from '../src/util/arrow.ts';
import { ROOT } from './fixtures/bad-inputs.ts';

// `simgen measure` on the smoke scenario measured as a gNB does (scenarios/smoke-nr-srs.yaml): the file, its
// ideal columns against links.arrow, its independence of the worker count, the export reading it, and the fast
// estimators against the brute-force reference on real links.

const scenario = loadScenario(path.join(ROOT, 'scenarios/smoke-nr-srs.yaml'));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simgen-measure-'));
const ready = (async () => {
  await runTrajectories(scenario, dir, { quiet: true });
  await runRaytrace(scenario, dir, { threads: 1, quiet: true });
  return runMeasure(scenario, dir, { jobs: 1, quiet: true });
})();

const values = (file: string, col: string) => Array.from(readArrowFile(file).getChild(col)!.toArray() as ArrayLike<unknown>);
const nullable = (file: string, col: string) => {
  const c = readArrowFile(file).getChild(col)!;
  return Array.from({ length: c.length }, (_, i) => c.get(i) as number | null);
};

test('measurements.arrow: one row per link in links.arrow order; its ideal columns are links.arrow values; reports are complete', async () => {
  const r = await ready;
  const links = path.join(dir, 'links.arrow'), meas = r.path;
  assert.equal(r.rows, 244 * 18);
  for (const [m, l] of [['trajectory_id', 'trajectory_id'], ['sample', 'sample'], ['site_id', 'site_id'], ['ideal_heard', 'heard'], ['los', 'los']]) assert.deepEqual(values(meas, m), values(links, l), m);
  for (const [m, l] of [['ideal_rx_power_dbm', 'rx_power_dbm'], ['ideal_tof_ns', 'tof_ns'], ['ideal_aoa_azimuth_deg', 'aoa_azimuth_deg'], ['ideal_aoa_elevation_deg', 'aoa_elevation_deg']])
    assert.deepEqual(nullable(meas, m), nullable(links, l), m);
  const det = values(meas, 'detected') as boolean[], toa = nullable(meas, 'toa_ns'), rsrp = nullable(meas, 'rsrp_dbm'), az = nullable(meas, 'aoa_azimuth_deg');
  const los = values(meas, 'los') as boolean[], snr = nullable(meas, 'snr_db'), losDelay = values(meas, 'los_delay_ns') as number[];
  det.forEach((d, i) => {
    assert.equal(toa[i] !== null, d, `row ${i}: ToA reported iff detected`);
    if (d) assert.ok(rsrp[i]! >= RSRP_FLOOR_DBM && az[i]! >= 0 && az[i]! < 360, `row ${i}`);
  });
  // Strong line-of-sight links: detected, ToA within half a metre of the geometry.
  const strong = det.map((_, i) => i).filter((i) => los[i] && snr[i]! > 0);
  assert.ok(strong.length > 50);
  const errs = strong.map((i) => Math.abs(toa[i]! - losDelay[i])).sort((a, b) => a - b);
  assert.ok(strong.every((i) => det[i]) && errs[Math.floor(errs.length / 2)] < 1.6, `median |ToA - LOS delay| ${errs[Math.floor(errs.length / 2)]} ns`);
  // Fewer links are detected than heard in links.arrow's sense (160 dB), and a few false alarms.
  assert.ok(r.detected < r.idealHeard && r.detected > 0.2 * r.rows && r.falseAlarms < 0.01 * r.rows, JSON.stringify(r));
  // The error report, gathered while writing, is the file's: every detected link once in LOS/NLOS and once by SNR.
  assert.deepEqual(r.errors, errorQuantiles(measurementErrors(meas)));
  assert.equal(r.errors[0].links + r.errors[1].links, r.detected);
  assert.equal(r.errors.slice(2).reduce((n, q) => n + q.links, 0), r.detected);
});

test('measurements.arrow: the same bytes with two worker processes', async () => {
  const r = await ready;
  const other = fs.mkdtempSync(path.join(os.tmpdir(), 'simgen-measure-2-'));
  fs.copyFileSync(path.join(dir, 'trajectories.arrow'), path.join(other, 'trajectories.arrow'));
  const r2 = await runMeasure(scenario, other, { jobs: 2, quiet: true });
  assert.ok(fs.readFileSync(r.path).equals(fs.readFileSync(r2.path)));
});

test('export with measurement nr-srs: the features are the measured values (detected links), the sentinel otherwise', async () => {
  const r = await ready;
  const e = await runExport(scenario, dir, { constellations: 1, quiet: true });
  const d = readDataset(e.path);
  const meas = readArrowFile(r.path);
  const sites = d.meta.constellations[0].sites, ns = 18;
  const col = (c: string) => meas.getChild(c)!;
  const det = col('detected'), p = col('rx_power_dbm'), t = col('toa_ns');
  const siteIndex = sites.map((id) => scenario.sites.map((s) => s.id).sort((a, b) => a - b).indexOf(id));
  let checked = 0;
  for (let s = 0; s < 244; s++) {
    const row = s; // constellation 1 comes first, samples in file order
    siteIndex.forEach((k, j) => {
      const link = s * ns + k;
      const f = d.features.subarray(row * d.width + 8 * j, row * d.width + 8 * j + 8);
      if (det.get(link)) {
        assert.ok(Math.abs(f[0] - p.get(link)) < 1e-4 && Math.abs(f[1] - t.get(link)) < 1e-2, `sample ${s} site ${sites[j]}`);
        checked++;
      } else assert.equal(f[0], d.meta.sentinel.rx_power_dbm);
    });
  }
  assert.ok(checked > 100);
});

test('fast estimators against the brute-force reference (full response, DFTs, fine scan) on real links of the smoke scenario', async () => {
  await ready;
  const ctx = await makeMeasureContext(scenario);
  const rx = await readTrajectoryReceivers(path.join(dir, 'trajectories.arrow'));
  const pairs: { fast: { detected: boolean; toaS: number; azRad: number; elRad: number }; ref: ReturnType<typeof referenceMeasure> }[] = [];
  for (const k of [3, 61, 122, 183, 240]) {
    measureBlock(ctx, rx.xyz.slice(3 * k, 3 * k + 3), rx.trajectoryId.slice(k, k + 1), rx.sample.slice(k, k + 1), new Float64Array(1), new Float64Array(1), (l) => {
      if (l.channel.count === 0) return;
      const fast = { ...l.measurement };
      pairs.push({ fast, ref: referenceMeasure(ctx.cfg, ctx.manifold, l.channel, ctx.tracer.sites[l.site].orientation, ctx.impairments[l.site], l.losDelayS, l.key) });
    });
  }
  const both = pairs.filter((p) => p.fast.detected && p.ref.detected);
  const agree = pairs.filter((p) => p.fast.detected === p.ref.detected).length;
  assert.ok(agree >= 0.95 * pairs.length && both.length >= 15, `detection agrees on ${agree} of ${pairs.length} links, both detect ${both.length}`);
  const toa = both.map((p) => Math.abs(p.fast.toaS - p.ref.toaS) * 1e9).sort((a, b) => a - b);
  const ang = both.map((p) => (Math.hypot(p.fast.azRad - p.ref.azRad, p.fast.elRad - p.ref.elRad) * 180) / Math.PI).sort((a, b) => a - b);
  const q = (a: number[], f: number) => a[Math.floor(f * (a.length - 1))];
  assert.ok(q(toa, 0.9) < 0.05, `|ToA fast - reference| p90 ${q(toa, 0.9)} ns`);
  assert.ok(q(ang, 0.9) < 0.2, `|AoA fast - reference| p90 ${q(ang, 0.9)} deg`);
});
