import type { ImageTree } from './candidates.ts';
import { diffractionParameter, EDGE_SAMPLE_M, edgeTop, isVertical, nearVisible, nearVisibleSample, type SiteEdges } from './diffraction.ts';
import { type FlatScene, insideSurface } from './flat-scene.ts';
import { type BlockerHint, segmentBlocked } from './occlusion.ts';
import { segmentReach, surfaceReach } from './range.ts';
import type { View } from './visibility.ts';

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
//      the UE is in front of and can see (listed once per receiver, for every site). A wall the UE sees only above
//      some height (behind lower buildings: View.hiddenBelow) needs P, and so Q, above that height; a vertical
//      edge's Q lies between the site's height and the UE's. All segments are then tested exactly.
// On a large map most (face, edge) pairs are far apart; whole edges (for DR: a face's whole edge set, then groups of
// DR_GROUP runs of DR_CHUNK edges of the site's list, then each run, then each edge) are ruled out first when they
// lie behind the face, or, for a wall, outside the plan cone from the image through it.

const T_MARGIN = 1e-7;
const FRONT = 1e-9;
/** Heights within this of hiddenBelow's bound are kept (m): far above the rounding of P's height. */
const HEIGHT_MARGIN = 1e-6;

/** Per site: the first-order image nodes and, per node, which edge samples its image sees through its face. */
export interface SiteCombined {
  /** Image-tree node ids of depth 1. */
  nodes: Int32Array;
  /**
   * RD, for node nodes[k]: the edges with at least one sample its image sees, edges[k]; the flags of the samples of
   * edges[k][j] start at visible[k][visibleStart[k][j]] (only those edges are stored: a node sees few of the map's).
   */
  edges: Int32Array[];
  visible: Uint8Array[];
  visibleStart: Int32Array[];
  /**
   * DR: which of the site's seen edges (se.seen) can hold Q in front of face s, as one bit per edge: bit b of
   * drMask[s * chunks + c] for se.seen[DR_CHUNK * c + b]. An edge qualifies when some stretch between two samples, one
   * of them visible, has an end in front of s (exactly the Q that the tests of findDR can accept) and s is not one
   * of its faces. Bits, not lists: a list per face would hold faces x seen edges entries (10^8 on a 5,000-building map).
   */
  drMask: Uint16Array;
  /** DR: per face, the plan bounding box of the edges that qualify (min x, min y, max x, max y). */
  drBox: Float64Array;
  /** DR: per face, its first and last nonzero word of drMask (chunk numbers; last -1 when no edge qualifies). */
  drFirst: Int32Array;
  drLast: Int32Array;
  /** DR: the plan bounding box of se.seen[DR_CHUNK * c ..< DR_CHUNK * (c + 1)) at 4c, to rule out a run of edges at once. */
  drChunkBox: Float64Array;
  /** DR: the plan bounding box of chunks DR_GROUP * g ..< DR_GROUP * (g + 1) at 4g (each chunk's box lies within it). */
  drGroupBox: Float64Array;
  /**
   * DR: per seen edge j (se.seen[j]), what its cone and height tests read, side by side at 5j (a few cache lines per
   * chunk, not five arrays indexed by edge): the start's x and y, the length times the direction's x and y, the top.
   */
  drEdge: Float64Array;
  /** DR: per chunk, the bits of its vertical edges, and the top of its highest other edge (-Infinity if none). */
  drVertical: Uint16Array;
  drChunkTop: Float64Array;
}

/**
 * Seen edges per mask word and chunk box. With edges numbered building by building, a chunk is one or two buildings:
 * small enough to fall outside most cones, large enough to save the per-edge work.
 */
const DR_CHUNK = 16;
/** Chunks per group, whose box DR tests before its chunks' boxes. */
const DR_GROUP = 4;

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

