import { type FieldContext, surfaceIncidence } from '../../radio/field.ts';
import type { InteractionKind } from '../../radio/path.ts';
import { patternNormalization, polarizationShare } from '../../radio/scattering.ts';
import type { Vec3 } from '../../scene/types.ts';
import type { ImageTree } from './candidates.ts';
import type { FlatScene } from './flat-scene.ts';
import { reflectedPathBlocked, reflectionPoints } from './image-method.ts';
import type { BlockerHint } from './occlusion.ts';
import { surfaceReach } from './range.ts';
import type { ArrayGainFn } from './link.ts';
import { SUB, type ScatterTiles } from './tiles.ts';

// Diffuse scattering, step 1 (once per site): which tiles the site lights, directly ("S") or after up to
// `maxBefore` specular reflections ("RS", "RRS"), and with what field. In the steps of the path search:
// candidates come from the site's shooting-and-bouncing image tree (a surface is tried after node n only if
// some candidate ray reflected along n's sequence hit it next) -> exact geometry by the image method toward
// each tile centre, every segment occlusion-tested -> the field at the tile (src/radio/field.ts), folded into
// the part of the tile formula that does not depend on the receiver:
//   g0 = |E_i|^2 S^2 Gamma^2 cos(theta_i) A share,  so that a receiver at r_s in direction k_s gets
//   g = g0 f_s(k_i, k_s) / r_s^2  (the tile formula of src/radio/scattering.ts, antennas excluded).
// A tile closer to its source than NEAR tile edges gets cos(theta_i) / r_i^2 averaged over 4 x 4 sub-points.
// max_range_m (range.ts): a tile lit from farther than `maxRange` (unfolded) is not lit; surfaces farther than `reach`
// from the site are not tried.

export const NEAR = 2;

export interface SiteIllumination {
  /** Groups: the tiles of one surface lit through one image-tree node (node 0: directly by the site). */
  groupNode: Int32Array;
  groupSurface: Int32Array;
  /** Entries, one per lit tile of a group, ordered by group then tile. */
  count: number;
  tile: Int32Array;
  group: Int32Array;
  /** Per entry: g0 (see above), and g0 times the site's array gain toward the path's first segment. */
  gain: Float64Array;
  gainArray: Float64Array;
  /** Per entry: k_i (3), k_r (3) and the pattern normalisation at theta_i. */
  geom: Float32Array;
  /** Per entry: unfolded distance from the site to the tile centre. */
  range: Float32Array;
  /** Per entry: unit direction from the site toward the path's first interaction (the tile, or its first reflection). */
  departure: Float32Array;
}

/** The surfaces hit next after each node of the tree (its children), sorted. */
function nextSurfaces(tree: ImageTree): number[][] {
  const next: number[][] = Array.from({ length: tree.count }, () => []);
  for (let m = 1; m < tree.count; m++) next[tree.parent[m]].push(tree.surface[m]);
  for (const s of next) s.sort((a, b) => a - b);
  return next;
}

/** Interaction surfaces of node n, in path order. */
export function nodeSurfaces(tree: ImageTree, n: number): number[] {
  const ids = new Array<number>(tree.depth[n]);
  for (let m = n; m > 0; m = tree.parent[m]) ids[tree.depth[m] - 1] = tree.surface[m];
  return ids;
}

