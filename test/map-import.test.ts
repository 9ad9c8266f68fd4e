import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { loadMap } from '../src/map/load.ts';
import { STOREY_HEIGHT_M } from '../src/map/osm/defaults.ts';
import { parseMaxspeed } from '../src/map/osm/import.ts';
import { LocalFrame } from '../src/map/osm/projection.ts';
import type { CityMap, Point2 } from '../src/map/types.ts';
import { formatGeojson, toSimgenGeojson } from '../src/map/write.ts';
import { buildStreetGraph } from '../src/mobility/street-graph.ts';
import { UserError } from '../src/util/errors.ts';

// Maps as people have them (issue 16): OpenStreetMap-style GeoJSON in WGS84 lon/lat, detected from the
// file, projected to the local east-north-up frame, defaults for missing tags, footprints that meet,
// and streets noded automatically. Fixtures are drawn in metres and written as lon/lat through the
// inverse projection, with the file's bbox fixing the origin at (0, 0).

const LON0 = 2.3522;
const LAT0 = 48.8566;
const frame = new LocalFrame(LON0, LAT0);
const ll = (p: Point2) => frame.toLonLat(p[0], p[1]);

type Tags = Record<string, string>;
const building = (tags: Tags, ring: Point2[], id: string) => ({ type: 'Feature', id, properties: { building: 'yes', ...tags }, geometry: { type: 'Polygon', coordinates: [[...ring, ring[0]].map(ll)] } });
const street = (tags: Tags, line: Point2[], id: string) => ({ type: 'Feature', id, properties: { highway: 'residential', ...tags }, geometry: { type: 'LineString', coordinates: line.map(ll) } });
const rect = (x0: number, y0: number, x1: number, y1: number): Point2[] => [[x0, y0], [x1, y0], [x1, y1], [x0, y1]];

function osmFile(features: unknown[], size: Point2 = [200, 200]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simgen-osm-'));
  const file = path.join(dir, 'town.geojson');
  fs.writeFileSync(file, JSON.stringify({ type: 'FeatureCollection', bbox: [...ll([0, 0]), ...ll(size)], features }));
  return file;
}

const near = (a: number, b: number, tol: number, what: string) => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

test('projection: local east-north-up frame on WGS84; known arc lengths, round trip', () => {
  const f = new LocalFrame(0, 45);
  // One thousandth of a degree of latitude at 45 deg: meridian arc 111.132 m (M = a(1-e^2)/(1-e^2 sin^2)^1.5).
  near(f.toMap(0, 45.001)[1], 111.132, 0.002, 'north');
  near(f.toMap(0, 45.001)[0], 0, 1e-9, 'same meridian');
  // ... and of longitude: N cos(lat) pi / 180 / 1000 = 78.847 m.
  near(f.toMap(0.001, 45)[0], 78.847, 0.002, 'east');
  for (const p of [[0, 0], [350, 120], [1200, 900], [-40, 2000]] as Point2[]) {
    const [lon, lat] = f.toLonLat(p[0], p[1]);
    const q = f.toMap(lon, lat);
    near(q[0], p[0], 1e-6, 'round trip x');
    near(q[1], p[1], 1e-6, 'round trip y');
  }
});

