import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CityMap } from '../src/map/types.ts';
import { generateTracks } from '../src/mobility/drive.ts';
import { buildStreetGraph } from '../src/mobility/street-graph.ts';
import { loadScenario } from '../src/scenario/load.ts';
import { UserError } from '../src/util/errors.ts';
import { checkTrackRules } from './mobility-invariants.ts';

const scenario = loadScenario();

test('street graph of the Madrid grid: 25 intersections, 40 edges, no dead end', () => {
  const g = buildStreetGraph(scenario.map);
  assert.equal(g.nodes.length, 25);
  assert.equal(g.edges.length, 40);
  const degrees = g.nodes.map((n) => n.edges.length).sort();
  assert.deepEqual(degrees, [...Array(4).fill(2), ...Array(12).fill(3), ...Array(9).fill(4)]);
});

test('default scenario: speed limits, [-3, +2] m/s^2, 20 km/h turns, right-hand lane, streets only, continuity', () => {
  const settings = scenario.trajectories;
  const tracks = generateTracks(scenario.map, scenario.seed, settings);
  assert.equal(tracks.length, 36);
  assert.equal(tracks.filter((t) => t.split === 'test').length, 4);
  for (const t of tracks) assert.equal(t.samples.length, 701);
  checkTrackRules(scenario.map, tracks, settings.samplePeriodS);
  // The broad avenue's 60 km/h and the right-most street's 20 km/h are both driven at their limits somewhere.
  const top = (id: string) => Math.max(...tracks.flatMap((t) => t.samples.filter((s) => s.streetId === id && s.piece === 'lane').map((s) => s.speed * 3.6)));
  assert.ok(Math.abs(top('ns3') - 60) < 1e-9);
  assert.ok(Math.abs(top('ns2') - 40) < 1e-9);
});

test('fine sampling (20 ms) sees the same rules hold between the 100 ms samples', () => {
  const settings = { ...scenario.trajectories, count: 12, durationS: 40, samplePeriodS: 0.02 };
  checkTrackRules(scenario.map, generateTracks(scenario.map, 99, settings), settings.samplePeriodS);
});

// A map in the same format but unlike the grid: a 1-lane street joining a 2-lane street straight on
// (different lane offsets), a 60 degree bend into another 1-lane street, dead ends at both far ends.
const bend: [number, number] = [150 + 80 * Math.cos(Math.PI / 3), 50 + 80 * Math.sin(Math.PI / 3)];
const odd: CityMap = {
  name: 'odd',
  width: 300,
  height: 300,
  groundMaterial: 'concrete',
  path: '/dev/null',
  pedestrianAreas: [],
  buildings: [{ id: 1, footprint: [[70, 60], [140, 60], [140, 100], [70, 100]], height: 10, wallMaterial: 'concrete', roofMaterial: 'concrete' }],
  streets: [
    { id: 'c', name: '', centerline: [[5, 50], [60, 50]], width: 9, lanesPerDirection: 1, laneWidth: 3.5, speedLimitKmh: 30 },
    { id: 'a', name: '', centerline: [[60, 50], [150, 50]], width: 18, lanesPerDirection: 2, laneWidth: 3.5, speedLimitKmh: 50 },
    { id: 'b', name: '', centerline: [[150, 50], bend], width: 9, lanesPerDirection: 1, laneWidth: 3.5, speedLimitKmh: 40 },
  ],
};

test('any map: dead ends turn back, lane shifts and oblique bends keep every rule', () => {
  const settings = { count: 20, durationS: 60, samplePeriodS: 0.05, testTracks: 2, antennaHeightM: 1.5 };
  const tracks = generateTracks(odd, 5, settings);
  checkTrackRules(odd, tracks, settings.samplePeriodS);
  const kinds = new Set(tracks.flatMap((t) => t.samples.map((s) => s.piece)));
  assert.deepEqual([...kinds].sort(), ['lane', 'link', 'turn', 'uturn']);
  // Dead ends offer only the U-turn; elsewhere it is never offered.
  const g = buildStreetGraph(odd);
  for (const d of tracks.flatMap((t) => t.decisions)) {
    if (g.nodes[d.node].edges.length === 1) assert.deepEqual(d.exits, ['uturn']);
    else assert.ok(!d.exits.includes('uturn'));
  }
  // The half circle at the dead end (5, 50) reaches the node and never leaves the map.
  const minX = Math.min(...tracks.flatMap((t) => t.samples.map((s) => s.x)));
  assert.ok(minX >= 5 - 1e-9 && minX < 5.1, `min x ${minX}`);
});

test('a map without streets is refused with a UserError', () => {
  assert.throws(() => generateTracks({ ...odd, streets: [] }, 1, { count: 1, durationS: 1, samplePeriodS: 0.1, testTracks: 0, antennaHeightM: 1.5 }), UserError);
});
