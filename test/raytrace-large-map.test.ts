import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { GRID_MIN_BUILDINGS } from '../src/raytrace/engine/building-grid.ts';
import { edgeTop, isVertical } from '../src/raytrace/engine/diffraction.ts';
import { segmentBlocked } from '../src/raytrace/engine/occlusion.ts';
import { findPaths } from '../src/raytrace/engine/search.ts';
import { makeTracer, precomputeTracerSite, setSites, traceBlock, type TraceInput, type Tracer } from '../src/raytrace/engine/tracer.ts';
import { View } from '../src/raytrace/engine/visibility.ts';
import type { Vec3 } from '../src/scene/types.ts';
import { loadScenario } from '../src/scenario/load.ts';
import { randInt, rngFor } from '../src/util/rng.ts';
import { ROOT } from './fixtures/bad-inputs.ts';
import { loadDistrict } from './fixtures/district.ts';

// On a large map the tracer's segment tests, nearest-wall rays and visibility heights look only at the buildings
// along each segment (src/raytrace/engine/building-grid.ts), and DR skips the walls the UE cannot see. Neither may
// change an answer: a district of 150 buildings traced with the grid and without it (every building tested, as
// on a small map) gives the same links and the same paths, bit for bit; so do DR with and without the view (the
// walls it skips, and on walls seen only above some height the edges it skips).

test('the building grid and the DR visibility rule change no path: a 150-building district traced both ways', () => {
  const map = loadDistrict(150);
  assert.ok(map.buildings.length >= GRID_MIN_BUILDINGS);
  const { raytrace } = loadScenario(path.join(ROOT, 'scenarios/smoke.yaml'));
  // Points along the streets: three sites at 5 m, receivers at 1.5 m.
  const along = map.streets.flatMap((s) => s.centerline.slice(0, -1).map((p, k) => [(p[0] + s.centerline[k + 1][0]) / 2, (p[1] + s.centerline[k + 1][1]) / 2]));
  assert.ok(along.length > 20);
  const sites = [0, 7, 15].map((k, i) => ({ id: i + 1, x: along[k][0], y: along[k][1], z: 5, orientation: 0.3 * i }));
  const input: TraceInput = { map, raytrace, sites };
  const rx = Float64Array.from(along.flatMap(([x, y]) => [x + 1.3, y - 0.7, 1.5]));
  const trace = (grid: boolean) => {
    const t = makeTracer(input);
    assert.ok(t.fs.grid, 'a map this large gets the grid');
    if (!grid) t.fs.grid = null;
    setSites(t, t.sites.map((_, i) => precomputeTracerSite(t, i)));
    return traceBlock(t, rx, true);
  };
  const a = trace(true), b = trace(false);
  // DR drops the walls the UE cannot see (the view's polygon): with and without that rule, the same paths.
  const t = makeTracer(input);
  setSites(t, t.sites.map((_, i) => precomputeTracerSite(t, i)));
  assert.ok(sameDRWithView(t, rx).dr > 0, 'DR paths among them');
  // From the receivers and from a 40 x 40 grid of points over the whole map: the polygon's rings (corners hidden
  // behind a nearer wall left out, whole grid cells of them) give the samples of casting every ray, number for
  // number, less samples on the wall of both their neighbours; and hiddenBelow's whole blocks of samples give a bound
  // no higher than sample by sample on every ray's polygon, and almost as high.
  const view = t.scatter!.view, reference = new View(t.fs, t.tiles!, { blocks: false, shortcut: false }), walls = t.fs.wallSurface.length;
  const points = [...rx];
  for (let i = 0; i < 40; i++) for (let j = 0; j < 40; j++) points.push(((i + 0.5) / 40) * t.fs.mapWidth, ((j + 0.5) / 40) * t.fs.mapDepth, 1.5);
  let hidden = 0, hiddenByOne = 0, bounded = 0, skipped = 0;
  for (let q = 0; q < points.length; q += 3) {
    view.outline(points[q], points[q + 1], points[q + 2]);
    reference.outline(points[q], points[q + 1], points[q + 2]);
    const a = view.samples(), b = reference.samples();
    skipped += a.skipped;
    sameSamples(a, b, `from (${points[q]}, ${points[q + 1]})`);
    for (let k = 0; k < walls; k++) {
      const z = view.hiddenBelow(k), one = reference.hiddenBelow(k), H = t.fs.buildingHeight[t.fs.wallBuilding[k]];
      if (!(one === -Infinity ? Object.is(z, one) : z <= one && z > -Infinity)) assert.fail(`wall ${k} from (${points[q]}, ${points[q + 1]}): ${z} in blocks, ${one} sample by sample`);
      if (z >= H) hidden++;
      else if (z > 5) bounded++; // seen, but only above the sites' and the receivers' heights
      if (one >= H) hiddenByOne++;
    }
  }
  const count = points.length / 3;
  assert.ok(skipped > count * 100, `${skipped} corners left out from ${count} points`);
  assert.ok(hidden > (walls * count) / 2 && hidden > 0.95 * hiddenByOne, `${hidden} of ${walls} walls x ${count} points hidden (${hiddenByOne} sample by sample)`);
  assert.ok(bounded > (walls * count) / 50, `${bounded} of ${walls} walls x ${count} points seen only above 5 m`);
  assert.ok(a.pathCount > 10 * rx.length / 3, `${a.pathCount} paths`);
  assert.ok(a.paths!.interactions.some((s) => s === 'RD') && a.paths!.interactions.some((s) => s === 'DR'), 'RD and DR paths are among them');
  assert.deepEqual(a.links, b.links);
  assert.deepEqual(a.paths, b.paths);
});

