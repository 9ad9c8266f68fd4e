import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { tableFromIPC } from 'apache-arrow';
import { readParquet } from 'parquet-wasm';
import { runExport } from '../src/dataset/export.ts';
import { readDataset } from '../src/dataset/read.ts';
import { smokeUpstream } from './fixtures/upstream.ts';

// An independent Arrow/Parquet implementation (polars, Rust) reads what simgen wrote and must see
// the same values: the files are standard, not just readable by apache-arrow JS.
//
// nodejs-polars is native code: npm installs its binary for the platforms it ships one for (an optional
// dependency each) and skips it elsewhere, so `npm ci` works everywhere. The test runs wherever the binary
// loads; it must on linux-x64 (CI), and says why it skipped on any other platform without one.

const platform = `${process.platform}-${process.arch}`;
const REQUIRED = platform === 'linux-x64';
let pl: typeof import('nodejs-polars').default | undefined;
let missing = '';
try {
  pl = (await import('nodejs-polars')).default;
} catch (e) {
  missing = (e as Error).message.split('\n')[0];
}
const skip = !pl && !REQUIRED ? `skipped: no native nodejs-polars for ${platform} (${missing})` : false;

test('polars reads dataset.arrow and dataset.parquet with the values simgen wrote', { skip }, async () => {
  assert.ok(pl, `nodejs-polars must load on ${platform}: ${missing}`);
  const { scenario, outDir } = await smokeUpstream();
  const r = await runExport(scenario, outDir, { parquet: true, quiet: true });
  const ds = readDataset(r.path);

  for (const df of [pl.readIPC(fs.readFileSync(r.path)), pl.readParquet(r.parquetPath!)]) {
    assert.equal(df.height, ds.rows);
    assert.deepEqual(df.columns, ['constellation', 'trajectory_id', 'sample', 'split', 'features', 'x', 'y', 'heard_count']);
    assert.equal(String(df.getColumn('features').dtype), 'DataType(FixedSizeList(DataType(Float32),56))');
    const ints = (name: string) => Int32Array.from(df.getColumn(name).toArray() as number[]);
    assert.deepEqual(ints('constellation'), ds.constellation);
    assert.deepEqual(ints('trajectory_id'), ds.trajectoryId);
    assert.deepEqual(ints('sample'), ds.sample);
    assert.deepEqual(ints('heard_count'), ds.heardCount);
    assert.deepEqual(Uint8Array.from(df.getColumn('split').toArray() as string[], (s) => (s === 'test' ? 1 : 0)), ds.split);
    assert.deepEqual(Float32Array.from(df.getColumn('x').toArray() as number[]), ds.x);
    assert.deepEqual(Float32Array.from(df.getColumn('y').toArray() as number[]), ds.y);
    const flat = df.select(pl.col('features').explode()).getColumn('features').toArray() as number[];
    assert.deepEqual(Float32Array.from(flat), ds.features);
  }
  // Parquet keeps the schema metadata (parquet-wasm stores the Arrow schema in the file).
  const back = tableFromIPC(readParquet(fs.readFileSync(r.parquetPath!)).intoIPCStream());
  assert.equal(back.schema.metadata.get('constellations'), JSON.stringify(ds.meta.constellations));
  assert.equal(back.schema.metadata.get('input_key'), r.inputKey);
  fs.rmSync(outDir, { recursive: true });
});
