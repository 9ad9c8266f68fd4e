import assert from 'node:assert/strict';
import { distanceToSegment, pointInPolygon } from '../src/map/geometry.ts';
import type { CityMap, Point2 } from '../src/map/types.ts';
import type { Track } from '../src/mobility/types.ts';

// The driving rules of the paper (docs/trajectories.md "Rules as implemented"), checked on generated tracks from the map alone
// (street widths, lanes and limits), independent of how the tracks were built.

const EPS = 1e-9;
const wrap = (a: number) => Math.atan2(Math.sin(a), Math.cos(a));

export function checkTrackRules(map: CityMap, tracks: Track[], dt: number, turnSpeed = 20 / 3.6): void {
  const streets = new Map(map.streets.map((s) => [s.id, s]));
  let turnSamples = 0;
  let laneSamples = 0;
  for (const tr of tracks) {
    const s = tr.samples;
    for (let k = 0; k < s.length; k++) {
      const p: Point2 = [s[k].x, s[k].y];
      const street = streets.get(s[k].streetId);
      assert.ok(street, `track ${tr.id} sample ${k}: unknown street ${s[k].streetId}`);
      // Speed within the street's limit.
      assert.ok(s[k].speed <= street.speedLimitKmh / 3.6 + EPS, `track ${tr.id} sample ${k}: ${s[k].speed} m/s above the limit of ${street.id}`);
      assert.ok(s[k].speed > 0);
      // Curves at exactly the turn speed.
      if (s[k].piece === 'turn' || s[k].piece === 'uturn') {
        turnSamples++;
        assert.ok(Math.abs(s[k].speed - turnSpeed) <= 1e-6, `track ${tr.id} sample ${k}: ${s[k].speed} m/s in a turn`);
      }
      // Straight lane pieces: right-hand lane, parallel to the centre line at the lane offset on the right.
      if (s[k].piece === 'lane') {
        laneSamples++;
        const line = street.centerline;
        let best = 1;
        for (let i = 1; i < line.length; i++) if (distanceToSegment(p, line[i - 1], line[i]) < distanceToSegment(p, line[best - 1], line[best])) best = i;
        const a = line[best - 1];
        const h: Point2 = [Math.cos(s[k].heading), Math.sin(s[k].heading)];
        const seg: Point2 = [line[best][0] - a[0], line[best][1] - a[1]];
        const segLen = Math.hypot(seg[0], seg[1]);
        assert.ok(Math.abs(h[0] * seg[1] - h[1] * seg[0]) / segLen < 1e-9, `track ${tr.id} sample ${k}: heading not along ${street.id}`);
        const left = h[0] * (p[1] - a[1]) - h[1] * (p[0] - a[0]); // signed distance, positive = left of heading
        // Right-most lane of its direction: on a one-way street the lanes are centred on the centre line.
        const offset = (street.oneway ? street.lanesPerDirection / 2 - 0.5 : street.lanesPerDirection - 0.5) * street.laneWidth;
        assert.ok(Math.abs(-left - offset) < 1e-6, `track ${tr.id} sample ${k}: ${-left} m right of ${street.id}'s centre line, expected ${offset}`);
      }
      // On the map (the ray tracer refuses receivers off it), on a street, never in a building or a pedestrian area.
      assert.ok(p[0] >= 0 && p[0] <= map.width && p[1] >= 0 && p[1] <= map.height, `track ${tr.id} sample ${k} at (${p[0]}, ${p[1]}) is off the ${map.width} x ${map.height} m map`);
      assert.ok(!map.buildings.some((b) => pointInPolygon(p, b.footprint)), `track ${tr.id} sample ${k} inside a building`);
      assert.ok(!map.pedestrianAreas.some((a) => pointInPolygon(p, a.polygon)), `track ${tr.id} sample ${k} inside a pedestrian area`);
      assert.ok(map.streets.some((st) => st.centerline.some((q, i) => i > 0 && distanceToSegment(p, st.centerline[i - 1], q) <= st.width / 2 + 1e-9)), `track ${tr.id} sample ${k} off every street`);
      if (k === 0) continue;
      // Acceleration bounds, from consecutive speeds.
      const acc = (s[k].speed - s[k - 1].speed) / dt;
      assert.ok(acc >= -3 - 1e-6 && acc <= 2 + 1e-6, `track ${tr.id} sample ${k}: acceleration ${acc} m/s^2`);
      // Continuity: no jump beyond the distance the vehicle can drive in dt.
      const step = Math.hypot(s[k].x - s[k - 1].x, s[k].y - s[k - 1].y);
      assert.ok(step <= (Math.max(s[k].speed, s[k - 1].speed) + 2 * dt) * dt + 1e-9, `track ${tr.id} sample ${k}: jump of ${step} m`);
      // Tangent continuity: the chord's direction lies between the headings at both ends.
      const turn = wrap(s[k].heading - s[k - 1].heading);
      const chord = wrap(Math.atan2(s[k].y - s[k - 1].y, s[k].x - s[k - 1].x) - s[k - 1].heading);
      assert.ok(Math.abs(turn) < Math.PI / 2, `track ${tr.id} sample ${k}: heading jumps by ${turn} rad`);
      assert.ok(Math.min(0, turn) - 1e-6 <= chord && chord <= Math.max(0, turn) + 1e-6, `track ${tr.id} sample ${k}: moved at ${chord} rad off a heading that turned ${turn} rad`);
    }
  }
  assert.ok(turnSamples > 0 && laneSamples > 0, 'the tracks contain both turns and straight lanes');
}
