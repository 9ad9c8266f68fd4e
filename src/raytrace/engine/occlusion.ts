import { beginWalk, gather, walkSteps } from './building-grid.ts';
import type { FlatScene } from './flat-scene.ts';

// Ray queries against the scene, allocation-free: `segmentBlocked` is the any-hit test of a path segment
// (occlusion), on the walls in plan with a height check; `closestHit` the nearest hit of a ray (shooting and
// bouncing), an allocation-free traversal of three-mesh-bvh's serialised node buffer over the double-sided
// triangles (docs/raytrace.md "Algorithm").

const stack = new Int32Array(128);

/** Rays cast by this thread (segment tests and closest hits), for the throughput numbers. */
export const rayCounter = { rays: 0 };
const EPS_DET = 1e-12;

function boxHit(f: Float32Array, n: number, ox: number, oy: number, oz: number, ix: number, iy: number, iz: number, t0: number, t1: number): boolean {
  // Slab test with the inverse direction. A zero direction component gives +-Infinity (origin outside
  // the slab: empty interval) or NaN (origin exactly on the slab plane: kept, conservative).
  let lo = (f[n] - ox) * ix;
  let hi = (f[n + 3] - ox) * ix;
  if (lo > hi) { const s = lo; lo = hi; hi = s; }
  if (lo > t0) t0 = lo;
  if (hi < t1) t1 = hi;
  lo = (f[n + 1] - oy) * iy;
  hi = (f[n + 4] - oy) * iy;
  if (lo > hi) { const s = lo; lo = hi; hi = s; }
  if (lo > t0) t0 = lo;
  if (hi < t1) t1 = hi;
  lo = (f[n + 2] - oz) * iz;
  hi = (f[n + 5] - oz) * iz;
  if (lo > hi) { const s = lo; lo = hi; hi = s; }
  if (lo > t0) t0 = lo;
  if (hi < t1) t1 = hi;
  return t0 <= t1;
}

/** Möller-Trumbore; the ray parameter t of the hit with the triangle at tri[k .. k+8], or -1. */
function triHit(tri: Float64Array, k: number, ox: number, oy: number, oz: number, dx: number, dy: number, dz: number): number {
  const ax = tri[k], ay = tri[k + 1], az = tri[k + 2];
  const e1x = tri[k + 3] - ax, e1y = tri[k + 4] - ay, e1z = tri[k + 5] - az;
  const e2x = tri[k + 6] - ax, e2y = tri[k + 7] - ay, e2z = tri[k + 8] - az;
  const px = dy * e2z - dz * e2y, py = dz * e2x - dx * e2z, pz = dx * e2y - dy * e2x;
  const det = e1x * px + e1y * py + e1z * pz;
  if (det > -EPS_DET && det < EPS_DET) return -1;
  const inv = 1 / det;
  const sx = ox - ax, sy = oy - ay, sz = oz - az;
  const u = (sx * px + sy * py + sz * pz) * inv;
  if (u < 0 || u > 1) return -1;
  const qx = sy * e1z - sz * e1y, qy = sz * e1x - sx * e1z, qz = sx * e1y - sy * e1x;
  const v = (dx * qx + dy * qy + dz * qz) * inv;
  if (v < 0 || u + v > 1) return -1;
  return (e2x * qx + e2y * qy + e2z * qz) * inv;
}

/**
 * Does anything block the open segment o + t d, t in (t0, t1)? Walls of surfaces ex1, ex2 and ex3 (the
 * surfaces the segment starts or ends on; -1 for none) are ignored.
 * The scene is extruded footprints with flat roofs on flat ground, so a segment between two points outside
 * every building (at or above the ground) is blocked exactly when it crosses a wall at a height between the
 * ground and the roof: a segment that enters a building through its roof must leave it through a wall below
 * the roof, and ground and roofs never block otherwise. Each building's 2D box is tested first.
 * `hint`: a caller's guess at the blocking building, tried before the walk and replaced by the building found.
 * The site precomputation's segments come in runs of neighbours (a site's rays to the samples along an edge), mostly
 * blocked by one building near the site. The answer does not depend on it: a segment one building blocks is
 * blocked, and the walk meets every building whose wall the segment crosses (building-grid.ts).
 */
