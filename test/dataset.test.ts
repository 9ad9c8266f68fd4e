import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { type ExportResult, exportInputKey, runExport } from '../src/dataset/export.ts';
import { type Dataset, readDataset } from '../src/dataset/read.ts';
import { loadScenario, type Scenario } from '../src/scenario/load.ts';
import { readArrowFile } from '../src/util/arrow.ts';
import { UserError } from '../src/util/errors.ts';
import { smokeUpstream } from './fixtures/upstream.ts';

// End to end on a cut-down smoke scenario through the real trajectories and raytrace stages; every
// exported value is checked against links.arrow and trajectories.arrow.

let scenario: Scenario;
let outDir: string;
let result: ExportResult;
let ds: Dataset;

before(async () => {
  ({ scenario, outDir } = await smokeUpstream());
  result = await runExport(scenario, outDir, { quiet: true });
  ds = readDataset(result.path);
});
after(() => fs.rmSync(outDir, { recursive: true, force: true }));

test('constellations: #1 from the scenario, seeded distinct draws, one unseen on top', () => {
  const cs = ds.meta.constellations;
  const { count, size, first } = scenario.constellations;
  assert.equal(cs.length, count + 1);
  assert.deepEqual(cs[0].sites, [...first].sort((a, b) => a - b));
  assert.deepEqual(cs.map((c) => c.id), cs.map((_, i) => i + 1));
  assert.deepEqual(cs.map((c) => c.unseen), cs.map((_, i) => i === count));
  const ids = new Set(scenario.sites.map((s) => s.id));
  for (const c of cs) {
    assert.equal(new Set(c.sites).size, size);
    assert.ok(c.sites.every((id, i) => ids.has(id) && (i === 0 || id > c.sites[i - 1])), `sites ascending and known: ${c.sites}`);
  }
  assert.equal(new Set(cs.map((c) => c.sites.join(','))).size, cs.length, 'all distinct');
  const samples = readArrowFile(path.join(outDir, 'trajectories.arrow')).numRows;
  assert.equal(ds.rows, cs.length * samples);
  for (const c of cs) assert.equal(ds.constellation.filter((v) => v === c.id).length, samples);
});

test('no trajectory is in two splits, and the test tracks are the trajectories stage\'s', () => {
  const splitOf = new Map<number, Set<number>>();
  for (let i = 0; i < ds.rows; i++) {
    const s = splitOf.get(ds.trajectoryId[i]) ?? new Set<number>();
    s.add(ds.split[i]);
    splitOf.set(ds.trajectoryId[i], s);
  }
  for (const [t, s] of splitOf) assert.equal(s.size, 1, `trajectory ${t} in both splits`);
  const expected: number[] = JSON.parse(readArrowFile(path.join(outDir, 'trajectories.arrow')).schema.metadata.get('test_trajectories')!);
  const testIds = [...splitOf].filter(([, s]) => s.has(1)).map(([t]) => t).sort((a, b) => a - b);
  assert.deepEqual(testIds, [...expected].sort((a, b) => a - b));
  assert.equal(testIds.length, scenario.trajectories.testTracks);
});

test('features, labels and heard counts match links.arrow and trajectories.arrow value by value', () => {
  const links = readArrowFile(path.join(outDir, 'links.arrow')).toArray().map((r) => r.toJSON());
  const link = new Map(links.map((l) => [`${l.trajectory_id}/${l.sample}/${l.site_id}`, l]));
  const traj = new Map(readArrowFile(path.join(outDir, 'trajectories.arrow')).toArray().map((r) => [`${r.trajectory_id}/${r.sample}`, r.toJSON()]));
  const siteById = new Map(ds.meta.sites.map((s) => [s.id, s]));
  const f32 = Math.fround;
  const { sentinel } = ds.meta;
  assert.equal(sentinel.rx_power_dbm, scenario.raytrace.txPowerDbm - scenario.raytrace.pathLossCutoffDb - 30);
  assert.equal(ds.width, 56);
  assert.equal(ds.meta.featureLayout[8], 'gnb2_rx_power_dbm');
  let heardSeen = 0;
  let unheardSeen = 0;
  for (let i = 0; i < ds.rows; i++) {
    const c = ds.meta.constellations[ds.constellation[i] - 1];
    const key = `${ds.trajectoryId[i]}/${ds.sample[i]}`;
    const tr = traj.get(key)!;
    assert.equal(ds.x[i], f32(tr.x));
    assert.equal(ds.y[i], f32(tr.y));
    let heard = 0;
    c.sites.forEach((id, j) => {
      const l = link.get(`${key}/${id}`)!;
      const v = ds.features.subarray(i * 56 + j * 8, i * 56 + j * 8 + 8);
      const site = siteById.get(id)!;
      assert.deepEqual([...v.subarray(5)], [f32(site.x), f32(site.y), f32(site.z)]);
      if (l.heard) {
        heard++;
        heardSeen++;
        const az = (l.aoa_azimuth_q_deg * Math.PI) / 180, el = (l.aoa_elevation_q_deg * Math.PI) / 180;
        assert.equal(v[0], f32(l.rx_power_dbm));
        assert.equal(v[1], f32(l.tof_ns));
        assert.ok(Math.abs(v[2] - Math.cos(el) * Math.cos(az)) < 1e-6 && Math.abs(v[3] - Math.cos(el) * Math.sin(az)) < 1e-6 && Math.abs(v[4] - Math.sin(el)) < 1e-6);
        assert.ok(Math.abs(Math.hypot(v[2], v[3], v[4]) - 1) < 1e-6);
        assert.ok(v[0] > sentinel.rx_power_dbm);
      } else {
        unheardSeen++;
        assert.deepEqual([...v.subarray(0, 5)], [sentinel.rx_power_dbm, 0, 0, 0, 0]);
      }
    });
    assert.equal(ds.heardCount[i], heard);
  }
  assert.ok(heardSeen > 100 && unheardSeen > 100, `both cases exercised (${heardSeen} heard, ${unheardSeen} not)`);
});

