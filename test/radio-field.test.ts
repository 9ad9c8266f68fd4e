import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CityMap } from '../src/map/types.ts';
import { buildScene } from '../src/scene/build.ts';
import type { Vec3 } from '../src/scene/types.ts';
import type { PropagationPath } from '../src/radio/path.ts';
import { makeFieldContext, pathField, SPEED_OF_LIGHT } from '../src/radio/field.ts';
import { fresnel } from '../src/radio/fresnel.ts';
import { ITU_MATERIALS, relativePermittivity } from '../src/map/materials.ts';
import { UserError } from '../src/util/errors.ts';

// One 20 x 20 x 30 m building with glass walls on concrete ground.
const mapWith = (ground: string, wall: string): CityMap => ({
  name: 'box', width: 300, height: 300, groundMaterial: ground, streets: [], pedestrianAreas: [], path: '',
  buildings: [{ id: 1, footprint: [[100, 100], [120, 100], [120, 120], [100, 120]], height: 30, wallMaterial: wall, roofMaterial: 'concrete' }],
});
const scene = buildScene(mapWith('concrete', 'glass'));
const f = 28e9;
const lambda = SPEED_OF_LIGHT / f;
const k = (2 * Math.PI) / lambda;
const vert = makeFieldContext(scene, f, 'vertical', false);
const horiz = makeFieldContext(scene, f, 'horizontal', false);
const eastWall = scene.surfaces.find((s) => s.kind === 'wall' && s.normal[0] > 0.99)!;
const concrete = relativePermittivity(ITU_MATERIALS.concrete, f);
const glass = relativePermittivity(ITU_MATERIALS.glass, f);
const dist = (a: Vec3, b: Vec3) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
const cmul = (a: [number, number], b: [number, number]): [number, number] => [a[0] * b[0] - a[1] * b[1], a[0] * b[1] + a[1] * b[0]];
/** (lambda / (4 pi L)) r e^{-j k L}: the closed form of a single-bounce path. */
const closedForm = (L: number, r: [number, number]) => cmul(r, [(lambda / (4 * Math.PI * L)) * Math.cos(-k * L), (lambda / (4 * Math.PI * L)) * Math.sin(-k * L)]);
const near = (a: number, b: number, rel: number) => Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b));

test('LOS: gain equals free-space loss 20 log10 d + 61.39 dB at 28 GHz, delay d / c, phase -k d', () => {
  for (const d of [10, 100, 500]) {
    const p = pathField(vert, { vertices: [[5, 5, 5], [5 + d * 0.6, 5 + d * 0.8, 5]], kinds: [], ids: [] });
    assert.ok(Math.abs(-10 * Math.log10(p.gain) - (20 * Math.log10(d) + 61.39)) < 0.01, `d=${d}`);
    assert.ok(near(p.delaySeconds, d / 299792458, 1e-12) && near(p.lengthMeters, d, 1e-12));
    const [re, im] = closedForm(d, [1, 0]);
    assert.ok(Math.hypot(p.re - re, p.im - im) < 1e-9 * Math.hypot(re, im));
  }
  // Oblique LOS (UE below the site) and horizontal polarisation: polarisation matched, same loss.
  const a = pathField(horiz, { vertices: [[0, 0, 25], [30, 40, 1.5]], kinds: [], ids: [] });
  assert.ok(near(a.gain, (lambda / (4 * Math.PI * dist([0, 0, 25], [30, 40, 1.5]))) ** 2, 1e-12));
});

/** Site -> point on the east wall (x = 120) -> UE, by the image method. */
function wallPath(S: Vec3, P: Vec3): PropagationPath {
  const img: Vec3 = [240 - S[0], S[1], S[2]];
  const t = (120 - img[0]) / (P[0] - img[0]);
  return { vertices: [S, [120, img[1] + t * (P[1] - img[1]), img[2] + t * (P[2] - img[2])], P], kinds: ['R'], ids: [eastWall.id] };
}

