import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CityMap } from '../src/map/types.ts';
import { makeFieldContext, pathField, SPEED_OF_LIGHT } from '../src/radio/field.ts';
import { fsplDb } from '../src/radio/link-budget.ts';
import { ITU_MATERIALS, relativePermittivity } from '../src/map/materials.ts';
import { flattenScene } from '../src/raytrace/engine/flat-scene.ts';
import { evaluateLink, type LinkSettings } from '../src/raytrace/engine/link.ts';
import { findPaths, precomputeSite, type SearchSettings } from '../src/raytrace/engine/search.ts';
import { buildScene } from '../src/scene/build.ts';
import type { Scene, Vec3 } from '../src/scene/types.ts';

// Closed forms through the real path search (src/raytrace) and field (src/radio/field.ts) on hand-made maps.

const F = 28e9;
const iso = () => 1; // isotropic site antenna: the numbers are propagation only
const LINK: LinkSettings = { txPowerDbm: 0, cutoffDb: 160, aoaResolutionDeg: 20, coherent: false };

function cityMap(boxes: [number, number, number, number, number][], width = 1000, height = 1000): CityMap {
  return {
    name: 'test', width, height, groundMaterial: 'concrete', streets: [], pedestrianAreas: [], path: '/dev/null',
    buildings: boxes.map(([x0, y0, x1, y1, h], i) => ({ id: i + 1, footprint: [[x0, y0], [x1, y0], [x1, y1], [x0, y1]], height: h, wallMaterial: 'concrete', roofMaterial: 'concrete' })),
  };
}

function trace(scene: Scene, site: Vec3, rx: Vec3, search: SearchSettings) {
  const fs = flattenScene(scene);
  return findPaths(fs, precomputeSite(fs, scene, site, search), rx);
}

const dist = (a: Vec3, b: Vec3) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
const pathLength = (v: Vec3[]) => v.slice(1).reduce((s, p, i) => s + dist(v[i], p), 0);

test('LOS: path loss equals free-space loss and ToF = d / c', () => {
  const scene = buildScene(cityMap([]));
  const field = makeFieldContext(scene, F, 'vertical', false);
  for (const [site, rx] of [[[100, 100, 10], [400, 500, 1.5]], [[10, 990, 5], [12, 985, 1.5]]] as [Vec3, Vec3][]) {
    const paths = trace(scene, site, rx, { maxReflectionOrder: 0, diffraction: false });
    assert.equal(paths.length, 1);
    const d = dist(site, rx);
    const link = evaluateLink(field, iso, 0, paths, LINK);
    assert.ok(Math.abs(link.pathLossDb - fsplDb(d, F)) < 1e-9, `${link.pathLossDb} vs ${fsplDb(d, F)}`);
    assert.ok(Math.abs(link.pathLossDb - (20 * Math.log10(d) + 61.39)) < 0.01); // FSPL 20 log10(4 pi d f / c) at 28 GHz
    assert.ok(Math.abs(link.tofNs - (d / SPEED_OF_LIGHT) * 1e9) < 1e-9);
    assert.equal(link.strongest, 'LOS');
    assert.equal(link.los, true);
  }
});

test('ground two-ray: LOS and ground reflection with closed-form lengths and reflection point', () => {
  const scene = buildScene(cityMap([]));
  const h1 = 10, h2 = 1.5, D = 200;
  const paths = trace(scene, [100, 100, h1], [100 + D, 100, h2], { maxReflectionOrder: 1, diffraction: false });
  assert.deepEqual(paths.map((p) => p.kinds.join('') || 'LOS'), ['LOS', 'R']);
  assert.equal(paths[1].ids[0], 0); // surface 0 = ground
  assert.ok(Math.abs(pathLength(paths[0].vertices) - Math.hypot(D, h1 - h2)) < 1e-9);
  assert.ok(Math.abs(pathLength(paths[1].vertices) - Math.hypot(D, h1 + h2)) < 1e-9);
  const p = paths[1].vertices[1];
  assert.ok(Math.abs(p[0] - (100 + (D * h1) / (h1 + h2))) < 1e-9 && Math.abs(p[2]) < 1e-12 && Math.abs(p[1] - 100) < 1e-9);
});

