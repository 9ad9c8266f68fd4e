import { RadixSorter } from '../../util/radix-sort.ts';
import { beginWalk, gather, gridCol, gridRow, walkSteps } from './building-grid.ts';
import type { FlatScene } from './flat-scene.ts';
import { surfaceReach } from './range.ts';
import type { ScatterTiles } from './tiles.ts';

// Which scattering tiles a point (a receiver) sees, for every tile at once. simgen's scenes are extruded
// footprints with flat roofs on flat ground, so visibility is a 2D question plus a height check: the segment
// from U (height uz) to a point Q (height z) is blocked by building B (height H) exactly when its 2D
// projection crosses B's footprint at a fraction t of the way where the segment is below the roof,
// uz + t (z - uz) < H; over all crossings, Q is visible iff z >= max_t (uz + (H - uz) / t).
// 1. The 2D visibility polygon of U among the footprints of the buildings taller than U (and the map
//    boundary), from rays cast just left and right of every footprint corner U may see (buildPolygon leaves out
//    those behind a nearer wall): around U the nearest wall in any direction, one polygon edge per stretch of wall.
// 2. Ground tiles: the cells whose centres lie inside that polygon, row by row (scanline). A building
//    taller than U hides all the ground behind it; lower buildings get the exact per-tile test.
// 3. Wall tiles, column by column: a column whose foot U sees in 2D is visible from the ground up; a
//    hidden one is visible above uz + (H1 - uz) / t1 (t1, H1: the first wall the polygon puts in the way),
//    which usually is above the wall; otherwise every building is tested exactly for that column.
// 4. Roof tiles only face U when U is above the roof: exact per-tile test.
// Everything is exact up to the 1e-9 rad rays beside the corners. One View per thread (not re-entrant).

const EPS_ANGLE = 1e-9;
/** seeWall skips a wall whose hiddenBelow bound is this far above its top row's centre (m). */
const HIDDEN_MARGIN = 1e-6;
/**
 * hiddenBelow's margins: the span widened by this much pseudo-angle (~1e-6 rad; buildPolygon widens a hidden corner's
 * or cell's span by as much), and no verdict within this distance of a wall (m).
 */
const ANGLE_SLACK = 1e-6;
const NEAR_WALL_M = 1e-3;
const T_EDGE = 1e-9;
/** nearerWall's slab test widens each building's box by this much (m). */
const BOX_SLACK = 1e-6;
/** buildPolygon's rings of corners, outer radii in grid cells (then the rest of the map; see there). */
const RINGS = [4, 12, 36];
/** hiddenBelow counts aligned runs of this many polygon samples wholly within a span by their own bound. */
const BLOCK = 32;

/** Monotonic stand-in for the angle of (dx, dy) in [0, 4) (the "diamond angle"): cheaper than atan2, same order. */
export function pseudoAngle(dx: number, dy: number): number {
  if (dy >= 0) return dx >= 0 ? dy / (dx + dy) : 1 - dx / (-dx + dy);
  return dx < 0 ? 2 - dy / (-dx - dy) : 3 + dx / (dx - dy);
}

/**
 * Where the line (ux, uy) + t (dx, dy) crosses wall k within the wall's length: t, or NaN (parallel, or the
 * crossing lies beyond the wall's ends).
 */
function wallCrossing(fs: FlatScene, k: number, ux: number, uy: number, dx: number, dy: number): number {
  const ax = fs.wallSeg[4 * k], ay = fs.wallSeg[4 * k + 1], ex = fs.wallSeg[4 * k + 2] - ax, ey = fs.wallSeg[4 * k + 3] - ay;
  const den = dx * ey - dy * ex;
  if (den === 0) return NaN;
  const wx = ax - ux, wy = ay - uy;
  const s = (wx * dy - wy * dx) / den;
  return s >= 0 && s <= 1 ? (wx * ey - wy * ex) / den : NaN;
}

/**
 * Lowest height of point (qx, qy) visible from (ux, uy, uz) over the buildings (only those not taller than uz when
 * `lowOnly`): max over footprint crossings at fraction t in (0, 1) of uz + (H - uz) / t, or -Infinity.
 */
export function minVisibleHeight(fs: FlatScene, ux: number, uy: number, uz: number, qx: number, qy: number, lowOnly = false): number {
  let zmin = -Infinity;
  const g = fs.grid;
  if (!g) {
    for (let b = 0; b < fs.buildingHeight.length; b++) if (!lowOnly || !(fs.buildingHeight[b] > uz)) zmin = Math.max(zmin, crossingHeight(fs, b, ux, uy, uz, qx, qy));
    return zmin;
  }
  beginWalk(g);
  const steps = walkSteps(g, Math.hypot(qx - ux, qy - uy));
  for (let k = 0; k < steps; k++) {
    const n = gather(g, ux + ((qx - ux) * k) / steps, uy + ((qy - uy) * k) / steps, ux + ((qx - ux) * (k + 1)) / steps, uy + ((qy - uy) * (k + 1)) / steps);
    for (let i = 0; i < n; i++) {
      const b = g.found[i];
      if (!lowOnly || !(fs.buildingHeight[b] > uz)) zmin = Math.max(zmin, crossingHeight(fs, b, ux, uy, uz, qx, qy));
    }
  }
  return zmin;
}

