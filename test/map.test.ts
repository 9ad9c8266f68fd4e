import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import seedrandom from 'seedrandom';
import { denseDistrict } from '../maps/dense-district.make.ts';
import { BoxIndex } from '../src/map/box-index.ts';
import { type Box, boxesMeet, polygonsOverlap, segmentEntersPolygon, selfIntersects, signedArea } from '../src/map/geometry.ts';
import { loadMap } from '../src/map/load.ts';
import type { Point2 } from '../src/map/types.ts';
import { UserError } from '../src/util/errors.ts';
import { ROOT } from './fixtures/bad-inputs.ts';

// maps/madrid-grid.geojson against the METIS Madrid grid (docs/map-and-scenario.md "The METIS Madrid grid"),
// and the map validation rules.

const MADRID = path.join(ROOT, 'maps/madrid-grid.geojson');
const map = loadMap(MADRID);

// docs/map-and-scenario.md: [x0, y0, x1, y1, height m] of buildings 1..15.
const TABLE: [number, number, number, number, number][] = [
  [9, 423, 129, 543, 52.5], [9, 285, 129, 405, 49], [9, 147, 129, 267, 42], [9, 9, 129, 129, 45.5],
  [147, 423, 267, 543, 31.5], [147, 147, 267, 267, 52.5], [147, 9, 267, 129, 28],
  [297, 423, 327, 543, 31.5], [297, 285, 327, 405, 45.5], [297, 147, 327, 267, 38.5], [297, 9, 327, 129, 42],
  [348, 423, 378, 543, 45.5], [348, 285, 378, 405, 49], [348, 147, 378, 267, 38.5], [348, 9, 378, 129, 42],
];
const rect = (x0: number, y0: number, x1: number, y1: number): Point2[] => [[x0, y0], [x1, y0], [x1, y1], [x0, y1]];
const sameRing = (a: Point2[], b: Point2[]) => {
  const key = (r: Point2[]) => r.map((p) => p.join(',')).sort().join(' ');
  return a.length === b.length && key(a) === key(b);
};

test('the 15 Madrid buildings match the METIS table exactly (footprints and heights)', () => {
  assert.equal(map.buildings.length, 15);
  TABLE.forEach(([x0, y0, x1, y1, h], i) => {
    const b = map.buildings.find((x) => x.id === i + 1);
    assert.ok(b, `building ${i + 1}`);
    assert.ok(sameRing(b.footprint, rect(x0, y0, x1, y1)), `building ${b.id} footprint ${JSON.stringify(b.footprint)}`);
    assert.ok(signedArea(b.footprint) > 0, 'footprints are stored counter-clockwise');
    assert.equal(b.height, h);
    assert.equal(b.height % 3.5, 0, 'height = floors x 3.5 m');
  });
});

test('ground is the 387 x 552 m area; the plaza is x 147-267, y 285-405', () => {
  assert.equal(map.width, 387);
  assert.equal(map.height, 552);
  assert.equal(map.groundMaterial, 'concrete');
  const raw = JSON.parse(fs.readFileSync(MADRID, 'utf8'));
  const ground = raw.features.find((f: { properties: { kind: string } }) => f.properties.kind === 'ground');
  assert.ok(sameRing(ground.geometry.coordinates[0].slice(0, -1), rect(0, 0, 387, 552)));
  assert.equal(map.pedestrianAreas.length, 1);
  assert.ok(sameRing(map.pedestrianAreas[0].polygon, rect(147, 285, 267, 405)));
  assert.equal(raw.simgen.frame.includes('x east, y north'), true);
});

