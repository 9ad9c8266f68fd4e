import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import YAML from 'yaml';
import { DEFAULT_SCENARIO, loadScenario } from '../src/scenario/load.ts';
import { UserError } from '../src/util/errors.ts';
import { ROOT, writeBadInputs } from './fixtures/bad-inputs.ts';

// Scenario loading: the bundled scenarios, path resolution, overrides, and every bad-input case
// (in-process here; test/cli.test.ts runs the same cases through the CLI).

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'simgen-scenario-'));

test('the default scenario is the paper setup: 28 GHz, 18 sites at 5 m outside buildings, 7 of 10 constellations', () => {
  const s = loadScenario();
  assert.equal(s.path, DEFAULT_SCENARIO);
  assert.equal(s.name, 'hyploc-madrid');
  assert.equal(s.raytrace.carrierFreqHz, 28e9);
  assert.equal(s.sites.length, 18);
  assert.ok(s.sites.every((x) => x.z === 5 && x.orientation === 0));
  assert.deepEqual([s.constellations.size, s.constellations.count, s.trajectories.count, s.trajectories.testTracks], [7, 10, 36, 4]);
  assert.deepEqual([s.raytrace.aoaResolutionDeg, s.raytrace.pathLossCutoffDb, s.trajectories.samplePeriodS], [20, 160, 0.1]);
  assert.equal(s.map.buildings.length, 15);
  assert.match(s.hash, /^[0-9a-f]{64}$/);
});

test('paths resolve relative to the scenario file, not the working directory; per-site overrides apply', () => {
  const cwd = process.cwd();
  try {
    process.chdir(os.tmpdir());
    const s = loadScenario(path.join(ROOT, 'test/fixtures/l-block.yaml'));
    assert.equal(s.map.path, path.join(ROOT, 'test/fixtures/l-block.geojson'));
    assert.deepEqual(s.sites[1], { id: 2, x: 95, y: 62, z: 8, orientation: Math.PI / 2 });
  } finally {
    process.chdir(cwd);
  }
});

test('--seed overrides the scenario seed; the hash covers scenario and map bytes', () => {
  const smoke = path.join(ROOT, 'scenarios/smoke.yaml');
  const a = loadScenario(smoke);
  assert.equal(a.seed, 2024);
  assert.equal(loadScenario(smoke, { seed: 5 }).seed, 5);
  assert.equal(loadScenario(smoke, { seed: 5 }).hash, a.hash, 'the seed is recorded apart from the hash');
  const dir = tmp();
  const s = YAML.parse(fs.readFileSync(smoke, 'utf8'));
  s.map = path.join(ROOT, 'maps/madrid-grid.geojson');
  s.trajectories.count = 5;
  fs.writeFileSync(path.join(dir, 'x.yaml'), YAML.stringify(s));
  assert.notEqual(loadScenario(path.join(dir, 'x.yaml')).hash, a.hash);
});

test('a material outside its ITU-R P.2040 range is accepted with raytrace.allow_material_out_of_range: true', () => {
  const dir = tmp();
  const s = YAML.parse(fs.readFileSync(path.join(ROOT, 'scenarios/smoke.yaml'), 'utf8'));
  s.map = path.join(ROOT, 'maps/madrid-grid.geojson');
  s.carrier_freq_hz = 60e9; // brick walls are valid to 40 GHz only
  s.raytrace.allow_material_out_of_range = true;
  fs.writeFileSync(path.join(dir, 's.yaml'), YAML.stringify(s));
  assert.equal(loadScenario(path.join(dir, 's.yaml')).raytrace.carrierFreqHz, 60e9);
});

test('every bad-input case is refused with a UserError naming the field and the allowed range', () => {
  const cases = writeBadInputs(tmp());
  assert.equal(cases.length, 33);
  for (const c of cases) {
    const seed = c.args ? Number(c.args[c.args.indexOf('--seed') + 1]) : undefined;
    assert.throws(
      () => loadScenario(c.scenario, { seed }),
      (e: unknown) => {
        assert.ok(e instanceof UserError, `${c.name}: ${String(e)}`);
        assert.match(e.message, c.message, c.name);
        assert.ok(!e.message.includes('\n'), `${c.name}: one line`);
        return true;
      },
      c.name,
    );
  }
});

test('other scenario checks: constellation #1, test tracks, duplicate site ids, unknown enum value', () => {
  const base = YAML.parse(fs.readFileSync(path.join(ROOT, 'scenarios/smoke.yaml'), 'utf8'));
  base.map = path.join(ROOT, 'maps/madrid-grid.geojson');
  const cases: [string, (s: any) => void, RegExp][] = [
    ['first lists an unknown site', (s) => (s.constellations.first[0] = 99), /field "constellations\.first" must list 7 distinct site ids/],
    ['size larger than the sites', (s) => (s.constellations.size = 20), /field "constellations\.size" must be <= the number of sites \(18\)/],
    ['all tracks are test tracks', (s) => (s.trajectories.test_tracks = 4), /field "trajectories\.test_tracks" must be < trajectories\.count \(4\)/],
    ['duplicate site id', (s) => (s.sites.positions[1].id = 1), /site ids must be unique/],
    ['bad enum', (s) => (s.raytrace.polarization = 'circular'), /field "raytrace\.polarization" must be one of "vertical", "horizontal" \(got "circular"\)/],
    ['missing key', (s) => delete s.ue.tx_power_dbm, /field "ue\.tx_power_dbm" must be a number \(missing\)/],
    ['fractional count', (s) => (s.trajectories.count = 2.5), /field "trajectories\.count" must be an integer >= 1 and <= 10000 \(got 2\.5\)/],
    ['more constellations than combinations', (s) => Object.assign(s.constellations, { size: 17, count: 19, first: undefined }), /field "constellations\.count" must be <= 18 \(18 sites choose 17 = 18 distinct constellations\) \(got 19\)/],
    ['sites: both positions and auto', (s) => (s.sites.auto = { count: 4 }), /field "sites" needs exactly one of "positions".*"auto".*\(got both\)/],
    ['sites: neither', (s) => delete s.sites.positions, /field "sites" needs exactly one of "positions".*\(got neither\)/],
    ['sites.auto: more than fit', (s) => { delete s.sites.positions; s.sites.auto = { count: 200, min_separation_m: 100 }; s.constellations.first = undefined; }, /field "sites\.auto\.count": only \d+ sites fit 100 m apart/],
    ['sites.auto: unknown key', (s) => { delete s.sites.positions; s.sites.auto = { count: 4, spacing: 3 }; }, /field "sites\.auto" unknown key\(s\) "spacing"/],
  ];
  const dir = tmp();
  for (const [name, edit, want] of cases) {
    const s = structuredClone(base);
    edit(s);
    const file = path.join(dir, `${name.replace(/\W+/g, '-')}.yaml`);
    fs.writeFileSync(file, YAML.stringify(s));
    assert.throws(() => loadScenario(file), (e: unknown) => e instanceof UserError && want.test(e.message), name);
  }
});
