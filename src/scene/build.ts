import { BufferAttribute, BufferGeometry } from 'three';
import { MeshBVH } from 'three-mesh-bvh';
import type { CityMap } from '../map/types.ts';
import type { Edge, Scene, Surface, Vec3 } from './types.ts';

// Extrudes a map into one BufferGeometry (ground, walls, roofs) and builds its BVH.
// Every surface has its own vertices carrying a `surfaceId` attribute, so the surface of a triangle
// survives the BVH build (which reorders the index buffer, not the vertices).

const cross = (a: Vec3, b: Vec3): Vec3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
const normalize = (a: Vec3): Vec3 => {
  const l = Math.hypot(a[0], a[1], a[2]);
  return [a[0] / l, a[1] / l, a[2] / l];
};

/** Ear-clipping triangulation of a simple counter-clockwise 2D polygon (footprints may be concave). */
export function triangulatePolygon(pts: [number, number][]): [number, number, number][] {
  const idx = pts.map((_, i) => i);
  const tris: [number, number, number][] = [];
  const cross2 = (o: number, a: number, b: number) =>
    (pts[a][0] - pts[o][0]) * (pts[b][1] - pts[o][1]) - (pts[a][1] - pts[o][1]) * (pts[b][0] - pts[o][0]);
  // A vertex inside the ear or on its boundary blocks it (a vertex on the diagonal a-c, as at the inner
  // corner of an L, would otherwise let the ear cover the notch). Vertices at a, b or c themselves do not.
  const same = (p: number, q: number) => pts[p][0] === pts[q][0] && pts[p][1] === pts[q][1];
  const inTri = (p: number, a: number, b: number, c: number) =>
    !same(p, a) && !same(p, b) && !same(p, c) && cross2(a, b, p) >= 0 && cross2(b, c, p) >= 0 && cross2(c, a, p) >= 0;
  let guard = 0;
  while (idx.length > 3 && guard++ < 10000) {
    for (let i = 0; i < idx.length; i++) {
      const a = idx[(i + idx.length - 1) % idx.length];
      const b = idx[i];
      const c = idx[(i + 1) % idx.length];
      if (cross2(a, b, c) <= 1e-12) continue; // reflex or degenerate
      if (idx.some((p) => p !== a && p !== b && p !== c && inTri(p, a, b, c))) continue;
      tris.push([a, b, c]);
      idx.splice(i, 1);
      break;
    }
  }
  if (idx.length === 3) tris.push([idx[0], idx[1], idx[2]]);
  return tris;
}

/** The planar surfaces and diffracting edges of the extruded map. */
export function extrudeMap(map: CityMap): { surfaces: Surface[]; edges: Edge[] } {
  const surfaces: Surface[] = [];
  const edges: Edge[] = [];
  surfaces.push({
    id: 0,
    kind: 'ground',
    material: map.groundMaterial,
    buildingId: null,
    normal: [0, 0, 1],
    vertices: [[0, 0, 0], [map.width, 0, 0], [map.width, map.height, 0], [0, map.height, 0]],
  });
  for (const b of map.buildings) {
    const fp = b.footprint;
    const h = b.height;
    const roofId = surfaces.length;
    surfaces.push({ id: roofId, kind: 'roof', material: b.roofMaterial, buildingId: b.id, normal: [0, 0, 1], vertices: fp.map(([x, y]) => [x, y, h] as Vec3) });
    const wallIds: number[] = [];
    for (let i = 0; i < fp.length; i++) {
      const [x0, y0] = fp[i];
      const [x1, y1] = fp[(i + 1) % fp.length];
      // Footprint is counter-clockwise, so the outward normal of edge (p0 -> p1) points right of it.
      const normal = normalize([y1 - y0, -(x1 - x0), 0]);
      wallIds.push(surfaces.length);
      surfaces.push({ id: surfaces.length, kind: 'wall', material: b.wallMaterial, buildingId: b.id, normal, vertices: [[x0, y0, 0], [x1, y1, 0], [x1, y1, h], [x0, y0, h]] });
    }
    for (let i = 0; i < fp.length; i++) {
      const wall = surfaces[wallIds[i]];
      // Roof edge along wall i: wedge between the roof and the wall (always 90 deg for vertical walls).
      edges.push({ id: edges.length, a: [fp[i][0], fp[i][1], h], b: [fp[(i + 1) % fp.length][0], fp[(i + 1) % fp.length][1], h], faces: [roofId, wall.id], normals: [[0, 0, 1], wall.normal], n: 1.5 });
      // Vertical edge at the corner between wall i-1 and wall i, only where the corner is convex.
      const prev = surfaces[wallIds[(i + fp.length - 1) % fp.length]];
      const turn = cross(prev.normal, wall.normal)[2];
      if (turn > 1e-9) {
        const interior = Math.PI - Math.acos(Math.max(-1, Math.min(1, prev.normal[0] * wall.normal[0] + prev.normal[1] * wall.normal[1])));
        edges.push({ id: edges.length, a: [fp[i][0], fp[i][1], 0], b: [fp[i][0], fp[i][1], h], faces: [prev.id, wall.id], normals: [prev.normal, wall.normal], n: (2 * Math.PI - interior) / Math.PI });
      }
    }
  }
  return { surfaces, edges };
}

/** Triangulated BufferGeometry with a per-vertex `surfaceId`. */
export function surfacesToGeometry(surfaces: Surface[]): BufferGeometry {
  const pos: number[] = [];
  const sid: number[] = [];
  const index: number[] = [];
  for (const s of surfaces) {
    const base = pos.length / 3;
    for (const v of s.vertices) {
      pos.push(v[0], v[1], v[2]);
      sid.push(s.id);
    }
    let tris: [number, number, number][];
    if (s.kind === 'wall' || s.kind === 'ground') tris = [[0, 1, 2], [0, 2, 3]];
    else tris = triangulatePolygon(s.vertices.map((v) => [v[0], v[1]]));
    for (const [a, b, c] of tris) index.push(base + a, base + b, base + c);
  }
  const g = new BufferGeometry();
  g.setAttribute('position', new BufferAttribute(new Float32Array(pos), 3));
  g.setAttribute('surfaceId', new BufferAttribute(new Int32Array(sid), 1));
  g.setIndex(index);
  g.clearGroups(); // groups would make one BVH root each (4x slower traversal)
  return g;
}

export function buildScene(map: CityMap): Scene {
  const { surfaces, edges } = extrudeMap(map);
  const geometry = surfacesToGeometry(surfaces);
  const bvh = new MeshBVH(geometry, { targetLeafSize: 4 });
  const index = geometry.getIndex()!.array;
  const sidAttr = geometry.getAttribute('surfaceId').array as Int32Array;
  const triangleSurface = new Int32Array(index.length / 3);
  for (let t = 0; t < triangleSurface.length; t++) triangleSurface[t] = sidAttr[index[3 * t]];
  return { map, surfaces, edges, geometry, bvh, triangleSurface };
}