/** minVisibleHeight's term for building b (its 2D box first). */
function crossingHeight(fs: FlatScene, b: number, ux: number, uy: number, uz: number, qx: number, qy: number): number {
  const bb = 4 * b;
  if (Math.max(ux, qx) < fs.buildingBox[bb] || Math.min(ux, qx) > fs.buildingBox[bb + 2] || Math.max(uy, qy) < fs.buildingBox[bb + 1] || Math.min(uy, qy) > fs.buildingBox[bb + 3]) return -Infinity;
  let zmin = -Infinity;
  const H = fs.buildingHeight[b], dx = qx - ux, dy = qy - uy;
  for (let k = fs.buildingWalls[b]; k < fs.buildingWalls[b + 1]; k++) {
    const t = wallCrossing(fs, k, ux, uy, dx, dy);
    if (!(t > T_EDGE && t < 1 - T_EDGE)) continue;
    const z = uz + (H - uz) / t;
    if (z > zmin) zmin = z;
  }
  return zmin;
}

/** Per-thread scratch of one point's view: the visibility polygon and the scanline buffers. */
export class View {
  private readonly fs: FlatScene;
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
  /** Per corner: its offset from U. */
  private readonly cdx: Float64Array;
  private readonly cdy: Float64Array;
  private readonly cornerD2: Float64Array;
  private readonly shortcut: boolean;
  /**
   * buildPolygon's samples of the corners within a ring's inner radius: pseudo-angles and sample numbers, then both in
   * angular order, with each stretch's closing wall (nearWall) and its run of stretches on that wall (nearRun).
   */
  private readonly nearKey: Float64Array;
  private readonly nearM: Int32Array;
  private readonly nearIdx: Int32Array;
  private readonly nearWall: Int32Array;
  private readonly nearRun: Int32Array;
  private order: Int32Array;
  /** buildPolygon's corners: those cast so far (ringCorners), and each grid cell's (cellCorner[cellStart[c] ..< cellStart[c + 1]]). */
  private readonly ringCorners: Int32Array;
  /** Per ring: the corners waiting for it (ringList[q][0 ..< pending[q]]). */
  private readonly ringList: Int32Array[];
  private readonly pending: Int32Array;
  private readonly cellStart: Int32Array;
  private readonly cellCorner: Int32Array;
  private readonly sorter = new RadixSorter();
  /** Some building is not taller than the point (it then needs the exact per-tile height test). */
  private hasLow = false;
  private rowCount: Int32Array;
  private rowStart: Int32Array;
  private xs: Float64Array;
  private readonly rowH: Float64Array;
  /** Visible tiles of the last `see`. */
  visible: Int32Array;
  count = 0;

  /**
   * `blocks: false` makes hiddenBelow look at every polygon sample, `shortcut: false` the polygon cast a ray beside
   * every corner (the references their shortcuts are tested against).
   */
  constructor(fs: FlatScene, tiles: ScatterTiles, { blocks = true, shortcut = true } = {}) {
    this.fs = fs;
    this.tiles = tiles;
    this.blocks = blocks;
    this.shortcut = shortcut;
    const corners = fs.wallSeg.length / 4 + 4;
    this.cdx = new Float64Array(corners);
    this.cdy = new Float64Array(corners);
    this.cornerD2 = new Float64Array(corners);
    this.nearKey = new Float64Array(2 * corners);
    this.nearM = new Int32Array(2 * corners);
    this.nearIdx = new Int32Array(2 * corners);
    this.nearWall = new Int32Array(2 * corners);
    this.nearRun = new Int32Array(2 * corners);
    this.order = new Int32Array(2 * corners);
    this.ringCorners = new Int32Array(corners);
    this.ringList = Array.from({ length: RINGS.length + 1 }, () => new Int32Array(64));
    this.pending = new Int32Array(RINGS.length + 1);
    // Each wall's start corner, listed under the grid cell it lies in (ascending).
    const g = fs.grid, K = corners - 4;
    this.cellStart = new Int32Array(g ? g.cols * g.rows + 1 : 1);
    this.cellCorner = new Int32Array(g ? K : 0);
    if (g) {
      const cellOfCorner = (k: number) => gridRow(g, fs.wallSeg[4 * k + 1]) * g.cols + gridCol(g, fs.wallSeg[4 * k]);
      for (let k = 0; k < K; k++) this.cellStart[cellOfCorner(k) + 1]++;
      for (let c = 0; c < g.cols * g.rows; c++) this.cellStart[c + 1] += this.cellStart[c];
      const next = this.cellStart.slice(0, -1);
      for (let k = 0; k < K; k++) this.cellCorner[next[cellOfCorner(k)]++] = k;
    }
    this.pa = new Float64Array(2 * corners);
    this.hx = new Float64Array(2 * corners);
    this.hy = new Float64Array(2 * corners);
    this.hseg = new Int32Array(2 * corners);
    this.hitStamp = new Int32Array(corners);
    this.belowStamp = new Int32Array(corners).fill(-1);
    this.below = new Float64Array(corners);
    this.lowest = new Float64Array(2 * corners);
    this.rise = new Float64Array(2 * corners);
    this.hitDistance = new Float64Array(2 * corners);
    this.blockLowest = new Float64Array(Math.ceil((2 * corners) / BLOCK));
    this.blockRise = new Float64Array(Math.ceil((2 * corners) / BLOCK));
    this.rowCount = new Int32Array(tiles.ground.ny);
    this.rowStart = new Int32Array(tiles.ground.ny + 1);
    this.xs = new Float64Array(64);
    this.visible = new Int32Array(Math.max(16, tiles.count));
    // A wall's row height, per surface: one load from a small array, not from the tiles' (a cache miss per wall).
    this.rowH = new Float64Array(tiles.surfaceStart.length - 1);
    for (let s = 0; s < this.rowH.length; s++) if (tiles.surfaceStart[s + 1] > tiles.surfaceStart[s]) this.rowH[s] = 2 * tiles.halfV[3 * tiles.surfaceStart[s] + 2];
  }