test('vertical wall, vertical polarisation, ends at equal height: E is normal to the (horizontal) plane of incidence -> TE', () => {
  const S: Vec3 = [150, 95, 5], P: Vec3 = [135, 125, 5];
  const path = wallPath(S, P);
  const R = path.vertices[1];
  assert.ok(R[1] > 100 && R[1] < 120); // on the face
  const L = dist(S, R) + dist(R, P);
  const theta = Math.acos((S[0] - 120) / dist(S, R)); // from the wall normal
  const r = fresnel(glass, theta);
  const p = pathField(vert, path);
  const [re, im] = closedForm(L, r.te);
  assert.ok(Math.hypot(p.re - re, p.im - im) < 1e-9 * Math.hypot(re, im), 'complex amplitude = TE closed form');
  assert.ok(near(p.gain, (lambda / (4 * Math.PI * L)) ** 2 * Math.hypot(...r.te) ** 2, 1e-9));
  assert.ok(Math.abs(Math.hypot(...r.te) - Math.hypot(...r.tm)) > 0.1, 'TE and TM differ here: the test tells them apart');
  // Horizontal polarisation lies in the plane of incidence: TM.
  const h = pathField(horiz, path);
  const [hr, hi] = closedForm(L, r.tm);
  assert.ok(Math.hypot(h.re - hr, h.im - hi) < 1e-9 * Math.hypot(hr, hi), 'horizontal -> TM');
  assert.ok(near(h.delaySeconds, L / SPEED_OF_LIGHT, 1e-12));
});

test('ground reflection: vertical polarisation uses TM (two-ray, with sign), horizontal uses TE', () => {
  const S: Vec3 = [20, 30, 5], P: Vec3 = [200, 150, 1.5];
  const dh = Math.hypot(P[0] - S[0], P[1] - S[1]);
  const t = S[2] / (S[2] + P[2]);
  const G: Vec3 = [S[0] + t * (P[0] - S[0]), S[1] + t * (P[1] - S[1]), 0];
  const path: PropagationPath = { vertices: [S, G, P], kinds: ['R'], ids: [0] };
  const L = Math.hypot(dh, S[2] + P[2]);
  const theta = Math.atan2(dh, S[2] + P[2]);
  const r = fresnel(concrete, theta);
  for (const [ctx, coef] of [[vert, r.tm], [horiz, r.te]] as const) {
    const p = pathField(ctx, path);
    const [re, im] = closedForm(L, coef);
    assert.ok(Math.hypot(p.re - re, p.im - im) < 1e-9 * Math.hypot(re, im));
  }
  // Far beyond the two-ray breakpoint 4 h1 h2 / lambda (2.8 km) r_TM -> -1 (with its sign) and the coherent
  // sum cancels: |1 + r e^{-j k 2 h1 h2 / d}| ~ k 2 h1 h2 / d = 0.09 at 100 km, about -21 dB re free space.
  const far: Vec3 = [20 + 1e5, 30, 1.5];
  const Gf: Vec3 = [20 + 1e5 * t, 30, 0];
  const los = pathField(vert, { vertices: [S, far], kinds: [], ids: [] });
  const gr = pathField(vert, { vertices: [S, Gf, far], kinds: ['R'], ids: [0] });
  const sum = Math.hypot(los.re + gr.re, los.im + gr.im) ** 2;
  assert.ok(sum < los.gain / 30, `two-ray ${10 * Math.log10(sum / los.gain)} dB re free space`);
});

test('normal incidence: vertical and horizontal polarisation see the same reflection', () => {
  const S: Vec3 = [150, 110, 5], P: Vec3 = [150.001, 110, 5.0001];
  const path = wallPath(S, P);
  const a = pathField(vert, path), b = pathField(horiz, path);
  assert.ok(near(a.gain, b.gain, 1e-6));
  const L = dist(S, path.vertices[1]) + dist(path.vertices[1], P);
  assert.ok(near(a.gain, (lambda / (4 * Math.PI * L)) ** 2 * Math.hypot(...fresnel(glass, 0).te) ** 2, 1e-6));
});