test('a tag-less building gets the default height; levels, height and material tags are read', () => {
  const map = loadMap(
    osmFile([
      building({}, rect(10, 10, 30, 30), 'way/1'),
      building({ 'building:levels': '4' }, rect(40, 10, 60, 30), 'way/2'),
      building({ height: '15.5 m', 'building:material': 'glass' }, rect(70, 10, 90, 30), 'way/3'),
      building({ building: 'house' }, rect(100, 10, 120, 30), 'way/4'),
      building({ building: 'garage', 'roof:material': 'metal' }, rect(130, 10, 140, 20), 'way/5'),
      street({}, [[0, 50], [200, 50]], 'way/10'),
    ]),
  );
  const byOsm = new Map(map.buildings.map((b) => [b.osmId, b]));
  assert.equal(byOsm.get('way/1')!.height, 3 * STOREY_HEIGHT_M, 'building=yes without tags: 3 storeys');
  assert.equal(byOsm.get('way/2')!.height, 4 * STOREY_HEIGHT_M);
  assert.equal(byOsm.get('way/3')!.height, 15.5);
  assert.equal(byOsm.get('way/4')!.height, 2 * STOREY_HEIGHT_M, 'a house: 2 storeys');
  assert.equal(byOsm.get('way/5')!.height, STOREY_HEIGHT_M, 'a garage: 1 storey');
  assert.deepEqual(map.buildings.map((b) => b.wallMaterial), ['concrete', 'concrete', 'glass', 'brick', 'concrete']);
  assert.deepEqual(map.buildings.map((b) => b.roofMaterial), ['concrete', 'concrete', 'concrete', 'concrete', 'metal']);
  // Footprints land where they were drawn (1 mm rounding), counter-clockwise.
  for (const [i, p] of rect(10, 10, 30, 30).entries()) {
    near(map.buildings[0].footprint[i][0], p[0], 0.0015, 'x');
    near(map.buildings[0].footprint[i][1], p[1], 0.0015, 'y');
  }
  near(map.origin!.lon, LON0, 1e-12, 'origin lon (the bbox corner)');
  near(map.origin!.lat, LAT0, 1e-12, 'origin lat');
  near(map.width, 200, 0.01, 'width');
  assert.match(map.notes!.join('\n'), /building heights: .*3 default/);
});

test('street tags and defaults: lanes, width, maxspeed units, oneway; footways skipped', () => {
  const map = loadMap(
    osmFile([
      street({}, [[0, 20], [200, 20]], 'way/1'),
      street({ highway: 'primary', lanes: '4', width: '16', maxspeed: '30 mph' }, [[0, 60], [200, 60]], 'way/2'),
      street({ oneway: '-1', maxspeed: 'DE:zone30' }, [[0, 100], [200, 100]], 'way/3'),
      street({ highway: 'footway' }, [[0, 140], [200, 140]], 'way/4'),
      street({ lanes: '1', width: '4' }, [[0, 180], [200, 180]], 'way/5'),
    ]),
  );
  const s = new Map(map.streets.map((x) => [x.id, x]));
  assert.deepEqual([...s.keys()], ['way/1', 'way/2', 'way/3', 'way/5'], 'the footway is not driven');
  assert.deepEqual(pick(s.get('way/1')!), { width: 6, lanesPerDirection: 1, laneWidth: 3, speedLimitKmh: 50, oneway: false });
  assert.deepEqual(pick(s.get('way/2')!), { width: 16, lanesPerDirection: 2, laneWidth: 3.5, speedLimitKmh: 48.28, oneway: false });
  assert.deepEqual(pick(s.get('way/3')!), { width: 6, lanesPerDirection: 1, laneWidth: 3, speedLimitKmh: 30, oneway: false }, 'one-way, but a dead end on the map: both ways, one lane each');
  assert.ok(s.get('way/3')!.centerline[0][0] > 199, 'oneway=-1: drawn against the direction of travel, reversed');
  assert.deepEqual(pick(s.get('way/5')!), { width: 4, lanesPerDirection: 1, laneWidth: 2, speedLimitKmh: 50, oneway: false }, 'a narrow tagged width narrows the lanes');
  assert.match(map.notes!.join('\n'), /one-way street way\/3 ends in a dead end: driven both ways/);
  assert.equal(parseMaxspeed('walk'), 20);
  assert.equal(parseMaxspeed('none'), undefined);
  assert.match(map.notes!.join('\n'), /skipped: 1 highway=footway/);
});

const pick = (x: CityMap['streets'][number]) => ({ width: x.width, lanesPerDirection: x.lanesPerDirection, laneWidth: x.laneWidth, speedLimitKmh: Math.round(x.speedLimitKmh * 100) / 100, oneway: !!x.oneway });

