import type { Scene } from '../scene/types.ts';
import type { ScatterTiles } from './tiles.ts';

// Which scattering tiles a point (a receiver) sees, for every tile at once. simgen's scenes are extruded
// footprints with flat roofs on flat ground, so visibility is a 2D question plus a height check: the segment
// from U (height uz) to a point Q (height z) is blocked by building B (height H) exactly when its 2D
// projection crosses B's footprint at a fraction t of the way where the segment is below the roof,
// uz + t (z - uz) < H; over all crossings, Q is visible iff z >= max_t (uz + (H - uz) / t).
// 1. The 2D visibility polygon of U among the footprints of the buildings taller than U (and the map
//    boundary), from rays cast just left and right of every footprint corner: around U the nearest wall
//    in any direction, one polygon edge per stretch of wall.
// 2. Ground tiles: the cells whose centres lie inside that polygon, row by row (scanline). A building
//    taller than U hides all the ground behind it; lower buildings get the exact per-tile test.
// 3. Wall tiles, column by column: a column whose foot U sees in 2D is visible from the ground up; a
//    hidden one is visible above uz + (H1 - uz) / t1 (t1, H1: the first wall the polygon puts in the way),
//    which usually is above the wall; otherwise every building is tested exactly for that column.
// 4. Roof tiles only face U when U is above the roof: exact per-tile test.
// Everything is exact up to the 1e-9 rad rays beside the corners. One View per thread (not re-entrant).

const EPS_ANGLE = 1e-9;
const T_EDGE = 1e-9;

/** Building footprints as flat 2D segments (the walls), with heights and bounding boxes. */
export interface Footprints {
  buildings: number;
  height: Float64Array;
  /** Walls of building b: segments [segStart[b], segStart[b + 1]). Segment k: ax, ay, bx, by at 4k. */
  segStart: Int32Array;
  seg: Float64Array;
  segBuilding: Int32Array;
  /** Per building: min x, min y, max x, max y. */
  bbox: Float64Array;
  /** Wall surface id -> its segment (-1 for other surfaces); roof surface id -> building index (-1). */
  surfaceSegment: Int32Array;
  roofBuilding: Int32Array;
  width: number;
  depth: number;
}

export function buildFootprints(scene: Scene): Footprints {
  const bIndex = new Map(scene.map.buildings.map((b, i) => [b.id, i]));
  const nb = scene.map.buildings.length;
  const walls = scene.surfaces.filter((s) => s.kind === 'wall').sort((a, b) => bIndex.get(a.buildingId!)! - bIndex.get(b.buildingId!)! || a.id - b.id);
  const segStart = new Int32Array(nb + 1);
  const seg = new Float64Array(4 * walls.length);
  const segBuilding = new Int32Array(walls.length);
  const surfaceSegment = new Int32Array(scene.surfaces.length).fill(-1);
  const roofBuilding = new Int32Array(scene.surfaces.length).fill(-1);
  walls.forEach((w, k) => {
    const b = bIndex.get(w.buildingId!)!;
    seg.set([w.vertices[0][0], w.vertices[0][1], w.vertices[1][0], w.vertices[1][1]], 4 * k);
    segBuilding[k] = b;
    segStart[b + 1] = k + 1;
    surfaceSegment[w.id] = k;
  });
  for (let b = 1; b <= nb; b++) segStart[b] = Math.max(segStart[b], segStart[b - 1]);
  for (const s of scene.surfaces) if (s.kind === 'roof') roofBuilding[s.id] = bIndex.get(s.buildingId!)!;
  const bbox = new Float64Array(4 * nb);
  const height = new Float64Array(nb);
  scene.map.buildings.forEach((b, i) => {
    height[i] = b.height;
    const xs = b.footprint.map((p) => p[0]), ys = b.footprint.map((p) => p[1]);
    bbox.set([Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)], 4 * i);
  });
  return { buildings: nb, height, segStart, seg, segBuilding, bbox, surfaceSegment, roofBuilding, width: scene.map.width, depth: scene.map.height };
}

/** Monotonic stand-in for the angle of (dx, dy) in [0, 4) (the "diamond angle"): cheaper than atan2, same order. */
export function pseudoAngle(dx: number, dy: number): number {
  if (dy >= 0) return dx >= 0 ? dy / (dx + dy) : 1 - dx / (-dx + dy);
  return dx < 0 ? 2 - dy / (-dx - dy) : 3 + dx / (dx - dy);
}

/**
 * Lowest height of point (qx, qy) visible from (ux, uy, uz) over the buildings in `list` (all when null):
 * max over footprint crossings at fraction t in (0, 1) of uz + (H - uz) / t, or -Infinity.
 */
