import { readArrowFile } from '../util/arrow.ts';
import { UserError } from '../util/errors.ts';
import type { RadioGrid } from './grid.ts';
import type { RadioMapValues } from './trace.ts';

// Reads radiomap.arrow back into the values runRadiomap wrote (for the viewer's ground overlay and for checks).

export interface RadioMapFile {
  values: RadioMapValues;
  metadata: Map<string, string>;
}

export function readRadioMap(file: string): RadioMapFile {
  const t = readArrowFile(file, 'radio map', 'simgen radiomap');
  const md = t.schema.metadata;
  const col = (name: string) => {
    const c = t.getChild(name);
    if (!c) throw new UserError(`radio map ${file}: column "${name}" missing (write it again with "simgen radiomap")`);
    return c;
  };
  const g = JSON.parse(md.get('grid') ?? 'null') as { cell_m: number; nx: number; ny: number; height_m: number } | null;
  const sites = JSON.parse(md.get('sites') ?? 'null') as { id: number }[] | null;
  if (!g || !sites) throw new UserError(`radio map ${file}: metadata "grid" or "sites" missing (write it again with "simgen radiomap")`);
  const grid: RadioGrid = { cell: g.cell_m, nx: g.nx, ny: g.ny, height: g.height_m };
  const ns = sites.length;
  const ix = col('ix').toArray() as Int32Array, iy = col('iy').toArray() as Int32Array;
  const n = t.numRows / ns;
  const cells = Int32Array.from({ length: n }, (_, k) => iy[k * ns] * grid.nx + ix[k * ns]);
  const float = (name: string) => {
    const c = col(name);
    return Float64Array.from({ length: t.numRows }, (_, r) => c.get(r) ?? NaN);
  };
  const bool = (name: string) => {
    const c = col(name);
    return Uint8Array.from({ length: t.numRows }, (_, r) => (c.get(r) ? 1 : 0));
  };
  return {
    values: {
      grid, cells, siteIds: sites.map((s) => s.id),
      pathGainDb: float('path_gain_db'), rxPowerDbm: float('rx_power_dbm'), heard: bool('heard'), los: bool('los'),
      numPaths: Int32Array.from(col('num_paths').toArray() as Int32Array),
    },
    metadata: md,
  };
}
