import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { distanceToPolygonBoundary, distanceToSegment, pointInPolygon } from '../src/map/geometry.ts';
import { loadMap } from '../src/map/load.ts';
import { placeSites, SIDEWALK_MAX_M } from '../src/scenario/auto-sites.ts';
import { loadScenario } from '../src/scenario/load.ts';
import { ROOT } from './fixtures/bad-inputs.ts';

// Automatic site placement (sites.auto): on sidewalks in front of facades, every street heard by
// min_heard sites, seeded and deterministic. "Heard" is the placement measure (line of sight in plan within
// range_m); the checks below recompute it independently.

const map = loadMap(path.join(ROOT, 'maps/chestnut-quarter.geojson'));
const SETTINGS = { count: 10, setback_m: 1, spacing_m: 5, min_separation_m: 35, range_m: 150, min_heard: 3, sample_m: 10 };

/** Line of sight in plan: the segment never enters a footprint (sampled every 0.2 m). */
function sees(a: [number, number], b: [number, number]): boolean {
  const n = Math.ceil(Math.hypot(b[0] - a[0], b[1] - a[1]) / 0.2);
  for (let k = 1; k < n; k++) {
    const p: [number, number] = [a[0] + ((b[0] - a[0]) * k) / n, a[1] + ((b[1] - a[1]) * k) / n];
    if (map.buildings.some((bl) => pointInPolygon(p, bl.footprint))) return false;
  }
  return true;
}

test('sites stand on sidewalks: never inside a building, 1 m from a facade, outside every carriageway, near a street', () => {
  const r = placeSites(map, SETTINGS, 7);
  assert.equal(r.sites.length, 10);
  for (const s of r.sites) {
    const p: [number, number] = [s.x, s.y];
    assert.ok(!map.buildings.some((b) => pointInPolygon(p, b.footprint)), `site ${s.id} inside a building`);
    const facade = Math.min(...map.buildings.map((b) => distanceToPolygonBoundary(p, b.footprint)));
    assert.ok(Math.abs(facade - 1) < 0.02, `site ${s.id}: ${facade} m from the nearest facade`);
    let kerb = Infinity;
    for (const st of map.streets)
      for (let k = 1; k < st.centerline.length; k++) kerb = Math.min(kerb, distanceToSegment(p, st.centerline[k - 1], st.centerline[k]) - st.width / 2);
    assert.ok(kerb > 0 && kerb <= SIDEWALK_MAX_M, `site ${s.id}: ${kerb} m beyond the kerb`);
    for (const o of r.sites) if (o.id < s.id) assert.ok(Math.hypot(o.x - s.x, o.y - s.y) >= 35, `sites ${o.id} and ${s.id} closer than 35 m`);
  }
});

test('every street is heard by >= min_heard sites (line of sight within range, recomputed)', () => {
  const r = placeSites(map, SETTINGS, 7);
  for (const st of map.streets) {
    // Points every 2 m along the street: a site hears the street if it sees one of them within range.
    const pts: [number, number][] = [];
    for (let k = 1; k < st.centerline.length; k++) {
      const [a, b] = [st.centerline[k - 1], st.centerline[k]];
      const n = Math.max(1, Math.ceil(Math.hypot(b[0] - a[0], b[1] - a[1]) / 2));
      for (let j = 0; j <= n; j++) pts.push([a[0] + ((b[0] - a[0]) * j) / n, a[1] + ((b[1] - a[1]) * j) / n]);
    }
    const hearing = r.sites.filter((s) => pts.some((q) => Math.hypot(q[0] - s.x, q[1] - s.y) <= 150 && sees([s.x, s.y], q)));
    assert.ok(hearing.length >= 3, `street ${st.id} (${st.name}) heard by ${hearing.length} sites`);
    assert.ok(r.streetHeardBy.get(st.id)! >= 3);
  }
});

test('placement is seeded and deterministic; a scenario with sites.auto loads them as sites 1..N', () => {
  const a = placeSites(map, SETTINGS, 7);
  assert.deepEqual(placeSites(map, SETTINGS, 7), a);
  assert.notDeepEqual(placeSites(map, SETTINGS, 8).sites.map((s) => [s.x, s.y]), a.sites.map((s) => [s.x, s.y]), 'another seed breaks ties otherwise');
  const sc = loadScenario(path.join(ROOT, 'scenarios/chestnut-quarter.yaml'));
  assert.deepEqual(sc.sites.map((s) => s.id), Array.from({ length: 12 }, (_, i) => i + 1));
  assert.deepEqual(sc.constellations.first, [1, 2, 3, 4, 5], 'constellation #1 defaults to the first sites placed');
  assert.ok(sc.sites.every((s) => s.z === 5));
});
