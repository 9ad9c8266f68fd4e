import type { FieldContext } from '../radio/field.ts';
import { ipow } from '../radio/scattering.ts';
import type { Vec3 } from '../scene/types.ts';
import type { ImageTree } from './candidates.ts';
import type { FlatScene } from './flat-scene.ts';
import { reflectionPoints } from './image-method.ts';
import { NEAR, nodeSurfaces, type SiteIllumination } from './illumination.ts';
import type { InteractionKind, PropagationPath } from './path.ts';
import { SUB, type ScatterTiles } from './tiles.ts';
import { type Footprints, View } from './visibility.ts';

// Diffuse scattering, step 2 (per receiver, all sites at once): the tiles the receiver sees (visibility.ts,
// shared by every site), then for each of them every site's entry that lights it (illumination.ts):
// g = g0 f_s(k_i, k_s) / r_s^2. Entries are summed per group (one surface lit through one image-tree node):
// a group is one diffuse path of the link, its power the sum over its tiles (so it does not depend on the
// tile size, up to the convergence of the sum), its geometry that of its strongest tile. A tile closer to the
// receiver than NEAR tile edges is evaluated at 4 x 4 sub-points. The sums run in a fixed order (tiles as
// the view lists them, entries by site, group, tile), so results do not depend on the thread.

/** One diffuse path of a link: a group's sums over the tiles the receiver sees. */
export interface DiffuseContribution {
  /** Group index within the site's illumination. */
  group: number;
  /** Propagation gain (antennas excluded) and gain times the site's array gain, summed over the group's tiles. */
  gain: number;
  rxGain: number;
  /** Tiles of the group the receiver sees, and the one that brings the most power. */
  tiles: number;
  strongestTile: number;
}

/** The entries of every site, tile-major, with the per-receiver accumulators. */
export interface ScatterIndex {
  tiles: ScatterTiles;
  view: View;
  sites: number;
  /** Site s's groups are global groups groupOffset[s] ..< groupOffset[s + 1]. */
  groupOffset: Int32Array;
  /** Entries of tile t: [tileStart[t], tileStart[t + 1]), by site, group, then the site's entry order. */
  tileStart: Int32Array;
  entryGroup: Int32Array;
  gain: Float64Array;
  gainArray: Float64Array;
  geom: Float32Array;
  /** Squared distance below which a tile is sub-sampled. */
  near2: Float64Array;
  acc: { gain: Float64Array; rx: Float64Array; best: Float64Array; bestTile: Int32Array; tiles: Int32Array; touched: Int32Array; count: number };
  /** Scratch for one tile's entries (sub-sampled tiles). */
  scratch: { gain: Float64Array; rx: Float64Array };
}

export function buildScatterIndex(tiles: ScatterTiles, fp: Footprints, sites: SiteIllumination[]): ScatterIndex {
  const groupOffset = new Int32Array(sites.length + 1);
  sites.forEach((il, s) => (groupOffset[s + 1] = groupOffset[s] + il.groupNode.length));
  const tileStart = new Int32Array(tiles.count + 1);
  for (const il of sites) for (let e = 0; e < il.count; e++) tileStart[il.tile[e] + 1]++;
  for (let t = 0; t < tiles.count; t++) tileStart[t + 1] += tileStart[t];
  const total = tileStart[tiles.count];
  const fill = tileStart.slice(0, tiles.count);
  const entryGroup = new Int32Array(total), gain = new Float64Array(total), gainArray = new Float64Array(total), geom = new Float32Array(7 * total);
  let maxPerTile = 0;
  sites.forEach((il, s) => {
    for (let e = 0; e < il.count; e++) {
      const k = fill[il.tile[e]]++;
      entryGroup[k] = groupOffset[s] + il.group[e];
      gain[k] = il.gain[e];
      gainArray[k] = il.gainArray[e];
      geom.set(il.geom.subarray(7 * e, 7 * e + 7), 7 * k);
    }
  });
  const near2 = new Float64Array(tiles.count);
  for (let t = 0; t < tiles.count; t++) {
    maxPerTile = Math.max(maxPerTile, tileStart[t + 1] - tileStart[t]);
    const edge = 2 * Math.max(Math.hypot(tiles.halfU[3 * t], tiles.halfU[3 * t + 1], tiles.halfU[3 * t + 2]), Math.hypot(tiles.halfV[3 * t], tiles.halfV[3 * t + 1], tiles.halfV[3 * t + 2]));
    near2[t] = (NEAR * edge) ** 2;
  }
  const G = groupOffset[sites.length];
  return {
    tiles, view: new View(fp, tiles), sites: sites.length, groupOffset, tileStart, entryGroup, gain, gainArray, geom, near2,
    acc: { gain: new Float64Array(G), rx: new Float64Array(G), best: new Float64Array(G), bestTile: new Int32Array(G), tiles: new Int32Array(G), touched: new Int32Array(G), count: 0 },
    scratch: { gain: new Float64Array(maxPerTile), rx: new Float64Array(maxPerTile) },
  };
}

