import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateTracks, testTrackIds } from '../src/mobility/drive.ts';
import { loadScenario } from '../src/scenario/load.ts';

const scenario = loadScenario();

// Chi-square critical values at p = 0.001 by degrees of freedom (a fixed seed makes the test deterministic;
// a biased choice would exceed these by far with this many decisions).
const CRITICAL = [NaN, 10.83, 13.82, 16.27];

test('every allowed exit is equally likely (chi-square per intersection type)', () => {
  const tracks = generateTracks(scenario.map, 11, { count: 400, durationS: 70, samplePeriodS: 1, testTracks: 0, antennaHeightM: 1.5 });
  const decisions = tracks.flatMap((t) => t.decisions);
  for (const d of decisions) assert.ok(!d.exits.includes('uturn'), 'the way back is never offered on a map without dead ends');
  // By kind: group by the set of exits offered (e.g. left/right/straight at a crossing), count the kinds taken.
  const byKind = new Map<string, Map<string, number>>();
  // By position in the list of options: a bias toward some index would hide when counted by kind only.
  const byIndex = new Map<string, Map<string, number>>();
  const count = (groups: Map<string, Map<string, number>>, key: string, labels: string[], taken: string) => {
    const counts = groups.get(key) ?? new Map(labels.map((e) => [e, 0]));
    counts.set(taken, counts.get(taken)! + 1);
    groups.set(key, counts);
  };
  for (const d of decisions) {
    count(byKind, [...d.exits].sort().join('/'), d.exits, d.exits[d.chosen]);
    count(byIndex, `${d.exits.length} exits`, d.exits.map((_, i) => String(i)), String(d.chosen));
  }
  // Crossings offer three exits, T-junctions two, the map corners one.
  assert.deepEqual([...byKind.keys()].sort(), ['left/right', 'left/right/straight', 'left/straight', 'right', 'left', 'right/straight'].sort());
  for (const [key, counts] of [...byKind, ...byIndex]) {
    const k = counts.size;
    if (k === 1) continue;
    const n = [...counts.values()].reduce((a, b) => a + b, 0);
    assert.ok(n >= 300, `${key}: only ${n} decisions`);
    const chi2 = [...counts.values()].reduce((s, c) => s + (c - n / k) ** 2 / (n / k), 0);
    assert.ok(chi2 < CRITICAL[k - 1], `${key}: chi-square ${chi2.toFixed(2)} over ${n} decisions (${JSON.stringify([...counts])})`);
  }
});

test('test tracks: the requested number of distinct ids, drawn by seed', () => {
  const a = testTrackIds(2024, 36, 4);
  assert.equal(new Set(a).size, 4);
  assert.ok(a.every((id) => id >= 0 && id < 36));
  assert.deepEqual(testTrackIds(2024, 36, 4), a);
  assert.notDeepEqual(testTrackIds(2025, 36, 4), a);
});
