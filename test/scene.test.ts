import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { DoubleSide, Ray, Vector3 } from 'three';
import { loadScenario } from '../src/scenario/load.ts';
import { buildScene } from '../src/scene/build.ts';
import { sceneToGlb } from '../src/scene/export-gltf.ts';
import { buildMitsubaScene, writeMitsubaScene } from '../src/scene/export-mitsuba.ts';
import { summarizeScene } from '../src/scene/summary.ts';
import type { Scene, Vec3 } from '../src/scene/types.ts';
import { ROOT } from './fixtures/bad-inputs.ts';

// The extruded scene: surfaces, triangle -> surface ids after the BVH build, edges, summary and exports.

const smoke = loadScenario(path.join(ROOT, 'scenarios/smoke.yaml'));
const scene = buildScene(smoke.map);
const lblock = loadScenario(path.join(ROOT, 'test/fixtures/l-block.yaml'));
const lscene = buildScene(lblock.map);

const dot = (a: Vec3, b: Vec3) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const sameDir = (a: Vec3, b: Vec3) => Math.abs(dot(a, b) - 1) < 1e-12;

/** Surface id of the first triangle a ray hits, the hit point, or null. */
function cast(s: Scene, origin: Vec3, dir: Vec3): { surface: number; point: Vec3 } | null {
  const hit = s.bvh.raycastFirst(new Ray(new Vector3(...origin), new Vector3(...dir).normalize()), DoubleSide);
  return hit ? { surface: s.triangleSurface[hit.faceIndex!], point: [hit.point.x, hit.point.y, hit.point.z] } : null;
}

test('Madrid scene: 1 ground + 15 roofs + 60 walls, 152 triangles, 120 right-angled edges', () => {
  const kinds = { ground: 0, wall: 0, roof: 0 };
  for (const s of scene.surfaces) kinds[s.kind]++;
  assert.deepEqual(kinds, { ground: 1, wall: 60, roof: 15 });
  assert.equal(scene.triangleSurface.length, 2 + 15 * (4 * 2 + 2));
  assert.equal(scene.edges.length, 15 * (4 + 4), '4 roof edges + 4 convex corners per block');
  for (const e of scene.edges) {
    assert.equal(e.n, 1.5);
    const [n0, n1] = e.normals;
    assert.ok(Math.abs(dot(n0, n1)) < 1e-12, 'faces of a block edge are perpendicular');
    for (const [f, n] of [[e.faces[0], n0], [e.faces[1], n1]] as const) {
      const s = scene.surfaces[f];
      assert.deepEqual(s.normal, n);
      for (const p of [e.a, e.b]) assert.ok(Math.abs(dot([p[0] - s.vertices[0][0], p[1] - s.vertices[0][1], p[2] - s.vertices[0][2]], s.normal)) < 1e-9, 'edge lies on both faces');
    }
  }
});

