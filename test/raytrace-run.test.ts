import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { runTrajectories } from '../src/mobility/trajectories.ts';
import { checkReceivers, readCsvReceivers } from '../src/raytrace/run/receivers.ts';
import { runRaytrace } from '../src/raytrace/index.ts';
import { loadScenario, PACKAGE_ROOT, withRaytraceSection } from '../src/scenario/load.ts';
import { ArrowFileWriter, readArrowFile } from '../src/util/arrow.ts';
import { UserError } from '../src/util/errors.ts';

// `simgen raytrace` end to end on the smoke scenario: the same bytes whatever --threads, the file's
// columns, order, metadata and mask rule, --paths consistent with links, --rx CSV errors.

const smoke = loadScenario(path.join(PACKAGE_ROOT, 'scenarios/smoke.yaml'));
// RD/DR paths on (off in the bundled scenarios), so the thread-count check covers every path kind.
const scenario = withRaytraceSection(smoke, { ...smoke.raytrace.asWritten.raytrace, diffraction_reflections: true });
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'simgen-raytrace-'));

test('links.arrow: byte-identical with 1 and 2 threads; order, metadata, mask; paths.arrow matches', async () => {
  const a = tmp(), b = tmp();
  await runTrajectories(scenario, a, { quiet: true });
  fs.copyFileSync(path.join(a, 'trajectories.arrow'), path.join(b, 'trajectories.arrow'));
  const ra = await runRaytrace(scenario, a, { threads: 1, quiet: true, paths: true });
  const rb = await runRaytrace(scenario, b, { threads: 2, quiet: true, paths: true });
  assert.ok(fs.readFileSync(ra.path).equals(fs.readFileSync(rb.path)), 'links.arrow differs between 1 and 2 threads');
  assert.ok(fs.readFileSync(ra.pathsFile!).equals(fs.readFileSync(rb.pathsFile!)), 'paths.arrow differs between 1 and 2 threads');
  assert.deepEqual(fs.readdirSync(a).filter((f) => f.startsWith('.')), []); // no temp files left

  const t = readArrowFile(ra.path);
  const traj = readArrowFile(path.join(a, 'trajectories.arrow'));
  assert.equal(t.numRows, traj.numRows * 18);
  assert.equal(ra.rows, t.numRows);
  const md = t.schema.metadata;
  for (const k of ['simgen_version', 'scenario', 'scenario_hash', 'seed', 'input_key', 'sites', 'carrier_freq_hz', 'path_loss_cutoff_db', 'aoa_resolution_deg', 'ue_tx_power_dbm']) assert.ok(md.get(k), k);
  assert.equal(md.get('input_key'), ra.inputKey);
  assert.equal(JSON.parse(md.get('sites')!).length, 18);
  const col = (name: string) => t.getChild(name)!.toArray();
  const [tid, smp, sid, loss, heard, np, az, azq, pw, st] = ['trajectory_id', 'sample', 'site_id', 'path_loss_db', 'heard', 'num_paths', 'aoa_azimuth_deg', 'aoa_azimuth_q_deg', 'rx_power_dbm', 'strongest_interactions'].map(col) as unknown as number[][];
  const losses = t.getChild('path_loss_db')!;
  let heardN = 0, none = 0;
  for (let i = 0; i < t.numRows; i++) {
    if (i > 0) {
      const order = tid[i] - tid[i - 1] || smp[i] - smp[i - 1] || sid[i] - sid[i - 1];
      assert.ok(order > 0, `row ${i} out of order`);
    }
    if (np[i] === 0) {
      none++;
      assert.equal(losses.get(i), null);
      assert.equal(heard[i] as unknown as boolean, false);
      assert.equal(st[i], null);
    } else {
      assert.equal(heard[i] as unknown as boolean, loss[i] <= 160, `row ${i}: heard vs ${loss[i]} dB`);
      assert.ok(az[i] >= 0 && az[i] < 360 && azq[i] >= 0 && azq[i] < 360 && azq[i] % 20 === 0);
      assert.ok(pw[i] > -200 && pw[i] < 23 + 19 - loss[i] + 0.01, `rx power ${pw[i]} with loss ${loss[i]}`); // at most P_tx + 18.9 dBi array gain - loss
    }
    if (heard[i]) heardN++;
  }
  assert.ok(heardN > 0.1 * t.numRows && none > 0, `heard ${heardN}, no path ${none} of ${t.numRows}`);

  // paths.arrow: one row per path; per link the gains sum to the link's path loss.
  const p = readArrowFile(ra.pathsFile!);
  assert.equal(p.numRows, [...np].reduce((s, x) => s + x, 0));
  const sum = new Map<string, number>();
  const pt = p.getChild('trajectory_id')!.toArray(), ps = p.getChild('sample')!.toArray(), pi = p.getChild('site_id')!.toArray(), pg = p.getChild('path_gain_db')!.toArray();
  for (let i = 0; i < p.numRows; i++) {
    const k = `${pt[i]}/${ps[i]}/${pi[i]}`;
    sum.set(k, (sum.get(k) ?? 0) + 10 ** (pg[i] / 10));
  }
  for (let i = 0; i < t.numRows; i += 7) if (np[i] > 0) assert.ok(Math.abs(-10 * Math.log10(sum.get(`${tid[i]}/${smp[i]}/${sid[i]}`)!) - loss[i]) < 1e-9);
});