test('reciprocity: reversing a wall + ground path gives the same complex amplitude', () => {
  const S: Vec3 = [150, 95, 12], P: Vec3 = [135, 125, 1.5];
  // Wall then ground, exact by double image: ground image of P, then wall image of S.
  const Pg: Vec3 = [P[0], P[1], -P[2]];
  const Sw: Vec3 = [240 - S[0], S[1], S[2]];
  const t = (120 - Sw[0]) / (Pg[0] - Sw[0]);
  const W: Vec3 = [120, Sw[1] + t * (Pg[1] - Sw[1]), Sw[2] + t * (Pg[2] - Sw[2])];
  const u = W[2] / (W[2] - Pg[2]);
  const G: Vec3 = [W[0] + u * (Pg[0] - W[0]), W[1] + u * (Pg[1] - W[1]), 0];
  assert.ok(W[1] > 100 && W[1] < 120 && W[2] > 0 && G[0] > 120);
  const fwd = pathField(vert, { vertices: [S, W, G, P], kinds: ['R', 'R'], ids: [eastWall.id, 0] });
  const rev = pathField(vert, { vertices: [P, G, W, S], kinds: ['R', 'R'], ids: [0, eastWall.id] });
  assert.ok(Math.hypot(fwd.re - rev.re, fwd.im - rev.im) < 1e-9 * Math.hypot(fwd.re, fwd.im));
  assert.ok(near(fwd.lengthMeters, dist(Sw, Pg), 1e-12));
});

test('diffraction after a ground reflection ("RD") equals diffraction of the ground image source times r_TM', () => {
  const corner = scene.edges.find((e) => e.a[0] === 120 && e.a[1] === 120 && e.b[0] === 120 && e.b[1] === 120)!;
  const S: Vec3 = [150, 105, 10], Si: Vec3 = [150, 105, -10], P: Vec3 = [90, 150, 20];
  const rs = Math.hypot(S[0] - 120, S[1] - 120), rp = Math.hypot(P[0] - 120, P[1] - 120);
  const Q: Vec3 = [120, 120, Si[2] + ((P[2] - Si[2]) * rs) / (rs + rp)];
  const t = -Si[2] / (Q[2] - Si[2]);
  const G: Vec3 = [Si[0] + t * (Q[0] - Si[0]), Si[1] + t * (Q[1] - Si[1]), 0];
  const rd = pathField(vert, { vertices: [S, G, Q, P], kinds: ['R', 'D'], ids: [0, corner.id] });
  const d = pathField(vert, { vertices: [Si, Q, P], kinds: ['D'], ids: [corner.id] });
  const r = fresnel(concrete, Math.acos(S[2] / dist(S, G))).tm;
  const [re, im] = cmul(r, [d.re, d.im]);
  assert.ok(Math.hypot(rd.re - re, rd.im - im) < 1e-9 * Math.hypot(re, im));
  assert.ok(near(rd.lengthMeters, d.lengthMeters, 1e-12));
  // And the diffracted field is far below free space over the same length (deep shadow, 26 m around the corner).
  assert.ok(rd.gain < (lambda / (4 * Math.PI * rd.lengthMeters)) ** 2 / 100);
});

test('materials: unknown -> UserError; ground model outside its P.2040 range -> UserError unless allowed', () => {
  assert.throws(() => makeFieldContext(buildScene(mapWith('concrete', 'unobtainium')), f, 'vertical', false),
    (e: unknown) => e instanceof UserError && /building 1 wall material.*unknown material "unobtainium"/.test(e.message));
  assert.throws(() => makeFieldContext(buildScene(mapWith('wet_ground', 'glass')), f, 'vertical', false),
    (e: unknown) => e instanceof UserError && /ground material.*1-10 GHz/.test(e.message));
  const ok = makeFieldContext(buildScene(mapWith('wet_ground', 'glass')), f, 'vertical', true);
  assert.ok(ok.surfaceEta[0] > 1);
});