test('streets: centre lines in the gaps between blocks, widths, speed limits, joined at intersections', () => {
  // The street strips of docs/map-and-scenario.md: north-south by x range, east-west by y range.
  const ns: [number, number][] = [[0, 9], [129, 147], [267, 297], [327, 348], [378, 387]];
  const ew: [number, number][] = [[0, 9], [129, 147], [267, 285], [405, 423], [543, 552]];
  assert.equal(map.streets.length, ns.length + ew.length);
  const limitFor = (x0: number) => (x0 === 378 ? 20 : x0 === 267 ? 60 : 40);
  for (const [x0, x1] of ns) {
    const s = map.streets.find((st) => st.centerline.every(([x]) => x === (x0 + x1) / 2));
    assert.ok(s, `north-south street x ${x0}-${x1}`);
    assert.equal(s.width, x1 - x0);
    assert.equal(s.speedLimitKmh, limitFor(x0), `speed limit on x ${x0}-${x1}`);
    assert.ok(2 * s.lanesPerDirection * s.laneWidth <= s.width);
  }
  for (const [y0, y1] of ew) {
    const s = map.streets.find((st) => st.centerline.every(([, y]) => y === (y0 + y1) / 2));
    assert.ok(s, `east-west street y ${y0}-${y1}`);
    assert.equal(s.width, y1 - y0);
    assert.equal(s.speedLimitKmh, 40);
  }
  // Every crossing of a north-south and an east-west centre line is a vertex of both (an intersection).
  const vertices = (id: string) => new Set(map.streets.find((s) => s.id === id)!.centerline.map((p) => p.join(',')));
  const nsLines = map.streets.filter((s) => s.centerline[0][0] === s.centerline[1][0]);
  const ewLines = map.streets.filter((s) => s.centerline[0][1] === s.centerline[1][1]);
  assert.equal(nsLines.length, 5);
  assert.equal(ewLines.length, 5);
  for (const a of nsLines)
    for (const b of ewLines) {
      const p = `${a.centerline[0][0]},${b.centerline[0][1]}`;
      assert.ok(vertices(a.id).has(p) && vertices(b.id).has(p), `intersection ${p} of ${a.id} and ${b.id}`);
    }
  // A street strip never overlaps a building.
  for (const s of map.streets)
    for (const b of map.buildings)
      for (let k = 1; k < s.centerline.length; k++) {
        const [[ax, ay], [bx, by]] = [s.centerline[k - 1], s.centerline[k]];
        const h = s.width / 2;
        const strip = rect(Math.min(ax, bx) - (ax === bx ? h : 0), Math.min(ay, by) - (ay === by ? h : 0), Math.max(ax, bx) + (ax === bx ? h : 0), Math.max(ay, by) + (ay === by ? h : 0));
        assert.ok(!polygonsOverlap(strip, b.footprint), `street ${s.id} strip overlaps building ${b.id}`);
      }
});

test('polygonsOverlap: touching is allowed, any shared interior is not', () => {
  const L: Point2[] = [[0, 0], [10, 0], [10, 2], [2, 2], [2, 10], [0, 10]];
  const cases: [string, Point2[], Point2[], boolean][] = [
    ['edges overlapping along a line', rect(9, 423, 129, 543), rect(9, 285, 129, 430), true],
    ['shared edge', rect(0, 0, 10, 10), rect(10, 0, 20, 10), false],
    ['shared corner', rect(0, 0, 10, 10), rect(10, 10, 20, 20), false],
    ['identical', rect(0, 0, 10, 10), rect(0, 0, 10, 10), true],
    ['contained', rect(0, 0, 10, 10), rect(2, 2, 3, 3), true],
    ['contained, sharing an edge', rect(0, 0, 10, 10), rect(0, 0, 5, 10), true],
    ['crossing bar', rect(0, 0, 10, 10), rect(5, -5, 6, 20), true],
    ['apart', rect(0, 0, 10, 10), rect(11, 0, 20, 10), false],
    ['in the notch of an L', L, rect(3, 3, 9, 9), false],
    ['into an L arm', L, rect(1, 3, 9, 9), true],
  ];
  for (const [name, a, b, want] of cases) {
    assert.equal(polygonsOverlap(a, b), want, name);
    assert.equal(polygonsOverlap(b, a), want, `${name} (swapped)`);
  }
  assert.equal(segmentEntersPolygon([0, 5], [20, 5], rect(10, 0, 12, 10)), true);
  assert.equal(segmentEntersPolygon([0, 10], [20, 10], rect(10, 0, 12, 10)), false, 'running along an edge is outside');
});