type Samples = ReturnType<View['samples']>;

/**
 * The polygon `a` against `b` from casting every ray: b's samples in the same order, number for number, but for some
 * that `a` leaves out, each between two samples of `a` on its own wall (points along the polygon's edge on that wall).
 */
function sameSamples(a: Samples, b: Samples, where: string): void {
  const n = a.angle.length;
  let i = 0;
  for (let j = 0; j < b.angle.length; j++) {
    if (i < n && a.angle[i] === b.angle[j] && a.x[i] === b.x[j] && a.y[i] === b.y[j] && a.wall[i] === b.wall[j]) i++;
    else if (!(b.wall[j] >= 0 && a.wall[(i + n - 1) % n] === b.wall[j] && a.wall[i % n] === b.wall[j])) assert.fail(`${where}: sample ${j} (wall ${b.wall[j]}) left out between walls ${a.wall[(i + n - 1) % n]} and ${a.wall[i % n]}`);
  }
  assert.equal(i, n, `${where}: every sample kept is one of casting every ray`);
}

/**
 * findPaths from every receiver to every site, with the receiver's view and without: the same paths. Of the DR
 * paths, `above` reflect on a wall seen only above some height z (above the UE); `slack` is the least height by which
 * such a path's edge clears z as findDR's rule measures it (a vertical edge: the site's or the UE's height, whichever
 * is higher; another edge: its top), so that a rule off by more than `slack` would lose a path.
 */
function sameDRWithView(t: Tracer, rx: Float64Array): { dr: number; above: number; slack: number } {
  const view = t.scatter!.view;
  let dr = 0, above = 0, slack = Infinity;
  for (let r = 0; r < rx.length / 3; r++) {
    const p: Vec3 = [rx[3 * r], rx[3 * r + 1], rx[3 * r + 2]];
    for (const pre of t.pre) {
      const withView = findPaths(t.fs, pre, p, view);
      assert.deepEqual(withView, findPaths(t.fs, pre, p, null));
      for (const q of withView) {
        if (q.kinds.join('') !== 'DR') continue;
        dr++;
        view.outline(p[0], p[1], p[2]);
        const z = view.hiddenBelow(t.fs.surfaceWall[q.ids[1]]);
        if (!(z > p[2])) continue;
        above++;
        const se = pre.edges!, e = q.ids[0];
        slack = Math.min(slack, (isVertical(se, e) ? Math.max(pre.site[2], p[2]) : edgeTop(se, e)) - z);
      }
    }
  }
  return { dr, above, slack };
}

