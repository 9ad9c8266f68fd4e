import { Bool, Field, Float64, Int32, Schema } from 'apache-arrow';

// radiomap.arrow: one row per (open cell, site), ordered by cell (row j, then column i) and site id. Cells
// inside buildings have no rows. The grid, the sites and the radio settings are in the schema metadata.

const f64 = (name: string, nullable = false) => new Field(name, new Float64(), nullable);
const i32 = (name: string) => new Field(name, new Int32(), false);

export const RADIOMAP_FIELDS = [
  /** Column and row of the cell; its centre is ((ix + 0.5) cell_m, (iy + 0.5) cell_m). */
  i32('ix'), i32('iy'),
  f64('x'), f64('y'),
  i32('site_id'),
  /** Null where the link has no path (num_paths 0). */
  f64('path_gain_db', true), f64('rx_power_dbm', true),
  new Field('heard', new Bool(), false), new Field('los', new Bool(), false),
  i32('num_paths'),
];

export function radiomapSchema(metadata: Map<string, string>): Schema {
  return new Schema(RADIOMAP_FIELDS, metadata);
}