test('raycasts at known walls, roofs and the ground report the right surface after the BVH build', () => {
  // [origin, direction, kind, building id, outward normal, hit coordinate along the ray axis]
  const cases: [Vec3, Vec3, string, number | null, Vec3, number][] = [
    [[138, 200, 10], [-1, 0, 0], 'wall', 3, [1, 0, 0], 129], // east facade of building 3 (x 9-129)
    [[138, 200, 10], [1, 0, 0], 'wall', 6, [-1, 0, 0], 147], // west facade of building 6
    [[200, 138, 5], [0, 1, 0], 'wall', 6, [0, -1, 0], 147], // south facade of building 6
    [[200, 276, 5], [0, -1, 0], 'wall', 6, [0, 1, 0], 267], // north facade of building 6, from the street by the plaza
    [[382.5, 200, 5], [-1, 0, 0], 'wall', 14, [1, 0, 0], 378], // east facade of building 14 from the right-most street
    [[69, 69, 100], [0, 0, -1], 'roof', 4, [0, 0, 1], 45.5],
    [[312, 345, 100], [0, 0, -1], 'roof', 9, [0, 0, 1], 45.5],
    [[200, 345, 100], [0, 0, -1], 'ground', null, [0, 0, 1], 0], // the plaza is open ground
    [[282, 500, 100], [0, 0, -1], 'ground', null, [0, 0, 1], 0], // the avenue
  ];
  for (const [o, d, kind, building, normal, at] of cases) {
    const hit = cast(scene, o, d);
    assert.ok(hit, `ray from ${o}`);
    const s = scene.surfaces[hit.surface];
    assert.equal(s.kind, kind, `ray from ${o} dir ${d}`);
    assert.equal(s.buildingId, building, `ray from ${o} dir ${d}`);
    assert.ok(sameDir(s.normal, normal), `normal ${s.normal}`);
    const axis = d.findIndex((v) => v !== 0);
    assert.ok(Math.abs(hit.point[axis] - at) < 1e-4, `hit at ${hit.point}`);
  }
  // Every surface, hit from just outside its centroid, reports itself.
  for (const s of scene.surfaces) {
    const c = s.vertices.reduce<Vec3>((a, v) => [a[0] + v[0] / s.vertices.length, a[1] + v[1] / s.vertices.length, a[2] + v[2] / s.vertices.length], [0, 0, 0]);
    const hit = cast(scene, [c[0] + 0.5 * s.normal[0], c[1] + 0.5 * s.normal[1], c[2] + 0.5 * s.normal[2]], [-s.normal[0], -s.normal[1], -s.normal[2]]);
    assert.equal(hit?.surface, s.id, `surface ${s.id} (${s.kind} of building ${s.buildingId})`);
  }
});

test("every triangle's vertices lie on its surface's plane and inside its bounds", () => {
  for (const sc of [scene, lscene]) {
    const pos = sc.geometry.getAttribute('position');
    const index = sc.geometry.getIndex()!.array;
    const seen = new Set<number>();
    for (let t = 0; t < sc.triangleSurface.length; t++) {
      const s = sc.surfaces[sc.triangleSurface[t]];
      seen.add(s.id);
      const lo = [0, 1, 2].map((k) => Math.min(...s.vertices.map((v) => v[k])));
      const hi = [0, 1, 2].map((k) => Math.max(...s.vertices.map((v) => v[k])));
      for (let k = 0; k < 3; k++) {
        const i = index[3 * t + k];
        const p: Vec3 = [pos.getX(i), pos.getY(i), pos.getZ(i)];
        const v0 = s.vertices[0];
        assert.ok(Math.abs(dot([p[0] - v0[0], p[1] - v0[1], p[2] - v0[2]], s.normal)) < 1e-4, `triangle ${t} off the plane of surface ${s.id}`);
        for (let a = 0; a < 3; a++) assert.ok(p[a] >= lo[a] - 1e-4 && p[a] <= hi[a] + 1e-4);
      }
    }
    assert.equal(seen.size, sc.surfaces.length, 'every surface has triangles');
  }
});

test('concave L-shaped building: reflex corner gets no vertical edge, roof triangulated exactly', () => {
  const kinds = { ground: 0, wall: 0, roof: 0 };
  for (const s of lscene.surfaces) kinds[s.kind]++;
  assert.deepEqual(kinds, { ground: 1, wall: 6 + 4, roof: 2 });
  assert.equal(lscene.triangleSurface.length, 2 + (6 * 2 + 4) + (4 * 2 + 2));
  const vertical = lscene.edges.filter((e) => e.a[2] === 0 && e.b[2] > 0);
  assert.equal(vertical.length, 5 + 4, 'the L has 5 convex corners, the box 4');
  assert.ok(!vertical.some((e) => e.a[0] === 30 && e.a[1] === 30), 'no diffracting edge at the reflex corner (30, 30)');
  assert.equal(lscene.edges.length - vertical.length, 6 + 4, 'one roof edge per wall');
  // The roof's triangles cover exactly the L's area (ear clipping kept the notch open): every triangle
  // counter-clockwise, so overlapping triangles of opposite orientation cannot cancel out.
  const pos = lscene.geometry.getAttribute('position');
  const index = lscene.geometry.getIndex()!.array;
  let roofArea = 0;
  for (let t = 0; t < lscene.triangleSurface.length; t++) {
    const s = lscene.surfaces[lscene.triangleSurface[t]];
    if (s.kind !== 'roof' || s.buildingId !== 1) continue;
    const [a, b, c] = [0, 1, 2].map((k) => index[3 * t + k]);
    const area = ((pos.getX(b) - pos.getX(a)) * (pos.getY(c) - pos.getY(a)) - (pos.getX(c) - pos.getX(a)) * (pos.getY(b) - pos.getY(a))) / 2;
    assert.ok(area > 0, 'counter-clockwise roof triangle');
    roofArea += area;
  }
  assert.equal(roofArea, 1200);
  for (const p of [[40, 40], [32, 32], [45, 32], [32, 45]]) assert.equal(cast(lscene, [p[0], p[1], 50], [0, 0, -1])?.surface, 0, `the notch at (${p}) is ground`);
});

