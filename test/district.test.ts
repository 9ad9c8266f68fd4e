import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { generateTracks } from '../src/mobility/drive.ts';
import { loadScenario } from '../src/scenario/load.ts';
import { readArrowFile } from '../src/util/arrow.ts';
import { ROOT } from './fixtures/bad-inputs.ts';
import { checkTrackRules } from './mobility-invariants.ts';

// The second city end to end (issue 16): the bundled district is read from its WGS84 lon/lat file, its
// sites are placed automatically, and `simgen train` runs every stage on the test-sized scenario. Every
// Arrow output records the map's origin; vehicles keep the driving rules on curves and go round the
// roundabout counter-clockwise (right-hand traffic).

const run = promisify(execFile);
const SMOKE = path.join(ROOT, 'scenarios/chestnut-quarter-smoke.yaml');

test('simgen train on the district (lon/lat map, automatic sites): every stage runs, outputs carry origin_lon_lat', async () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'simgen-district-'));
  const { stdout } = await run(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/cli/main.ts'), 'train', '--scenario', SMOKE, '--out', out, '--model', 'hyploc,single'], { cwd: ROOT });
  assert.match(stdout, /^export: dataset\.arrow is missing, running it$/m);
  assert.match(stdout, /^HypLoc\s+\d+\s+[\d.]+/m);
  const metrics = JSON.parse(fs.readFileSync(path.join(out, 'models/hyploc-c1/metrics.json'), 'utf8'));
  assert.ok(Number.isFinite(metrics.mean_error_m) && metrics.mean_error_m < 300, `mean error ${metrics.mean_error_m} m`);
  for (const f of ['trajectories.arrow', 'links.arrow', 'dataset.arrow']) assert.equal(readArrowFile(path.join(out, f)).schema.metadata.get('origin_lon_lat'), '[11.5603,48.1291]', f);
  // 8 sites choose 4 leave room: the unseen constellation is there.
  const constellations = JSON.parse(readArrowFile(path.join(out, 'dataset.arrow')).schema.metadata.get('constellations')!);
  assert.deepEqual(constellations.map((c: { unseen: boolean }) => c.unseen), [false, false, true]);
  assert.deepEqual(constellations[0].sites, [1, 2, 3, 4]);
  fs.rmSync(out, { recursive: true, force: true });
});

test('driving on the district: every rule holds on curves and junctions; the roundabout is driven counter-clockwise', () => {
  const scenario = loadScenario(path.join(ROOT, 'scenarios/chestnut-quarter.yaml'));
  const map = scenario.map;
  const settings = { count: 24, durationS: 60, samplePeriodS: 0.1, testTracks: 0, antennaHeightM: 1.5 };
  const tracks = generateTracks(map, scenario.seed, settings);
  checkTrackRules(map, tracks, settings.samplePeriodS);
  const ring = map.streets.find((s) => s.oneway)!;
  assert.equal(ring.name, 'Chestnut Circle');
  const c = ring.centerline.slice(1).reduce((a, p) => [a[0] + p[0] / (ring.centerline.length - 1), a[1] + p[1] / (ring.centerline.length - 1)], [0, 0]);
  const onRing = tracks.flatMap((t) => t.samples).filter((s) => s.streetId === ring.id && s.piece === 'lane');
  assert.ok(onRing.length > 20, `${onRing.length} samples on the roundabout`);
  for (const s of onRing) assert.ok((s.x - c[0]) * Math.sin(s.heading) - (s.y - c[1]) * Math.cos(s.heading) > 0, 'counter-clockwise');
  // Streets ridden: the tracks reach most of the network.
  const ridden = new Set(tracks.flatMap((t) => t.samples.map((s) => s.streetId)));
  assert.ok(ridden.size >= map.streets.length - 2, `${ridden.size} of ${map.streets.length} streets driven`);
});
