import { BoxIndex } from '../../map/box-index.ts';
import { boxOf, pointInPolygon } from '../../map/geometry.ts';
import type { Scene } from '../../scene/types.ts';

// The surfaces that scatter diffusely (scattering coefficient S > 0), cut into tiles: each tile's centre
// carries the field it scatters (src/radio/scattering.ts), its area weights it. Walls are exact rectangles
// cut into columns x rows; the ground and the roofs are cut by a grid of square cells, a cell being a tile
// when its centre lies on the surface (ground: outside every footprint; roof: inside its footprint), with
// the area of the cell that lies on the surface (4 x 4 sub-points). Tile sizes are the nominal size
// adjusted so the cells divide each wall and the map exactly.

/** Sub-points per side used for the area of partial cells and the near-field averages. */
export const SUB = 4;
/** Tiles per side of a block (the unit of the far-field sums of diffuse.ts). */
export const BLOCK = 4;

export interface ScatterTiles {
  /** Nominal tile edge, m. */
  size: number;
  count: number;
  /** Per tile: centre (3), area, surface id, half-extent vectors in the surface plane (3 + 3). */
  center: Float64Array;
  area: Float64Array;
  surface: Int32Array;
  halfU: Float64Array;
  halfV: Float64Array;
  /** Tiles of surface s: [surfaceStart[s], surfaceStart[s + 1]). */
  surfaceStart: Int32Array;
  /** Per wall surface: columns along the footprint edge and rows from the ground up; tile = start + column * rows + row. */
  wallColumns: Int32Array;
  wallRows: Int32Array;
  /** Ground grid: nx x ny cells of dx x dy over the map; groundCell[j * nx + i] = tile id or -1. */
  ground: { nx: number; ny: number; dx: number; dy: number; cell: Int32Array };
  /**
   * Blocks of BLOCK x BLOCK neighbouring tiles of one surface (wall columns x rows, grid cells): block of
   * each tile; per block the number of tiles, the centre of their bounding box and its diagonal.
   */
  block: Int32Array;
  blocks: number;
  blockTiles: Int32Array;
  blockCenter: Float64Array;
  blockSize: Float64Array;
}