  /**
   * Fills `visible` / `count` with the tiles point (ux, uy, uz) sees, in a fixed order (surfaces by id). Walls and
   * roofs farther than `reach` (max_range_m's culling, range.ts) are left out; the ground is always looked at.
   */
  see(ux: number, uy: number, uz: number, reach = Infinity): void {
    this.outline(ux, uy, uz);
    this.count = 0;
    const fs = this.fs;
    this.hasLow = false;
    for (let b = 0; b < fs.buildingHeight.length && !this.hasLow; b++) this.hasLow = !(fs.buildingHeight[b] > uz);
    const T = this.tiles;
    for (let s = 0; s < T.surfaceStart.length - 1; s++) {
      if (T.surfaceStart[s + 1] === T.surfaceStart[s]) continue;
      const k = fs.surfaceWall[s];
      if (reach < Infinity && fs.surfaceBuilding[s] >= 0 && surfaceReach(fs, s, ux, uy) > reach) continue;
      if (k >= 0) this.seeWall(s, k);
      else if (fs.surfaceBuilding[s] >= 0) this.seeRoof(s, fs.surfaceBuilding[s]);
      else this.seeGround();
    }
  }

  /** The 2D visibility polygon of point U (kept while U stays the same point). */
  outline(ux: number, uy: number, uz: number): void {
    if (this.n > 0 && ux === this.ux && uy === this.uy && uz === this.uz) return;
    this.ux = ux;
    this.uy = uy;
    this.uz = uz;
    this.buildPolygon();
    this.polygonStamp++;
  }

  /**
   * A height below which no point of wall k is visible from the outline's point U, in 3D (the diffuse step's walls,
   * DR's faces: combined.ts's receiverFaces). In a direction where the polygon's nearest wall is another one, at
   * plan distance d, of a building of height H' > U's, a segment from U to a point of wall k at plan distance D and
   * height z crosses that wall at the fraction t = d / D <= 1 of the way, at height uz + t (z - uz), which is below
   * H' unless z >= uz + (H' - uz) D / d. D is at least Dk, wall k's least plan distance from U; d is at most the
   * farthest point of the polygon's stretch of wall in that direction (a segment's farthest point is an end: the
   * two samples bounding the stretch when they hit the same wall, else the two walls' ends). So per stretch
   * z >= uz + (H' - uz) max(1, Dk / d_max), and the least of these over the wall's angular span bounds every
   * visible point from below; the wall is hidden when that reaches its own building's height. Far behind a row of
   * buildings Dk / d_max is large: on a 5,000-building district this hides ~95 % of the walls in front of a
   * receiver that H' alone (the bound with t = 1) left. -Infinity when the wall itself, the map boundary or a wall
   * within NEAR_WALL_M is the nearest somewhere in the span, or in doubt. Exact up to the rays beside the corners
   * (ANGLE_SLACK) in which wall is nearest; the distances are bounds. Kept per wall while U stays the same point:
   * the diffuse step (seeWall) asks first, DR's faces again.
   */
  hiddenBelow(k: number): number {
    if (this.belowStamp[k] !== this.polygonStamp) {
      this.belowStamp[k] = this.polygonStamp;
      this.below[k] = this.lowestSeen(k);
    }
    return this.below[k];
  }

  private readonly belowStamp: Int32Array;
  private readonly below: Float64Array;