/** Every site's diffuse paths toward the receiver (ux, uy, uz): out[site] in group order. */
export function diffuseAt(ix: ScatterIndex, ctx: FieldContext, ux: number, uy: number, uz: number): DiffuseContribution[][] {
  const { tiles, acc } = ix;
  ix.view.see(ux, uy, uz);
  const V = ix.view.visible;
  acc.count = 0;
  for (let q = 0; q < ix.view.count; q++) {
    const t = V[q];
    const e0 = ix.tileStart[t], e1 = ix.tileStart[t + 1];
    if (e0 === e1) continue;
    const dx = ux - tiles.center[3 * t], dy = uy - tiles.center[3 * t + 1], dz = uz - tiles.center[3 * t + 2];
    const r2 = dx * dx + dy * dy + dz * dz;
    if (r2 >= ix.near2[t]) {
      tileEntries(ix, ctx, t, e0, e1, dx, dy, dz, r2, 1, null);
      continue;
    }
    // Near the receiver: average f_s / r_s^2 over 4 x 4 sub-points of the tile, then commit.
    const sg = ix.scratch.gain, sr = ix.scratch.rx;
    sg.fill(0, 0, e1 - e0);
    sr.fill(0, 0, e1 - e0);
    const u = tiles.halfU, v = tiles.halfV;
    for (let a = 0; a < SUB; a++)
      for (let b = 0; b < SUB; b++) {
        const fa = (2 * a + 1) / SUB - 1, fb = (2 * b + 1) / SUB - 1;
        const px = dx - fa * u[3 * t] - fb * v[3 * t], py = dy - fa * u[3 * t + 1] - fb * v[3 * t + 1], pz = dz - fa * u[3 * t + 2] - fb * v[3 * t + 2];
        tileEntries(ix, ctx, t, e0, e1, px, py, pz, px * px + py * py + pz * pz, 1 / (SUB * SUB), ix.scratch);
      }
    for (let e = e0; e < e1; e++) commit(ix, e, t, sg[e - e0], sr[e - e0]);
  }
  // Touched groups in global order = by site, then group.
  const touched = acc.touched.subarray(0, acc.count).sort();
  const out: DiffuseContribution[][] = Array.from({ length: ix.sites }, () => []);
  let s = 0;
  for (const g of touched) {
    while (g >= ix.groupOffset[s + 1]) s++;
    if (acc.gain[g] > 0) out[s].push({ group: g - ix.groupOffset[s], gain: acc.gain[g], rxGain: acc.rx[g], tiles: acc.tiles[g], strongestTile: acc.bestTile[g] });
    acc.gain[g] = acc.rx[g] = acc.best[g] = 0;
    acc.tiles[g] = 0;
  }
  return out;
}

/**
 * The entries e0..e1 of tile t toward a receiver at offset (dx, dy, dz) from the scattering point (r2 its
 * squared length), weighted by w: committed to their groups, or added to `into` (sub-sampled tiles).
 * The hot loop of scattering: f_s written out per pattern (patternValue in src/radio/scattering.ts).
 */
function tileEntries(ix: ScatterIndex, ctx: FieldContext, t: number, e0: number, e1: number, dx: number, dy: number, dz: number, r2: number, w: number, into: ScatterIndex['scratch'] | null): void {
  const s = ix.tiles.surface[t];
  const n = ctx.surfaceNormal;
  const r = Math.sqrt(r2);
  const kx = dx / r, ky = dy / r, kz = dz / r;
  const cosS = kx * n[3 * s] + ky * n[3 * s + 1] + kz * n[3 * s + 2];
  if (cosS <= 0) return;
  const p = ctx.surfaceScattering[s];
  const kind = p.pattern === 'lambertian' ? 0 : p.pattern === 'directive' ? 1 : 2;
  const aR = p.alphaR, aI = p.alphaI, lam = p.lambda;
  const scale = w / r2;
  const g = ix.geom, gain = ix.gain, gainArray = ix.gainArray;
  for (let e = e0; e < e1; e++) {
    const o = 7 * e;
    let f: number;
    if (kind === 0) f = cosS;
    else {
      const lobeR = ipow(0.5 * (1 + g[o + 3] * kx + g[o + 4] * ky + g[o + 5] * kz), aR);
      f = kind === 1 ? lobeR : lam * lobeR + (1 - lam) * ipow(0.5 * (1 - g[o] * kx - g[o + 1] * ky - g[o + 2] * kz), aI);
    }
    f *= g[o + 6] * scale;
    if (into) {
      into.gain[e - e0] += gain[e] * f;
      into.rx[e - e0] += gainArray[e] * f;
    } else commit(ix, e, t, gain[e] * f, gainArray[e] * f);
  }
}

function commit(ix: ScatterIndex, e: number, t: number, gain: number, rx: number): void {
  const acc = ix.acc;
  const g = ix.entryGroup[e];
  if (acc.tiles[g] === 0) acc.touched[acc.count++] = g;
  acc.tiles[g]++;
  acc.gain[g] += gain;
  acc.rx[g] += rx;
  if (rx > acc.best[g]) {
    acc.best[g] = rx;
    acc.bestTile[g] = t;
  }
}

/** The geometry of a diffuse path: site, the reflections of its node toward its strongest tile, the tile centre, the receiver. */
export function diffusePath(fs: FlatScene, tree: ImageTree, il: SiteIllumination, d: DiffuseContribution, tiles: ScatterTiles, rx: Vec3): PropagationPath {
  const n = il.groupNode[d.group], s = il.groupSurface[d.group], t = d.strongestTile;
  const c: Vec3 = [tiles.center[3 * t], tiles.center[3 * t + 1], tiles.center[3 * t + 2]];
  const k = tree.depth[n];
  const pts = new Float64Array(3 * Math.max(1, k));
  reflectionPoints(fs, tree, n, c[0], c[1], c[2], pts);
  const vertices: Vec3[] = [[tree.image[0], tree.image[1], tree.image[2]]];
  for (let j = 0; j < k; j++) vertices.push([pts[3 * j], pts[3 * j + 1], pts[3 * j + 2]]);
  vertices.push(c, rx);
  const kinds: InteractionKind[] = [...new Array<InteractionKind>(k).fill('R'), 'S'];
  return { vertices, kinds, ids: [...nodeSurfaces(tree, n), s] };
}