export function buildTiles(scene: Scene, size: number, scatters: (surface: number) => boolean): ScatterTiles {
  const { map } = scene;
  const center: number[] = [], area: number[] = [], surface: number[] = [], halfU: number[] = [], halfV: number[] = [], block: number[] = [];
  const blockOf = new Map<string, number>();
  const S = scene.surfaces.length;
  const surfaceStart = new Int32Array(S + 1);
  const wallColumns = new Int32Array(S);
  const wallRows = new Int32Array(S);
  const nx = Math.max(1, Math.ceil(map.width / size)), ny = Math.max(1, Math.ceil(map.height / size));
  const dx = map.width / nx, dy = map.height / ny;
  const groundCell = new Int32Array(nx * ny).fill(-1);
  const footprints = map.buildings.map((b) => b.footprint);
  const boxes = new BoxIndex(footprints.map(boxOf));
  /** Footprints whose bounding box meets cell (i, j): the only ones that can cover part of it. */
  const near = (i: number, j: number) =>
    boxes.query([i * dx, j * dy, (i + 1) * dx, (j + 1) * dy]).filter((k) => boxes.boxes[k][0] < (i + 1) * dx && boxes.boxes[k][2] > i * dx && boxes.boxes[k][1] < (j + 1) * dy && boxes.boxes[k][3] > j * dy).map((k) => footprints[k]);
  /** Adds a tile; (bi, bj) are its grid or column/row indices on surface s, which place it in a block. */
  const push = (c: number[], a: number, s: number, u: number[], v: number[], bi: number, bj: number) => {
    const key = `${s}:${Math.floor(bi / BLOCK)}:${Math.floor(bj / BLOCK)}`;
    if (!blockOf.has(key)) blockOf.set(key, blockOf.size);
    block.push(blockOf.get(key)!);
    center.push(...c);
    area.push(a);
    surface.push(s);
    halfU.push(...u);
    halfV.push(...v);
  };
  /** Share of the 4 x 4 sub-points of cell (i, j) for which `on` holds. */
  const share = (i: number, j: number, on: (x: number, y: number) => boolean) => {
    let k = 0;
    for (let a = 0; a < SUB; a++) for (let b = 0; b < SUB; b++) if (on((i + (a + 0.5) / SUB) * dx, (j + (b + 0.5) / SUB) * dy)) k++;
    return k / (SUB * SUB);
  };

  for (const s of scene.surfaces) {
    surfaceStart[s.id] = area.length;
    if (!scatters(s.id)) {
      surfaceStart[s.id + 1] = area.length;
      continue;
    }
    if (s.kind === 'wall') {
      const [p0, p1, , p3] = s.vertices;
      const L = Math.hypot(p1[0] - p0[0], p1[1] - p0[1]), H = p3[2];
      const nc = Math.max(1, Math.ceil(L / size)), nr = Math.max(1, Math.ceil(H / size));
      wallColumns[s.id] = nc;
      wallRows[s.id] = nr;
      const u = [(p1[0] - p0[0]) / (2 * nc), (p1[1] - p0[1]) / (2 * nc), 0];
      const v = [0, 0, H / (2 * nr)];
      for (let c = 0; c < nc; c++) {
        const f = (c + 0.5) / nc;
        for (let r = 0; r < nr; r++) push([p0[0] + f * (p1[0] - p0[0]), p0[1] + f * (p1[1] - p0[1]), ((r + 0.5) / nr) * H], (L / nc) * (H / nr), s.id, u, v, c, r);
      }
    } else if (s.kind === 'ground') {
      for (let j = 0; j < ny; j++)
        for (let i = 0; i < nx; i++) {
          const x = (i + 0.5) * dx, y = (j + 0.5) * dy;
          const fps = near(i, j);
          const outside = (px: number, py: number) => !fps.some((fp) => pointInPolygon([px, py], fp));
          if (!outside(x, y)) continue;
          groundCell[j * nx + i] = area.length;
          push([x, y, 0], dx * dy * share(i, j, outside), s.id, [dx / 2, 0, 0], [0, dy / 2, 0], i, j);
        }
    } else {
      const fp = map.buildings.find((b) => b.id === s.buildingId)!.footprint;
      const inside = (x: number, y: number) => pointInPolygon([x, y], fp);
      const z = s.vertices[0][2];
      const xs = fp.map((p) => p[0]), ys = fp.map((p) => p[1]);
      for (let j = Math.floor(Math.min(...ys) / dy); j < Math.min(ny, Math.ceil(Math.max(...ys) / dy)); j++)
        for (let i = Math.floor(Math.min(...xs) / dx); i < Math.min(nx, Math.ceil(Math.max(...xs) / dx)); i++) {
          const x = (i + 0.5) * dx, y = (j + 0.5) * dy;
          if (inside(x, y)) push([x, y, z], dx * dy * share(i, j, inside), s.id, [dx / 2, 0, 0], [0, dy / 2, 0], i, j);
        }
    }
    surfaceStart[s.id + 1] = area.length;
  }
  // Block extents: bounding box of the block's tiles (tile extents included).
  const nb = blockOf.size;
  const lo = new Float64Array(3 * nb).fill(Infinity), hi = new Float64Array(3 * nb).fill(-Infinity);
  const blockTiles = new Int32Array(nb);
  block.forEach((b, t) => {
    blockTiles[b]++;
    for (let k = 0; k < 3; k++) {
      const e = Math.abs(halfU[3 * t + k]) + Math.abs(halfV[3 * t + k]);
      lo[3 * b + k] = Math.min(lo[3 * b + k], center[3 * t + k] - e);
      hi[3 * b + k] = Math.max(hi[3 * b + k], center[3 * t + k] + e);
    }
  });
  const blockCenter = new Float64Array(3 * nb), blockSize = new Float64Array(nb);
  for (let b = 0; b < nb; b++) {
    for (let k = 0; k < 3; k++) blockCenter[3 * b + k] = (lo[3 * b + k] + hi[3 * b + k]) / 2;
    blockSize[b] = Math.hypot(hi[3 * b] - lo[3 * b], hi[3 * b + 1] - lo[3 * b + 1], hi[3 * b + 2] - lo[3 * b + 2]);
  }
  return {
    size,
    count: area.length,
    center: Float64Array.from(center),
    area: Float64Array.from(area),
    surface: Int32Array.from(surface),
    halfU: Float64Array.from(halfU),
    halfV: Float64Array.from(halfV),
    surfaceStart,
    wallColumns,
    wallRows,
    ground: { nx, ny, dx, dy, cell: groundCell },
    block: Int32Array.from(block),
    blocks: nb,
    blockTiles,
    blockCenter,
    blockSize,
  };
}