export function minVisibleHeight(fp: Footprints, ux: number, uy: number, uz: number, qx: number, qy: number, list: Int32Array | null = null): number {
  let zmin = -Infinity;
  const dx = qx - ux, dy = qy - uy;
  const n = list ? list.length : fp.buildings;
  for (let i = 0; i < n; i++) {
    const b = list ? list[i] : i;
    const bb = 4 * b;
    if (Math.max(ux, qx) < fp.bbox[bb] || Math.min(ux, qx) > fp.bbox[bb + 2] || Math.max(uy, qy) < fp.bbox[bb + 1] || Math.min(uy, qy) > fp.bbox[bb + 3]) continue;
    const H = fp.height[b];
    for (let k = fp.segStart[b]; k < fp.segStart[b + 1]; k++) {
      const ax = fp.seg[4 * k], ay = fp.seg[4 * k + 1], ex = fp.seg[4 * k + 2] - ax, ey = fp.seg[4 * k + 3] - ay;
      const den = dx * ey - dy * ex;
      if (den === 0) continue;
      const wx = ax - ux, wy = ay - uy;
      const t = (wx * ey - wy * ex) / den;
      const s = (wx * dy - wy * dx) / den;
      if (t <= T_EDGE || t >= 1 - T_EDGE || s < 0 || s > 1) continue;
      const z = uz + (H - uz) / t;
      if (z > zmin) zmin = z;
    }
  }
  return zmin;
}

/** Per-thread scratch of one point's view: the visibility polygon and the scanline buffers. */
export class View {
  private readonly fp: Footprints;
  private readonly tiles: ScatterTiles;
  private ux = 0;
  private uy = 0;
  private uz = 0;
  /** Polygon samples in angular order: pseudo-angle, hit point, hit segment (-1 for the map boundary). */
  private n = 0;
  private pa: Float64Array;
  private hx: Float64Array;
  private hy: Float64Array;
  private hseg: Int32Array;
  private angles: Float64Array;
  private order: Int32Array;
  private low: Int32Array;
  private lowCount = 0;
  private rowCount: Int32Array;
  private rowStart: Int32Array;
  private xs: Float64Array;
  /** Visible tiles of the last `see`. */
  visible: Int32Array;
  count = 0;

  constructor(fp: Footprints, tiles: ScatterTiles) {
    this.fp = fp;
    this.tiles = tiles;
    const corners = fp.seg.length / 4 + 4;
    this.angles = new Float64Array(corners);
    this.order = new Int32Array(2 * corners);
    this.pa = new Float64Array(2 * corners);
    this.hx = new Float64Array(2 * corners);
    this.hy = new Float64Array(2 * corners);
    this.hseg = new Int32Array(2 * corners);
    this.low = new Int32Array(fp.buildings);
    this.rowCount = new Int32Array(tiles.ground.ny);
    this.rowStart = new Int32Array(tiles.ground.ny + 1);
    this.xs = new Float64Array(64);
    this.visible = new Int32Array(Math.max(16, tiles.count));
  }

  /** Fills `visible` / `count` with the tiles point (ux, uy, uz) sees, in a fixed order (surfaces by id). */
  see(ux: number, uy: number, uz: number): void {
    this.ux = ux;
    this.uy = uy;
    this.uz = uz;
    this.count = 0;
    const fp = this.fp;
    this.lowCount = 0;
    for (let b = 0; b < fp.buildings; b++) if (!(fp.height[b] > uz)) this.low[this.lowCount++] = b;
    this.buildPolygon();
    const T = this.tiles;
    for (let s = 0; s < T.surfaceStart.length - 1; s++) {
      if (T.surfaceStart[s + 1] === T.surfaceStart[s]) continue;
      const k = fp.surfaceSegment[s];
      if (k >= 0) this.seeWall(s, k);
      else if (fp.roofBuilding[s] >= 0) this.seeRoof(s, fp.roofBuilding[s]);
      else this.seeGround();
    }
  }