test('summary numbers match closed forms', () => {
  const m = summarizeScene(scene, smoke.sites, smoke.raytrace.carrierFreqHz);
  assert.equal(m.openArea, 387 * 552 - 7 * 120 * 120 - 8 * 30 * 120);
  assert.equal(m.streetLength, 5 * (547.5 - 4.5) + 5 * (382.5 - 4.5));
  assert.equal(m.pedestrianArea, 120 * 120);
  assert.deepEqual([m.buildings, m.triangles, m.edges, m.sites, m.sitesInsideBuildings], [15, 152, 120, 18, 0]);
  assert.deepEqual(m.materials, { brick: 32, concrete: 88, glass: 32 });
  assert.equal(m.minSiteFacadeDistance, 0.5);
  const l = summarizeScene(lscene, lblock.sites, 28e9);
  assert.deepEqual([l.openArea, l.streetLength, l.pedestrianArea, l.triangles, l.edges], [8000 - 1200 - 900, 90 + 55, 240, 28, 19]);
});

/** Parses a .glb: 12-byte header, JSON chunk, BIN chunk (glTF 2.0 spec, "GLB File Format"). */
function parseGlb(glb: Uint8Array): { json: any; bin: Uint8Array } {
  const view = new DataView(glb.buffer, glb.byteOffset, glb.byteLength);
  assert.equal(view.getUint32(0, true), 0x46546c67, 'magic "glTF"');
  assert.equal(view.getUint32(4, true), 2, 'version 2');
  assert.equal(view.getUint32(8, true), glb.byteLength, 'length field = file size');
  const jsonLen = view.getUint32(12, true);
  assert.equal(view.getUint32(16, true), 0x4e4f534a, 'first chunk is JSON');
  const json = JSON.parse(new TextDecoder().decode(glb.subarray(20, 20 + jsonLen)));
  const binAt = 20 + jsonLen;
  assert.equal(view.getUint32(binAt + 4, true), 0x004e4942, 'second chunk is BIN');
  const bin = glb.subarray(binAt + 8, binAt + 8 + view.getUint32(binAt, true));
  assert.equal(binAt + 8 + bin.length, glb.byteLength);
  return { json, bin };
}

