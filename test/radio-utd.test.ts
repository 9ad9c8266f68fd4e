import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CityMap } from '../src/map/types.ts';
import { buildScene } from '../src/scene/build.ts';
import type { Scene, Vec3 } from '../src/scene/types.ts';
import type { PropagationPath } from '../src/radio/path.ts';
import { makeFieldContext, pathField, type FieldContext } from '../src/radio/field.ts';
import { fresnelIntegralsInto, transitionInto, wedgeCoefficientsInto } from '../src/radio/utd.ts';

// One 20 x 20 x 30 m concrete building; its north-east vertical corner C = (120, 120) diffracts.
const box: CityMap = {
  name: 'box', width: 300, height: 300, groundMaterial: 'concrete', streets: [], pedestrianAreas: [], path: '',
  buildings: [{ id: 1, footprint: [[100, 100], [120, 100], [120, 120], [100, 120]], height: 30, wallMaterial: 'concrete', roofMaterial: 'concrete' }],
};
const scene: Scene = buildScene(box);
let ctx: FieldContext = makeFieldContext(scene, 28e9, 'vertical', false);
const corner = scene.edges.find((e) => e.a[0] === 120 && e.a[1] === 120 && e.b[0] === 120 && e.b[1] === 120)!;
const eastWall = scene.surfaces.find((s) => s.kind === 'wall' && s.normal[0] > 0.99)!;

const db = (re: number, im: number) => 10 * Math.log10(re * re + im * im);
const hyp = (x: number, y: number) => Math.hypot(x, y);

/** The point of the vertical corner edge where S -> Q -> P obeys the law of diffraction (Keller cone). */
function keller(S: Vec3, P: Vec3): Vec3 {
  const rs = hyp(S[0] - 120, S[1] - 120), rp = hyp(P[0] - 120, P[1] - 120);
  return [120, 120, S[2] + ((P[2] - S[2]) * rs) / (rs + rp)];
}
const diffracted = (S: Vec3, P: Vec3): PropagationPath => ({ vertices: [S, keller(S, P), P], kinds: ['D'], ids: [corner.id] });
/** Reflection on the east wall (x = 120) by the image method. */
function reflected(S: Vec3, P: Vec3): PropagationPath {
  const img: Vec3 = [240 - S[0], S[1], S[2]];
  const t = (120 - img[0]) / (P[0] - img[0]);
  const R: Vec3 = [120, img[1] + t * (P[1] - img[1]), img[2] + t * (P[2] - img[2])];
  return { vertices: [S, R, P], kinds: ['R'], ids: [eastWall.id] };
}
const onPolar = (r: number, angle: number, z: number): Vec3 => [120 + r * Math.cos(angle), 120 + r * Math.sin(angle), z];

function sumField(paths: PropagationPath[]): [number, number] {
  let re = 0, im = 0;
  for (const p of paths) {
    const f = pathField(ctx, p);
    re += f.re; im += f.im;
  }
  return [re, im];
}

/** Simpson quadrature of f on [0, z]: an independent reference for the Fresnel integrals. */
function simpson(f: (t: number) => number, z: number, n = 20000): number {
  const h = z / n;
  let acc = f(0) + f(z);
  for (let i = 1; i < n; i++) acc += (i % 2 ? 4 : 2) * f(i * h);
  return (acc * h) / 3;
}

test('Fresnel integrals match quadrature on both branches (series below 1.5, continued fraction above)', () => {
  const out = new Float64Array(4);
  for (const z of [0.2, 1, 1.5, 1.6, 2, 3.7, 6]) {
    fresnelIntegralsInto(out, z);
    const c = simpson((t) => Math.cos((Math.PI * t * t) / 2), z);
    const s = simpson((t) => Math.sin((Math.PI * t * t) / 2), z);
    assert.ok(Math.abs(out[0] - c) < 1e-9 && Math.abs(out[1] - s) < 1e-9, `z=${z}: C=${out[0]} (${c}) S=${out[1]} (${s})`);
    assert.ok(Math.abs(out[2] - (0.5 - c)) < 1e-9 && Math.abs(out[3] - (0.5 - s)) < 1e-9);
  }
  // Abramowitz & Stegun Table 7.7 at z = 1.
  fresnelIntegralsInto(out, 1);
  assert.ok(Math.abs(out[0] - 0.7798934004) < 1e-9 && Math.abs(out[1] - 0.4382591474) < 1e-9);
  fresnelIntegralsInto(out, 1e4);
  assert.ok(Math.abs(out[0] - 0.5) < 1e-4 && Math.abs(out[1] - 0.5) < 1e-4);
});

test('transition function: F(x) ~ sqrt(pi x) e^{j pi/4} for small x, -> 1 + j/(2x) - 3/(4x^2) for large x', () => {
  const F = new Float64Array(2);
  for (const x of [1e-6, 1e-4]) {
    // Small-argument expansion F ~ [sqrt(pi x) - 2 x e^{j pi/4}] e^{j (pi/4 + x)} (Kouyoumjian-Pathak 1974).
    transitionInto(F, 0, x);
    const ar = Math.sqrt(Math.PI * x) - 2 * x * Math.SQRT1_2, ai = -2 * x * Math.SQRT1_2;
    const c = Math.cos(Math.PI / 4 + x), s = Math.sin(Math.PI / 4 + x);
    assert.ok(Math.hypot(F[0] - (ar * c - ai * s), F[1] - (ar * s + ai * c)) < 2 * x ** 1.5, `x=${x}: ${F[0]} ${F[1]}`);
  }
  for (const x of [50, 500, 1e5]) {
    transitionInto(F, 0, x);
    assert.ok(Math.abs(F[0] - (1 - 3 / (4 * x * x))) < 5 / x ** 3 + 1e-9 && Math.abs(F[1] - 1 / (2 * x)) < 5 / x ** 3 + 1e-9, `x=${x}: ${F[0]} ${F[1]}`);
  }
  // The asymptotic series used above x = 200 agrees with the Fresnel-integral evaluation at the switch.
  const G = new Float64Array(2);
  transitionInto(F, 0, 200 * (1 - 1e-12));
  transitionInto(G, 0, 200 * (1 + 1e-12));
  assert.ok(Math.hypot(F[0] - G[0], F[1] - G[1]) < 1e-9, `${F} vs ${G}`);
  transitionInto(F, 0, 0);
  assert.deepEqual([...F], [0, 0]);
});