  /** Rays just beside every corner of the taller buildings and of the map; nearest hits sorted by angle. */
  private buildPolygon(): void {
    const fp = this.fp;
    const { ux, uy, uz } = this;
    let na = 0;
    for (let b = 0; b < fp.buildings; b++) {
      if (!(fp.height[b] > uz)) continue;
      for (let k = fp.segStart[b]; k < fp.segStart[b + 1]; k++) this.angles[na++] = Math.atan2(fp.seg[4 * k + 1] - uy, fp.seg[4 * k] - ux);
    }
    for (const [cx, cy] of [[0, 0], [fp.width, 0], [fp.width, fp.depth], [0, fp.depth]]) this.angles[na++] = Math.atan2(cy - uy, cx - ux);
    let m = 0;
    for (let i = 0; i < na; i++) {
      for (const side of [-EPS_ANGLE, EPS_ANGLE]) {
        const a = this.angles[i] + side;
        const dx = Math.cos(a), dy = Math.sin(a);
        this.castRay(dx, dy, m);
        this.pa[m] = pseudoAngle(dx, dy);
        m++;
      }
    }
    // Sort samples by pseudo-angle (insertion sort over an index: ~130 samples, nearly sorted in pairs).
    const o = this.order;
    for (let i = 0; i < m; i++) o[i] = i;
    for (let i = 1; i < m; i++) {
      const v = o[i], pv = this.pa[v];
      let j = i - 1;
      while (j >= 0 && this.pa[o[j]] > pv) {
        o[j + 1] = o[j];
        j--;
      }
      o[j + 1] = v;
    }
    permute(this.pa, o, m);
    permute(this.hx, o, m);
    permute(this.hy, o, m);
    permute(this.hseg, o, m);
    this.n = m;
  }

  /** Nearest hit of the ray from U along (dx, dy) with a taller building's wall or the map boundary, into sample m. */
  private castRay(dx: number, dy: number, m: number): void {
    const fp = this.fp;
    const { ux, uy, uz } = this;
    let best = Infinity, bestSeg = -1;
    for (let b = 0; b < fp.buildings; b++) {
      if (!(fp.height[b] > uz)) continue;
      for (let k = fp.segStart[b]; k < fp.segStart[b + 1]; k++) {
        const ax = fp.seg[4 * k], ay = fp.seg[4 * k + 1], ex = fp.seg[4 * k + 2] - ax, ey = fp.seg[4 * k + 3] - ay;
        const den = dx * ey - dy * ex;
        if (den === 0) continue;
        const wx = ax - ux, wy = ay - uy;
        const t = (wx * ey - wy * ex) / den;
        const s = (wx * dy - wy * dx) / den;
        if (t > 0 && t < best && s >= 0 && s <= 1) {
          best = t;
          bestSeg = k;
        }
      }
    }
    // The map boundary: leave the rectangle [0, W] x [0, D] (U is inside it).
    const tx = dx > 0 ? (fp.width - ux) / dx : dx < 0 ? -ux / dx : Infinity;
    const ty = dy > 0 ? (fp.depth - uy) / dy : dy < 0 ? -uy / dy : Infinity;
    const tb = Math.min(tx, ty);
    if (tb < best) {
      best = tb;
      bestSeg = -1;
    }
    this.hx[m] = ux + best * dx;
    this.hy[m] = uy + best * dy;
    this.hseg[m] = bestSeg;
  }