test('the polygon keeps the corners of a stretch whose wall lies beyond its near radius', () => {
  // A kiosk stands far down a gap between two near buildings, in front of a far wall. The two near samples that
  // bound the gap both end on that wall, but beyond the near radius, where the kiosk's corners lie: they must be
  // cast (leaving them out, as behind a stretch nearer than the radius, would miss the kiosk).
  const template = loadDistrict(GRID_MIN_BUILDINGS);
  const box = (id: number, x0: number, y0: number, x1: number, y1: number, height: number) => ({
    ...template.buildings[0], id, height, footprint: [[x0, y0], [x1, y0], [x1, y1], [x0, y1]] as [number, number][],
  });
  const buildings = [box(1, 80, 250, 90, 295, 20), box(2, 80, 305, 90, 350, 20), box(3, 450, 150, 470, 450, 20), box(4, 300, 298, 304, 302, 3)];
  for (let i = 0; i < GRID_MIN_BUILDINGS; i++) buildings.push(box(5 + i, 5 + 8 * i, 590, 7 + 8 * i, 592, 10)); // far away: the grid's
  const map = { ...template, width: 600, height: 600, buildings, streets: [], pedestrianAreas: [] };
  const { raytrace } = loadScenario(path.join(ROOT, 'scenarios/smoke.yaml'));
  const t = makeTracer({ map, raytrace, sites: [{ id: 1, x: 20, y: 20, z: 5, orientation: 0 }] });
  assert.ok(t.fs.grid && 4 * t.fs.grid.cell < 250, 'the kiosk and the far wall lie beyond the near radius');
  const view = new View(t.fs, t.tiles!), reference = new View(t.fs, t.tiles!, { shortcut: false });
  view.outline(50, 300, 1.5);
  reference.outline(50, 300, 1.5);
  const a = view.samples(), b = reference.samples();
  sameSamples(a, b, 'from (50, 300)');
  const kiosk = t.fs.buildingWalls[3];
  assert.ok(a.wall.some((w) => w >= kiosk && w < t.fs.buildingWalls[4]), 'the kiosk is seen');
  // A second polygon from a nearby point: again casting every ray's samples, nothing kept from the first.
  view.outline(50, 301, 1.5);
  reference.outline(50, 301, 1.5);
  sameSamples(view.samples(), reference.samples(), 'from (50, 301), after a polygon from (50, 300)');
});

