// A uniform 2D grid over the buildings' bounding boxes, so that a segment's occlusion test, a ray's nearest wall
// and a point's lowest visible height look at the buildings along the segment instead of the whole map: on a
// city of thousands of buildings a segment costs what it crosses. A walk hands out each building once, sub-segment
// by sub-segment from the start (a ray can stop once its nearest hit lies behind the part walked). The answers do
// not depend on the grid: every building is still tested exactly, and the callers combine buildings with any-of,
// max, or min with a tie-break on the wall index, which do not depend on the order. Maps of fewer than
// GRID_MIN_BUILDINGS buildings keep the plain loop over all of them (no grid), which is as fast there.

export const GRID_MIN_BUILDINGS = 64;
/** Slack added around each sub-segment's box, m: a crossing computed a rounding error outside it is still found. */
const SLACK = 1e-6;

export interface BuildingGrid {
  x0: number;
  y0: number;
  cell: number;
  cols: number;
  rows: number;
  /** Buildings whose box meets cell c: items[start[c] .. start[c + 1]), ascending. */
  start: Int32Array;
  items: Int32Array;
  /** The current walk's number, and per building the walk that last handed it out. */
  stamp: number;
  seen: Uint32Array;
  /** The buildings handed out by the last `gather`. */
  found: Int32Array;
}

/** The grid over `nb` boxes (min x, min y, max x, max y at 4b), or null for a small map. */
export function buildBuildingGrid(box: Float64Array, nb: number): BuildingGrid | null {
  if (nb < GRID_MIN_BUILDINGS) return null;
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity, sum = 0;
  for (let b = 0; b < nb; b++) {
    x0 = Math.min(x0, box[4 * b]);
    y0 = Math.min(y0, box[4 * b + 1]);
    x1 = Math.max(x1, box[4 * b + 2]);
    y1 = Math.max(y1, box[4 * b + 3]);
    sum += Math.max(box[4 * b + 2] - box[4 * b], box[4 * b + 3] - box[4 * b + 1]);
  }
  // Cells about the mean building size, and no more than ~4n of them.
  const cell = Math.max(sum / nb, Math.max(x1 - x0, y1 - y0) / Math.ceil(2 * Math.sqrt(nb)), 1e-3);
  const cols = Math.floor((x1 - x0) / cell) + 1, rows = Math.floor((y1 - y0) / cell) + 1;
  const g: BuildingGrid = { x0, y0, cell, cols, rows, start: new Int32Array(cols * rows + 1), items: new Int32Array(0), stamp: 0, seen: new Uint32Array(nb), found: new Int32Array(nb) };
  const count = g.start;
  for (let pass = 0; pass < 2; pass++) {
    if (pass === 1) {
      for (let c = 0; c < cols * rows; c++) count[c + 1] += count[c];
      g.items = new Int32Array(count[cols * rows]);
    }
    const next = pass === 1 ? count.slice(0, cols * rows) : null;
    for (let b = 0; b < nb; b++) {
      const c0 = gridCol(g, box[4 * b]), c1 = gridCol(g, box[4 * b + 2]), r0 = gridRow(g, box[4 * b + 1]), r1 = gridRow(g, box[4 * b + 3]);
      for (let r = r0; r <= r1; r++)
        for (let c = c0; c <= c1; c++) {
          if (next) g.items[next[r * cols + c]++] = b;
          else count[r * cols + c + 1]++;
        }
    }
  }
  return g;
}

/** The grid column holding x (or row holding y), clamped to the grid. */
export const gridCol = (g: BuildingGrid, x: number) => Math.min(g.cols - 1, Math.max(0, Math.floor((x - g.x0) / g.cell)));
export const gridRow = (g: BuildingGrid, y: number) => Math.min(g.rows - 1, Math.max(0, Math.floor((y - g.y0) / g.cell)));

/** Starts a walk: from now on `gather` hands out each building once. */
export function beginWalk(g: BuildingGrid): void {
  if (++g.stamp === 0xffffffff) {
    g.seen.fill(0);
    g.stamp = 1;
  }
}

/** Sub-segments of a walk along a segment of plan length `len`: each at most half a cell long. */
export function walkSteps(g: BuildingGrid, len: number): number {
  return Math.max(1, Math.ceil((2 * len) / g.cell));
}

/**
 * The buildings of the cells the sub-segment (xa, ya)-(xb, yb) meets, not yet handed out in this walk, into
 * g.found; returns how many. A point of the sub-segment inside a building's box lies in one of those cells.
 */
export function gather(g: BuildingGrid, xa: number, ya: number, xb: number, yb: number): number {
  const c0 = gridCol(g, Math.min(xa, xb) - SLACK), c1 = gridCol(g, Math.max(xa, xb) + SLACK);
  const r0 = gridRow(g, Math.min(ya, yb) - SLACK), r1 = gridRow(g, Math.max(ya, yb) + SLACK);
  const stamp = g.stamp, seen = g.seen, items = g.items, start = g.start, found = g.found;
  let n = 0;
  for (let r = r0; r <= r1; r++)
    for (let c = c0; c <= c1; c++) {
      const k = r * g.cols + c;
      for (let i = start[k]; i < start[k + 1]; i++) {
        const b = items[i];
        if (seen[b] === stamp) continue;
        seen[b] = stamp;
        found[n++] = b;
      }
    }
  return n;
}