// Whole edges ruled out before their samples are tried (each rule exact: a sample it drops fails a per-sample
// test, by a margin far above rounding), so that a site on a large map does not test every sample of every edge.
const MARGIN = 1e-7;

/** Is all of edge e behind face s's plane (no sample can be in front of it)? The plane's value is linear along the edge. */
function behind(pl: Float64Array, s: number, se: SiteEdges, e: number): boolean {
  const nx = pl[4 * s], ny = pl[4 * s + 1], nz = pl[4 * s + 2], d = pl[4 * s + 3];
  const a = nx * se.a[3 * e] + ny * se.a[3 * e + 1] + nz * se.a[3 * e + 2] - d;
  const l = se.len[e], b = a + l * (nx * se.dir[3 * e] + ny * se.dir[3 * e + 1] + nz * se.dir[3 * e + 2]);
  return Math.max(a, b) <= FRONT - MARGIN * (1 + Math.abs(a) + l);
}

/** Is all of edge e in front of face s's plane (every sample in front of it)? */
function inFront(pl: Float64Array, s: number, se: SiteEdges, e: number): boolean {
  const nx = pl[4 * s], ny = pl[4 * s + 1], nz = pl[4 * s + 2], d = pl[4 * s + 3];
  const a = nx * se.a[3 * e] + ny * se.a[3 * e + 1] + nz * se.a[3 * e + 2] - d;
  const l = se.len[e], b = a + l * (nx * se.dir[3 * e] + ny * se.dir[3 * e + 1] + nz * se.dir[3 * e + 2]);
  return Math.min(a, b) > FRONT + MARGIN * (1 + Math.abs(a) + l);
}

/**
 * RD through wall s from image I: a sample Q passes only if I-Q crosses the wall, so in plan Q lies in the cone
 * from I through the wall's ends. The cone as I and its two edge directions, oriented so that inside is
 * cross(u0, q - I) >= 0 >= cross(u1, q - I), with the margins m0, m1 that a point must clear per metre of its
 * distance from I to count as outside; null for a roof or the ground.
 */
interface Cone {
  ix: number;
  iy: number;
  u0x: number;
  u0y: number;
  u1x: number;
  u1y: number;
  m0: number;
  m1: number;
}

function wallCone(fs: FlatScene, s: number, ix: number, iy: number, c: Cone): Cone | null {
  const k = fs.surfaceWall[s];
  if (k < 0) return null;
  c.ix = ix;
  c.iy = iy;
  const ax = fs.wallSeg[4 * k] - ix, ay = fs.wallSeg[4 * k + 1] - iy, bx = fs.wallSeg[4 * k + 2] - ix, by = fs.wallSeg[4 * k + 3] - iy;
  const ccw = ax * by - ay * bx >= 0;
  c.u0x = ccw ? ax : bx;
  c.u0y = ccw ? ay : by;
  c.u1x = ccw ? bx : ax;
  c.u1y = ccw ? by : ay;
  c.m0 = MARGIN * Math.hypot(c.u0x, c.u0y);
  c.m1 = MARGIN * Math.hypot(c.u1x, c.u1y);
  return c;
}

const scratchCone: Cone = { ix: 0, iy: 0, u0x: 0, u0y: 0, u1x: 0, u1y: 0, m0: 0, m1: 0 };

/**
 * Does the plan segment from (ax, ay) to (ax + lx, ay + ly) lie outside one side of the cone? Both ends are tested,
 * each against the margin at |x| + |y| + 1, an upper bound on its distance (as outsideBox does), which spares a hypot.
 */
function outsideCone(c: Cone, x: number, y: number, lx: number, ly: number): boolean {
  const ax = x - c.ix, ay = y - c.iy;
  const bx = ax + lx, by = ay + ly;
  const la = Math.abs(ax) + Math.abs(ay) + 1, lb = Math.abs(bx) + Math.abs(by) + 1;
  return (
    (c.u0x * ay - c.u0y * ax < -c.m0 * la && c.u0x * by - c.u0y * bx < -c.m0 * lb) ||
    (c.u1x * ay - c.u1y * ax > c.m1 * la && c.u1x * by - c.u1y * bx > c.m1 * lb)
  );
}