test('normalisation: mean/std over the training split of the known constellations only', () => {
  const { normalisation, constellations } = ds.meta;
  const unseenId = constellations.find((c) => c.unseen)!.id;
  const rows = [...Array(ds.rows).keys()].filter((i) => ds.split[i] === 0 && ds.constellation[i] !== unseenId);
  assert.equal(normalisation.rows, rows.length);
  for (let j = 0; j < 56; j++) {
    const v = rows.map((i) => ds.features[i * 56 + j]);
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    const std = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
    assert.ok(Math.abs(normalisation.features.mean[j] - mean) <= 1e-9 * Math.max(1, Math.abs(mean)), `mean ${ds.meta.featureLayout[j]}`);
    assert.ok(Math.abs(normalisation.features.std[j] - std) <= 1e-6 * Math.max(1, std), `std ${ds.meta.featureLayout[j]}`);
  }
  // Site z never varies (all arrays at 5 m): exactly 0, not rounding noise.
  assert.equal(normalisation.features.std[7], 0);
  const xs = rows.map((i) => ds.x[i]);
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  assert.ok(Math.abs(normalisation.labels.mean[0] - mx) < 1e-3);
});

test('heard shares per constellation sum to 1 and match the heard_count column', () => {
  result.meta.constellations.forEach((c, i) => {
    const hc = ds.heardCount.filter((_, r) => ds.constellation[r] === c.id);
    assert.ok(Math.abs(result.heardShares[i].reduce((a, b) => a + b, 0) - 1) < 1e-12);
    for (let k = 0; k <= 7; k++) assert.equal(result.heardShares[i][k], hc.filter((v) => v === k).length / hc.length);
  });
});

test('same inputs -> byte-identical dataset.arrow; metadata carries the keys', async () => {
  const before = fs.readFileSync(result.path);
  const again = await runExport(scenario, outDir, { quiet: true });
  assert.ok(before.equals(fs.readFileSync(again.path)));
  assert.equal(again.inputKey, result.inputKey);
  const m = readArrowFile(result.path).schema.metadata;
  for (const k of ['simgen_version', 'scenario', 'scenario_hash', 'seed', 'input_key', 'constellations', 'feature_layout', 'normalisation', 'sentinel'])
    assert.ok(m.has(k), k);
  assert.equal(m.get('scenario_hash'), scenario.hash);
  assert.equal(m.get('input_key'), result.inputKey);
  // The pipeline predicts the key without running the export: both must agree.
  const upstreamKey = (f: string) => readArrowFile(path.join(outDir, f)).schema.metadata.get('input_key')!;
  assert.equal(exportInputKey(scenario, upstreamKey('links.arrow'), upstreamKey('trajectories.arrow')), result.inputKey);
});

test('--constellations K: a prefix of the default draws; out of range is a UserError and writes nothing', async () => {
  const two = await runExport(scenario, outDir, { constellations: 2, quiet: true });
  assert.notEqual(two.inputKey, result.inputKey);
  const known = (r: ExportResult) => r.meta.constellations.filter((c) => !c.unseen).map((c) => c.sites);
  assert.deepEqual(known(two), known(result).slice(0, 2));
  assert.equal(two.meta.constellations.at(-1)!.id, 3);
  const mtime = fs.statSync(two.path).mtimeMs;
  for (const bad of [0, 1.5, 31824])
    await assert.rejects(runExport(scenario, outDir, { constellations: bad, quiet: true }), (e: Error) => e instanceof UserError && /--constellations must be an integer in 1\.\.1000/.test(e.message));
  assert.equal(fs.statSync(two.path).mtimeMs, mtime);
  assert.deepEqual(fs.readdirSync(outDir).filter((f) => f.endsWith('.tmp')), []);
});

test('inputs from another seed, or missing, are UserErrors naming the file', async () => {
  const other = loadScenario(scenario.path, { seed: scenario.seed + 1 });
  await assert.rejects(runExport(other, outDir, { quiet: true }), (e: Error) => e instanceof UserError && /links\.arrow was written for another scenario, seed or upstream file/.test(e.message));
  const empty = fs.mkdtempSync(path.join(path.dirname(outDir), 'simgen-empty-'));
  await assert.rejects(runExport(scenario, empty, { quiet: true }), (e: Error) => e instanceof UserError && /links\.arrow not found/.test(e.message));
  assert.deepEqual(fs.readdirSync(empty), []);
  fs.rmSync(empty, { recursive: true });
});