test('noding: a T-junction and a crossing become graph nodes without shared vertices; layers never join', () => {
  const map = loadMap(
    osmFile([
      street({ name: 'main' }, [[0, 100], [200, 100]], 'way/1'),
      street({ name: 'cross' }, [[100, 0], [100, 200]], 'way/2'), // crosses main at (100, 100)
      street({ name: 'tee' }, [[50, 100], [50, 190]], 'way/3'), // starts on main's segment
      street({ name: 'short' }, [[150, 101.8], [150, 190]], 'way/4'), // stops 1.8 m short of main's centre line (inside its 6 m carriageway)
      street({ name: 'bridge', bridge: 'yes' }, [[170, 0], [170, 200]], 'way/5'), // over main: layer 1
    ]),
  );
  const g = buildStreetGraph(map);
  const degree = (p: Point2) => g.nodes.find((n) => Math.hypot(n.p[0] - p[0], n.p[1] - p[1]) < 0.01)?.edges.length ?? 0;
  assert.equal(degree([100, 100]), 4, 'the crossing is a node of both streets');
  assert.equal(degree([50, 100]), 3, 'the T-junction is a node');
  assert.equal(degree([150, 100]), 3, 'the street ending short was snapped onto main');
  assert.equal(degree([170, 100]), 0, 'the bridge does not join main');
  const main = map.streets.find((s) => s.name === 'main')!;
  assert.equal(main.centerline.length, 5, 'main got the crossing and two junction vertices (not the bridge)');
});

test('noding on simgen-map/1 too: the same T-junction drawn without a shared vertex joins', () => {
  const m = JSON.parse(fs.readFileSync(path.resolve('test/fixtures/l-block.geojson'), 'utf8'));
  const ew = m.features.find((f: any) => f.properties.id === 'ew');
  ew.geometry.coordinates = [[5, 60], [95, 60]]; // drop the hand-placed vertex at (55, 60)
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'simgen-node-')), 'l.geojson');
  fs.writeFileSync(file, JSON.stringify(m));
  const g = buildStreetGraph(loadMap(file));
  assert.equal(g.nodes.find((n) => n.p[0] === 55 && n.p[1] === 60)?.edges.length, 3);
  assert.equal(g.edges.length, 3);
});

test('footprints that meet: same height merged, touching heights kept, overlapping heights refused naming both', () => {
  const map = loadMap(
    osmFile([
      building({ 'building:levels': '3' }, rect(10, 10, 20, 30), 'way/1'),
      building({ 'building:levels': '3' }, rect(20, 10, 30, 30), 'way/2'), // shares a wall with way/1: merged
      building({ 'building:levels': '3' }, rect(28, 25, 40, 40), 'way/3'), // overlaps way/2, same height: merged
      building({ 'building:levels': '6' }, rect(40, 10, 50, 30), 'way/4'), // touches way/3 at x = 40, taller: kept
      street({}, [[0, 60], [200, 60]], 'way/10'),
    ]),
  );
  assert.equal(map.buildings.length, 2);
  assert.equal(map.buildings[0].osmId, 'way/1+way/2+way/3');
  near(Math.abs(area(map.buildings[0].footprint)), 20 * 20 + 12 * 15 - 2 * 5, 0.01, 'area of the union');
  assert.equal(map.buildings[0].footprint.length, 8, 'the shared wall is gone: one outline of 8 corners');
  assert.match(map.notes!.join('\n'), /merged 3 touching buildings of 9 m into one: way\/1, way\/2, way\/3/);
  assert.throws(
    () => loadMap(osmFile([building({ height: '10' }, rect(10, 10, 30, 30), 'way/7'), building({ height: '20' }, rect(25, 10, 45, 30), 'way/8'), street({}, [[0, 60], [200, 60]], 'way/10')])),
    (e: unknown) => e instanceof UserError && /buildings way\/7 \(10 m\) and way\/8 \(20 m\) overlap/.test(e.message),
  );
});

const area = (r: Point2[]) => r.reduce((s, p, i) => s + p[0] * r[(i + 1) % r.length][1] - r[(i + 1) % r.length][0] * p[1], 0) / 2;

test('format detection and refusals: metres without the simgen header, nothing to read', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simgen-det-'));
  const metric = path.join(dir, 'metric.geojson');
  fs.writeFileSync(metric, JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { building: 'yes' }, geometry: { type: 'Polygon', coordinates: [[[100, 100], [300, 100], [300, 300], [100, 100]]] } }] }));
  assert.throws(() => loadMap(metric), (e: unknown) => e instanceof UserError && /\[100,100\] is not WGS84 \[longitude, latitude\].*"simgen" header/.test(e.message));
  const empty = path.join(dir, 'empty.geojson');
  fs.writeFileSync(empty, JSON.stringify({ type: 'FeatureCollection', features: [] }));
  assert.throws(() => loadMap(empty), (e: unknown) => e instanceof UserError && /no building .* or drivable street/.test(e.message));
});

