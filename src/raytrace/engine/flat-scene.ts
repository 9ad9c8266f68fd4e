import type { Scene } from '../../scene/types.ts';
import { type BuildingGrid, buildBuildingGrid } from './building-grid.ts';

// The scene as flat typed arrays for the hot loops: the BVH node buffer of three-mesh-bvh, the triangles
// in BVH order with their surface ids, each surface's plane and polygon (projected to 2D on the two axes its
// normal is least aligned with), and the walls as 2D segments grouped by building (the scene is extruded
// footprints on flat ground, so a segment is blocked exactly when it crosses a wall below the roof: see
// occlusion.ts). Nothing here allocates per query.

export interface FlatScene {
  /** three-mesh-bvh root node buffer, viewed three ways (32 bytes a node). */
  nodesF32: Float32Array;
  nodesU32: Uint32Array;
  nodesU16: Uint16Array;
  /** Triangle t (BVH order): 9 coordinates a, b, c. */
  tri: Float64Array;
  triSurface: Int32Array;
  /** Surface s plane: n (3) and offset d with n . x = d. */
  plane: Float64Array;
  /** Surface s polygon in 2D: coordinates polyXY[polyStart[s] .. polyStart[s+1]) as x,y pairs; axes polyAxes[2s], [2s+1]. */
  polyStart: Int32Array;
  polyXY: Float64Array;
  polyAxes: Int32Array;
  numSurfaces: number;
  /** Walls of building b: [buildingWalls[b], buildingWalls[b + 1]); wall k: 2D segment ax, ay, bx, by at 4k, its surface id and building. */
  buildingWalls: Int32Array;
  wallSeg: Float64Array;
  wallSurface: Int32Array;
  wallBuilding: Int32Array;
  /** Per building (index in map.buildings): height and 2D bounding box (min x, min y, max x, max y). */
  buildingHeight: Float64Array;
  buildingBox: Float64Array;
  /** The buildings' boxes on a grid, for the tests along a segment on a large map (null on a small one). */
  grid: BuildingGrid | null;
  /** Per surface: its wall index (-1 for roofs and the ground) and its building index (-1 for the ground). */
  surfaceWall: Int32Array;
  surfaceBuilding: Int32Array;
  /** The map's extent: [0, mapWidth] x [0, mapDepth]. */
  mapWidth: number;
  mapDepth: number;
}

export function flattenScene(scene: Scene): FlatScene {
  const roots = (scene.bvh as unknown as { _roots: ArrayBuffer[] })._roots;
  if (roots.length !== 1) throw new Error(`flattenScene: expected one BVH root, got ${roots.length} (geometry groups?)`);
  const buf = roots[0];
  const pos = scene.geometry.getAttribute('position').array;
  const index = scene.geometry.getIndex()!.array;
  const nTri = index.length / 3;
  const tri = new Float64Array(nTri * 9);
  for (let t = 0; t < nTri; t++)
    for (let v = 0; v < 3; v++) for (let k = 0; k < 3; k++) tri[9 * t + 3 * v + k] = pos[3 * index[3 * t + v] + k];

  const n = scene.surfaces.length;
  const plane = new Float64Array(4 * n);
  const polyStart = new Int32Array(n + 1);
  const polyAxes = new Int32Array(2 * n);
  const xy: number[] = [];
  for (const s of scene.surfaces) {
    const [nx, ny, nz] = s.normal;
    const v0 = s.vertices[0];
    plane.set([nx, ny, nz, nx * v0[0] + ny * v0[1] + nz * v0[2]], 4 * s.id);
    // Drop the axis the normal is most aligned with.
    const drop = Math.abs(nx) >= Math.abs(ny) && Math.abs(nx) >= Math.abs(nz) ? 0 : Math.abs(ny) >= Math.abs(nz) ? 1 : 2;
    const a = drop === 0 ? 1 : 0;
    const b = drop === 2 ? 1 : 2;
    polyAxes[2 * s.id] = a;
    polyAxes[2 * s.id + 1] = b;
    polyStart[s.id] = xy.length / 2;
    for (const v of s.vertices) xy.push(v[a], v[b]);
    polyStart[s.id + 1] = xy.length / 2;
  }
  const buildings = scene.map.buildings;
  const buildingWalls = new Int32Array(buildings.length + 1);
  const wallSeg: number[] = [], wallSurface: number[] = [], wallBuilding: number[] = [];
  const buildingBox = new Float64Array(4 * buildings.length);
  const surfaceWall = new Int32Array(n).fill(-1);
  const surfaceBuilding = new Int32Array(n).fill(-1);
  buildings.forEach((b, i) => {
    for (const w of scene.surfaces) {
      if (w.buildingId !== b.id) continue;
      surfaceBuilding[w.id] = i;
      if (w.kind !== 'wall') continue;
      surfaceWall[w.id] = wallSurface.length;
      wallSeg.push(w.vertices[0][0], w.vertices[0][1], w.vertices[1][0], w.vertices[1][1]);
      wallSurface.push(w.id);
      wallBuilding.push(i);
    }
    buildingWalls[i + 1] = wallSurface.length;
    const xs = b.footprint.map((q) => q[0]), ys = b.footprint.map((q) => q[1]);
    buildingBox.set([Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)], 4 * i);
  });
  return {
    buildingWalls,
    wallSeg: Float64Array.from(wallSeg),
    wallSurface: Int32Array.from(wallSurface),
    wallBuilding: Int32Array.from(wallBuilding),
    surfaceWall,
    surfaceBuilding,
    mapWidth: scene.map.width,
    mapDepth: scene.map.height,
    buildingHeight: Float64Array.from(buildings, (b) => b.height),
    buildingBox,
    grid: buildBuildingGrid(buildingBox, buildings.length),
    nodesF32: new Float32Array(buf),
    nodesU32: new Uint32Array(buf),
    nodesU16: new Uint16Array(buf),
    tri,
    triSurface: scene.triangleSurface,
    plane,
    polyStart,
    polyXY: new Float64Array(xy),
    polyAxes,
    numSurfaces: n,
  };
}

/** Is the point (on surface s's plane) inside s's polygon? Crossing-number test in the projected 2D frame. */
export function insideSurface(fs: FlatScene, s: number, x: number, y: number, z: number): boolean {
  const ax = fs.polyAxes[2 * s];
  const bx = fs.polyAxes[2 * s + 1];
  const u = ax === 0 ? x : ax === 1 ? y : z;
  const v = bx === 0 ? x : bx === 1 ? y : z;
  const p = fs.polyXY;
  const start = fs.polyStart[s];
  const end = fs.polyStart[s + 1];
  let inside = false;
  for (let i = start, j = end - 1; i < end; j = i++) {
    const ui = p[2 * i];
    const vi = p[2 * i + 1];
    const uj = p[2 * j];
    const vj = p[2 * j + 1];
    if (vi > v !== vj > v && u < ((uj - ui) * (v - vi)) / (vj - vi) + ui) inside = !inside;
  }
  return inside;
}
