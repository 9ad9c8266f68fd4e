import { distanceToPolygonBoundary, pointInPolygon } from '../map/geometry.ts';
import type { CityMap } from '../map/types.ts';

// The radio map's grid: square cells over the map rectangle, one receiver at each cell centre at a fixed
// height. Cell (i, j) has its centre at ((i + 0.5) cell, (j + 0.5) cell); the last column and row may reach
// past the map's edge, and a cell whose centre lies off the map is empty. Cells whose centre lies inside a
// building footprint, or on its outline (a receiver in a wall), are empty too: the map shows the open area.

export interface RadioGrid {
  /** Cell edge, m. */
  cell: number;
  /** Columns (x) and rows (y). */
  nx: number;
  ny: number;
  /** Receiver height above ground, m. */
  height: number;
}

export function makeGrid(map: CityMap, cell: number, height: number): RadioGrid {
  return { cell, nx: Math.ceil(map.width / cell - 1e-9), ny: Math.ceil(map.height / cell - 1e-9), height };
}

/** Centre of cell index k = j * nx + i. */
export function cellCentre(g: RadioGrid, k: number): [number, number] {
  return [((k % g.nx) + 0.5) * g.cell, (Math.floor(k / g.nx) + 0.5) * g.cell];
}

/** The open cells (indices j * nx + i, ascending) and their receiver points (x, y, z triples). */
export function openCells(map: CityMap, g: RadioGrid): { cells: Int32Array; xyz: Float64Array } {
  const boxes = map.buildings.map((b) => {
    const xs = b.footprint.map((p) => p[0]), ys = b.footprint.map((p) => p[1]);
    return { fp: b.footprint, x0: Math.min(...xs), x1: Math.max(...xs), y0: Math.min(...ys), y1: Math.max(...ys) };
  });
  const cells: number[] = [];
  for (let k = 0; k < g.nx * g.ny; k++) {
    const [x, y] = cellCentre(g, k);
    if (x > map.width || y > map.height) continue;
    const blocked = boxes.some((b) => x >= b.x0 && x <= b.x1 && y >= b.y0 && y <= b.y1 && (pointInPolygon([x, y], b.fp) || distanceToPolygonBoundary([x, y], b.fp) <= 1e-6));
    if (!blocked) cells.push(k);
  }
  const xyz = new Float64Array(3 * cells.length);
  cells.forEach((k, n) => {
    const [x, y] = cellCentre(g, k);
    xyz[3 * n] = x;
    xyz[3 * n + 1] = y;
    xyz[3 * n + 2] = g.height;
  });
  return { cells: Int32Array.from(cells), xyz };
}