/** Complex helpers for the Fresnel closed form. */
const csqrt = (re: number, im: number): [number, number] => {
  const m = Math.hypot(re, im);
  return [Math.sqrt((m + re) / 2), Math.sign(im || 1) * Math.sqrt((m - re) / 2)];
};
const cabsDiv = (a: [number, number], b: [number, number]) => Math.hypot(a[0], a[1]) / Math.hypot(b[0], b[1]);

test('single wall: image-method length, reflection point on the wall with equal angles, loss = FSPL(L) - 20 log10 |r_TE|', () => {
  // Wall x = 500 (west face of the building, normal -x). Site and UE at the same height: the plane of
  // incidence is horizontal, so the vertical polarisation is TE to the wall.
  const scene = buildScene(cityMap([[500, 400, 520, 600, 30]]));
  const wall = scene.surfaces.find((s) => s.kind === 'wall' && s.normal[0] < -0.99)!;
  const site: Vec3 = [450, 450, 3], rx: Vec3 = [470, 560, 3];
  const paths = trace(scene, site, rx, { maxReflectionOrder: 1, diffraction: false });
  const refl = paths.filter((p) => p.kinds.length === 1 && p.ids[0] === wall.id);
  assert.equal(refl.length, 1);
  const v = refl[0].vertices;
  const image: Vec3 = [550, 450, 3];
  assert.ok(Math.abs(pathLength(v) - dist(image, rx)) < 1e-9);
  const P = v[1];
  assert.ok(Math.abs(P[0] - 500) < 1e-9 && P[1] > 400 && P[1] < 600 && P[2] > 0 && P[2] < 30);
  const din = [P[0] - site[0], P[1] - site[1], P[2] - site[2]].map((x) => x / dist(P, site));
  const dout = [rx[0] - P[0], rx[1] - P[1], rx[2] - P[2]].map((x) => x / dist(P, rx));
  const n = wall.normal;
  const cosIn = -(din[0] * n[0] + din[1] * n[1] + din[2] * n[2]);
  const cosOut = dout[0] * n[0] + dout[1] * n[1] + dout[2] * n[2];
  assert.ok(Math.abs(cosIn - cosOut) < 1e-12, 'law of reflection');

  const [er, ei] = relativePermittivity(ITU_MATERIALS.concrete, F);
  const sin2 = 1 - cosIn * cosIn;
  const root = csqrt(er - sin2, ei);
  const rTE = cabsDiv([cosIn - root[0], -root[1]], [cosIn + root[0], root[1]]);
  const field = makeFieldContext(scene, F, 'vertical', false);
  const lossDb = -10 * Math.log10(pathField(field, refl[0]).gain);
  const expected = fsplDb(pathLength(v), F) - 20 * Math.log10(rTE);
  assert.ok(Math.abs(lossDb - expected) < 1e-6, `${lossDb} vs ${expected}`);
});

test('continuity: walking into the shadow of a corner with diffraction on (coherent sum)', () => {
  // Building [100,200]^2 and a site south-west of it; the receiver walks east along y = Y across the
  // shadow boundary of the vertical corner edge (100, 200), at x = 80 + 20 (Y - 50) / 150. GO + UTD is
  // continuous for the coherent field sum (incoherently, the GO term vanishing steps by up to ~7 dB).
  const scene = buildScene(cityMap([[100, 100, 200, 200, 30]]));
  const fs = flattenScene(scene);
  const field = makeFieldContext(scene, F, 'vertical', false);
  const sp = precomputeSite(fs, scene, [80, 50, 5], { maxReflectionOrder: 0, diffraction: true });
  const power = (x: number, y: number) => {
    const link = evaluateLink(field, iso, 0, findPaths(fs, sp, [x, y, 1.5]), { ...LINK, coherent: true });
    return { dbm: link.rxPowerDbm, los: link.los };
  };
  // At the boundary itself: 1 mm either side, the same power (the UTD term makes up for the lost LOS).
  for (const Y of [250, 600]) {
    const xb = 80 + (20 * (Y - 50)) / 150;
    const lit = power(xb - 1e-3, Y), shadow = power(xb + 1e-3, Y);
    assert.ok(lit.los && !shadow.los);
    assert.ok(Math.abs(lit.dbm - shadow.dbm) < 0.2, `step ${(lit.dbm - shadow.dbm).toFixed(2)} dB at the boundary, Y = ${Y}`);
  }
  // A walk in 0.5 m steps from deep in the lit region into deep shadow.
  let prev = NaN;
  let sawLos = false, sawShadow = false;
  for (let x = 140; x <= 170; x += 0.5) {
    const p = power(x, 600);
    if (p.los) sawLos = true;
    else sawShadow = true;
    if (!Number.isNaN(prev)) assert.ok(Math.abs(p.dbm - prev) < 3, `jump ${(p.dbm - prev).toFixed(2)} dB at x = ${x}`);
    prev = p.dbm;
  }
  assert.ok(sawLos && sawShadow);
});