test('--rx CSV: points traced with trajectory_id -1; bad CSV is a UserError naming line and column, nothing written', async () => {
  const dir = tmp();
  const csv = path.join(dir, 'points.csv');
  fs.writeFileSync(csv, 'x,y,z\n138,60,1.5\n282,300,1.5\n');
  const res = await runRaytrace(scenario, dir, { threads: 1, quiet: true, rxCsv: csv });
  const t = readArrowFile(res.path);
  assert.equal(t.numRows, 2 * 18);
  assert.deepEqual([...new Set(t.getChild('trajectory_id')!.toArray())], [-1]);
  assert.deepEqual([...new Set(t.getChild('sample')!.toArray())], [0, 1]);

  const bad = path.join(dir, 'bad.csv');
  const out = path.join(dir, 'out');
  for (const [text, pattern] of [
    ['x,y,z\n1,2,1.5\n3,abc,1.5\n', /line 3 column "y": "abc" is not a number/],
    ['x,y\n1,2\n', /line 1 must be the header "x,y,z"/],
    ['x,y,z\n1,2\n', /line 2 has 2 values/],
    ['x,y,z\n1,2,-1\n', /--rx .*bad\.csv: line 2: receiver \(1, 2, -1\) is at or below the ground/],
  ] as const) {
    fs.writeFileSync(bad, text);
    await assert.rejects(runRaytrace(scenario, out, { threads: 1, quiet: true, rxCsv: bad }), (e: Error) => e instanceof UserError && pattern.test(e.message));
  }
  await assert.rejects(runRaytrace(scenario, out, { threads: 1, quiet: true }), (e: Error) => e instanceof UserError && /trajectories/.test(e.message));
  assert.equal(fs.existsSync(out), false);
});

test('receivers inside a building, off the map or at the ground are refused, naming line or row; --allow-indoor/--allow-off-map keep them', async () => {
  const dir = tmp();
  const out = path.join(dir, 'out');
  const csv = path.join(dir, 'points.csv');
  const refused = async (text: string, re: RegExp, opts = {}) => {
    fs.writeFileSync(csv, text);
    await assert.rejects(runRaytrace(scenario, out, { threads: 1, quiet: true, rxCsv: csv, ...opts }), (e: Error) => e instanceof UserError && re.test(e.message) && !e.message.includes('\n'));
    assert.equal(fs.existsSync(out), false, 'nothing written');
  };
  // The two points of the issue: inside building 4, and far off the map. Line numbers count the header and blank lines.
  await refused('x,y,z\n138,60,1.5\n\n60,60,1.5\n', /points\.csv: line 4: receiver \(60, 60, 1\.5\) is inside building 4 \(within its footprint, below its roof at 45\.5 m\); --allow-indoor/);
  await refused('x,y,z\n-10,5000,1.5\n60,60,1.5\n', /line 2: receiver \(-10, 5000, 1\.5\) is off the map \(allowed x 0\.\.387, y 0\.\.552\); 1 more of the 2 receivers refused; --allow-off-map/);
  await refused('x,y,z\n138,60,0\n', /line 2: receiver \(138, 60, 0\) is at or below the ground/);
  await refused('x,y,z\n138,60,0\n', /at or below the ground/, { allowIndoor: true, allowOffMap: true });
  await refused('x,y,z\n60,60,1.5\n', /inside building 4/, { allowOffMap: true });

  // Kept when asked for; a point above a roof is a rooftop receiver, kept anyway.
  fs.writeFileSync(csv, 'x,y,z\n60,60,1.5\n-10,5000,1.5\n60,60,50\n');
  const res = await runRaytrace(scenario, out, { threads: 1, quiet: true, rxCsv: csv, allowIndoor: true, allowOffMap: true });
  assert.equal(res.rows, 3 * 18);
  fs.writeFileSync(csv, 'x,y,z\n60,60,50\n0,0,1.5\n387,552,1.5\n129,60,1.5\n');
  checkReceivers(readCsvReceivers(csv), scenario.map); // a rooftop, the map's corners, a point on a facade: kept

  // A trajectories file with a sample inside a building: the row is named with its trajectory and sample.
  const trajDir = path.join(dir, 'traj');
  await runTrajectories(scenario, trajDir, { quiet: true });
  const file = path.join(trajDir, 'trajectories.arrow');
  const t = readArrowFile(file);
  const cols = Object.fromEntries(t.schema.fields.map((f) => [f.name, t.getChild(f.name)!.toArray()])) as Record<string, any>;
  cols.x = Float64Array.from(cols.x);
  cols.y = Float64Array.from(cols.y);
  cols.x[5] = 200;
  cols.y[5] = 200; // building 6
  const w = new ArrowFileWriter(file, t.schema);
  w.write(cols);
  await w.close();
  await assert.rejects(runRaytrace(scenario, trajDir, { threads: 1, quiet: true }), (e: Error) => e instanceof UserError && /trajectories\.arrow: row 5 \(trajectory \d+, sample \d+\): receiver \(200, 200, 1\.5\) is inside building 6/.test(e.message));
  assert.ok(!fs.existsSync(path.join(trajDir, 'links.arrow')));
});
