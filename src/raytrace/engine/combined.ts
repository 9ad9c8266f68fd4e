import type { ImageTree } from './candidates.ts';
import { diffractionParameter, EDGE_SAMPLE_M, nearVisibleSample, type SiteEdges } from './diffraction.ts';
import { type FlatScene, insideSurface } from './flat-scene.ts';
import { segmentBlocked } from './occlusion.ts';

// One specular reflection combined with one edge diffraction: "RD" (site -> face s -> edge e -> UE) and
// "DR" (site -> edge e -> face s -> UE). Both reduce to single diffraction with an image:
//  RD: mirror the site in s's plane (its first-order image S'); Q on e obeys the equal-angle condition for
//      S' and the UE; the reflection point P is where S'Q crosses s's plane and must lie inside face s.
//  DR: mirror the UE in s's plane (R'); Q obeys it for the site and R'; P is where QR' crosses the plane.
// Segment P-Q keeps the direction of S'-Q (or Q-R'), so the equal angles on the edge and the law of
// reflection hold exactly. Each (s, e) pair gives at most one Q, so each sequence is counted once.
// Pruning (each sound up to the EDGE_SAMPLE_M sampling of the edges):
//  RD: s runs over the first-order nodes of the site's image tree (faces a candidate ray reflects on);
//      per node, the edge samples the image sees through face s (P inside s, S-P and P-Q unblocked) are
//      precomputed, and a link tries only Q next to such a sample.
//  DR: Q must lie next to an edge sample the site sees (the D precomputation), s runs over the faces
//      the UE is in front of. All segments are then tested exactly.

const T_MARGIN = 1e-7;
const FRONT = 1e-9;

/** Per site: the first-order image nodes and, per node, which edge samples its image sees through its face. */
export interface SiteCombined {
  /** Image-tree node ids of depth 1. */
  nodes: Int32Array;
  /** visible[k] for node nodes[k], laid out as SiteEdges.visible. */
  visible: Uint8Array[];
  /** Edges with at least one sample visible: edges[k] for node k (RD), siteEdges for the site itself (DR). */
  edges: Int32Array[];
  siteEdges: Int32Array;
  /**
   * DR: per face s, the site's visible edges that can hold Q in front of s: drEdge[drStart[s] .. drStart[s + 1]).
   * An edge qualifies when some stretch between two samples, one of them visible, has an end in front of s
   * (exactly the Q that the tests of findDR can accept) and s is not one of its faces.
   */
  drStart: Int32Array;
  drEdge: Int32Array;
}

function visibleEdges(se: SiteEdges, visible: Uint8Array): Int32Array {
  const out: number[] = [];
  for (let e = 0; e < se.count; e++) if (visible.subarray(se.sampleStart[e], se.sampleStart[e + 1]).includes(1)) out.push(e);
  return Int32Array.from(out);
}

/** Reflection point of segment a -> b on the plane of s (a and b on opposite sides), written to out. */
function planeCrossing(pl: Float64Array, s: number, ax: number, ay: number, az: number, bx: number, by: number, bz: number, out: Float64Array): void {
  const nx = pl[4 * s], ny = pl[4 * s + 1], nz = pl[4 * s + 2], d = pl[4 * s + 3];
  const da = nx * ax + ny * ay + nz * az - d;
  const db = nx * bx + ny * by + nz * bz - d;
  const t = da / (da - db);
  out[0] = ax + t * (bx - ax);
  out[1] = ay + t * (by - ay);
  out[2] = az + t * (bz - az);
}

const p = new Float64Array(3);

/** Does direction d from a point of edge e go into the building (behind both faces of the convex wedge)? A segment doing so is blocked. */
function intoWedge(pl: Float64Array, f0: number, f1: number, dx: number, dy: number, dz: number): boolean {
  return pl[4 * f0] * dx + pl[4 * f0 + 1] * dy + pl[4 * f0 + 2] * dz < 0 && pl[4 * f1] * dx + pl[4 * f1 + 1] * dy + pl[4 * f1 + 2] * dz < 0;
}

