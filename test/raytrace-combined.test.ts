import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DoubleSide, Ray, Vector3 } from 'three';
import { flattenScene } from '../src/raytrace/engine/flat-scene.ts';
import type { PropagationPath } from '../src/radio/path.ts';
import { findPaths, precomputeSite } from '../src/raytrace/engine/search.ts';
import { loadScenario, PACKAGE_ROOT } from '../src/scenario/load.ts';
import { buildScene } from '../src/scene/build.ts';
import type { Vec3 } from '../src/scene/types.ts';

// Reflection combined with diffraction ("RD", "DR") on the Madrid grid: a ground-reflected roof-edge
// diffraction against Fermat's principle for the image source, exactness of every combined path, and
// reciprocity (RD one way is DR the other way).

const scenario = loadScenario(`${PACKAGE_ROOT}/scenarios/smoke.yaml`);
const scene = buildScene(scenario.map);
const fs = flattenScene(scene);
const SETTINGS = { maxReflectionOrder: 1, diffraction: true, diffractionReflections: true };
const ground = scene.surfaces.find((s) => s.kind === 'ground')!.id;

const sub = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const dot = (a: Vec3, b: Vec3) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const dist = (a: Vec3, b: Vec3) => Math.hypot(...sub(a, b));
const unit = (a: Vec3): Vec3 => {
  const l = Math.hypot(...a);
  return [a[0] / l, a[1] / l, a[2] / l];
};
const combined = (p: PropagationPath) => p.kinds.join('') === 'RD' || p.kinds.join('') === 'DR';

function streetPoints(n: number, z: number): Vec3[] {
  const pts: Vec3[] = [];
  for (let i = 0; i < n; i++) {
    const st = scenario.map.streets[i % scenario.map.streets.length];
    const a = st.centerline[0], b = st.centerline[st.centerline.length - 1];
    const f = (i * 0.618034) % 1;
    pts.push([a[0] + f * (b[0] - a[0]) + 2.5, a[1] + f * (b[1] - a[1]) - 2.5, z]);
  }
  return pts;
}

function blockedByThree(a: Vec3, b: Vec3, ignore: number[]): boolean {
  const len = dist(a, b);
  const ray = new Ray(new Vector3(...a), new Vector3(...unit(sub(b, a))));
  return scene.bvh.raycast(ray, DoubleSide, 1e-6 * len, len * (1 - 1e-6)).some((h) => !ignore.includes(scene.triangleSurface[h.faceIndex!]));
}

test('ground reflection then roof-edge diffraction = diffraction of the image source (Fermat)', () => {
  // Building 7 is [147,9,267,129] x 28 m: the site is in the street west of it at 5 m, the receiver 60 m
  // above the avenue east of it, so a path goes ground -> a roof edge of building 7 -> over the roof.
  const S: Vec3 = [138, 60, 5];
  const R: Vec3 = [282, 75, 60];
  const paths = findPaths(fs, precomputeSite(fs, scene, S, SETTINGS), R);
  const rd = paths.filter((p) => p.kinds.join('') === 'RD' && p.ids[0] === ground);
  assert.ok(rd.length >= 1, paths.map((p) => p.kinds.join('') + p.ids.join(',')).join(' '));
  const img: Vec3 = [S[0], S[1], -S[2]];
  for (const p of rd) {
    const e = scene.edges[p.ids[1]];
    const u = unit(sub(e.b, e.a));
    const L = dist(e.a, e.b);
    // Fermat: the diffraction point minimises |S'Q| + |QR| along the edge (golden-section search).
    const f = (t: number) => dist(img, [e.a[0] + t * u[0], e.a[1] + t * u[1], e.a[2] + t * u[2]]) + dist([e.a[0] + t * u[0], e.a[1] + t * u[1], e.a[2] + t * u[2]], R);
    let lo = 0, hi = L;
    const g = (Math.sqrt(5) - 1) / 2;
    for (let i = 0; i < 200; i++) {
      const m1 = hi - g * (hi - lo), m2 = lo + g * (hi - lo);
      if (f(m1) < f(m2)) hi = m2;
      else lo = m1;
    }
    const t = (lo + hi) / 2;
    const [, P, Q] = p.vertices;
    assert.ok(dist(Q, [e.a[0] + t * u[0], e.a[1] + t * u[1], e.a[2] + t * u[2]]) < 1e-6, 'diffraction point');
    assert.ok(Math.abs(P[2]) < 1e-9, 'reflection point on the ground');
    const length = dist(S, P) + dist(P, Q) + dist(Q, R);
    assert.ok(Math.abs(length - f(t)) < 1e-9, `length ${length} vs unfolded ${f(t)}`);
    // The ground point lies on the line from the image to Q.
    assert.ok(Math.abs(dist(img, P) + dist(P, Q) - dist(img, Q)) < 1e-9);
  }
});

