import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { distanceToPolygonBoundary, distanceToSegment, pointInPolygon } from '../src/map/geometry.ts';
import { newSiteCandidates, sampleNewSites, SETBACKS_M } from '../src/scenario/new-sites.ts';
import { loadScenario } from '../src/scenario/load.ts';
import { ROOT } from './fixtures/bad-inputs.ts';

// Sites at new positions (the zero-shot experiment): the automatic-placement rule with the Madrid grid's
// sidewalks (what the driven lanes leave of a street's facade-to-facade width), recomputed independently here.

const scenario = loadScenario(path.join(ROOT, 'scenarios/hyploc-madrid.yaml'));
const { map } = scenario;

/** Distance beyond the driven lanes of the nearest street (negative: in a lane). */
function beyondLanes(p: [number, number]): number {
  let best = Infinity;
  for (const st of map.streets) {
    const half = ((st.oneway ? 1 : 2) * st.lanesPerDirection * st.laneWidth) / 2;
    for (let k = 1; k < st.centerline.length; k++) best = Math.min(best, distanceToSegment(p, st.centerline[k - 1], st.centerline[k]) - half);
  }
  return best;
}

test('new positions stand on sidewalks: 1.5 m (or 0.5 m) in front of a facade, outside the lanes, buildings and the plaza', () => {
  const sites = sampleNewSites(scenario, { count: 60, stream: 'test', minSeparationM: 20, firstId: 1001 });
  assert.equal(sites.length, 60);
  for (const s of sites) {
    const p: [number, number] = [s.x, s.y];
    assert.ok(!map.buildings.some((b) => pointInPolygon(p, b.footprint)), `site ${s.id} inside a building`);
    assert.ok(!map.pedestrianAreas.some((a) => pointInPolygon(p, a.polygon)), `site ${s.id} in the plaza`);
    const facade = Math.min(...map.buildings.map((b) => distanceToPolygonBoundary(p, b.footprint)));
    assert.ok(SETBACKS_M.some((d) => Math.abs(facade - d) < 0.02), `site ${s.id}: ${facade} m from the nearest facade`);
    assert.ok(beyondLanes(p) > 0, `site ${s.id} stands in a driven lane`);
    assert.equal(s.z, scenario.siteDefaults.heightM);
    for (const o of [...scenario.sites, ...sites]) if (o !== s) assert.ok(Math.hypot(o.x - s.x, o.y - s.y) >= 20, `site ${s.id} within 20 m of site ${o.id}`);
  }
  assert.deepEqual(sites.map((s) => s.id), Array.from({ length: 60 }, (_, i) => 1001 + i));
});

test('the candidate rule reproduces where the scenario placed its own sites, and the draw is seeded', () => {
  // Every hand-placed site of the Madrid scenario lies within a candidate spacing (2 m) of a candidate, or at
  // a corner (1.5 m out from both walls: 2.5 m from the nearest wall candidate).
  const cands = newSiteCandidates(scenario);
  for (const s of scenario.sites) {
    const d = Math.min(...cands.map((c) => Math.hypot(c.p[0] - s.x, c.p[1] - s.y)));
    assert.ok(d <= 2.5 + 1e-9, `scenario site ${s.id} is ${d} m from the nearest candidate`);
  }
  // Edge streets (9 m, 7 m of lanes) leave a 1 m sidewalk: candidates there stand 0.5 m out.
  assert.ok(cands.some((c) => c.p[0] === 8.5), 'a candidate on the west edge street');
  const a = sampleNewSites(scenario, { count: 10, stream: 'x', minSeparationM: 20, firstId: 1 });
  assert.deepEqual(sampleNewSites(scenario, { count: 10, stream: 'x', minSeparationM: 20, firstId: 1 }), a);
  assert.notDeepEqual(sampleNewSites(scenario, { count: 10, stream: 'y', minSeparationM: 20, firstId: 1 }), a);
  // Held-out positions first, training ones kept away from them.
  const more = sampleNewSites(scenario, { count: 10, stream: 'z', minSeparationM: 20, firstId: 100, avoid: a });
  for (const s of more) for (const o of a) assert.ok(Math.hypot(o.x - s.x, o.y - s.y) >= 20);
});