export function buildSiteCombined(fs: FlatScene, tree: ImageTree, se: SiteEdges): SiteCombined {
  const pl = fs.plane;
  const nodes: number[] = [];
  for (let n = 1; n < tree.count; n++) if (tree.depth[n] === 1) nodes.push(n);
  const sx = tree.image[0], sy = tree.image[1], sz = tree.image[2];
  const visible = nodes.map((n) => {
    const s = tree.surface[n];
    const ix = tree.image[3 * n], iy = tree.image[3 * n + 1], iz = tree.image[3 * n + 2];
    const nx = pl[4 * s], ny = pl[4 * s + 1], nz = pl[4 * s + 2], d = pl[4 * s + 3];
    const vis = new Uint8Array(se.visible.length);
    for (let e = 0; e < se.count; e++) {
      const f0 = se.faces[2 * e], f1 = se.faces[2 * e + 1];
      if (s === f0 || s === f1) continue;
      const m = se.sampleStart[e + 1] - se.sampleStart[e];
      for (let i = 0; i < m; i++) {
        const t = Math.min(i * EDGE_SAMPLE_M, se.len[e]);
        const qx = se.a[3 * e] + t * se.dir[3 * e], qy = se.a[3 * e + 1] + t * se.dir[3 * e + 1], qz = se.a[3 * e + 2] + t * se.dir[3 * e + 2];
        if (nx * qx + ny * qy + nz * qz - d <= FRONT) continue;
        planeCrossing(pl, s, ix, iy, iz, qx, qy, qz, p);
        if (!insideSurface(fs, s, p[0], p[1], p[2])) continue;
        if (segmentBlocked(fs, p[0], p[1], p[2], qx - p[0], qy - p[1], qz - p[2], T_MARGIN, 1 - T_MARGIN, s, f0, f1)) continue;
        if (segmentBlocked(fs, sx, sy, sz, p[0] - sx, p[1] - sy, p[2] - sz, T_MARGIN, 1 - T_MARGIN, s, -1)) continue;
        vis[se.sampleStart[e] + i] = 1;
      }
    }
    return vis;
  });
  const siteEdges = visibleEdges(se, se.visible);
  const drStart = new Int32Array(fs.numSurfaces + 1);
  const drEdge: number[] = [];
  for (let s = 0; s < fs.numSurfaces; s++) {
    const nx = pl[4 * s], ny = pl[4 * s + 1], nz = pl[4 * s + 2], d = pl[4 * s + 3];
    for (const e of siteEdges) {
      if (se.faces[2 * e] === s || se.faces[2 * e + 1] === s) continue;
      const base = se.sampleStart[e], m = se.sampleStart[e + 1] - base;
      const front = (i: number) => {
        const t = Math.min(i * EDGE_SAMPLE_M, se.len[e]);
        return nx * (se.a[3 * e] + t * se.dir[3 * e]) + ny * (se.a[3 * e + 1] + t * se.dir[3 * e + 1]) + nz * (se.a[3 * e + 2] + t * se.dir[3 * e + 2]) - d > FRONT;
      };
      let ok = false;
      for (let i = 0; i + 1 < m && !ok; i++) ok = (se.visible[base + i] === 1 || se.visible[base + i + 1] === 1) && (front(i) || front(i + 1));
      if (ok) drEdge.push(e);
    }
    drStart[s + 1] = drEdge.length;
  }
  return { nodes: Int32Array.from(nodes), visible, edges: visible.map((v) => visibleEdges(se, v)), siteEdges, drStart, drEdge: Int32Array.from(drEdge) };
}

/** A combined path found for one receiver: the reflecting surface, the edge, and its two interior points. */
export interface CombinedHit {
  surface: number;
  edge: number;
  /** Reflection point and diffraction point. */
  p: [number, number, number];
  q: [number, number, number];
}

