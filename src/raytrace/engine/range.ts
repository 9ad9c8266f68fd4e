import type { PropagationPath } from '../../radio/path.ts';
import type { ImageTree } from './candidates.ts';
import type { FlatScene } from './flat-scene.ts';

// `raytrace.max_range_m`, a hard radius: no path longer than R (its unfolded length, site to UE) is traced. The
// rule itself is applied where lengths are known (tracer.ts drops longer paths, illumination.ts tiles lit from
// farther than R, diffuse.ts contributions whose unfolded length passes R). Every segment of a path is at least
// the straight distance between its ends, so any path through a point X is at least |S - X| long (S the site)
// and at least |S - X| + |X - U| through X toward the UE U. Hence the culling below, which only skips what the
// rule drops anyway: a site keeps only the surfaces, edges and tiles within R of it, a link with |S - U| > R
// traces nothing, and a receiver skips the surfaces farther than R from it. test/raytrace-range.test.ts traces
// with and without the culling, bit for bit.

/**
 * Plan distance from (x, y) to surface s: a lower bound on the distance from any point above it. 0 for the ground.
 * (The wall case is map/geometry.ts's distanceToSegment written out on the flat arrays: called per surface per
 * receiver, its point tuples cost ~9 % of a culled trace, measured.)
 */
export function surfaceReach(fs: FlatScene, s: number, x: number, y: number): number {
  const k = fs.surfaceWall[s];
  if (k >= 0) {
    const ax = fs.wallSeg[4 * k], ay = fs.wallSeg[4 * k + 1], dx = fs.wallSeg[4 * k + 2] - ax, dy = fs.wallSeg[4 * k + 3] - ay;
    const l2 = dx * dx + dy * dy;
    const t = l2 > 0 ? Math.min(1, Math.max(0, ((x - ax) * dx + (y - ay) * dy) / l2)) : 0;
    return Math.hypot(x - ax - t * dx, y - ay - t * dy);
  }
  const b = fs.surfaceBuilding[s];
  if (b < 0) return 0;
  const B = fs.buildingBox;
  return Math.hypot(Math.max(0, B[4 * b] - x, x - B[4 * b + 2]), Math.max(0, B[4 * b + 1] - y, y - B[4 * b + 3]));
}

/** Distance from point (x, y, z) to the segment from a along unit direction u over length l. */
export function segmentReach(a: Float64Array, u: Float64Array, l: number, i: number, x: number, y: number, z: number): number {
  const vx = x - a[3 * i], vy = y - a[3 * i + 1], vz = z - a[3 * i + 2];
  const t = Math.min(l, Math.max(0, vx * u[3 * i] + vy * u[3 * i + 1] + vz * u[3 * i + 2]));
  return Math.hypot(vx - t * u[3 * i], vy - t * u[3 * i + 1], vz - t * u[3 * i + 2]);
}

/** The unfolded length of a path: the sum of its segments. */
export function pathLength(p: PropagationPath): number {
  let l = 0;
  for (let i = 1; i < p.vertices.length; i++) {
    const a = p.vertices[i - 1], b = p.vertices[i];
    l += Math.hypot(b[0] - a[0], b[1] - a[1], b[2] - a[2]);
  }
  return l;
}

/**
 * The image tree without the nodes whose surface lies farther than `reach` from the site, nor their descendants
 * (a path through a node meets its surface, and its ancestors' before it); node order is kept.
 */
export function pruneTree(fs: FlatScene, tree: ImageTree, reach: number): ImageTree {
  if (!(reach < Infinity)) return tree;
  const sx = tree.image[0], sy = tree.image[1];
  const id = new Int32Array(tree.count).fill(-1);
  const keep: number[] = [0];
  id[0] = 0;
  for (let n = 1; n < tree.count; n++) {
    const p = id[tree.parent[n]];
    if (p < 0 || surfaceReach(fs, tree.surface[n], sx, sy) > reach) continue;
    id[n] = keep.length;
    keep.push(n);
  }
  const count = keep.length;
  const out: ImageTree = { count, surface: new Int32Array(count), parent: new Int32Array(count), depth: new Int32Array(count), image: new Float64Array(3 * count) };
  keep.forEach((n, i) => {
    out.surface[i] = tree.surface[n];
    out.parent[i] = n === 0 ? -1 : id[tree.parent[n]];
    out.depth[i] = tree.depth[n];
    out.image.set(tree.image.subarray(3 * n, 3 * n + 3), 3 * i);
  });
  return out;
}