  private lowestSeen(k: number): number {
    const fs = this.fs, H = fs.buildingHeight[fs.wallBuilding[k]], uz = this.uz;
    if (!(H > uz)) return -Infinity;
    const ax = fs.wallSeg[4 * k] - this.ux, ay = fs.wallSeg[4 * k + 1] - this.uy, bx = fs.wallSeg[4 * k + 2] - this.ux, by = fs.wallSeg[4 * k + 3] - this.uy;
    if (Math.min(Math.hypot(ax, ay), Math.hypot(bx, by)) < NEAR_WALL_M) return -Infinity;
    const dk = segmentDistance(ax, ay, bx, by);
    // The wall's angular span from U: the shorter arc between its ends (U stands in front of it), widened.
    let lo = pseudoAngle(ax, ay), hi = pseudoAngle(bx, by);
    if ((hi - lo + 4) % 4 > 2) [lo, hi] = [hi, lo];
    lo = (lo - ANGLE_SLACK + 4) % 4;
    const span = (hi - lo + 4) % 4 + ANGLE_SLACK;
    if (this.indexStamp !== this.polygonStamp) this.indexPolygon();
    // Sample by sample when wall k is among the polygon's walls (a sample on it means no bound).
    const n = this.n, byOne = !this.blocks || this.hitStamp[k] === this.polygonStamp;
    let z = Infinity;
    for (let i = this.sampleAt(lo), steps = 0; steps < n; ) {
      // A block wholly within the span counts with its own bound, from its least height and least rise: below each
      // of its samples' bounds (the same monotone arithmetic on smaller terms), so still a bound.
      if (!byOne && i % BLOCK === 0 && i + BLOCK < n && mod4(this.pa[i + BLOCK - 1] - lo + 4) <= span) {
        const b = i / BLOCK;
        if (!(this.blockLowest[b] > uz)) return -Infinity;
        z = Math.min(z, uz + Math.max(this.blockLowest[b] - uz, dk * this.blockRise[b]));
        i += BLOCK;
        steps += BLOCK;
      } else {
        if (this.hseg[i] === k || !(this.lowest[i] > uz)) return -Infinity;
        z = Math.min(z, uz + Math.max(this.lowest[i] - uz, dk * this.rise[i]));
        i = i + 1 === n ? 0 : i + 1;
        steps++;
      }
      if (mod4(this.pa[i] - lo + 4) > span) return z; // the next sample lies beyond the span
    }
    return -Infinity;
  }

  private polygonStamp = 0;

  /**
   * hiddenBelow's index of the polygon: per sample, the height of the building its wall belongs to (-Infinity for the
   * map boundary or a hit within NEAR_WALL_M of U: no wall behind such a sample is hidden) and its stretch's rise
   * (H' - uz) / d_max up to the next sample (0 when that one is on the boundary or near), the least of each per
   * aligned block of BLOCK samples, and which walls the polygon hits at all (hitStamp[w] === polygonStamp).
   */
  private readonly blocks: boolean;
  private indexStamp = 0;
  private readonly hitStamp: Int32Array;
  private readonly lowest: Float64Array;
  private readonly rise: Float64Array;
  /** Plan distance from U to each sample's hit. */
  private readonly hitDistance: Float64Array;
  private readonly blockLowest: Float64Array;
  private readonly blockRise: Float64Array;

  private indexPolygon(): void {
    const fs = this.fs, n = this.n, uz = this.uz, d = this.hitDistance;
    for (let i = 0; i < n; i++) {
      const w = this.hseg[i];
      if (w >= 0) this.hitStamp[w] = this.polygonStamp;
      d[i] = Math.hypot(this.hx[i] - this.ux, this.hy[i] - this.uy);
      this.lowest[i] = w < 0 || d[i] < NEAR_WALL_M ? -Infinity : fs.buildingHeight[fs.wallBuilding[w]];
    }
    for (let i = 0; i < n; i++) {
      const w = this.hseg[i], i2 = i + 1 === n ? 0 : i + 1, w2 = this.hseg[i2];
      if (this.lowest[i] === -Infinity) this.rise[i] = -Infinity;
      else if (w2 === w) this.rise[i] = (this.lowest[i] - uz) / Math.max(d[i], d[i2]);
      else if (this.lowest[i2] === -Infinity) this.rise[i] = 0;
      else this.rise[i] = (Math.min(this.lowest[i], this.lowest[i2]) - uz) / Math.max(this.farEnd(w), this.farEnd(w2));
    }
    for (let b = 0; b * BLOCK < n; b++) {
      let m = Infinity, r = Infinity;
      for (let i = b * BLOCK; i < Math.min(n, (b + 1) * BLOCK); i++) {
        m = Math.min(m, this.lowest[i]);
        r = Math.min(r, this.rise[i]);
      }
      this.blockLowest[b] = m;
      this.blockRise[b] = r;
    }
    this.indexStamp = this.polygonStamp;
  }

  /** Plan distance from U to wall w's farther end. */
  private farEnd(w: number): number {
    const g = this.fs.wallSeg;
    return Math.max(Math.hypot(g[4 * w] - this.ux, g[4 * w + 1] - this.uy), Math.hypot(g[4 * w + 2] - this.ux, g[4 * w + 3] - this.uy));
  }

  /** sampleAt(a), looked for within a few samples of sample i first (a wall's columns follow each other in angle). */
  private sampleNear(a: number, i: number): number {
    const pa = this.pa, n = this.n;
    if (i >= 0)
      for (let step = 0; step < 4; step++) {
        if (pa[i] <= a) {
          if (i + 1 === n || pa[i + 1] > a) return i;
          i++;
        } else {
          if (i === 0) return n - 1;
          i--;
        }
      }
    return this.sampleAt(a);
  }

  /** Index of the last sample at or before pseudo-angle a (cyclic). */
  private sampleAt(a: number): number {
    return lastAtOrBefore(this.pa, this.n, a);
  }

