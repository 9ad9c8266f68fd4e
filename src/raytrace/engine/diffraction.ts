import type { Edge } from '../../scene/types.ts';
import type { FlatScene } from './flat-scene.ts';
import { type BlockerHint, segmentBlocked } from './occlusion.ts';
import { segmentReach } from './range.ts';

// First-order edge diffraction (path kind 'D'): the diffraction point Q on an edge obeys the equal-angle
// (Fermat) condition of the Keller cone, angle(S->Q, e) = angle(Q->R, e). With s_par, s_perp the
// coordinates of S along and across the edge line (r_par, r_perp for R), unfolding the two segments
// into one plane gives Q at t = (s_par r_perp + r_par s_perp) / (s_perp + r_perp) from edge end a.
// Each site samples once which parts of every edge it sees (EDGE_SAMPLE_M apart); a link tries only
// edges whose point Q lies next to a visible sample, then checks both segments exactly.

export const EDGE_SAMPLE_M = 0.5;
const T_MARGIN = 1e-7;

/** Edges as flat arrays plus one site's sampled visibility of each. */
export interface SiteEdges {
  count: number;
  /** Edge e: start a (3), unit direction (3), length. */
  a: Float64Array;
  dir: Float64Array;
  len: Float64Array;
  faces: Int32Array;
  /** Sample i of edge e is at t = i * EDGE_SAMPLE_M (last one at the far end): visible[sampleStart[e] + i]. */
  sampleStart: Int32Array;
  visible: Uint8Array;
  /** The edges with at least one visible sample, ascending: the only ones a path through the site can use. */
  seen: Int32Array;
}

/** A vertical edge (extruded footprints: exactly so): its diffraction point lies between the heights of its two ends' points (equal angles). */
export const isVertical = (se: SiteEdges, e: number) => Math.abs(se.dir[3 * e + 2]) === 1;
/** The height of edge e's higher end. */
export const edgeTop = (se: SiteEdges, e: number) => Math.max(se.a[3 * e + 2], se.a[3 * e + 2] + se.len[e] * se.dir[3 * e + 2]);

/** Edges farther than `reach` from the site (max_range_m's culling, range.ts) are left unseen, their samples unsampled. */
export function buildSiteEdges(fs: FlatScene, edges: Edge[], site: readonly [number, number, number], reach = Infinity): SiteEdges {
  const n = edges.length;
  const a = new Float64Array(3 * n);
  const dir = new Float64Array(3 * n);
  const len = new Float64Array(n);
  const faces = new Int32Array(2 * n);
  const sampleStart = new Int32Array(n + 1);
  for (let e = 0; e < n; e++) {
    const E = edges[e];
    const dx = E.b[0] - E.a[0], dy = E.b[1] - E.a[1], dz = E.b[2] - E.a[2];
    const l = Math.hypot(dx, dy, dz);
    a.set(E.a, 3 * e);
    dir.set([dx / l, dy / l, dz / l], 3 * e);
    len[e] = l;
    faces[2 * e] = E.faces[0];
    faces[2 * e + 1] = E.faces[1];
    sampleStart[e + 1] = sampleStart[e] + Math.ceil(l / EDGE_SAMPLE_M) + 1;
  }
  const visible = new Uint8Array(sampleStart[n]);
  const [sx, sy, sz] = site;
  const seen: number[] = [];
  const hint: BlockerHint = { building: -1 };
  for (let e = 0; e < n; e++) {
    if (reach < Infinity && segmentReach(a, dir, len[e], e, sx, sy, sz) > reach) continue;
    const m = sampleStart[e + 1] - sampleStart[e];
    let any = 0;
    for (let i = 0; i < m; i++) {
      const t = Math.min(i * EDGE_SAMPLE_M, len[e]);
      const qx = a[3 * e] + t * dir[3 * e], qy = a[3 * e + 1] + t * dir[3 * e + 1], qz = a[3 * e + 2] + t * dir[3 * e + 2];
      any |= visible[sampleStart[e] + i] = segmentBlocked(fs, sx, sy, sz, qx - sx, qy - sy, qz - sz, T_MARGIN, 1 - T_MARGIN, faces[2 * e], faces[2 * e + 1], -1, hint) ? 0 : 1;
    }
    if (any) seen.push(e);
  }
  return { count: n, a, dir, len, faces, sampleStart, visible, seen: Int32Array.from(seen) };
}

/** Distance along edge e of the equal-angle point for S and R, or NaN when it falls outside the edge. */
export function diffractionParameter(se: SiteEdges, e: number, sx: number, sy: number, sz: number, rx: number, ry: number, rz: number): number {
  const ax = se.a[3 * e], ay = se.a[3 * e + 1], az = se.a[3 * e + 2];
  const ux = se.dir[3 * e], uy = se.dir[3 * e + 1], uz = se.dir[3 * e + 2];
  const vx = sx - ax, vy = sy - ay, vz = sz - az;
  const sPar = vx * ux + vy * uy + vz * uz;
  const sPerp = Math.sqrt(Math.max(0, vx * vx + vy * vy + vz * vz - sPar * sPar));
  const wx = rx - ax, wy = ry - ay, wz = rz - az;
  const rPar = wx * ux + wy * uy + wz * uz;
  const rPerp = Math.sqrt(Math.max(0, wx * wx + wy * wy + wz * wz - rPar * rPar));
  if (sPerp < 1e-9 || rPerp < 1e-9) return NaN; // an end point on the edge line itself
  const t = (sPar * rPerp + rPar * sPerp) / (sPerp + rPerp);
  return t > 0 && t < se.len[e] ? t : NaN;
}

/** Is one of the two samples of edge e around distance t visible in `visible` (laid out as se.visible)? */
export function nearVisibleSample(se: SiteEdges, visible: Uint8Array, e: number, t: number): boolean {
  return nearVisible(visible, se.sampleStart[e], se.sampleStart[e + 1] - se.sampleStart[e], t);
}

/** The same for an edge of `count` samples whose flags start at visible[base]. */
export function nearVisible(visible: Uint8Array, base: number, count: number, t: number): boolean {
  const i = Math.floor(t / EDGE_SAMPLE_M);
  return visible[base + i] === 1 || visible[base + Math.min(i + 1, count - 1)] === 1;
}

/**
 * The diffraction point on edge e for site S and receiver R, written to q[0..2], if the site's sampled
 * visibility allows it and both segments are unblocked (the edge's own faces excluded).
 */
export function diffractedPath(fs: FlatScene, se: SiteEdges, e: number, sx: number, sy: number, sz: number, rx: number, ry: number, rz: number, q: Float64Array): boolean {
  const t = diffractionParameter(se, e, sx, sy, sz, rx, ry, rz);
  if (t !== t) return false;
  if (!nearVisibleSample(se, se.visible, e, t)) return false;
  const qx = se.a[3 * e] + t * se.dir[3 * e], qy = se.a[3 * e + 1] + t * se.dir[3 * e + 1], qz = se.a[3 * e + 2] + t * se.dir[3 * e + 2];
  const f0 = se.faces[2 * e], f1 = se.faces[2 * e + 1];
  if (segmentBlocked(fs, qx, qy, qz, rx - qx, ry - qy, rz - qz, T_MARGIN, 1 - T_MARGIN, f0, f1)) return false;
  if (segmentBlocked(fs, sx, sy, sz, qx - sx, qy - sy, qz - sz, T_MARGIN, 1 - T_MARGIN, f0, f1)) return false;
  q[0] = qx;
  q[1] = qy;
  q[2] = qz;
  return true;
}
