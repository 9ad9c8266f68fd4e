import { pointInPolygon } from './geometry.ts';
import type { Building, CityMap } from './types.ts';

// Which building's footprint holds a point, for many points: a uniform grid over the map lists in each cell
// the buildings whose bounding box meets it, so a look-up tests a handful of footprints, not all of them.

const CELL_M = 25;

export type BuildingAt = (x: number, y: number) => Building | undefined;

/** A look-up of the building whose footprint strictly contains (x, y) (a point on a facade is outside). */
export function buildingLocator(map: CityMap): BuildingAt {
  const cols = Math.max(1, Math.ceil(map.width / CELL_M));
  const rows = Math.max(1, Math.ceil(map.height / CELL_M));
  const cells: Building[][] = Array.from({ length: cols * rows }, () => []);
  const clampCol = (x: number) => Math.min(cols - 1, Math.max(0, Math.floor(x / CELL_M)));
  const clampRow = (y: number) => Math.min(rows - 1, Math.max(0, Math.floor(y / CELL_M)));
  const boxes = new Map<Building, [number, number, number, number]>();
  for (const b of map.buildings) {
    const xs = b.footprint.map((p) => p[0]), ys = b.footprint.map((p) => p[1]);
    const box: [number, number, number, number] = [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
    boxes.set(b, box);
    for (let r = clampRow(box[1]); r <= clampRow(box[3]); r++) for (let c = clampCol(box[0]); c <= clampCol(box[2]); c++) cells[r * cols + c].push(b);
  }
  return (x, y) => {
    if (!(x >= 0 && x <= map.width && y >= 0 && y <= map.height)) return undefined; // footprints lie on the map
    for (const b of cells[clampRow(y) * cols + clampCol(x)]) {
      const [x0, y0, x1, y1] = boxes.get(b)!;
      if (x > x0 && x < x1 && y > y0 && y < y1 && pointInPolygon([x, y], b.footprint)) return b;
    }
    return undefined;
  };
}