  /**
   * Rays just beside every corner of the taller buildings and of the map that U may see; nearest hits sorted by
   * angle. On a map with a grid most corners lie behind the walls around U, so the corners are taken in rings of
   * growing radius (RINGS grid cells, then the rest), each ring's against the samples of every nearer corner. When
   * two consecutive such samples hit one wall w, both nearer than the ring's inner radius, no building stands in
   * front of w between them: it would reach into the triangle U-hit-hit, so within that radius, and either have a
   * corner there that U sees (whose samples would lie between the two) or cross one of the two rays. So a corner of
   * the ring within such a stretch (or a run of them on one wall), by its pseudo-angle with a margin of ANGLE_SLACK,
   * lies behind w and gets no samples; so does a whole grid cell of corners beyond the radius (cellHidden). Its
   * samples would be points of the polygon's edge along w, between two samples on w: leaving them out changes
   * nothing the polygon answers (the wall in each direction; hiddenBelow's bound can only get lower, so it is still
   * a bound). Nor does it weaken the next ring's stretches: a corner U sees is never left out. The rays cast are
   * walked as with every ray cast: test/raytrace-large-map.test.ts checks the samples against casting every ray (the
   * same numbers, less some on the wall of both their neighbours). So a receiver pays for the corners near it and
   * those it sees, not for the map. Exact up to the rays beside the corners, as the rest of this view.
   */
  private buildPolygon(): void {
    const fs = this.fs, g = fs.grid;
    const { ux, uy, uz } = this;
    const K = fs.wallSeg.length / 4;
    this.skipped = 0;
    // Corner k < K is wall k's start; K to K + 3 the map's corners. Sample 2k + side belongs to corner k (the final
    // sort's tie-break: the order of k).
    for (let c = 0; c < 4; c++) this.corner(K + c, c === 1 || c === 2 ? fs.mapWidth : 0, c >= 2 ? fs.mapDepth : 0);
    if (!g || !this.shortcut) {
      let n = 0;
      for (let k = 0; k < K; k++) if (fs.buildingHeight[fs.wallBuilding[k]] > uz) this.corner((this.ringCorners[n++] = k), fs.wallSeg[4 * k], fs.wallSeg[4 * k + 1]);
      for (let c = 0; c < 4; c++) this.ringCorners[n++] = K + c;
      for (let j = 0; j < n; j++) this.sample(this.ringCorners[j], 0);
      this.gatherSamples(n);
      return;
    }
    // Stage r takes the cells that first fall within ring r's square (side 2 radii[r] around U; the last stage: the
    // rest of the map). Past the first, a cell wholly inside one run of stretches closed by one wall (within the
    // previous radius, nearer than the cell) gets no samples; the others' corners wait for their ring by distance.
    // Then ring r's corners are sampled, against the samples of every nearer corner.
    const radii = RINGS.map((c) => c * g.cell), last = radii.length;
    const box = (r: number) => r < last ? [gridCol(g, ux - radii[r]), gridCol(g, ux + radii[r]), gridRow(g, uy - radii[r]), gridRow(g, uy + radii[r])] : [0, g.cols - 1, 0, g.rows - 1];
    const ringOf = (d2: number) => {
      let q = 0;
      while (q < last && !(d2 < radii[q] * radii[q])) q++;
      return q;
    };
    for (let q = 0; q <= last; q++) this.pending[q] = 0;
    for (let c = 0; c < 4; c++) this.wait(ringOf(this.cornerD2[K + c]), K + c);
    let nn = 0, sampled = 0, inside = [0, -1, 0, -1];
    for (let stage = 0; stage <= last; stage++) {
      const [c0, c1, r0, r1] = box(stage);
      for (let r = r0; r <= r1; r++)
        for (let c = c0; c <= c1; c++) {
          if (r >= inside[2] && r <= inside[3] && c >= inside[0] && c <= inside[1]) {
            c = inside[1];
            continue;
          }
          const a = this.cellStart[r * g.cols + c], e = this.cellStart[r * g.cols + c + 1];
          if (a === e) continue;
          if (stage > 0 && this.cellHidden(g.x0 + c * g.cell - ux, g.y0 + r * g.cell - uy, g.cell, nn)) {
            this.skipped += e - a;
            continue;
          }
          for (let i = a; i < e; i++) {
            const k = this.cellCorner[i];
            if (!(fs.buildingHeight[fs.wallBuilding[k]] > uz)) continue;
            this.corner(k, fs.wallSeg[4 * k], fs.wallSeg[4 * k + 1]);
            this.wait(ringOf(this.cornerD2[k]), k);
          }
        }
      inside = [c0, c1, r0, r1];
      const list = this.ringList[stage];
      for (let j = 0; j < this.pending[stage]; j++) if (this.sample(list[j], nn)) this.ringCorners[sampled++] = list[j];
      if (stage < last) nn = this.nearTable(sampled, radii[stage]);
    }
    this.ringCorners.subarray(0, sampled).sort();
    this.gatherSamples(sampled);
  }

