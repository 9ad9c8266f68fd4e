// Draws maps/chestnut-quarter.geojson: a small invented district (not a survey of any real place) in
// OpenStreetMap-style WGS84 GeoJSON, as overpass turbo exports it: string tag values, `@id`s (negative, as
// OSM editors number features not yet uploaded). It has the things real maps have and the Madrid grid
// lacks: irregular footprints, a curved avenue, a roundabout, a crossing and T-junctions drawn without
// shared vertices, tag-less buildings, touching terraced houses, a footway and a pedestrian square.
// Run: npx tsx maps/chestnut-quarter.make.ts (seeded: the same file every time).

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import seedrandom from 'seedrandom';
import { LocalFrame } from '../src/map/osm/projection.ts';
import { distanceToSegment, pointInPolygon, polygonsOverlap } from '../src/map/geometry.ts';
import type { Point2 } from '../src/map/types.ts';

const rng = seedrandom('chestnut-quarter');
const rand = (a: number, b: number) => a + (b - a) * rng();
const pick = <T>(xs: T[]) => xs[Math.floor(rng() * xs.length)];

// The frame: south-west corner at these WGS84 coordinates (an arbitrary spot in a mid-latitude city).
const frame = new LocalFrame(11.5603, 48.1291);
const W = 340;
const H = 290;

interface Way { id: number; tags: Record<string, string>; line: Point2[] }
const ways: Way[] = [];
let nextId = 1;
const way = (tags: Record<string, string>, line: Point2[]) => ways.push({ id: nextId++, tags, line });

// Roundabout: centre C, centre-line radius R, drawn counter-clockwise (right-hand traffic), a 16-gon
// (8.6 m edges: a turn arc may use half of each edge next to a junction).
const C: Point2 = [175, 140];
const R = 22;
const ring: Point2[] = Array.from({ length: 17 }, (_, k) => [C[0] + R * Math.cos((2 * Math.PI * (k % 16)) / 16), C[1] + R * Math.sin((2 * Math.PI * (k % 16)) / 16)] as Point2);
way({ highway: 'secondary', junction: 'roundabout', lanes: '2', width: '8 m', name: 'Chestnut Circle' }, ring);

// Curved avenue from the west edge to the roundabout: a quadratic Bezier, ending 1.5 m short of the ring
// (noding snaps it on).
const bez = (a: Point2, c: Point2, b: Point2, n: number): Point2[] =>
  Array.from({ length: n + 1 }, (_, i) => {
    const t = i / n;
    return [(1 - t) ** 2 * a[0] + 2 * (1 - t) * t * c[0] + t * t * b[0], (1 - t) ** 2 * a[1] + 2 * (1 - t) * t * c[1] + t * t * b[1]] as Point2;
  });
way({ highway: 'secondary', lanes: '2', width: '10', maxspeed: '50', name: 'Chestnut Avenue' }, bez([0, 92], [85, 160], [C[0] - R - 1.5, C[1]], 14));
// East arm, overshooting 1 m into the ring (noding cuts it at the ring).
way({ highway: 'tertiary', name: 'Mill Road' }, [[C[0] + R - 1, C[1]], [260, 150], [W, 158]]);
// North and south arms.
way({ highway: 'residential', name: 'Linden Street', maxspeed: '30' }, [[C[0] - 2, C[1] + R], [168, 215], [160, H]]);
way({ highway: 'residential', name: 'Station Road', maxspeed: '30' }, [[C[0], C[1] - R], [182, 60], [186, 0]]);
// Church Lane crosses Linden Street with no shared vertex (noding makes the crossing a node).
way({ highway: 'residential', name: 'Church Lane' }, [[0, 222], [120, 226], [250, 233], [W, 236]]);
// School Lane starts on Church Lane's segment (a T-junction, no shared vertex).
way({ highway: 'residential', name: 'School Lane', maxspeed: '30' }, [[60, 222 + (4 * 60) / 120], [66, H]]);
// Yard Way: a service road off Station Road, ending in a dead end.
const yard0: Point2 = [C[0] + ((182 - C[0]) * (C[1] - R - 105)) / (C[1] - R - 60), 105]; // on Station Road's segment
way({ highway: 'service', name: 'Yard Way' }, [yard0, [250, 96], [292, 70]]);
// Brook Street: from Mill Road south to the map edge, a T-junction on Mill Road.
way({ highway: 'residential', name: 'Brook Street' }, [[300, 154], [305, 80], [312, 0]]);
// Garden Row: a living street off the avenue, ending 0.3 m short of it (snapped).
const avenue = ways[1].line;
const g0 = avenue[4];
way({ highway: 'living_street', name: 'Garden Row' }, [[g0[0] + 0.3, g0[1] - 0.3 - 5], [g0[0] + 6, 40], [g0[0] + 2, 0]]);
// Not driven: a footway across the square.
way({ highway: 'footway', name: 'Square path' }, [[222, 184], [258, 204]]);