export function segmentBlocked(fs: FlatScene, ox: number, oy: number, oz: number, dx: number, dy: number, dz: number, t0: number, t1: number, ex1: number, ex2: number, ex3 = -1, hint?: BlockerHint): boolean {
  rayCounter.rays++;
  const g = fs.grid;
  // The 2D extent of the segment's part in (t0, t1).
  const xa = ox + t0 * dx, xb = ox + t1 * dx, ya = oy + t0 * dy, yb = oy + t1 * dy;
  const minX = Math.min(xa, xb), maxX = Math.max(xa, xb), minY = Math.min(ya, yb), maxY = Math.max(ya, yb);
  if (hint && hint.building >= 0 && buildingBlocks(fs, hint.building, minX, maxX, minY, maxY, ox, oy, oz, dx, dy, dz, t0, t1, ex1, ex2, ex3)) return true;
  if (!g) {
    for (let b = 0; b < fs.buildingHeight.length; b++) if (buildingBlocks(fs, b, minX, maxX, minY, maxY, ox, oy, oz, dx, dy, dz, t0, t1, ex1, ex2, ex3)) return blockedBy(hint, b);
    return false;
  }
  // Along the segment, the buildings of the cells it passes through (building-grid.ts).
  beginWalk(g);
  const steps = walkSteps(g, Math.hypot(xb - xa, yb - ya));
  let x0 = xa, y0 = ya;
  for (let k = 1; k <= steps; k++) {
    const t = t0 + ((t1 - t0) * k) / steps, x1 = ox + t * dx, y1 = oy + t * dy;
    const n = gather(g, x0, y0, x1, y1);
    for (let i = 0; i < n; i++) {
      const b = g.found[i];
      if (buildingBlocks(fs, b, minX, maxX, minY, maxY, ox, oy, oz, dx, dy, dz, t0, t1, ex1, ex2, ex3)) return blockedBy(hint, b);
    }
    x0 = x1;
    y0 = y1;
  }
  return false;
}

/** A caller's guess at the building that blocks its next segment (segmentBlocked); -1: none. */
export interface BlockerHint {
  building: number;
}

function blockedBy(hint: BlockerHint | undefined, b: number): true {
  if (hint) hint.building = b;
  return true;
}

/** segmentBlocked's test of building b: its 2D box against the segment's extent, then its walls. */
function buildingBlocks(fs: FlatScene, b: number, minX: number, maxX: number, minY: number, maxY: number, ox: number, oy: number, oz: number, dx: number, dy: number, dz: number, t0: number, t1: number, ex1: number, ex2: number, ex3: number): boolean {
  const box = fs.buildingBox;
  if (maxX < box[4 * b] || minX > box[4 * b + 2] || maxY < box[4 * b + 1] || minY > box[4 * b + 3]) return false;
  const seg = fs.wallSeg;
  const H = fs.buildingHeight[b];
  for (let k = fs.buildingWalls[b]; k < fs.buildingWalls[b + 1]; k++) {
    const s = fs.wallSurface[k];
    if (s === ex1 || s === ex2 || s === ex3) continue;
    const ax = seg[4 * k], ay = seg[4 * k + 1], ex = seg[4 * k + 2] - ax, ey = seg[4 * k + 3] - ay;
    const den = dx * ey - dy * ex;
    if (den === 0) continue; // parallel in plan: it does not cross the wall
    const wx = ax - ox, wy = ay - oy;
    const t = (wx * ey - wy * ex) / den;
    if (!(t > t0 && t < t1)) continue;
    const u = (wx * dy - wy * dx) / den;
    if (u < 0 || u > 1) continue;
    const z = oz + t * dz;
    if (z >= 0 && z <= H) return true;
  }
  return false;
}

/** Result of `closestHit`: ray parameter and surface id (surface -1: no hit). */
export const hit = { t: Infinity, surface: -1 };

/** Nearest hit of o + t d for t in (t0, t1), skipping surface `ex` (the one the ray leaves); fills `hit`. */
export function closestHit(fs: FlatScene, ox: number, oy: number, oz: number, dx: number, dy: number, dz: number, t0: number, t1: number, ex: number): boolean {
  const f = fs.nodesF32, u32 = fs.nodesU32, u16 = fs.nodesU16, tri = fs.tri, ts = fs.triSurface;
  const ix = 1 / dx, iy = 1 / dy, iz = 1 / dz;
  rayCounter.rays++;
  hit.t = Infinity;
  hit.surface = -1;
  let best = t1;
  let sp = 0;
  stack[sp++] = 0;
  while (sp > 0) {
    const n = stack[--sp];
    if (!boxHit(f, n, ox, oy, oz, ix, iy, iz, t0, best)) continue;
    if (u16[2 * n + 15] === 0xffff) {
      const off = u32[n + 6];
      const end = off + u16[2 * n + 14];
      for (let t = off; t < end; t++) {
        const s = ts[t];
        if (s === ex) continue;
        const h = triHit(tri, 9 * t, ox, oy, oz, dx, dy, dz);
        if (h > t0 && h < best) {
          best = h;
          hit.t = h;
          hit.surface = s;
        }
      }
    } else {
      stack[sp++] = n + 8;
      stack[sp++] = n + 8 * u32[n + 6];
    }
  }
  return hit.surface >= 0;
}