  /** Corner k waits for ring q. */
  private wait(q: number, k: number): void {
    if (this.ringList[q].length <= this.pending[q]) {
      const grown = new Int32Array(Math.max(64, 2 * this.ringList[q].length));
      grown.set(this.ringList[q]);
      this.ringList[q] = grown;
    }
    this.ringList[q][this.pending[q]++] = k;
  }

  /**
   * Does the cell at (x0, y0) to (x0 + size, y0 + size) relative to U lie, in angle, inside one run of the nn near
   * stretches closed by one wall? Its angular extent is that of its four corners (U lies outside it), widened by
   * ANGLE_SLACK; one that crosses angle 0 (or holds a key there) is never judged hidden, nor any without two near samples.
   */
  private cellHidden(x0: number, y0: number, size: number, nn: number): boolean {
    const x1 = x0 + size, y1 = y0 + size;
    const p00 = pseudoAngle(x0, y0), p10 = pseudoAngle(x1, y0), p01 = pseudoAngle(x0, y1), p11 = pseudoAngle(x1, y1);
    return this.runHidden(Math.min(p00, p10, p01, p11) - ANGLE_SLACK, Math.max(p00, p10, p01, p11) + ANGLE_SLACK, nn);
  }

  /** Do pseudo-angles lo to hi fall inside one run of the nn near stretches closed by one wall (not across angle 0)? */
  private runHidden(lo: number, hi: number, nn: number): boolean {
    if (nn < 2 || !(hi - lo < 1 && (lo >= this.nearKey[0] || hi < this.nearKey[0]))) return false;
    const j = lastAtOrBefore(this.nearKey, nn, lo);
    return this.nearWall[j] >= 0 && this.nearRun[j] === this.nearRun[lastAtOrBefore(this.nearKey, nn, hi)];
  }

  /**
   * Corner k's two samples, cast; none (false) when its pseudo-angle lies inside a run of the nn near stretches closed
   * by one wall: it is behind that wall.
   */
  private sample(k: number, nn: number): boolean {
    if (nn >= 2) {
      const p = pseudoAngle(this.cdx[k], this.cdy[k]);
      if (this.runHidden(p - ANGLE_SLACK, p + ANGLE_SLACK, nn)) {
        this.skipped++;
        return false;
      }
    }
    const a = Math.atan2(this.cdy[k], this.cdx[k]);
    for (let side = 0; side < 2; side++) {
      const m = 2 * k + side;
      this.ray(a, m);
      this.castRay(this.rdx, this.rdy, m);
    }
    return true;
  }

  /**
   * The samples of the first n corners cast (ringCorners) within `outer`, by angle, for the next ring: nearKey, and
   * per stretch from one to the next its wall when both hits lie on it within `outer`, else -1 (nearWall), and its run
   * (nearRun: consecutive stretches closed by one wall share the first one's number). Returns how many.
   */
  private nearTable(n: number, outer: number): number {
    const out2 = outer * outer;
    let nn = 0;
    for (let j = 0; j < n; j++) {
      const k = this.ringCorners[j];
      if (this.cornerD2[k] < out2)
        for (let side = 0; side < 2; side++) {
          this.nearKey[nn] = this.pa[2 * k + side];
          this.nearM[nn++] = 2 * k + side;
        }
    }
    this.sorter.sort(this.nearKey, nn, this.order);
    for (let j = 0; j < nn; j++) this.nearIdx[j] = this.nearM[this.order[j]];
    const near = outer * (1 - 1e-6), { ux, uy } = this;
    for (let j = 0; j < nn; j++) {
      const m = this.nearIdx[j], m2 = this.nearIdx[j + 1 === nn ? 0 : j + 1], w = this.hseg[m];
      this.nearKey[j] = this.pa[m];
      this.nearWall[j] = w >= 0 && this.hseg[m2] === w && Math.hypot(this.hx[m] - ux, this.hy[m] - uy) < near && Math.hypot(this.hx[m2] - ux, this.hy[m2] - uy) < near ? w : -1;
      this.nearRun[j] = j > 0 && this.nearWall[j] >= 0 && this.nearWall[j] === this.nearWall[j - 1] ? this.nearRun[j - 1] : j;
    }
    return nn;
  }

  /**
   * The samples of the n corners cast (ringCorners, ascending), moved to the front in corner order (in place: corner k's
   * samples never move up), then sorted by pseudo-angle (ties in that order).
   */
  private gatherSamples(n: number): void {
    let m = 0;
    for (let j = 0; j < n; j++) {
      const k = this.ringCorners[j];
      for (let side = 0; side < 2; side++, m++) {
        this.pa[m] = this.pa[2 * k + side];
        this.hx[m] = this.hx[2 * k + side];
        this.hy[m] = this.hy[2 * k + side];
        this.hseg[m] = this.hseg[2 * k + side];
      }
    }
    const o = this.order;
    this.sorter.sort(this.pa, m, o);
    permute(this.pa, o, m);
    permute(this.hx, o, m);
    permute(this.hy, o, m);
    permute(this.hseg, o, m);
    this.n = m;
  }