test('AoA: exact angles of the strongest path and quantisation at bin edges', () => {
  const scene = buildScene(cityMap([]));
  const field = makeFieldContext(scene, F, 'vertical', false);
  const site: Vec3 = [500, 500, 60];
  const fs = flattenScene(scene);
  const sp = precomputeSite(fs, scene, site, { maxReflectionOrder: 0, diffraction: false });
  const cases: [number, number, number, number][] = [
    // azimuth, elevation (deg) -> quantised azimuth, elevation at 20 deg
    [9.9, -9.9, 0, 0], [10.1, -10.1, 20, -20], [349.9, 0.5, 340, 0], [350.1, -0.5, 0, 0], [189.9, -29.9, 180, -20], [190.1, -30.1, 200, -40],
  ];
  for (const [az, el, azq, elq] of cases) {
    const r = 100, a = (az * Math.PI) / 180, e = (el * Math.PI) / 180;
    const rx: Vec3 = [site[0] + r * Math.cos(e) * Math.cos(a), site[1] + r * Math.cos(e) * Math.sin(a), site[2] + r * Math.sin(e)];
    const link = evaluateLink(field, iso, 0, findPaths(fs, sp, rx), LINK);
    assert.ok(Math.abs(link.aoaAzimuthDeg - az) < 1e-9 && Math.abs(link.aoaElevationDeg - el) < 1e-9, `${link.aoaAzimuthDeg} ${link.aoaElevationDeg}`);
    assert.equal(link.aoaAzimuthQDeg, azq, `azimuth ${az}`);
    assert.equal(link.aoaElevationQDeg, elq, `elevation ${el}`);
  }
});

test('mask: heard iff path loss <= cutoff; no path -> not heard, NaN numbers, 0 paths', () => {
  const scene = buildScene(cityMap([[400, 0, 600, 1000, 40]]));
  const field = makeFieldContext(scene, F, 'vertical', false);
  const fs = flattenScene(scene);
  const sp = precomputeSite(fs, scene, [100, 500, 5], { maxReflectionOrder: 0, diffraction: false });
  const open = evaluateLink(field, iso, 0, findPaths(fs, sp, [300, 500, 1.5]), LINK);
  assert.equal(evaluateLink(field, iso, 0, findPaths(fs, sp, [300, 500, 1.5]), { ...LINK, cutoffDb: open.pathLossDb + 0.01 }).heard, true);
  assert.equal(evaluateLink(field, iso, 0, findPaths(fs, sp, [300, 500, 1.5]), { ...LINK, cutoffDb: open.pathLossDb - 0.01 }).heard, false);
  const hidden = evaluateLink(field, iso, 0, findPaths(fs, sp, [800, 500, 1.5]), LINK); // behind the slab, no diffraction
  assert.equal(hidden.numPaths, 0);
  assert.equal(hidden.heard, false);
  assert.ok(Number.isNaN(hidden.pathLossDb) && Number.isNaN(hidden.rxPowerDbm) && Number.isNaN(hidden.tofNs));
});
