import { type Data, DataType, Precision, type Vector } from 'apache-arrow';
import { columnIndex, readArrowFile } from '../util/arrow.ts';
import { UserError } from '../util/errors.ts';
import { type DatasetMeta, metaFromMap } from './schema.ts';

/** dataset.arrow as flat typed arrays (row i's features: features[i * width .. (i + 1) * width)). */
export interface Dataset {
  meta: DatasetMeta;
  rows: number;
  /** Entries per feature vector (meta.featureLayout.length, 56 for 7 sites). */
  width: number;
  constellation: Int32Array;
  trajectoryId: Int32Array;
  sample: Int32Array;
  /** 1 = test, 0 = train. */
  split: Uint8Array;
  /** Raw physical values (dBm, ns, unit vector, m); normalise with meta.normalisation. */
  features: Float32Array;
  /** UE position labels (m). */
  x: Float32Array;
  y: Float32Array;
  heardCount: Int32Array;
}

function vector(v: Vector | null, name: string, file: string): Vector {
  if (!v) throw new UserError(`${file}: column "${name}" is missing (not a simgen dataset.arrow?)`);
  return v;
}

export function readDataset(file: string): Dataset {
  const t = readArrowFile(file, 'dataset.arrow', 'simgen export');
  const meta = metaFromMap(t.schema.metadata, file);
  const rows = t.numRows;
  const width = meta.featureLayout.length;
  columnIndex(t.schema, { constellation: 'int32', trajectory_id: 'int32', sample: 'int32', split: 'utf8', x: 'float64', y: 'float64', heard_count: 'int32' }, file);
  const ft = t.schema.fields.find((f) => f.name === 'features')?.type;
  if (!ft || !DataType.isFixedSizeList(ft) || ft.listSize !== width || !DataType.isFloat(ft.children[0].type) || ft.children[0].type.precision !== Precision.SINGLE)
    throw new UserError(`${file}: column "features" must be a fixed-size list of ${width} float32 (the feature_layout's length), got ${String(ft)} (rerun "simgen export")`);
  const col = (name: string) => vector(t.getChild(name), name, file);
  const int32 = (name: string) => Int32Array.from(col(name).toArray() as ArrayLike<number>);
  const float32 = (name: string) => Float32Array.from(col(name).toArray() as ArrayLike<number>);

  // Features: copy each batch's child Float32 buffer; no per-row list objects.
  const features = new Float32Array(rows * width);
  let o = 0;
  for (const d of col('features').data as Data[]) {
    const child = d.children[0];
    const start = child.offset + d.offset * width;
    features.set((child.values as Float32Array).subarray(start, start + d.length * width), o);
    o += d.length * width;
  }

  const split = new Uint8Array(rows);
  let r = 0;
  for (const v of col('split')) {
    if (v !== 'train' && v !== 'test') throw new UserError(`${file}: row ${r} has split ${JSON.stringify(v)}; allowed "train" | "test"`);
    split[r++] = v === 'test' ? 1 : 0;
  }

  return {
    meta,
    rows,
    width,
    constellation: int32('constellation'),
    trajectoryId: int32('trajectory_id'),
    sample: int32('sample'),
    split,
    features,
    x: float32('x'),
    y: float32('y'),
    heardCount: int32('heard_count'),
  };
}
