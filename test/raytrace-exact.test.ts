import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DoubleSide, Ray, Vector3 } from 'three';
import { makeFieldContext } from '../src/radio/field.ts';
import type { ImageTree } from '../src/raytrace/engine/candidates.ts';
import { type FlatScene, flattenScene } from '../src/raytrace/engine/flat-scene.ts';
import { evaluateLink } from '../src/raytrace/engine/link.ts';
import type { PropagationPath } from '../src/radio/path.ts';
import { findPaths, precomputeSite, type SitePrecomputed } from '../src/raytrace/engine/search.ts';
import { loadScenario, PACKAGE_ROOT } from '../src/scenario/load.ts';
import { buildScene } from '../src/scene/build.ts';
import type { Scene, Vec3 } from '../src/scene/types.ts';

// The path search on the Madrid grid: every path it returns is exact (law of reflection, faces, edges,
// no blocked segment by an independent three-mesh-bvh raycast), it finds what an exhaustive image method
// finds, and it is reciprocal.

const scenario = loadScenario(`${PACKAGE_ROOT}/scenarios/smoke.yaml`);
const scene = buildScene(scenario.map);
const fs = flattenScene(scene);
const SETTINGS = { maxReflectionOrder: 2, diffraction: true };

/** Receivers 2.5 m off the street centre lines at 1.5 m. */
function streetPoints(n: number): Vec3[] {
  const pts: Vec3[] = [];
  for (let i = 0; i < n; i++) {
    const st = scenario.map.streets[i % scenario.map.streets.length];
    const a = st.centerline[0], b = st.centerline[st.centerline.length - 1];
    const f = (i * 0.618034) % 1;
    pts.push([a[0] + f * (b[0] - a[0]) + 2.5, a[1] + f * (b[1] - a[1]) - 2.5, 1.5]);
  }
  return pts;
}

const sub = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const dot = (a: Vec3, b: Vec3) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const unit = (a: Vec3): Vec3 => {
  const l = Math.hypot(...a);
  return [a[0] / l, a[1] / l, a[2] / l];
};

/** Surfaces a path vertex lies on: the reflecting face, or the two faces of the diffracting edge. */
function vertexSurfaces(s: Scene, p: PropagationPath, i: number): number[] {
  if (i === 0 || i === p.vertices.length - 1) return [];
  return p.kinds[i - 1] === 'R' ? [p.ids[i - 1]] : s.edges[p.ids[i - 1]].faces;
}

function blockedByThree(s: Scene, a: Vec3, b: Vec3, ignore: number[]): boolean {
  const d = sub(b, a);
  const len = Math.hypot(...d);
  const ray = new Ray(new Vector3(...a), new Vector3(...unit(d)));
  return s.bvh.raycast(ray, DoubleSide, 1e-6 * len, len * (1 - 1e-6)).some((h) => !ignore.includes(s.triangleSurface[h.faceIndex!]));
}

test('every path is exact: faces, law of reflection, equal-angle diffraction, unblocked segments', () => {
  let checked = 0;
  const kinds = new Set<string>();
  for (const site of scenario.sites.filter((_, i) => i % 2 === 0)) {
    const sp = precomputeSite(fs, scene, [site.x, site.y, site.z], SETTINGS);
    for (const r of streetPoints(12)) {
      for (const p of findPaths(fs, sp, r)) {
        const V = p.vertices;
        for (let i = 1; i < V.length - 1; i++) {
          const din = unit(sub(V[i], V[i - 1])), dout = unit(sub(V[i + 1], V[i]));
          if (p.kinds[i - 1] === 'R') {
            const f = scene.surfaces[p.ids[i - 1]];
            assert.ok(Math.abs(dot(f.normal, sub(V[i], f.vertices[0]))) < 1e-9, 'on the face plane');
            assert.ok(Math.abs(-dot(din, f.normal) - dot(dout, f.normal)) < 1e-9, 'equal angles to the normal');
            // in the plane of incidence: dout = din - 2 (din . n) n
            const refl = sub(din, f.normal.map((x) => 2 * dot(din, f.normal) * x) as Vec3);
            assert.ok(Math.hypot(...sub(refl, dout)) < 1e-9, 'specular direction');
          } else {
            const e = scene.edges[p.ids[i - 1]];
            const u = unit(sub(e.b, e.a));
            const t = dot(sub(V[i], e.a), u);
            assert.ok(t > 0 && t < Math.hypot(...sub(e.b, e.a)) && Math.hypot(...sub(sub(V[i], e.a), u.map((x) => x * t) as Vec3)) < 1e-9, 'on the edge');
            assert.ok(Math.abs(dot(din, u) - dot(dout, u)) < 1e-9, 'Keller cone: equal angles to the edge');
          }
        }
        for (let i = 0; i + 1 < V.length; i++) assert.ok(!blockedByThree(scene, V[i], V[i + 1], [...vertexSurfaces(scene, p, i), ...vertexSurfaces(scene, p, i + 1)]), `segment ${i} of ${p.kinds.join('') || 'LOS'} blocked`);
        kinds.add(p.kinds.join('') || 'LOS');
        checked++;
      }
    }
  }
  assert.ok(checked > 300, `${checked} paths checked`);
  assert.deepEqual([...kinds].sort(), ['D', 'LOS', 'R', 'RR']);
});