  /** The polygon's samples in angular order, copied (for the tests: the rings against casting every ray), and how many corners got no samples. */
  samples(): { angle: Float64Array; x: Float64Array; y: Float64Array; wall: Int32Array; skipped: number } {
    const n = this.n;
    return { angle: this.pa.slice(0, n), x: this.hx.slice(0, n), y: this.hy.slice(0, n), wall: this.hseg.slice(0, n), skipped: this.skipped };
  }

  private skipped = 0;

  /** Corner i at (x, y): its offset and squared plan distance from U. */
  private corner(i: number, x: number, y: number): void {
    this.cdx[i] = x - this.ux;
    this.cdy[i] = y - this.uy;
    this.cornerD2[i] = (x - this.ux) ** 2 + (y - this.uy) ** 2;
  }

  /** Sample m's ray, beside the corner at angle a (m even: -EPS_ANGLE, odd: +EPS_ANGLE): its direction into rdx, rdy, its pseudo-angle into pa[m]. */
  private rdx = 0;
  private rdy = 0;
  private ray(a: number, m: number): void {
    const b = a + (m % 2 === 0 ? -EPS_ANGLE : EPS_ANGLE);
    this.rdx = Math.cos(b);
    this.rdy = Math.sin(b);
    this.pa[m] = pseudoAngle(this.rdx, this.rdy);
  }

  /** Where the ray from U along (dx, dy) leaves the map's rectangle [0, W] x [0, D] (U is inside it). */
  private boundaryT(dx: number, dy: number): number {
    const fs = this.fs, { ux, uy } = this;
    const tx = dx > 0 ? (fs.mapWidth - ux) / dx : dx < 0 ? -ux / dx : Infinity;
    const ty = dy > 0 ? (fs.mapDepth - uy) / dy : dy < 0 ? -uy / dy : Infinity;
    return Math.min(tx, ty);
  }

  /** Nearest hit of the ray from U along (dx, dy) with a taller building's wall or the map boundary, into sample m. */
  private castRay(dx: number, dy: number, m: number): void {
    const fs = this.fs;
    const { ux, uy, uz } = this;
    const tb = this.boundaryT(dx, dy);
    this.best = Infinity;
    this.bestSeg = -1;
    this.idx = 1 / dx;
    this.idy = 1 / dy;
    const g = fs.grid;
    if (!g || !(tb > 0)) for (let b = 0; b < fs.buildingHeight.length; b++) this.nearerWall(b, dx, dy);
    else {
      // Part by part from U; once the nearest wall lies within the part walked, no farther building can beat it.
      beginWalk(g);
      const steps = walkSteps(g, tb);
      for (let k = 0; k < steps && !(this.best < (tb * k) / steps - 1e-6); k++) {
        const n = gather(g, ux + (dx * tb * k) / steps, uy + (dy * tb * k) / steps, ux + (dx * tb * (k + 1)) / steps, uy + (dy * tb * (k + 1)) / steps);
        for (let i = 0; i < n; i++) this.nearerWall(g.found[i], dx, dy);
      }
    }
    let best = this.best, bestSeg = this.bestSeg;
    if (tb < best) {
      best = tb;
      bestSeg = -1;
    }
    this.hx[m] = ux + best * dx;
    this.hy[m] = uy + best * dy;
    this.hseg[m] = bestSeg;
  }

  /** castRay's nearest wall so far: building b's walls, if taller than U (ties to the lower wall index, as in index order). */
  private best = Infinity;
  private bestSeg = -1;
  private idx = 0;
  private idy = 0;
  private nearerWall(b: number, dx: number, dy: number): void {
    const fs = this.fs;
    if (!(fs.buildingHeight[b] > this.uz)) return;
    // The ray's stretch (0, best] against the building's box widened by BOX_SLACK (slab test): a wall it crosses
    // lies in the box, so a miss rules out every wall of b (a crossing a rounding error outside it is still kept).
    const box = fs.buildingBox, o = 4 * b;
    let a0 = (box[o] - BOX_SLACK - this.ux) * this.idx, a1 = (box[o + 2] + BOX_SLACK - this.ux) * this.idx;
    let b0 = (box[o + 1] - BOX_SLACK - this.uy) * this.idy, b1 = (box[o + 3] + BOX_SLACK - this.uy) * this.idy;
    if (a0 > a1) [a0, a1] = [a1, a0];
    if (b0 > b1) [b0, b1] = [b1, b0];
    if (Math.max(a0, b0, 0) > Math.min(a1, b1, this.best * (1 + 1e-9) + BOX_SLACK)) return;
    for (let k = fs.buildingWalls[b]; k < fs.buildingWalls[b + 1]; k++) {
      const t = wallCrossing(fs, k, this.ux, this.uy, dx, dy);
      if (t > 0 && (t < this.best || (t === this.best && k < this.bestSeg))) {
        this.best = t;
        this.bestSeg = k;
      }
    }
  }