test('every RD and DR path is exact: face, law of reflection, Keller cone, unblocked segments', () => {
  const kinds = new Map<string, number>();
  for (const site of scenario.sites.filter((_, i) => i % 3 === 0)) {
    const sp = precomputeSite(fs, scene, [site.x, site.y, site.z], SETTINGS);
    for (const r of streetPoints(12, 1.5)) {
      const seen = new Set<string>();
      for (const p of findPaths(fs, sp, r).filter(combined)) {
        const key = `${p.kinds.join('')}:${p.ids.join(',')}`;
        assert.ok(!seen.has(key), `${key} twice`);
        seen.add(key);
        kinds.set(p.kinds.join(''), (kinds.get(p.kinds.join('')) ?? 0) + 1);
        const V = p.vertices;
        assert.equal(V.length, 4);
        const ignore: number[][] = [[], [], [], []];
        for (let i = 1; i <= 2; i++) {
          const din = unit(sub(V[i], V[i - 1])), dout = unit(sub(V[i + 1], V[i]));
          const id = p.ids[i - 1];
          if (p.kinds[i - 1] === 'R') {
            const f = scene.surfaces[id];
            ignore[i] = [id];
            assert.ok(Math.abs(dot(f.normal, sub(V[i], f.vertices[0]))) < 1e-9, 'on the face plane');
            assert.ok(dot(f.normal, sub(V[i - 1], V[i])) > 0 && dot(f.normal, sub(V[i + 1], V[i])) > 0, 'both ends in front of the face');
            const refl = sub(din, f.normal.map((x) => 2 * dot(din, f.normal) * x) as Vec3);
            assert.ok(dist(refl, dout) < 1e-9, 'specular direction');
            // Inside the face polygon: the point's projection lies within the face's bounding box (faces are rectangles).
            for (let k = 0; k < 3; k++) {
              const c = f.vertices.map((v) => v[k]);
              assert.ok(V[i][k] >= Math.min(...c) - 1e-9 && V[i][k] <= Math.max(...c) + 1e-9, 'inside the face');
            }
          } else {
            const e = scene.edges[id];
            ignore[i] = [...e.faces];
            const u = unit(sub(e.b, e.a));
            const t = dot(sub(V[i], e.a), u);
            assert.ok(t > 0 && t < dist(e.b, e.a), 'within the edge');
            assert.ok(dist(sub(V[i], e.a), u.map((x) => x * t) as Vec3) < 1e-9, 'on the edge line');
            assert.ok(Math.abs(dot(din, u) - dot(dout, u)) < 1e-9, 'equal angles to the edge');
          }
        }
        for (let i = 0; i < 3; i++) assert.ok(!blockedByThree(V[i], V[i + 1], [...ignore[i], ...ignore[i + 1]]), `segment ${i} of ${key} blocked`);
      }
    }
  }
  assert.ok((kinds.get('RD') ?? 0) > 20 && (kinds.get('DR') ?? 0) > 20, JSON.stringify([...kinds]));
});

test('reciprocity: the RD paths from A to B are the DR paths from B to A, reversed', () => {
  const sig = (p: PropagationPath, reverse: boolean) => {
    const k = p.kinds.map((x, i) => `${x}${p.ids[i]}`);
    return (reverse ? k.reverse() : k).join('-');
  };
  let total = 0, matched = 0;
  const A = streetPoints(10, 5);
  const B = streetPoints(17, 1.5).slice(7);
  for (let i = 0; i < A.length; i++) {
    const ab = findPaths(fs, precomputeSite(fs, scene, A[i], SETTINGS), B[i]).filter(combined).map((p) => sig(p, false));
    const ba = new Set(findPaths(fs, precomputeSite(fs, scene, B[i], SETTINGS), A[i]).filter(combined).map((p) => sig(p, true)));
    total += ab.length + ba.size;
    matched += 2 * ab.filter((s) => ba.has(s)).length;
  }
  assert.ok(total > 20, `${total} combined paths`);
  // Both directions prune with edge samples 0.5 m apart (from different points), so a sliver can differ.
  assert.ok(matched / total >= 0.95, `${matched} of ${total} matched`);
});

test('max_reflection_order 0 still finds RD and DR but no R paths; diffraction_reflections off finds neither', () => {
  const S: Vec3 = [138, 60, 5];
  const R: Vec3 = [282, 75, 60];
  const labels = (settings: typeof SETTINGS) => new Set(findPaths(fs, precomputeSite(fs, scene, S, settings), R).map((p) => p.kinds.join('') || 'LOS'));
  const zero = labels({ ...SETTINGS, maxReflectionOrder: 0 });
  assert.ok(zero.has('RD') && zero.has('DR') && !zero.has('R'), [...zero].join(' '));
  const off = labels({ ...SETTINGS, diffractionReflections: false });
  assert.ok(!off.has('RD') && !off.has('DR') && off.has('D'), [...off].join(' '));
});
