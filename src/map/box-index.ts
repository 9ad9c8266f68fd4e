import { type Box, boxesMeet } from './geometry.ts';

// A uniform grid over bounding boxes, so that map checks cost what is near each item instead of all pairs:
// "which footprints overlap", "which footprints might a centre line enter". Cells are about the mean box size,
// so a box sits in a few cells and a query visits a few; building and querying n boxes is O(n) in the
// average, O(n log n) with the sorting of the pairs. Results are in index order, whatever the grid.

export class BoxIndex {
  private readonly cells = new Map<number, number[]>();
  private readonly x0: number;
  private readonly y0: number;
  private readonly cell: number;
  private readonly cols: number;
  private readonly rows: number;
  /** someAlongSegment's marks: box i was tested in the walk numbered seen[i]. */
  private readonly seen: Uint32Array;
  private stamp = 0;

  constructor(readonly boxes: Box[]) {
    let [x0, y0, x1, y1, sum] = [Infinity, Infinity, -Infinity, -Infinity, 0];
    for (const b of boxes) {
      [x0, y0, x1, y1] = [Math.min(x0, b[0]), Math.min(y0, b[1]), Math.max(x1, b[2]), Math.max(y1, b[3])];
      sum += Math.max(b[2] - b[0], b[3] - b[1]);
    }
    this.x0 = boxes.length ? x0 : 0;
    this.y0 = boxes.length ? y0 : 0;
    // The mean box size, and no more than ~4n cells over the whole extent.
    const [w, h] = boxes.length ? [x1 - x0, y1 - y0] : [1, 1];
    const extent = Math.max(w, h, 1e-3);
    this.cell = Math.max(sum / Math.max(boxes.length, 1), extent / Math.ceil(2 * Math.sqrt(boxes.length + 1)), 1e-3);
    this.cols = Math.floor(w / this.cell) + 2;
    this.rows = Math.floor(h / this.cell) + 2;
    boxes.forEach((b, i) => this.visit(b, 0, (list) => list.push(i), true));
    this.seen = new Uint32Array(boxes.length);
  }

  /** Indices of the boxes that meet `box` (within `margin`), ascending. */
  query(box: Box, margin = 0): number[] {
    const found = new Set<number>();
    this.visit(box, margin, (list) => {
      for (const i of list) if (boxesMeet(box, this.boxes[i], margin)) found.add(i);
    });
    return [...found].sort((a, b) => a - b);
  }

  /** Every pair i < j of boxes that meet (within `margin`), in order of i then j. */
  pairs(margin = 0): [number, number][] {
    const out: [number, number][] = [];
    this.boxes.forEach((b, i) => {
      for (const j of this.query(b, margin)) if (j > i) out.push([i, j]);
    });
    return out;
  }

  /**
   * Does `test(i)` hold for some box i whose cells the segment ab passes through? Each box is tested at most once,
   * in no particular order; the walk stops at the first true. Costs what lies along the segment, not the map.
   */
  someAlongSegment(ax: number, ay: number, bx: number, by: number, test: (i: number) => boolean): boolean {
    const stamp = ++this.stamp;
    // Sub-segments no longer than half a cell: their boxes cover every cell the segment passes through.
    const steps = Math.max(1, Math.ceil((2 * Math.hypot(bx - ax, by - ay)) / this.cell));
    let hit = false;
    for (let k = 0; k < steps && !hit; k++) {
      const [x0, y0] = [ax + ((bx - ax) * k) / steps, ay + ((by - ay) * k) / steps];
      const [x1, y1] = [ax + ((bx - ax) * (k + 1)) / steps, ay + ((by - ay) * (k + 1)) / steps];
      this.visit([Math.min(x0, x1), Math.min(y0, y1), Math.max(x0, x1), Math.max(y0, y1)], 0, (list) => {
        for (const i of list) {
          if (hit) return;
          if (this.seen[i] === stamp) continue;
          this.seen[i] = stamp;
          if (test(i)) hit = true;
        }
      });
    }
    return hit;
  }

  private visit(b: Box, margin: number, f: (list: number[]) => void, create = false): void {
    const col = (x: number) => Math.min(this.cols - 1, Math.max(0, Math.floor((x - this.x0) / this.cell)));
    const row = (y: number) => Math.min(this.rows - 1, Math.max(0, Math.floor((y - this.y0) / this.cell)));
    for (let r = row(b[1] - margin); r <= row(b[3] + margin); r++)
      for (let c = col(b[0] - margin); c <= col(b[2] + margin); c++) {
        const key = r * this.cols + c;
        let list = this.cells.get(key);
        if (!list) {
          if (!create) continue;
          this.cells.set(key, (list = []));
        }
        f(list);
      }
  }
}