  /**
   * Fraction t of the way from U to (qx, qy) at which the polygon's wall in that direction is met (>= 1: the
   * point is seen in 2D), and the building of that wall in `firstBuilding`.
   */
  private firstBuilding = -1;
  /** The sample firstHit looked at: where the next column's search starts (`near`, -1 for none). */
  private firstSample = -1;
  private firstHit(qx: number, qy: number, ownSeg: number, near: number): number {
    const dx = qx - this.ux, dy = qy - this.uy;
    const lo = this.sampleNear(pseudoAngle(dx, dy), near);
    this.firstSample = lo;
    const k = this.hseg[lo];
    if (k < 0 || k === ownSeg) return Infinity;
    const fs = this.fs;
    const ax = fs.wallSeg[4 * k], ay = fs.wallSeg[4 * k + 1], ex = fs.wallSeg[4 * k + 2] - ax, ey = fs.wallSeg[4 * k + 3] - ay;
    const den = dx * ey - dy * ex;
    if (den === 0) return Infinity;
    const t = ((ax - this.ux) * ey - (ay - this.uy) * ex) / den;
    this.firstBuilding = fs.wallBuilding[k];
    return t;
  }

  private seeWall(surface: number, k: number): void {
    const fs = this.fs, T = this.tiles;
    const { ux, uy, uz } = this;
    const ax = fs.wallSeg[4 * k], ay = fs.wallSeg[4 * k + 1], bx = fs.wallSeg[4 * k + 2], by = fs.wallSeg[4 * k + 3];
    // Outward normal of a counter-clockwise footprint edge points right of it: U must be on that side.
    if ((by - ay) * (ux - ax) - (bx - ax) * (uy - ay) <= 0) return;
    const nc = T.wallColumns[surface], nr = T.wallRows[surface];
    const rowH = this.rowH[surface], top = (nr - 0.5) * rowH; // centre of the top row
    // No column shows a row when the whole wall is hidden up to there (each column's exact height below is at least
    // the wall's bound; the margin is far above their roundings and the rows' 1e-9).
    if (this.hiddenBelow(k) - HIDDEN_MARGIN > top) return;
    const start = T.surfaceStart[surface];
    let near = -1;
    for (let c = 0; c < nc; c++) {
      const f = (c + 0.5) / nc;
      const qx = ax + f * (bx - ax), qy = ay + f * (by - ay);
      let zmin = -Infinity;
      const t = this.firstHit(qx, qy, k, near);
      near = this.firstSample;
      if (t < 1 - T_EDGE) {
        zmin = uz + (fs.buildingHeight[this.firstBuilding] - uz) / t;
        if (zmin > top) continue;
        zmin = Math.max(zmin, minVisibleHeight(fs, ux, uy, uz, qx, qy));
      } else if (this.hasLow) zmin = minVisibleHeight(fs, ux, uy, uz, qx, qy, true);
      const r0 = Math.max(0, Math.ceil(zmin / rowH - 0.5 - 1e-9));
      for (let r = r0; r < nr; r++) this.visible[this.count++] = start + c * nr + r;
    }
  }

  private seeRoof(surface: number, b: number): void {
    const fs = this.fs, T = this.tiles;
    if (!(this.uz > fs.buildingHeight[b])) return; // a roof faces up
    for (let i = T.surfaceStart[surface]; i < T.surfaceStart[surface + 1]; i++)
      if (minVisibleHeight(this.fs, this.ux, this.uy, this.uz, T.center[3 * i], T.center[3 * i + 1]) <= fs.buildingHeight[b]) this.visible[this.count++] = i;
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
    for (let j = 0; j < g.ny; j++) {
      const a = rowStart[j], e = a + rowCount[j];
      sortRange(this.xs, a, e);
      for (let p = a; p + 1 < e; p += 2) {
        const i0 = Math.max(0, Math.ceil(this.xs[p] / g.dx - 0.5)), i1 = Math.min(g.nx - 1, Math.ceil(this.xs[p + 1] / g.dx - 0.5) - 1);
        for (let i = i0; i <= i1; i++) {
          const tile = g.cell[j * g.nx + i];
          if (tile < 0) continue;
          if (this.hasLow && minVisibleHeight(this.fs, this.ux, this.uy, this.uz, (i + 0.5) * g.dx, (j + 0.5) * g.dy, true) > 0) continue;
          this.visible[this.count++] = tile;
        }
      }
    }
  }
}

/** x % 4 for x in [0, 8], without the fmod: x - 4 is exact there (Sterbenz), and 8 gives 0 as x % 4 does. */
function mod4(x: number): number {
  return x < 4 ? x : x - 4 < 4 ? x - 4 : 0;
}

/** Plan distance from the origin to the segment from (ax, ay) to (bx, by). */
function segmentDistance(ax: number, ay: number, bx: number, by: number): number {
  const ex = bx - ax, ey = by - ay, l2 = ex * ex + ey * ey;
  const f = l2 > 0 ? Math.min(1, Math.max(0, -(ax * ex + ay * ey) / l2)) : 0;
  return Math.hypot(ax + f * ex, ay + f * ey);
}

/** Index of the last of keys[0 ..< n) (ascending) at or before a; n - 1 when a precedes them all (cyclic). */
function lastAtOrBefore(keys: Float64Array, n: number, a: number): number {
  if (a < keys[0]) return n - 1;
  let lo = 0, hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (keys[mid] <= a) lo = mid;
    else hi = mid - 1;
  }
  return lo;
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