test('map import output: simgen-map/1 that loads back to the same map, origin and defaults written out', () => {
  const map = loadMap(path.resolve('maps/chestnut-quarter.geojson'));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simgen-conv-'));
  const out = path.join(dir, 'converted.geojson');
  fs.writeFileSync(out, formatGeojson(toSimgenGeojson(map)));
  const again = loadMap(out);
  assert.deepEqual(again.origin, map.origin);
  assert.deepEqual(again.buildings, map.buildings);
  assert.deepEqual(again.streets, map.streets);
  assert.deepEqual(again.pedestrianAreas, map.pedestrianAreas);
  assert.deepEqual([again.width, again.height], [map.width, map.height]);
});

test('simgen map import: converts, reports, writes atomically; a bad file exits 2 with one line and writes nothing', async () => {
  const { execFile } = await import('node:child_process');
  const { promisify } = await import('node:util');
  const run = promisify(execFile);
  const cli = (...args: string[]) => run(process.execPath, ['--import', 'tsx', path.resolve('src/cli/main.ts'), ...args], { cwd: path.resolve('.') });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simgen-import-cli-'));
  const out = path.join(dir, 'converted.geojson');
  const { stdout } = await cli('map', 'import', 'maps/chestnut-quarter.geojson', '--out', out);
  assert.match(stdout, /^read {5}maps\/chestnut-quarter\.geojson \(osm-geojson\)$/m);
  assert.match(stdout, /^content  44 buildings, 10 streets \(1 one-way\), 1 pedestrian areas$/m);
  assert.match(stdout, /^graph {4}\d+ nodes, 9 junctions/m);
  assert.equal(JSON.parse(fs.readFileSync(out, 'utf8')).simgen.format, 'simgen-map/1');
  assert.deepEqual(fs.readdirSync(dir), ['converted.geojson'], 'no temporary file left');
  const bad = path.join(dir, 'bad.geojson');
  fs.writeFileSync(bad, JSON.stringify({ type: 'FeatureCollection', features: [building({ height: '10' }, rect(10, 10, 30, 30), 'way/7'), building({ height: '20' }, rect(25, 10, 45, 30), 'way/8')] }));
  const r = await cli('map', 'import', bad, '--out', path.join(dir, 'never.geojson')).then(() => ({ code: 0, stderr: '' }), (e: { code: number; stderr: string }) => e);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^simgen: map bad\.geojson: buildings way\/7 \(10 m\) and way\/8 \(20 m\) overlap.*\n$/);
  assert.ok(!fs.existsSync(path.join(dir, 'never.geojson')));
});

test('MultiPolygon parts, courtyards and ogr2ogr other_tags', () => {
  const multi = { type: 'Feature', id: 'relation/5', properties: { building: 'yes', height: '12' }, geometry: { type: 'MultiPolygon', coordinates: [[[...rect(10, 10, 30, 30), [10, 10]].map((p) => ll(p as Point2))], [[...rect(60, 10, 80, 30), [60, 10]].map((p) => ll(p as Point2))]] } };
  const courtyard = { type: 'Feature', properties: { osm_id: '77', building: 'yes', other_tags: '"building:levels"=>"5","building:material"=>"brick"' }, geometry: { type: 'Polygon', coordinates: [[...rect(100, 10, 140, 50), [100, 10]].map((p) => ll(p as Point2)), [...rect(110, 20, 130, 40), [110, 20]].map((p) => ll(p as Point2))] } };
  const map = loadMap(osmFile([multi, courtyard, street({}, [[0, 70], [200, 70]], 'way/10')]));
  assert.deepEqual(map.buildings.map((b) => b.osmId), ['relation/5#1', 'relation/5#2', 'way/77']);
  assert.deepEqual(map.buildings.map((b) => b.height), [12, 12, 5 * STOREY_HEIGHT_M]);
  assert.equal(map.buildings[2].wallMaterial, 'brick', 'tags from other_tags');
  near(Math.abs(area(map.buildings[2].footprint)), 1600, 0.1, 'the courtyard is filled');
  assert.match(map.notes!.join('\n'), /1 inner ring \(courtyards\) filled/);
});