// A pedestrian square north-east of the roundabout.
const square: Point2[] = [[214, 178], [266, 180], [264, 210], [216, 207]];

// Buildings along the streets: fronts 3-5 m behind the kerb, irregular quadrilaterals and L-shapes.
interface Building { ring: Point2[]; tags: Record<string, string> }
const buildings: Building[] = [];
const drivable = ways.filter((w) => w.tags.highway !== 'footway');
const widthOf = (w: Way) => (w.tags.width ? parseFloat(w.tags.width) : w.tags.highway === 'tertiary' ? 6.5 : w.tags.highway === 'secondary' ? 7 : 6);
const clearOfStreets = (r: Point2[]) =>
  drivable.every((w) => {
    const need = widthOf(w) / 2 + 2.5;
    const edges = r.map((p, i) => [p, r[(i + 1) % r.length]] as [Point2, Point2]);
    return w.line.every((p, k) => k === 0 || (r.every((q) => distanceToSegment(q, w.line[k - 1], p) >= need) && !edges.some(([a, b]) => distanceToSegment(w.line[k - 1], a, b) < need || distanceToSegment(p, a, b) < need)));
  }) && !pointInPolygon(C, r);
const onMap = (r: Point2[]) => r.every(([x, y]) => x >= 1 && y >= 1 && x <= W - 1 && y <= H - 1);
const apart = (r: Point2[], gap: number) => buildings.every((b) => !polygonsOverlap(r, b.ring) && r.every((p) => b.ring.every((_, k) => distanceToSegment(p, b.ring[k], b.ring[(k + 1) % b.ring.length]) >= gap)) && b.ring.every((p) => r.every((_, k) => distanceToSegment(p, r[k], r[(k + 1) % r.length]) >= gap)));
const free = (r: Point2[]) => onMap(r) && clearOfStreets(r) && !polygonsOverlap(r, square) && apart(r, 2);

/** A footprint with its front edge centred at p, along unit direction u, extending to side n (unit). */
function footprint(p: Point2, u: Point2, n: Point2, front: number, depth: number, shape: 'quad' | 'L'): Point2[] {
  const at = (s: number, d: number): Point2 => [p[0] + s * u[0] + d * n[0] + rand(-0.8, 0.8), p[1] + s * u[1] + d * n[1] + rand(-0.8, 0.8)];
  const h = front / 2;
  if (shape === 'quad') return [at(-h, 0), at(h, 0), at(h * rand(0.8, 1.1), depth), at(-h * rand(0.8, 1.1), depth * rand(0.85, 1.1))];
  return [at(-h, 0), at(h, 0), at(h, depth * 0.5), at(0, depth * 0.5), at(0, depth), at(-h, depth)];
}
const orient = (r: Point2[]) => {
  let a = 0;
  for (let i = 0; i < r.length; i++) a += r[i][0] * r[(i + 1) % r.length][1] - r[(i + 1) % r.length][0] * r[i][1];
  return a < 0 ? r.reverse() : r;
};

const TYPES = ['apartments', 'apartments', 'yes', 'yes', 'house', 'retail', 'office', 'residential', 'yes', 'garage'];
function tagsFor(kind: string): Record<string, string> {
  const t: Record<string, string> = { building: kind };
  const r = rng();
  if (r < 0.3) t.height = kind === 'garage' ? '3' : `${(rand(8, 24)).toFixed(1)}`;
  else if (r < 0.65) t['building:levels'] = String(kind === 'house' ? 2 : Math.floor(rand(2, 7)));
  // else: no height tag at all (the default applies)
  if (rng() < 0.25) t['building:material'] = pick(['brick', 'glass', 'concrete', 'plaster']);
  return t;
}