/**
 * Does box k (min x, min y, max x, max y at 4k) lie outside one side of the cone? Per side only the corner nearest
 * to the inside is tested, against the margin of the box's farthest point (|x| + |y| bounds every corner's
 * distance), which is stricter than testing every corner against its own margin.
 */
function outsideBox(c: Cone, box: Float64Array, k: number): boolean {
  const x0 = box[4 * k] - c.ix, y0 = box[4 * k + 1] - c.iy, x1 = box[4 * k + 2] - c.ix, y1 = box[4 * k + 3] - c.iy;
  const l = Math.max(-x0, x1) + Math.max(-y0, y1) + 1;
  // cross(u, q) = ux * y - uy * x: its largest value over the box for side 0, its smallest for side 1.
  if ((c.u0x >= 0 ? c.u0x * y1 : c.u0x * y0) - (c.u0y >= 0 ? c.u0y * x0 : c.u0y * x1) < -c.m0 * l) return true;
  return (c.u1x >= 0 ? c.u1x * y0 : c.u1x * y1) - (c.u1y >= 0 ? c.u1y * x1 : c.u1y * x0) > c.m1 * l;
}

/** `reach`: max_range_m's culling radius (range.ts); RD's edges and DR's faces farther from the site are left out. */
export function buildSiteCombined(fs: FlatScene, tree: ImageTree, se: SiteEdges, reach = Infinity): SiteCombined {
  const pl = fs.plane;
  const nodes: number[] = [];
  for (let n = 1; n < tree.count; n++) if (tree.depth[n] === 1) nodes.push(n);
  const sx = tree.image[0], sy = tree.image[1], sz = tree.image[2];
  const edges: Int32Array[] = [], visible: Uint8Array[] = [], visibleStart: Int32Array[] = [];
  let most = 0;
  for (let e = 0; e < se.count; e++) most = Math.max(most, se.sampleStart[e + 1] - se.sampleStart[e]);
  const flags = new Uint8Array(most);
  const pqHint: BlockerHint = { building: -1 }, spHint: BlockerHint = { building: -1 };
  for (const n of nodes) {
    const s = tree.surface[n];
    const ix = tree.image[3 * n], iy = tree.image[3 * n + 1], iz = tree.image[3 * n + 2];
    const nx = pl[4 * s], ny = pl[4 * s + 1], nz = pl[4 * s + 2], d = pl[4 * s + 3];
    const cone = wallCone(fs, s, ix, iy, scratchCone);
    const list: number[] = [], bits: number[] = [], start = [0];
    for (let e = 0; e < se.count; e++) {
      const f0 = se.faces[2 * e], f1 = se.faces[2 * e + 1];
      if (s === f0 || s === f1 || behind(pl, s, se, e) || (cone && outsideCone(cone, se.a[3 * e], se.a[3 * e + 1], se.len[e] * se.dir[3 * e], se.len[e] * se.dir[3 * e + 1]))) continue;
      if (reach < Infinity && segmentReach(se.a, se.dir, se.len[e], e, sx, sy, sz) > reach) continue;
      const m = se.sampleStart[e + 1] - se.sampleStart[e];
      let any = false;
      for (let i = 0; i < m; i++) {
        flags[i] = 0;
        const t = Math.min(i * EDGE_SAMPLE_M, se.len[e]);
        const qx = se.a[3 * e] + t * se.dir[3 * e], qy = se.a[3 * e + 1] + t * se.dir[3 * e + 1], qz = se.a[3 * e + 2] + t * se.dir[3 * e + 2];
        if (nx * qx + ny * qy + nz * qz - d <= FRONT) continue;
        planeCrossing(pl, s, ix, iy, iz, qx, qy, qz, p);
        if (!insideSurface(fs, s, p[0], p[1], p[2])) continue;
        if (segmentBlocked(fs, p[0], p[1], p[2], qx - p[0], qy - p[1], qz - p[2], T_MARGIN, 1 - T_MARGIN, s, f0, f1, pqHint)) continue;
        if (segmentBlocked(fs, sx, sy, sz, p[0] - sx, p[1] - sy, p[2] - sz, T_MARGIN, 1 - T_MARGIN, s, -1, -1, spHint)) continue;
        flags[i] = 1;
        any = true;
      }
      if (!any) continue;
      list.push(e);
      for (let i = 0; i < m; i++) bits.push(flags[i]);
      start.push(bits.length);
    }
    edges.push(Int32Array.from(list));
    visible.push(Uint8Array.from(bits));
    visibleStart.push(Int32Array.from(start));
  }
  const seen = se.seen, chunks = Math.ceil(seen.length / DR_CHUNK);
  const drMask = new Uint16Array(fs.numSurfaces * chunks), drBox = new Float64Array(4 * fs.numSurfaces);
  const drFirst = new Int32Array(fs.numSurfaces), drLast = new Int32Array(fs.numSurfaces).fill(-1);
  const mine: number[] = [];
  for (let s = 0; s < fs.numSurfaces; s++) {
    if (reach < Infinity && surfaceReach(fs, s, sx, sy) > reach) continue;
    const nx = pl[4 * s], ny = pl[4 * s + 1], nz = pl[4 * s + 2], d = pl[4 * s + 3];
    mine.length = 0;
    for (let j = 0; j < seen.length; j++) {
      const e = seen[j];
      if (se.faces[2 * e] === s || se.faces[2 * e + 1] === s || behind(pl, s, se, e)) continue;
      const base = se.sampleStart[e], m = se.sampleStart[e + 1] - base;
      // A whole edge in front of s qualifies (it has a visible sample, and at least two samples).
      let ok = m > 1 && inFront(pl, s, se, e), prev = false;
      for (let i = 0; i < m && !ok; i++) {
        const t = Math.min(i * EDGE_SAMPLE_M, se.len[e]);
        const front = nx * (se.a[3 * e] + t * se.dir[3 * e]) + ny * (se.a[3 * e + 1] + t * se.dir[3 * e + 1]) + nz * (se.a[3 * e + 2] + t * se.dir[3 * e + 2]) - d > FRONT;
        ok = i > 0 && (se.visible[base + i - 1] === 1 || se.visible[base + i] === 1) && (prev || front);
        prev = front;
      }
      if (!ok) continue;
      drMask[s * chunks + Math.floor(j / DR_CHUNK)] |= 1 << j % DR_CHUNK;
      mine.push(e);
    }
    for (let c = 0; c < chunks; c++) {
      if (drMask[s * chunks + c] === 0) continue;
      if (drLast[s] < 0) drFirst[s] = c;
      drLast[s] = c;
    }
    planBox(se, mine, 0, mine.length, drBox, s);
  }
  const drChunkBox = new Float64Array(4 * chunks), drVertical = new Uint16Array(chunks), drChunkTop = new Float64Array(chunks).fill(-Infinity);
  for (let c = 0; c < chunks; c++) planBox(se, seen, DR_CHUNK * c, Math.min(DR_CHUNK * (c + 1), seen.length), drChunkBox, c);
  const groups = Math.ceil(chunks / DR_GROUP), drGroupBox = new Float64Array(4 * groups);
  for (let g = 0; g < groups; g++) planBox(se, seen, DR_CHUNK * DR_GROUP * g, Math.min(DR_CHUNK * DR_GROUP * (g + 1), seen.length), drGroupBox, g);
  const drEdge = new Float64Array(5 * seen.length);
  for (let j = 0; j < seen.length; j++) {
    const e = seen[j], c = Math.floor(j / DR_CHUNK), top = edgeTop(se, e);
    drEdge.set([se.a[3 * e], se.a[3 * e + 1], se.len[e] * se.dir[3 * e], se.len[e] * se.dir[3 * e + 1], top], 5 * j);
    if (isVertical(se, e)) drVertical[c] |= 1 << j % DR_CHUNK;
    else drChunkTop[c] = Math.max(drChunkTop[c], top);
  }
  return { nodes: Int32Array.from(nodes), edges, visible, visibleStart, drMask, drBox, drFirst, drLast, drChunkBox, drGroupBox, drEdge, drVertical, drChunkTop };
}