test('.glb export: valid GLB, one mesh per material, triangles and positions of the scene, byte-identical reruns', async () => {
  const glb = await sceneToGlb(scene);
  const { json, bin } = parseGlb(glb);
  assert.equal(json.asset.version, '2.0');
  assert.ok(bin.length >= json.buffers[0].byteLength);
  const nodes = json.nodes.filter((n: any) => n.mesh !== undefined);
  assert.deepEqual(nodes.map((n: any) => n.name), ['brick', 'concrete', 'glass']);
  assert.deepEqual(json.nodes[0].children, [1, 2, 3]);
  assert.deepEqual(json.nodes[0].matrix, [1, 0, 0, 0, 0, 0, -1, 0, 0, 1, 0, 0, 0, 0, 0, 1], 'root turns z-up into y-up');
  let triangles = 0;
  let zMax = 0;
  assert.equal(json.meshes.length, 3);
  for (const node of nodes) {
    const mesh = json.meshes[node.mesh];
    assert.equal(mesh.primitives.length, 1);
    const p = mesh.primitives[0];
    assert.equal(p.mode ?? 4, 4, 'TRIANGLES');
    assert.equal(json.materials[p.material].name, node.name);
    const idx = json.accessors[p.indices];
    const bv = json.bufferViews[idx.bufferView];
    assert.ok(bv.byteOffset + bv.byteLength <= bin.length);
    triangles += idx.count / 3;
    const posAcc = json.accessors[p.attributes.POSITION];
    assert.ok(posAcc.min[0] >= 0 && posAcc.max[0] <= 387 && posAcc.min[1] >= 0 && posAcc.max[1] <= 552 && posAcc.min[2] >= 0);
    zMax = Math.max(zMax, posAcc.max[2]);
  }
  assert.equal(triangles, scene.triangleSurface.length);
  assert.equal(zMax, 52.5, 'tallest roof');
  assert.deepEqual(await sceneToGlb(buildScene(smoke.map)), glb, 'same scene -> same bytes');
});

test('Mitsuba export: Sionna RT bsdfs, one PLY per material whose triangles sum to the scene', () => {
  const ms = buildMitsubaScene(scene);
  assert.deepEqual(ms.meshes.map((m) => m.file), ['meshes/brick.ply', 'meshes/concrete.ply', 'meshes/glass.ply']);
  assert.equal(ms.meshes.reduce((a, m) => a + m.triangles, 0), scene.triangleSurface.length);
  for (const m of ms.meshes) {
    assert.match(ms.xml, new RegExp(`<bsdf type="itu-radio-material" id="mat-itu_${m.material}">\\s*<string name="type" value="${m.material}"/>`));
    assert.match(ms.xml, new RegExp(`<string name="filename" value="${m.file}"/>\\s*<boolean name="face_normals" value="true"/>\\s*<ref id="mat-itu_${m.material}" name="bsdf"/>`));
    const text = Buffer.from(m.ply).toString('latin1');
    const headerEnd = text.indexOf('end_header\n') + 'end_header\n'.length;
    const nv = Number(/element vertex (\d+)/.exec(text)![1]);
    const nf = Number(/element face (\d+)/.exec(text)![1]);
    assert.equal(nf, m.triangles);
    assert.equal(m.ply.length, headerEnd + nv * 12 + nf * 13, 'binary body size');
    const view = new DataView(m.ply.buffer, m.ply.byteOffset + headerEnd);
    for (let f = 0; f < nf; f++) {
      assert.equal(view.getUint8(nv * 12 + 13 * f), 3);
      for (let k = 0; k < 3; k++) {
        const i = view.getInt32(nv * 12 + 13 * f + 1 + 4 * k, true);
        assert.ok(i >= 0 && i < nv);
      }
    }
  }
  assert.deepEqual(buildMitsubaScene(buildScene(smoke.map)), ms, 'same scene -> same bytes');
});

test('writeMitsubaScene replaces a previous export whole: no stale meshes, no temporary directories', () => {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'simgen-mitsuba-'));
  const dir = path.join(parent, 'mitsuba');
  writeMitsubaScene(lscene, dir);
  assert.deepEqual(fs.readdirSync(path.join(dir, 'meshes')).sort(), ['concrete.ply', 'glass.ply']);
  fs.writeFileSync(path.join(dir, 'meshes', 'stale.ply'), 'x');
  writeMitsubaScene(scene, dir);
  assert.deepEqual(fs.readdirSync(path.join(dir, 'meshes')).sort(), ['brick.ply', 'concrete.ply', 'glass.ply']);
  assert.deepEqual(fs.readdirSync(parent), ['mitsuba']);
  assert.equal(fs.readFileSync(path.join(dir, 'scene.xml'), 'utf8'), buildMitsubaScene(scene).xml);
});