function mutated(edit: (m: any) => void): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simgen-map-'));
  const m = JSON.parse(fs.readFileSync(MADRID, 'utf8'));
  edit(m);
  const file = path.join(dir, 'map.geojson');
  fs.writeFileSync(file, JSON.stringify(m));
  return file;
}
const feature = (m: any, pred: (p: any) => boolean) => m.features.find((f: any) => pred(f.properties));

test('map validation refuses bad maps with a message naming the field', () => {
  const cases: [string, (m: any) => void, RegExp][] = [
    ['unknown property', (m) => (feature(m, (p) => p.id === 4).properties.colour = 'red'), /features\[\d+\]\.properties.*unknown key.*"colour"/],
    ['wrong type', (m) => (feature(m, (p) => p.id === 4).properties.height = '45'), /features\[\d+\]\.properties\.height" must be a number/],
    ['zero street width', (m) => (feature(m, (p) => p.id === 'ew2').properties.width = 0), /properties\.width" must be a number > 0 and <= 200 m/],
    ['ground not the map rectangle', (m) => (feature(m, (p) => p.kind === 'ground').geometry.coordinates = [rect(0, 0, 300, 552).concat([[0, 0]])]), /ground polygon must be the map rectangle/],
    ['building off the map', (m) => (feature(m, (p) => p.id === 15).geometry.coordinates = [rect(348, 9, 400, 129).concat([[348, 9]])]), /building 15 footprint point \[400,9\] is off the map \(allowed x 0\.\.387, y 0\.\.552\)/],
    ['street through a building', (m) => (feature(m, (p) => p.id === 'ew2').geometry.coordinates = [[4.5, 138], [138, 138], [282, 200]]), /street ew2 centre line .* runs through building 6/],
    ['street through the plaza', (m) => (feature(m, (p) => p.id === 'ns2').geometry.coordinates = [[138, 4.5], [138, 276], [200, 300]]), /street ns2 .* runs through pedestrian area plaza/],
    ['duplicate building id', (m) => (feature(m, (p) => p.id === 5).properties.id = 4), /building id 4 is used twice/],
    ['too many lanes', (m) => (feature(m, (p) => p.id === 'ns1').properties.lanes_per_direction = 2), /street ns1: 2 x lanes_per_direction x lane_width = 14 m exceeds width 9 m/],
  ];
  for (const [name, edit, want] of cases)
    assert.throws(() => loadMap(mutated(edit)), (e: unknown) => e instanceof UserError && want.test(e.message), name);
});

test('a user map with a concave building loads (test/fixtures/l-block.geojson)', () => {
  const m = loadMap(path.join(ROOT, 'test/fixtures/l-block.geojson'));
  assert.equal(m.buildings.length, 2);
  assert.equal(Math.abs(signedArea(m.buildings[0].footprint)), 40 * 20 + 20 * 20);
  assert.deepEqual(m.streets.map((s) => [s.id, s.speedLimitKmh, s.laneWidth]), [['ew', 30, 3.5], ['ns', 40, 3.5]], 'defaults: 40 km/h, 3.5 m lanes');
});

test('selfIntersects: a bow-tie, a vertex on another edge, a vertex used twice, a fold-back; not a square or an L', () => {
  assert.equal(selfIntersects(rect(0, 0, 10, 10)), false);
  assert.equal(selfIntersects([[0, 0], [10, 0], [10, 4], [4, 4], [4, 10], [0, 10]]), false, 'L');
  assert.equal(selfIntersects([[0, 0], [10, 10], [10, 0], [0, 8]]), true, 'bow-tie');
  assert.equal(selfIntersects([[0, 0], [10, 0], [10, 10], [5, 0.0], [0, 10]]), true, 'a vertex on another edge');
  assert.equal(selfIntersects([[0, 0], [5, 0], [5, 5], [10, 5], [10, 10], [5, 10], [5, 5], [0, 5]]), true, 'a vertex used twice');
  assert.equal(selfIntersects([[0, 0], [10, 0], [5, 0], [5, 5]]), true, 'fold-back');
});

test('BoxIndex: the same pairs and queries as all pairs, on random boxes of mixed sizes', () => {
  const rng = seedrandom('box-index');
  const boxes: Box[] = Array.from({ length: 400 }, () => {
    const [x, y, w, h] = [rng() * 1000, rng() * 600, rng() < 0.1 ? rng() * 300 : rng() * 20, rng() * 20];
    return [x, y, x + w, y + h];
  });
  const index = new BoxIndex(boxes);
  for (const margin of [0, 0.5]) {
    const brute: [number, number][] = [];
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) if (boxesMeet(boxes[i], boxes[j], margin)) brute.push([i, j]);
    assert.deepEqual(index.pairs(margin), brute, `margin ${margin}`);
  }
  const q: Box = [-50, 100, 2000, 130]; // reaches beyond the indexed extent
  assert.deepEqual(index.query(q), boxes.flatMap((b, i) => (boxesMeet(q, b) ? [i] : [])));
});

test('BoxIndex.someAlongSegment: tests every box a segment passes through, each once, as a brute force does', () => {
  const rng = seedrandom('box-walk');
  const boxes: Box[] = Array.from({ length: 300 }, () => {
    const [x, y, w, h] = [rng() * 1000, rng() * 600, rng() * 25, rng() * 25];
    return [x, y, x + w, y + h];
  });
  const index = new BoxIndex(boxes);
  // A segment meets a box when it crosses it (Liang-Barsky clipping).
  const meets = (b: Box, ax: number, ay: number, bx: number, by: number) => {
    let [t0, t1] = [0, 1];
    for (const [p, q] of [[ax - bx, ax - b[0]], [bx - ax, b[2] - ax], [ay - by, ay - b[1]], [by - ay, b[3] - ay]]) {
      if (p === 0) {
        if (q < 0) return false;
      } else if (p < 0) t0 = Math.max(t0, q / p);
      else t1 = Math.min(t1, q / p);
    }
    return t0 <= t1;
  };
  for (let k = 0; k < 200; k++) {
    const [ax, ay, bx, by] = [rng() * 1100 - 50, rng() * 700 - 50, rng() * 1100 - 50, rng() * 700 - 50];
    const tested: number[] = [];
    assert.equal(index.someAlongSegment(ax, ay, bx, by, (i) => (tested.push(i), false)), false);
    assert.equal(new Set(tested).size, tested.length, 'each box once');
    for (let i = 0; i < boxes.length; i++) if (meets(boxes[i], ax, ay, bx, by)) assert.ok(tested.includes(i), `segment ${k} crosses box ${i}`);
    const target = boxes.findIndex((b) => meets(b, ax, ay, bx, by));
    if (target >= 0) assert.equal(index.someAlongSegment(ax, ay, bx, by, (i) => i === target), true);
  }
});

test('a 5,000-building district (maps/dense-district.make.ts) loads whole: every building kept, streets noded', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simgen-dense-'));
  const file = path.join(dir, 'dense.geojson');
  fs.writeFileSync(file, JSON.stringify(denseDistrict(5000)));
  const m = loadMap(file);
  assert.equal(m.buildings.length, 5000);
  assert.ok(m.width > 1000 && m.width < 1300 && m.height > 1200 && m.height < 1500, `${m.width} x ${m.height} m`);
  assert.ok(m.streets.length === 33 && m.streets.every((s) => s.centerline.length > 2), 'every grid line has a vertex at each crossing');
  fs.rmSync(dir, { recursive: true });
});