test('DR on walls seen only above lower buildings: the height rule loses no path, and hiddenBelow bounds what is seen', () => {
  // Every third building of the district cut to 3 m: the taller walls behind them are seen from the street only
  // above 3 m, below the sites' 3.8 m, so that DR paths from vertical edges reach them, with less than a metre to
  // spare (a rule wrong by a metre would lose them).
  const map = loadDistrict(150);
  map.buildings.forEach((b, i) => {
    if (i % 3 === 0) b.height = 3;
  });
  const { raytrace } = loadScenario(path.join(ROOT, 'scenarios/smoke.yaml'));
  const along = map.streets.flatMap((s) => s.centerline.slice(0, -1).map((p, k) => [(p[0] + s.centerline[k + 1][0]) / 2, (p[1] + s.centerline[k + 1][1]) / 2]));
  const sites = [3, 11, 19].map((k, i) => ({ id: i + 1, x: along[k][0], y: along[k][1], z: 3.8, orientation: 0 }));
  const rx = Float64Array.from(along.flatMap(([x, y]) => [x - 0.9, y + 1.1, 1.5, x + 2.1, y + 0.4, 1.5]));
  const t = makeTracer({ map, raytrace, sites });
  setSites(t, t.sites.map((_, i) => precomputeTracerSite(t, i)));
  const { dr, above, slack } = sameDRWithView(t, rx);
  assert.ok(above > 0, `${above} of ${dr} DR paths reflect on a wall seen only above some height`);
  assert.ok(slack < 1, `the DR paths on such walls clear the height by ${slack} m or more`);

  // The bound itself: points of a wall below hiddenBelow, seen from the receivers, are all blocked.
  const fs = t.fs, view = t.scatter!.view;
  let checked = 0;
  for (let r = 0; r < rx.length / 3; r++) {
    const [ux, uy, uz] = [rx[3 * r], rx[3 * r + 1], rx[3 * r + 2]];
    view.outline(ux, uy, uz);
    for (let k = 0; k < fs.wallSurface.length; k++) {
      const z = view.hiddenBelow(k);
      if (!(z > uz)) continue;
      const H = fs.buildingHeight[fs.wallBuilding[k]];
      // Along the whole wall just below the bound where the wall reaches above it (the bound is a distance ratio
      // per stretch of the polygon: one taken at the stretch's nearer end would fail here), and at a few heights.
      const heights = z < H ? [0, 0.5 * z, z - 1e-3] : [0, 0.5 * H, 0.999 * H];
      for (let f = 0.005; f < 1; f += z < H ? 0.01 : 0.2)
        for (const pz of heights) {
          const px = fs.wallSeg[4 * k] + f * (fs.wallSeg[4 * k + 2] - fs.wallSeg[4 * k]), py = fs.wallSeg[4 * k + 1] + f * (fs.wallSeg[4 * k + 3] - fs.wallSeg[4 * k + 1]);
          if (!segmentBlocked(fs, px, py, pz, ux - px, uy - py, uz - pz, 1e-7, 1 - 1e-7, fs.wallSurface[k], -1)) assert.fail(`wall ${k} at (${px}, ${py}, ${pz}) is seen from receiver ${r} below its bound ${z}`);
          checked++;
        }
    }
  }
  assert.ok(checked > 1000, `${checked} points checked`);
});

test('segmentBlocked gives the same answer whatever building it is told to try first', () => {
  // The sites' precomputation hints the building that blocked the previous segment (occlusion.ts): a wrong hint may
  // cost time, never change an answer.
  const map = loadDistrict(150);
  const { raytrace } = loadScenario(path.join(ROOT, 'scenarios/smoke.yaml'));
  const fs = makeTracer({ map, raytrace, sites: [{ id: 1, x: 0, y: 0, z: 5, orientation: 0 }] }).fs;
  const nb = fs.buildingHeight.length;
  const rand = rngFor(7, 'segment-hints');
  const point = () => [rand() * fs.mapWidth, rand() * fs.mapDepth, 60 * rand()];
  const hint = { building: -1 };
  let blocked = 0;
  for (let i = 0; i < 4000; i++) {
    // Segments from one start (every 50th from a random point), as a site's rays: the hint is often right.
    const [ox, oy, oz] = i % 50 === 0 ? point() : [fs.mapWidth / 2, fs.mapDepth / 3, 40];
    const [qx, qy, qz] = point();
    const ex = rand() < 0.3 ? randInt(rand, fs.numSurfaces) : -1;
    const want = segmentBlocked(fs, ox, oy, oz, qx - ox, qy - oy, qz - oz, 1e-7, 1 - 1e-7, ex, -1);
    if (want) blocked++;
    for (const b of [hint.building, randInt(rand, nb), -1]) {
      const h = { building: b };
      assert.equal(segmentBlocked(fs, ox, oy, oz, qx - ox, qy - oy, qz - oz, 1e-7, 1 - 1e-7, ex, -1, -1, h), want, `segment ${i} with building ${b} tried first`);
    }
    segmentBlocked(fs, ox, oy, oz, qx - ox, qy - oy, qz - oz, 1e-7, 1 - 1e-7, ex, -1, -1, hint);
  }
  assert.ok(blocked > 1000 && blocked < 3900, `${blocked} of 4000 segments blocked`);
});