/** Every RD path for receiver R, by node then edge. */
export function findRD(fs: FlatScene, tree: ImageTree, se: SiteEdges, sc: SiteCombined, rx: number, ry: number, rz: number): CombinedHit[] {
  const out: CombinedHit[] = [];
  const pl = fs.plane;
  const sx = tree.image[0], sy = tree.image[1], sz = tree.image[2];
  for (let k = 0; k < sc.nodes.length; k++) {
    const n = sc.nodes[k];
    const s = tree.surface[n];
    const ix = tree.image[3 * n], iy = tree.image[3 * n + 1], iz = tree.image[3 * n + 2];
    const nx = pl[4 * s], ny = pl[4 * s + 1], nz = pl[4 * s + 2], d = pl[4 * s + 3];
    const edges = sc.edges[k];
    for (let j = 0; j < edges.length; j++) {
      const e = edges[j];
      const t = diffractionParameter(se, e, ix, iy, iz, rx, ry, rz);
      if (t !== t || !nearVisibleSample(se, sc.visible[k], e, t)) continue;
      const qx = se.a[3 * e] + t * se.dir[3 * e], qy = se.a[3 * e + 1] + t * se.dir[3 * e + 1], qz = se.a[3 * e + 2] + t * se.dir[3 * e + 2];
      if (nx * qx + ny * qy + nz * qz - d <= FRONT) continue;
      const f0 = se.faces[2 * e], f1 = se.faces[2 * e + 1];
      if (intoWedge(pl, f0, f1, rx - qx, ry - qy, rz - qz) || intoWedge(pl, f0, f1, ix - qx, iy - qy, iz - qz)) continue;
      planeCrossing(pl, s, ix, iy, iz, qx, qy, qz, p);
      const px = p[0], py = p[1], pz = p[2];
      if (!insideSurface(fs, s, px, py, pz)) continue;
      if (segmentBlocked(fs, qx, qy, qz, rx - qx, ry - qy, rz - qz, T_MARGIN, 1 - T_MARGIN, f0, f1)) continue;
      if (segmentBlocked(fs, px, py, pz, qx - px, qy - py, qz - pz, T_MARGIN, 1 - T_MARGIN, s, f0, f1)) continue;
      if (segmentBlocked(fs, sx, sy, sz, px - sx, py - sy, pz - sz, T_MARGIN, 1 - T_MARGIN, s, -1)) continue;
      out.push({ surface: s, edge: e, p: [px, py, pz], q: [qx, qy, qz] });
    }
  }
  return out;
}

/** Every DR path for receiver R, by surface then edge. */
export function findDR(fs: FlatScene, tree: ImageTree, se: SiteEdges, sc: SiteCombined, rx: number, ry: number, rz: number): CombinedHit[] {
  const out: CombinedHit[] = [];
  const pl = fs.plane;
  const sx = tree.image[0], sy = tree.image[1], sz = tree.image[2];
  for (let s = 0; s < fs.numSurfaces; s++) {
    const nx = pl[4 * s], ny = pl[4 * s + 1], nz = pl[4 * s + 2], d = pl[4 * s + 3];
    const h = nx * rx + ny * ry + nz * rz - d;
    if (h <= FRONT) continue;
    const ix = rx - 2 * h * nx, iy = ry - 2 * h * ny, iz = rz - 2 * h * nz; // the UE's image R'
    for (let j = sc.drStart[s]; j < sc.drStart[s + 1]; j++) {
      const e = sc.drEdge[j];
      const f0 = se.faces[2 * e], f1 = se.faces[2 * e + 1];
      const t = diffractionParameter(se, e, sx, sy, sz, ix, iy, iz);
      if (t !== t || !nearVisibleSample(se, se.visible, e, t)) continue;
      const qx = se.a[3 * e] + t * se.dir[3 * e], qy = se.a[3 * e + 1] + t * se.dir[3 * e + 1], qz = se.a[3 * e + 2] + t * se.dir[3 * e + 2];
      if (nx * qx + ny * qy + nz * qz - d <= FRONT) continue;
      if (intoWedge(pl, f0, f1, ix - qx, iy - qy, iz - qz)) continue;
      planeCrossing(pl, s, qx, qy, qz, ix, iy, iz, p);
      const px = p[0], py = p[1], pz = p[2];
      if (!insideSurface(fs, s, px, py, pz)) continue;
      if (segmentBlocked(fs, px, py, pz, rx - px, ry - py, rz - pz, T_MARGIN, 1 - T_MARGIN, s, -1)) continue;
      if (segmentBlocked(fs, qx, qy, qz, px - qx, py - qy, pz - qz, T_MARGIN, 1 - T_MARGIN, s, f0, f1)) continue;
      if (segmentBlocked(fs, sx, sy, sz, qx - sx, qy - sy, qz - sz, T_MARGIN, 1 - T_MARGIN, f0, f1)) continue;
      out.push({ surface: s, edge: e, p: [px, py, pz], q: [qx, qy, qz] });
    }
  }
  return out;
}