  /**
   * Fraction t of the way from U to (qx, qy) at which the polygon's wall in that direction is met (>= 1: the
   * point is seen in 2D), and the building of that wall in `firstBuilding`.
   */
  private firstBuilding = -1;
  private firstHit(qx: number, qy: number, ownSeg: number): number {
    const dx = qx - this.ux, dy = qy - this.uy;
    const a = pseudoAngle(dx, dy);
    // Last sample at or before a (cyclic).
    let lo = 0, hi = this.n - 1;
    if (a < this.pa[0]) lo = this.n - 1;
    else {
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (this.pa[mid] <= a) lo = mid;
        else hi = mid - 1;
      }
    }
    const k = this.hseg[lo];
    if (k < 0 || k === ownSeg) return Infinity;
    const fp = this.fp;
    const ax = fp.seg[4 * k], ay = fp.seg[4 * k + 1], ex = fp.seg[4 * k + 2] - ax, ey = fp.seg[4 * k + 3] - ay;
    const den = dx * ey - dy * ex;
    if (den === 0) return Infinity;
    const t = ((ax - this.ux) * ey - (ay - this.uy) * ex) / den;
    this.firstBuilding = fp.segBuilding[k];
    return t;
  }

  private seeWall(surface: number, k: number): void {
    const fp = this.fp, T = this.tiles;
    const { ux, uy, uz } = this;
    const ax = fp.seg[4 * k], ay = fp.seg[4 * k + 1], bx = fp.seg[4 * k + 2], by = fp.seg[4 * k + 3];
    // Outward normal of a counter-clockwise footprint edge points right of it: U must be on that side.
    if ((by - ay) * (ux - ax) - (bx - ax) * (uy - ay) <= 0) return;
    const nc = T.wallColumns[surface], nr = T.wallRows[surface];
    const start = T.surfaceStart[surface];
    const rowH = 2 * T.halfV[3 * start + 2];
    const top = (nr - 0.5) * rowH; // centre of the top row
    for (let c = 0; c < nc; c++) {
      const f = (c + 0.5) / nc;
      const qx = ax + f * (bx - ax), qy = ay + f * (by - ay);
      let zmin = -Infinity;
      const t = this.firstHit(qx, qy, k);
      if (t < 1 - T_EDGE) {
        zmin = uz + (fp.height[this.firstBuilding] - uz) / t;
        if (zmin > top) continue;
        zmin = Math.max(zmin, minVisibleHeight(fp, ux, uy, uz, qx, qy));
      } else if (this.lowCount > 0) zmin = minVisibleHeight(fp, ux, uy, uz, qx, qy, this.low.subarray(0, this.lowCount));
      const r0 = Math.max(0, Math.ceil(zmin / rowH - 0.5 - 1e-9));
      for (let r = r0; r < nr; r++) this.visible[this.count++] = start + c * nr + r;
    }
  }

  private seeRoof(surface: number, b: number): void {
    const fp = this.fp, T = this.tiles;
    if (!(this.uz > fp.height[b])) return; // a roof faces up
    for (let i = T.surfaceStart[surface]; i < T.surfaceStart[surface + 1]; i++)
      if (minVisibleHeight(this.fp, this.ux, this.uy, this.uz, T.center[3 * i], T.center[3 * i + 1]) <= fp.height[b]) this.visible[this.count++] = i;
  }

  /** Ground cells whose centre lies inside the visibility polygon (even-odd rule along each row of centres). */
  private seeGround(): void {
    const g = this.tiles.ground;
    const n = this.n;
    const rowCount = this.rowCount, rowStart = this.rowStart;
    rowCount.fill(0);
    // Pass 1: count the crossings per row; pass 2: store them.
    for (let pass = 0; pass < 2; pass++) {
      if (pass === 1) {
        rowStart[0] = 0;
        for (let j = 0; j < g.ny; j++) rowStart[j + 1] = rowStart[j] + rowCount[j];
        if (this.xs.length < rowStart[g.ny]) this.xs = new Float64Array(2 * rowStart[g.ny]);
        rowCount.fill(0);
      }
      for (let i = 0; i < n; i++) {
        const i2 = i + 1 === n ? 0 : i + 1;
        const ya = this.hy[i], yb = this.hy[i2];
        if (ya === yb) continue;
        const xa = this.hx[i], xb = this.hx[i2];
        // Rows whose centre y lies in [min, max): half-open, so a vertex on a row is counted once.
        const y0 = Math.min(ya, yb), y1 = Math.max(ya, yb);
        const j0 = Math.max(0, Math.ceil(y0 / g.dy - 0.5)), j1 = Math.min(g.ny - 1, Math.ceil(y1 / g.dy - 0.5) - 1);
        for (let j = j0; j <= j1; j++) {
          if (pass === 1) {
            const y = (j + 0.5) * g.dy;
            this.xs[rowStart[j] + rowCount[j]] = xa + ((y - ya) / (yb - ya)) * (xb - xa);
          }
          rowCount[j]++;
        }
      }
    }
    const lowList = this.lowCount > 0 ? this.low.subarray(0, this.lowCount) : null;
    for (let j = 0; j < g.ny; j++) {
      const a = rowStart[j], e = a + rowCount[j];
      sortRange(this.xs, a, e);
      for (let p = a; p + 1 < e; p += 2) {
        const i0 = Math.max(0, Math.ceil(this.xs[p] / g.dx - 0.5)), i1 = Math.min(g.nx - 1, Math.ceil(this.xs[p + 1] / g.dx - 0.5) - 1);
        for (let i = i0; i <= i1; i++) {
          const tile = g.cell[j * g.nx + i];
          if (tile < 0) continue;
          if (lowList && minVisibleHeight(this.fp, this.ux, this.uy, this.uz, (i + 0.5) * g.dx, (j + 0.5) * g.dy, lowList) > 0) continue;
          this.visible[this.count++] = tile;
        }
      }
    }
  }
}

function permute<T extends Float64Array | Int32Array>(a: T, order: Int32Array, n: number): void {
  const copy = a.slice(0, n);
  for (let i = 0; i < n; i++) a[i] = copy[order[i]];
}

function sortRange(a: Float64Array, lo: number, hi: number): void {
  for (let i = lo + 1; i < hi; i++) {
    const v = a[i];
    let j = i - 1;
    while (j >= lo && a[j] > v) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
}