test('UTD coefficient is reciprocal: D(phi, phi\') = D(phi\', phi) for soft and hard wedges', () => {
  const a = new Float64Array(4), b = new Float64Array(4);
  const k = (2 * Math.PI * 28e9) / 299792458;
  const pec = [-1, 0, 1, 0];
  for (const [phi, phiP] of [[0.3, 2.0], [4.0, 0.7], [1.2, 3.9], [2.5, 2.6]])
    for (const kL of [0.01, 3, 7 * k]) {
      wedgeCoefficientsInto(a, 0, 1.5, phi, phiP, kL, k, 0.8, pec, pec);
      wedgeCoefficientsInto(b, 0, 1.5, phiP, phi, kL, k, 0.8, pec, pec);
      for (let i = 0; i < 4; i++) assert.ok(Math.abs(a[i] - b[i]) < 1e-12 * Math.hypot(a[0], a[1]));
      assert.ok(Math.hypot(a[0] - a[2], a[1] - a[3]) > 1e-3 * Math.hypot(a[0], a[1])); // soft != hard
    }
});

test('diffracted path: swapping the ends gives the same complex amplitude (lossy concrete faces)', () => {
  for (const [S, P] of [[[150, 105, 10], [90, 150, 1.5]], [[140, 90, 5], [130, 160, 1.5]], [[125, 140, 3], [160, 110, 20]]] as [Vec3, Vec3][]) {
    const f = pathField(ctx, diffracted(S, P));
    const g = pathField(ctx, diffracted(P, S));
    assert.ok(Math.abs(10 * Math.log10(f.gain / g.gain)) < 1e-9, `${10 * Math.log10(f.gain)} vs ${10 * Math.log10(g.gain)}`);
    assert.ok(Math.abs(f.re - g.re) < 1e-12 && Math.abs(f.im - g.im) < 1e-12);
  }
});

// Walk the observer on a circle of radius 30 m around the corner; the source east of the building
// illuminates the east wall. Shadow boundary (SB): direction C - S; reflection boundary (RB): C - image(S).
for (const pol of ['vertical', 'horizontal'] as const)
for (const [label, zS, zP] of [['same height (b0 = 90 deg)', 5, 5], ['skew incidence', 10, 1.5]] as const) {
  test(`GO + UTD field is continuous across the shadow and reflection boundaries, ${pol} polarisation, ${label}`, () => {
    ctx = makeFieldContext(scene, 28e9, pol, false);
    const S: Vec3 = [140, 105, zS];
    const sb = Math.atan2(120 - S[1], 120 - S[0]);
    const rb = Math.atan2(120 - S[1], 120 - (240 - S[0]));
    const d = 1e-7;
    const r = 30;
    // SB: lit side has LOS + D (+ the reflection, which is continuous here and left out), shadow side D only.
    const lit = onPolar(r, sb - d, zP), dark = onPolar(r, sb + d, zP);
    const [lr, li] = sumField([{ vertices: [S, lit], kinds: [], ids: [] }, diffracted(S, lit)]);
    const [dr, di] = sumField([diffracted(S, dark)]);
    assert.ok(Math.abs(db(lr, li) - db(dr, di)) < 0.1, `SB jump ${db(lr, li) - db(dr, di)} dB`);
    // On the boundary the diffracted field is half the GO field (-6 dB): the test above is not vacuous.
    const go = pathField(ctx, { vertices: [S, lit], kinds: [], ids: [] });
    assert.ok(Math.abs(db(dr, di) - 10 * Math.log10(go.gain / 4)) < 1, `D/GO at SB ${db(dr, di) - 10 * Math.log10(go.gain)} dB`);
    // RB: inside (angle < rb) the east-wall reflection exists; outside it does not.
    const inR = onPolar(r, rb - d, zP), outR = onPolar(r, rb + d, zP);
    const los = (P: Vec3): PropagationPath => ({ vertices: [S, P], kinds: [], ids: [] });
    const [ir, ii] = sumField([los(inR), reflected(S, inR), diffracted(S, inR)]);
    const [or, oi] = sumField([los(outR), diffracted(S, outR)]);
    assert.ok(Math.abs(db(ir, ii) - db(or, oi)) < 0.1, `RB jump ${db(ir, ii) - db(or, oi)} dB`);
    // The reflection point is on the face, at the corner, and the GO jump there is large: the reflected
    // field alone is within 20 dB of the direct one (|r_TE| = 0.47 at 37 deg, longer path), which D cancels.
    const R = reflected(S, inR).vertices[1];
    assert.ok(R[1] > 119.99 && R[1] < 120, `reflection point y ${R[1]}`);
    const refl = pathField(ctx, reflected(S, inR));
    const rel = 10 * Math.log10(refl.gain / pathField(ctx, los(inR)).gain);
    assert.ok(rel > -20, `reflected / direct ${rel} dB`);
  });
}
