import type { FlatScene } from './flat-scene.ts';
import { closestHit, hit } from './occlusion.ts';
import { DEFAULT_CANDIDATE_RAYS } from './settings.ts';

// Step 1 of the path search (Sionna RT's "candidate generation"): shoot-and-bounce rays from the site on
// a Fibonacci sphere and keep every distinct sequence of reflecting surfaces a ray follows, with the
// site's image behind each of them. Those sequences, a trie of image nodes, are the only reflection
// candidates the image method (image-method.ts) then tries for each receiver: a sequence no ray from the
// site can follow is occluded for every receiver. A beam narrower than the ray spacing (about
// sqrt(4 pi / N) rad) can be missed; with the default N that is ~0.2 deg.

/** The image trie of one site: node 0 is the site itself; node i > 0 reflects its parent's image on surface[i]. */
export interface ImageTree {
  count: number;
  surface: Int32Array;
  parent: Int32Array;
  depth: Int32Array;
  /** Image of the site after the reflections of the node's sequence (3 per node). */
  image: Float64Array;
}

/** Fibonacci-sphere unit direction i of n, written to out[0..2]. */
export function fibonacciDirection(i: number, n: number, out: Float64Array): void {
  const z = 1 - (2 * (i + 0.5)) / n;
  const r = Math.sqrt(Math.max(0, 1 - z * z));
  const phi = i * Math.PI * (3 - Math.sqrt(5));
  out[0] = r * Math.cos(phi);
  out[1] = r * Math.sin(phi);
  out[2] = z;
}

export function buildImageTree(fs: FlatScene, site: readonly [number, number, number], maxOrder: number, rays = DEFAULT_CANDIDATE_RAYS): ImageTree {
  let cap = 1024;
  let surface = new Int32Array(cap);
  let parent = new Int32Array(cap);
  let depth = new Int32Array(cap);
  let image = new Float64Array(3 * cap);
  surface[0] = -1;
  parent[0] = -1;
  image.set(site, 0);
  let count = 1;
  const child = new Map<number, number>(); // parent * numSurfaces + surface -> node
  const ns = fs.numSurfaces;
  const pl = fs.plane;
  const dir = new Float64Array(3);

  const addChild = (p: number, s: number): number => {
    const key = p * ns + s;
    const known = child.get(key);
    if (known !== undefined) return known;
    if (count === cap) {
      cap *= 2;
      const grow = <T extends Int32Array | Float64Array>(a: T, n: number): T => {
        const b = new (a.constructor as new (n: number) => T)(n);
        b.set(a);
        return b;
      };
      surface = grow(surface, cap);
      parent = grow(parent, cap);
      depth = grow(depth, cap);
      image = grow(image, 3 * cap);
    }
    const i = count++;
    surface[i] = s;
    parent[i] = p;
    depth[i] = depth[p] + 1;
    const nx = pl[4 * s], ny = pl[4 * s + 1], nz = pl[4 * s + 2], d = pl[4 * s + 3];
    const px = image[3 * p], py = image[3 * p + 1], pz = image[3 * p + 2];
    const h = 2 * (nx * px + ny * py + nz * pz - d);
    image[3 * i] = px - h * nx;
    image[3 * i + 1] = py - h * ny;
    image[3 * i + 2] = pz - h * nz;
    child.set(key, i);
    return i;
  };

  if (maxOrder > 0) {
    for (let r = 0; r < rays; r++) {
      fibonacciDirection(r, rays, dir);
      let ox = site[0], oy = site[1], oz = site[2];
      let dx = dir[0], dy = dir[1], dz = dir[2];
      let node = 0;
      let from = -1;
      for (let k = 0; k < maxOrder; k++) {
        if (!closestHit(fs, ox, oy, oz, dx, dy, dz, 1e-9, 1e5, from)) break;
        const s = hit.surface;
        const nx = pl[4 * s], ny = pl[4 * s + 1], nz = pl[4 * s + 2];
        const cos = dx * nx + dy * ny + dz * nz;
        if (cos >= 0) break; // hit from behind: cannot happen outside buildings, guard anyway
        node = addChild(node, s);
        ox += hit.t * dx;
        oy += hit.t * dy;
        oz += hit.t * dz;
        dx -= 2 * cos * nx;
        dy -= 2 * cos * ny;
        dz -= 2 * cos * nz;
        from = s;
      }
    }
  }
  return { count, surface: surface.slice(0, count), parent: parent.slice(0, count), depth: depth.slice(0, count), image: image.slice(0, 3 * count) };
}
