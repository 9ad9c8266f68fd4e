import type { BufferGeometry } from 'three';
import type { MeshBVH } from 'three-mesh-bvh';
import type { CityMap } from '../map/types.ts';

export type Vec3 = [number, number, number];

export type SurfaceKind = 'ground' | 'wall' | 'roof';

/** One planar face of the scene (a wall, a roof or the ground): the unit of reflection. */
export interface Surface {
  id: number;
  kind: SurfaceKind;
  material: string;
  /** Owning building id; null for the ground. */
  buildingId: number | null;
  /** Outward unit normal. */
  normal: Vec3;
  /** Polygon corners in order (counter-clockwise seen from outside). */
  vertices: Vec3[];
}

/** A convex building edge (vertical corner or roof edge): the unit of diffraction. */
export interface Edge {
  id: number;
  a: Vec3;
  b: Vec3;
  /** The two faces meeting at the edge (surface ids) and their outward normals. */
  faces: [number, number];
  normals: [Vec3, Vec3];
  /** Exterior wedge angle as a multiple of pi (UTD "n"): 1.5 for a right-angled corner. */
  n: number;
}

/** The one 3D scene every stage uses. */
export interface Scene {
  map: CityMap;
  surfaces: Surface[];
  edges: Edge[];
  /** Triangles of all surfaces, with a per-vertex `surfaceId` attribute; its index is BVH-ordered. */
  geometry: BufferGeometry;
  bvh: MeshBVH;
  /** Surface id of triangle t (t in BVH order, as raycast faceIndex reports it). */
  triangleSurface: Int32Array;
}
