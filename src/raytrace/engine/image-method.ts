import type { ImageTree } from './candidates.ts';
import { type FlatScene, insideSurface } from './flat-scene.ts';
import { type BlockerHint, segmentBlocked } from './occlusion.ts';

// Step 2 of the path search: the image method. For one candidate sequence (an image-tree node) and one
// receiver, walk back from the receiver toward the site's images: the reflection point on surface s_j is
// where the line from image I_j to the next point (the receiver, or the reflection point after it)
// crosses s_j's plane. The path exists when every such point lies inside its face polygon, every point
// before it is in front of the face (the law of reflection then holds by construction of the images),
// and no segment is blocked.

/** Relative margin that keeps a segment's own end points out of its occlusion test. */
const T_MARGIN = 1e-7;

/**
 * Exact reflection points of tree node `node` toward receiver (rx, ry, rz), written as x,y,z triples to
 * `pts` in path order (reflection 1 at index 0). False if the geometry fails (no occlusion test here).
 */
export function reflectionPoints(fs: FlatScene, tree: ImageTree, node: number, rx: number, ry: number, rz: number, pts: Float64Array): boolean {
  const pl = fs.plane;
  let tx = rx, ty = ry, tz = rz;
  for (let n = node; n > 0; n = tree.parent[n]) {
    const s = tree.surface[n];
    const nx = pl[4 * s], ny = pl[4 * s + 1], nz = pl[4 * s + 2], d = pl[4 * s + 3];
    const distT = nx * tx + ny * ty + nz * tz - d;
    if (distT <= 1e-9) return false; // the next point must be in front of the face
    const ix = tree.image[3 * n], iy = tree.image[3 * n + 1], iz = tree.image[3 * n + 2];
    const distI = nx * ix + ny * iy + nz * iz - d; // < 0: images lie behind their face
    const t = distI / (distI - distT);
    const px = ix + t * (tx - ix), py = iy + t * (ty - iy), pz = iz + t * (tz - iz);
    if (!insideSurface(fs, s, px, py, pz)) return false;
    const k = 3 * (tree.depth[n] - 1);
    pts[k] = px;
    pts[k + 1] = py;
    pts[k + 2] = pz;
    tx = px;
    ty = py;
    tz = pz;
  }
  // The site is in front of the first face by construction of the tree (a ray reached it from the front).
  return true;
}

/**
 * Is any segment of the reflected path site -> pts[0] -> ... -> receiver blocked? `endSurface`: the surface
 * the receiver point lies on (a scattering tile), excluded from the last segment's test. `hints`, one per segment
 * from the receiver's end: the buildings that blocked the caller's previous path there, tried first
 * (segmentBlocked's hint; the same answer).
 */
export function reflectedPathBlocked(fs: FlatScene, tree: ImageTree, node: number, rx: number, ry: number, rz: number, pts: Float64Array, endSurface = -1, hints: BlockerHint[] | null = null): boolean {
  // Walk from the receiver back to the site; the receiver-side segments are the likelier to be blocked.
  let bx = rx, by = ry, bz = rz;
  let bSurf = endSurface;
  for (let n = node, j = 0; n >= 0; n = tree.parent[n], j++) {
    let ax: number, ay: number, az: number;
    if (n > 0) {
      const k = 3 * (tree.depth[n] - 1);
      ax = pts[k];
      ay = pts[k + 1];
      az = pts[k + 2];
    } else {
      ax = tree.image[0];
      ay = tree.image[1];
      az = tree.image[2];
    }
    const aSurf = n > 0 ? tree.surface[n] : -1;
    if (segmentBlocked(fs, ax, ay, az, bx - ax, by - ay, bz - az, T_MARGIN, 1 - T_MARGIN, aSurf, bSurf, -1, hints?.[j])) return true;
    bx = ax;
    by = ay;
    bz = az;
    bSurf = aSurf;
  }
  return false;
}