/** Every sequence of up to K faces whose image chain stays in front of the next face: exhaustive candidates. */
function exhaustiveTree(f: FlatScene, site: Vec3, K: number): ImageTree {
  const surface = [-1], parent = [-1], depth = [0], image = [...site];
  for (let i = 0; i < surface.length; i++) {
    if (depth[i] >= K) continue;
    for (let s = 0; s < f.numSurfaces; s++) {
      if (s === surface[i]) continue;
      const [nx, ny, nz, d] = f.plane.subarray(4 * s, 4 * s + 4);
      const h = nx * image[3 * i] + ny * image[3 * i + 1] + nz * image[3 * i + 2] - d;
      if (h <= 1e-9) continue;
      surface.push(s);
      parent.push(i);
      depth.push(depth[i] + 1);
      image.push(image[3 * i] - 2 * h * nx, image[3 * i + 1] - 2 * h * ny, image[3 * i + 2] - 2 * h * nz);
    }
  }
  return { count: surface.length, surface: Int32Array.from(surface), parent: Int32Array.from(parent), depth: Int32Array.from(depth), image: Float64Array.from(image) };
}

test('completeness: the shoot-and-bounce candidates find what the exhaustive image method finds (order 2)', () => {
  const key = (p: PropagationPath) => `${p.kinds.join('')}:${p.ids.join(',')}`;
  let found = 0, total = 0;
  for (const site of scenario.sites.filter((_, i) => i % 3 === 0)) {
    const pos: Vec3 = [site.x, site.y, site.z];
    const sbr = precomputeSite(fs, scene, pos, { maxReflectionOrder: 2, diffraction: false });
    const all: SitePrecomputed = { site: pos, tree: exhaustiveTree(fs, pos, 2), edges: null };
    for (const r of streetPoints(20)) {
      const got = new Set(findPaths(fs, sbr, r).map(key));
      const want = findPaths(fs, all, r).map(key);
      total += want.length;
      found += want.filter((k) => got.has(k)).length;
      for (const k of got) assert.ok(want.includes(k), `${k} is not an exhaustive-image-method path`);
    }
  }
  assert.ok(total > 100);
  assert.ok(found / total >= 0.99, `found ${found} of ${total}`);
});

test('reciprocity: swapping site and UE gives the same paths reversed and the same loss', () => {
  const field = makeFieldContext(scene, scenario.raytrace.carrierFreqHz, 'vertical', false);
  const link = { txPowerDbm: 0, cutoffDb: 160, aoaResolutionDeg: 20, coherent: false };
  const sig = (p: PropagationPath, reverse: boolean) => {
    const k = p.kinds.map((x, i) => `${x}${p.ids[i]}`);
    return (reverse ? k.reverse() : k).join('-') || 'LOS';
  };
  let compared = 0;
  const kinds = new Set<string>();
  // Pairs along the same street, on opposite sides of the centre line: walls, ground and corners on both ends.
  const pairs = scenario.map.streets.slice(0, 6).map((st): [Vec3, Vec3] => {
    const a = st.centerline[0], b = st.centerline[st.centerline.length - 1];
    const [ux, uy] = unit([b[0] - a[0], b[1] - a[1], 0]);
    const at = (f: number, side: number, z: number): Vec3 => [a[0] + f * (b[0] - a[0]) - side * uy, a[1] + f * (b[1] - a[1]) + side * ux, z];
    return [at(0.2, 2.5, 4), at(0.45, -3, 1.5)];
  });
  for (const [A, B] of pairs) {
    const ab = findPaths(fs, precomputeSite(fs, scene, A, SETTINGS), B);
    const ba = findPaths(fs, precomputeSite(fs, scene, B, SETTINGS), A);
    assert.deepEqual(ab.map((p) => sig(p, false)).sort(), ba.map((p) => sig(p, true)).sort());
    for (const p of ab) kinds.add(p.kinds.join('') || 'LOS');
    if (ab.length === 0) continue;
    const lab = evaluateLink(field, () => 1, 0, ab, link).pathLossDb;
    const lba = evaluateLink(field, () => 1, 0, ba, link).pathLossDb;
    assert.ok(Math.abs(lab - lba) < 1e-6, `${lab} vs ${lba}`);
    compared++;
  }
  assert.ok(compared >= 3);
  assert.ok(kinds.has('R') && kinds.has('RR') && kinds.has('D'), [...kinds].join(' '));
});