/** The plan bounding box of edges list[from .. to), written to box at 4k (min x, min y, max x, max y). */
function planBox(se: SiteEdges, list: ArrayLike<number>, from: number, to: number, box: Float64Array, k: number): void {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (let j = from; j < to; j++) {
    const e = list[j], ax = se.a[3 * e], ay = se.a[3 * e + 1], bx = ax + se.len[e] * se.dir[3 * e], by = ay + se.len[e] * se.dir[3 * e + 1];
    x0 = Math.min(x0, ax, bx);
    y0 = Math.min(y0, ay, by);
    x1 = Math.max(x1, ax, bx);
    y1 = Math.max(y1, ay, by);
  }
  box[4 * k] = x0;
  box[4 * k + 1] = y0;
  box[4 * k + 2] = x1;
  box[4 * k + 3] = y1;
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
      if (t !== t || !nearVisible(sc.visible[k], sc.visibleStart[k][j], se.sampleStart[e + 1] - se.sampleStart[e], t)) continue;
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

/**
 * DR's faces for one receiver, the same for every site: those the UE is in front of and, with a view, can see
 * (fs.numSurfaces-long scratch; one per thread, rebuilt when the receiver, the view or the scene changes). Per
 * face: the UE's image R' in it and, for a wall, the plan cone from R' through it.
 */
interface ReceiverFaces {
  fs: FlatScene | null;
  view: View | null;
  x: number;
  y: number;
  z: number;
  count: number;
  face: Int32Array;
  image: Float64Array;
  /** cones[j] holds face[j]'s cone when isWall[j] is 1 (the objects are reused from receiver to receiver). */
  isWall: Uint8Array;
  cones: Cone[];
  /** Per face: no point of it lower than this is visible from the UE (View.hiddenBelow; -Infinity without a view). */
  below: Float64Array;
}

const faces: ReceiverFaces = { fs: null, view: null, x: NaN, y: NaN, z: NaN, count: 0, face: new Int32Array(0), image: new Float64Array(0), isWall: new Uint8Array(0), cones: [], below: new Float64Array(0) };

function receiverFaces(fs: FlatScene, rx: number, ry: number, rz: number, view: View | null): ReceiverFaces {
  const F = faces;
  if (F.fs === fs && F.view === view && F.x === rx && F.y === ry && F.z === rz) return F;
  if (F.fs !== fs) {
    F.face = new Int32Array(fs.numSurfaces);
    F.image = new Float64Array(3 * fs.numSurfaces);
    F.isWall = new Uint8Array(fs.numSurfaces);
    F.below = new Float64Array(fs.numSurfaces);
  }
  Object.assign(F, { fs, view, x: rx, y: ry, z: rz, count: 0 });
  view?.outline(rx, ry, rz);
  const pl = fs.plane;
  for (let s = 0; s < fs.numSurfaces; s++) {
    const nx = pl[4 * s], ny = pl[4 * s + 1], nz = pl[4 * s + 2], d = pl[4 * s + 3];
    const h = nx * rx + ny * ry + nz * rz - d;
    if (h <= FRONT) continue;
    // P on a wall the UE cannot see at all (visibility.ts) never passes the P-UE test of findDR.
    const k = fs.surfaceWall[s], below = view && k >= 0 ? view.hiddenBelow(k) : -Infinity;
    if (k >= 0 && below - HEIGHT_MARGIN >= fs.buildingHeight[fs.wallBuilding[k]]) continue;
    const j = F.count++;
    F.below[j] = below;
    const ix = rx - 2 * h * nx, iy = ry - 2 * h * ny, iz = rz - 2 * h * nz;
    F.face[j] = s;
    F.image[3 * j] = ix;
    F.image[3 * j + 1] = iy;
    F.image[3 * j + 2] = iz;
    F.cones[j] ??= { ix: 0, iy: 0, u0x: 0, u0y: 0, u1x: 0, u1y: 0, m0: 0, m1: 0 };
    F.isWall[j] = wallCone(fs, s, ix, iy, F.cones[j]) ? 1 : 0;
  }
  return F;
}

/** Every DR path for receiver R, by surface then edge; `view` (the receiver's, when the tracer has one) rules out hidden walls. */
export function findDR(fs: FlatScene, tree: ImageTree, se: SiteEdges, sc: SiteCombined, rx: number, ry: number, rz: number, view: View | null = null): CombinedHit[] {
  const out: CombinedHit[] = [];
  const F = receiverFaces(fs, rx, ry, rz, view);
  const pl = fs.plane;
  const sx = tree.image[0], sy = tree.image[1], sz = tree.image[2];
  const seen = se.seen, chunks = Math.ceil(seen.length / DR_CHUNK), E = sc.drEdge;
  for (let k = 0; k < F.count; k++) {
    const s = F.face[k];
    if (sc.drLast[s] < 0) continue;
    const nx = pl[4 * s], ny = pl[4 * s + 1], nz = pl[4 * s + 2], d = pl[4 * s + 3];
    const ix = F.image[3 * k], iy = F.image[3 * k + 1], iz = F.image[3 * k + 2]; // the UE's image R'
    // Q lies in the plan cone from R' through a wall s (as for RD from the site's image).
    const cone = F.isWall[k] === 1 ? F.cones[k] : null;
    // A wall seen only above `floor`: P, on Q-R' (R' at the UE's height), needs Q above it, which rules out the
    // vertical edges when the site and the UE are both below it, and the other edges whose top is.
    const floor = F.below[k] - HEIGHT_MARGIN, high = floor > iz;
    const vertical = !high || Math.max(sz, iz) > floor;
    if (cone && outsideBox(cone, sc.drBox, s)) continue;
    for (let c = sc.drFirst[s], row = s * chunks, last = sc.drLast[s]; c <= last; c++) {
      // Runs of DR_GROUP chunks whose box lies outside the cone are stepped over whole.
      if (cone && (c === sc.drFirst[s] || c % DR_GROUP === 0) && outsideBox(cone, sc.drGroupBox, Math.floor(c / DR_GROUP))) {
        c = Math.min(last, (Math.floor(c / DR_GROUP) + 1) * DR_GROUP - 1);
        continue;
      }
      const vert = sc.drVertical[c];
      let mask = sc.drMask[row + c];
      if (high) {
        if (!vertical) mask &= ~vert;
        if (!(sc.drChunkTop[c] > floor)) mask &= vert;
      }
      if (mask === 0 || (cone && outsideBox(cone, sc.drChunkBox, c))) continue;
      // The chunk's qualifying edges, lowest bit first (ascending edge order).
      for (; mask !== 0; mask &= mask - 1) {
        const b = 31 - Math.clz32(mask & -mask), j = DR_CHUNK * c + b;
        if (high && ((vert >> b) & 1) === 0 && !(E[5 * j + 4] > floor)) continue;
        if (cone && outsideCone(cone, E[5 * j], E[5 * j + 1], E[5 * j + 2], E[5 * j + 3])) continue;
        const e = seen[j];
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
  }
  return out;
}