export function illuminate(
  fs: FlatScene,
  ctx: FieldContext,
  tiles: ScatterTiles,
  tree: ImageTree,
  orientation: number,
  arrayGain: ArrayGainFn,
  maxBefore: number,
  maxRange = Infinity,
  reach = Infinity,
): SiteIllumination {
  const site: Vec3 = [tree.image[0], tree.image[1], tree.image[2]];
  const next = nextSurfaces(tree);
  const groupNode: number[] = [], groupSurface: number[] = [];
  const tile: number[] = [], group: number[] = [], gain: number[] = [], gainArray: number[] = [], geom: number[] = [], range: number[] = [], departure: number[] = [];
  const pts = new Float64Array(3 * 8);
  // Neighbouring tiles are mostly blocked by the same building: one hint per segment of a path.
  const hints: BlockerHint[] = Array.from({ length: maxBefore + 1 }, () => ({ building: -1 }));
  const nrm = ctx.surfaceNormal;
  for (let n = 0; n < tree.count; n++) {
    if (tree.depth[n] > maxBefore) continue;
    const k = tree.depth[n];
    const ids = nodeSurfaces(tree, n);
    const kinds: InteractionKind[] = new Array(k).fill('R');
    const ix = tree.image[3 * n], iy = tree.image[3 * n + 1], iz = tree.image[3 * n + 2];
    for (const s of next[n]) {
      if (s === (n > 0 ? tree.surface[n] : -1) || tiles.surfaceStart[s + 1] === tiles.surfaceStart[s]) continue;
      if (reach < Infinity && surfaceReach(fs, s, site[0], site[1]) > reach) continue;
      const params = ctx.surfaceScattering[s];
      const S2 = params.coefficient ** 2;
      const nx = nrm[3 * s], ny = nrm[3 * s + 1], nz = nrm[3 * s + 2];
      const g = groupNode.length;
      let lit = 0;
      for (let t = tiles.surfaceStart[s]; t < tiles.surfaceStart[s + 1]; t++) {
        const cx = tiles.center[3 * t], cy = tiles.center[3 * t + 1], cz = tiles.center[3 * t + 2];
        if (!reflectionPoints(fs, tree, n, cx, cy, cz, pts)) continue;
        // The ray must reach the tile from its front: the last point before it (site or reflection) in front.
        const lx = k > 0 ? pts[3 * k - 3] : site[0], ly = k > 0 ? pts[3 * k - 2] : site[1], lz = k > 0 ? pts[3 * k - 1] : site[2];
        if ((lx - cx) * nx + (ly - cy) * ny + (lz - cz) * nz <= 1e-9) continue;
        if (reflectedPathBlocked(fs, tree, n, cx, cy, cz, pts, s, hints)) continue;
        const vertices: Vec3[] = [site];
        for (let j = 0; j < k; j++) vertices.push([pts[3 * j], pts[3 * j + 1], pts[3 * j + 2]]);
        vertices.push([cx, cy, cz]);
        const inc = surfaceIncidence(ctx, { vertices, kinds, ids }, s);
        if (!(inc.cosThetaI > 0) || inc.lengthMeters > maxRange) continue;
        const near = nearFieldFactor(tiles, t, ix, iy, iz, nx, ny, nz);
        const g0 = inc.power * S2 * inc.gamma2 * inc.cosThetaI * tiles.area[t] * polarizationShare(params.crossPolarizedFraction, inc.coPolarShare) * near;
        const d = vertices[1];
        const dl = Math.hypot(d[0] - site[0], d[1] - site[1], d[2] - site[2]);
        const dep: Vec3 = [(d[0] - site[0]) / dl, (d[1] - site[1]) / dl, (d[2] - site[2]) / dl];
        const G = arrayGain(orientation, dep);
        const [kx, ky, kz] = inc.dir;
        const c2 = 2 * inc.cosThetaI;
        tile.push(t);
        group.push(g);
        gain.push(g0);
        gainArray.push(g0 * G);
        geom.push(kx, ky, kz, kx + c2 * nx, ky + c2 * ny, kz + c2 * nz, patternNormalization(params, inc.cosThetaI));
        range.push(inc.lengthMeters);
        departure.push(...dep);
        lit++;
      }
      if (lit > 0) {
        groupNode.push(n);
        groupSurface.push(s);
      }
    }
  }
  return {
    groupNode: Int32Array.from(groupNode),
    groupSurface: Int32Array.from(groupSurface),
    count: tile.length,
    tile: Int32Array.from(tile),
    group: Int32Array.from(group),
    gain: Float64Array.from(gain),
    gainArray: Float64Array.from(gainArray),
    geom: Float32Array.from(geom),
    range: Float32Array.from(range),
    departure: Float32Array.from(departure),
  };
}

/**
 * For a tile within NEAR tile edges of its (image) source I: the mean over 4 x 4 sub-points of
 * cos(theta_i) / r_i^2 relative to the centre's value, else 1.
 */
function nearFieldFactor(tiles: ScatterTiles, t: number, ix: number, iy: number, iz: number, nx: number, ny: number, nz: number): number {
  const c = tiles.center, u = tiles.halfU, v = tiles.halfV;
  const edge = 2 * Math.max(Math.hypot(u[3 * t], u[3 * t + 1], u[3 * t + 2]), Math.hypot(v[3 * t], v[3 * t + 1], v[3 * t + 2]));
  const f = (px: number, py: number, pz: number) => {
    const dx = ix - px, dy = iy - py, dz = iz - pz;
    const r2 = dx * dx + dy * dy + dz * dz;
    return Math.max(0, dx * nx + dy * ny + dz * nz) / (r2 * Math.sqrt(r2));
  };
  const cx = c[3 * t], cy = c[3 * t + 1], cz = c[3 * t + 2];
  if (Math.hypot(ix - cx, iy - cy, iz - cz) >= NEAR * edge) return 1;
  let sum = 0;
  for (let a = 0; a < SUB; a++)
    for (let b = 0; b < SUB; b++) {
      const fa = (2 * a + 1) / SUB - 1, fb = (2 * b + 1) / SUB - 1;
      sum += f(cx + fa * u[3 * t] + fb * v[3 * t], cy + fa * u[3 * t + 1] + fb * v[3 * t + 1], cz + fa * u[3 * t + 2] + fb * v[3 * t + 2]);
    }
  return sum / (SUB * SUB) / f(cx, cy, cz);
}