// Terraced houses on the north side of Church Lane's east part: three of one height sharing walls
// (the import merges them) and a taller fourth against them (kept apart: a step in the roof line).
{
  const len = Math.hypot(130, 7);
  const u: Point2 = [130 / len, 7 / len];
  const n: Point2 = [-u[1], u[0]];
  const a: Point2 = [120 + 76 * u[0] + 6.5 * n[0], 226 + 76 * u[1] + 6.5 * n[1]]; // 76 m along Church Lane, 6.5 m north
  const row: Point2[][] = [0, 1, 2, 3].map((i) => {
    const s0 = i * 9;
    const q = (s: number, d: number): Point2 => [Math.round((a[0] + s * u[0] + d * n[0]) * 100) / 100, Math.round((a[1] + s * u[1] + d * n[1]) * 100) / 100];
    return [q(s0, 0), q(s0 + 9, 0), q(s0 + 9, 11), q(s0, 11)];
  });
  for (let i = 0; i < 4; i++) {
    const r = row[i];
    if (!(onMap(r) && clearOfStreets(r) && buildings.every((b) => !polygonsOverlap(r, b.ring)))) throw new Error(`terrace house ${i} does not fit`);
  }
  row.forEach((r, i) => buildings.push({ ring: r, tags: i < 3 ? { building: 'terrace', 'building:levels': '3', 'building:material': 'brick' } : { building: 'apartments', 'building:levels': '5', 'building:material': 'brick' } }));
}

// Walk every street by arc length (curves included), a lot every 22-32 m on each side.
for (const w of drivable) {
  if (w.tags.junction) continue;
  const half = widthOf(w) / 2;
  const seg = w.line.slice(1).map((b, k) => ({ a: w.line[k], b, len: Math.hypot(b[0] - w.line[k][0], b[1] - w.line[k][1]) }));
  const total = seg.reduce((t, x) => t + x.len, 0);
  for (let s = 12; s < total - 8; s += rand(22, 32)) {
    let k = 0;
    let acc = 0;
    while (acc + seg[k].len < s) acc += seg[k++].len;
    const { a, b, len } = seg[k];
    const u: Point2 = [(b[0] - a[0]) / len, (b[1] - a[1]) / len];
    const at: Point2 = [a[0] + (s - acc) * u[0], a[1] + (s - acc) * u[1]];
    for (const side of [1, -1]) {
      if (buildings.length >= 46) break;
      const n: Point2 = [-u[1] * side, u[0] * side];
      const setback = half + rand(3.5, 5);
      const p: Point2 = [at[0] + setback * n[0], at[1] + setback * n[1]];
      const ring = orient(footprint(p, u, n, rand(12, 20), rand(10, 17), rng() < 0.2 ? 'L' : 'quad'));
      if (free(ring)) buildings.push({ ring, tags: tagsFor(pick(TYPES)) });
    }
  }
}
// Write: lon/lat with 8 decimals (~1 mm), closed rings, string tags.
const ll = (p: Point2) => frame.toLonLat(p[0], p[1]).map((v) => Math.round(v * 1e8) / 1e8);
const features = [
  ...buildings.map((b) => ({ type: 'Feature', id: `way/-${nextId}`, properties: { '@id': `way/-${nextId++}`, ...b.tags }, geometry: { type: 'Polygon', coordinates: [[...b.ring, b.ring[0]].map(ll)] } })),
  ...ways.map((w) => ({ type: 'Feature', id: `way/-${w.id}`, properties: { '@id': `way/-${w.id}`, ...w.tags }, geometry: { type: 'LineString', coordinates: w.line.map(ll) } })),
  { type: 'Feature', id: `way/-${nextId}`, properties: { '@id': `way/-${nextId++}`, highway: 'pedestrian', area: 'yes', name: 'Chestnut Square' }, geometry: { type: 'Polygon', coordinates: [[...square, square[0]].map(ll)] } },
];
const doc = {
  type: 'FeatureCollection',
  name: 'chestnut-quarter',
  generator: 'maps/chestnut-quarter.make.ts (an invented district, OpenStreetMap-style tags)',
  bbox: [...ll([0, 0]), ...ll([W, H])],
  features,
};
const out = path.join(path.dirname(fileURLToPath(import.meta.url)), 'chestnut-quarter.geojson');
fs.writeFileSync(out, `{\n"type": "FeatureCollection",\n"name": "chestnut-quarter",\n"generator": ${JSON.stringify(doc.generator)},\n"bbox": ${JSON.stringify(doc.bbox)},\n"features": [\n${features.map((f) => JSON.stringify(f)).join(',\n')}\n]\n}\n`);
console.log(`${buildings.length} buildings, ${ways.length} ways -> ${path.relative(process.cwd(), out)}`);
