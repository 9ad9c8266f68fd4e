import fs from 'node:fs';
import path from 'node:path';
import { type Data, type FixedSizeList, Float32, makeData, Table, tableToIPC } from 'apache-arrow';
import type { Scenario } from '../scenario/load.ts';
import { ArrowBatchFile, type ColumnValues, writeArrowFile } from '../util/arrow.ts';
import { withAtomicFile } from '../util/atomic.ts';
import { SIMGEN_VERSION, stageKey } from '../util/meta.ts';
import { Progress } from '../util/progress.ts';
import { unseenNote } from '../scenario/constellations.ts';
import { type Constellation, chooseUnseen, drawConstellations, UNSEEN_RULE } from './constellations.ts';
import { featureLayout, fillFeatures, SENTINEL_MARGIN_DB, sentinelFor } from './features.ts';
import { linkSourceOf, LinksReader, readSplits } from './inputs.ts';
import { type Leakage, splitLeakage } from './leakage.ts';
import { RunningStats } from './normalisation.ts';
import { type SplitRecord, splitKeyPart, splitSamples } from './splits.ts';
import { FeatureSpill } from './spill.ts';
import { type DatasetMeta, datasetSchema } from './schema.ts';

export interface ExportOptions {
  /** Number of known constellations (default: the scenario's constellations.count). */
  constellations?: number;
  /** Also write dataset.parquet. */
  parquet?: boolean;
  quiet?: boolean;
}

export interface ExportResult {
  path: string;
  parquetPath?: string;
  rows: number;
  inputKey: string;
  meta: DatasetMeta;
  /** Per constellation (same order as meta.constellations): share of samples hearing k = 0..size of its sites. */
  heardShares: number[][];
  /** Heard links whose received power is below the not-heard sentinel (0 expected). */
  heardBelowSentinel: number;
  /** The split's rule and counts (in meta.split too, unless it is tracks). */
  split: SplitRecord;
  /** How far the test samples lie from the training samples. */
  leakage: Leakage;
}

/** The input_key runExport writes for these upstream keys (links.arrow, trajectories.arrow), without running it. */
export function exportInputKey(scenario: Scenario, linksKey: string, trajectoriesKey: string, opts: Pick<ExportOptions, 'constellations'> = {}): string {
  // The section as written, with #1 resolved (it may default to the first sites).
  const settings = { ...scenario.constellations.asWritten, first: scenario.constellations.first, count: opts.constellations ?? scenario.constellations.count };
  return stageKey('export', scenario.seed, settings, UNSEEN_RULE, SENTINEL_MARGIN_DB, linksKey, trajectoriesKey, ...splitKeyPart(scenario.dataset.split));
}

const PARQUET_FILE = 'dataset.parquet';

/**
 * Samples per chunk: the links are read, and dataset.arrow written, this many samples at a time (one record
 * batch per constellation and chunk). A constant, so the file's bytes and the normalisation's sums (added in
 * chunk order) do not depend on how links.arrow happens to be batched.
 */
export const EXPORT_CHUNK_SAMPLES = 8192;

/**
 * The constellations, features and splits of `<outDir>/links.arrow` + `trajectories.arrow` -> `<outDir>/dataset.arrow`.
 * Streams: links.arrow is read once for the per-sample columns and the heard mask (the unseen constellation's
 * choice needs all of them), once more to compute the features (spill.ts); memory holds O(samples) and one
 * chunk, never the links or the dataset.
 */
export async function runExport(scenario: Scenario, outDir: string, opts: ExportOptions = {}): Promise<ExportResult> {
  const settings = { ...scenario.constellations, count: opts.constellations ?? scenario.constellations.count };
  const known = drawConstellations(scenario.sites.map((s) => s.id), settings, scenario.seed);
  const skipped = unseenNote(scenario.sites.length, settings);
  const input = linkSourceOf(scenario);
  const reader = await LinksReader.open(path.join(outDir, input.file), scenario, input.source);
  let spill: FeatureSpill | undefined;
  try {
    const sentinel = sentinelFor(reader.ueTxPowerDbm, reader.pathLossCutoffDb);
    const links = await reader.scan(sentinel.rx_power_dbm);
    const splits = await readSplits(path.join(outDir, 'trajectories.arrow'), scenario);
    const S = links.samples;

    const { isTest, record: splitRecord } = splitSamples(scenario.dataset.split, links, splits.isTest, scenario.seed);
    const split = Array.from(isTest, (t) => (t ? 'test' : 'train'));

    const unseen = skipped ? undefined : chooseUnseen(known, settings.size, { siteIds: links.sites.map((s) => s.id), x: links.x, y: links.y, heard: links.heard }, scenario.seed);
    const constellations: Constellation[] = unseen ? [...known, unseen.constellation] : known;

    // One pass computes every constellation's features, chunk by chunk: the normalisation statistics
    // (training split, known constellations; the schema carries them, before any batch) and the heard counts
    // are summed, the rows parked on disk until the file is written constellation by constellation.
    const layout = featureLayout(settings.size);
    const width = layout.length;
    const featureStats = new RunningStats(width);
    const labelStats = new RunningStats(2);
    const features = new Float32Array(EXPORT_CHUNK_SAMPLES * width);
    const heardCount = new Int32Array(EXPORT_CHUNK_SAMPLES);
    const counts = constellations.map(() => new Array<number>(settings.size + 1).fill(0));
    spill = new FeatureSpill(path.join(outDir, 'dataset.features'), constellations.length, width);
    for await (const chunk of reader.chunks(links, EXPORT_CHUNK_SAMPLES)) {
      const n = chunk.samples;
      for (const [i, c] of constellations.entries()) {
        fillFeatures(chunk, c.sites, sentinel, features, heardCount);
        for (let s = 0; s < n; s++) counts[i][heardCount[s]]++;
        if (!c.unseen)
          for (let s = 0; s < n; s++) {
            if (isTest[chunk.first + s]) continue;
            featureStats.add(features, s * width);
            labelStats.add([chunk.x[s], chunk.y[s]]);
          }
        spill.append(i, features.subarray(0, n * width), heardCount.subarray(0, n));
      }
    }

    const inputKey = exportInputKey(scenario, links.inputKey, splits.inputKey, opts);
    const meta: DatasetMeta = {
      simgenVersion: SIMGEN_VERSION,
      scenario: scenario.name,
      scenarioHash: scenario.hash,
      seed: scenario.seed,
      inputKey,
      linksInputKey: links.inputKey,
      trajectoriesInputKey: splits.inputKey,
      constellations,
      featureLayout: layout,
      sentinel,
      normalisation: { features: featureStats.result(), labels: { names: ['x', 'y'], ...labelStats.result() }, rows: featureStats.count },
      unseenSelection: unseen
        ? {
            rule: `among ${unseen.candidates} seeded candidates, most distinct ${UNSEEN_RULE.cellM} m cells holding a sample heard by >= ${UNSEEN_RULE.minHeard} of its sites`,
            candidates: unseen.candidates,
            cell_m: UNSEEN_RULE.cellM,
            min_heard: UNSEEN_RULE.minHeard,
            covered_cells: unseen.coveredCells,
            covered_samples: unseen.coveredSamples,
          }
        : { skipped: skipped! },
      sites: links.sites,
      // A tracks dataset records no split: its bytes stay those of the datasets made before the choice existed.
      ...(splitRecord.name === 'tracks' ? {} : { split: splitRecord }),
      ...(scenario.map.origin ? { originLonLat: [scenario.map.origin.lon, scenario.map.origin.lat] as [number, number] } : {}),
    };

    const target = path.join(outDir, 'dataset.arrow');
    // A dataset.parquet of an earlier run would sit beside a dataset.arrow it does not match: it goes first,
    // before the new dataset.arrow is in place (and is written again after it with --parquet).
    fs.rmSync(path.join(outDir, PARQUET_FILE), { force: true });
    const schema = datasetSchema(meta);
    const featureType = schema.fields[4].type as FixedSizeList<Float32>;
    const progress = new Progress('export', constellations.length, opts.quiet, { unit: 'constellations' });
    let rows: number;
    try {
      rows = await writeArrowFile(target, schema, async (writer) => {
        for (const [i, c] of constellations.entries()) {
          let first = 0;
          for (const n of spill!.chunks(i, features, heardCount)) {
            // The writer copies the batch out before write() returns, so the columns can be views.
            const featureData: Data = makeData({ type: featureType, length: n, nullCount: 0, child: makeData({ type: new Float32(), length: n * width, nullCount: 0, data: features.subarray(0, n * width) }) });
            writer.write({
              constellation: new Int32Array(n).fill(c.id),
              trajectory_id: links.trajectoryId.subarray(first, first + n),
              sample: links.sample.subarray(first, first + n),
              split: split.slice(first, first + n),
              features: featureData as unknown as ColumnValues,
              x: links.x.subarray(first, first + n),
              y: links.y.subarray(first, first + n),
              heard_count: heardCount.subarray(0, n),
            });
            first += n;
          }
          progress.update(i + 1);
        }
      });
    } finally {
      progress.done();
    }

    const heardShares = counts.map((cs) => cs.map((k) => k / Math.max(1, S)));
    let parquetPath: string | undefined;
    if (opts.parquet) {
      parquetPath = path.join(outDir, PARQUET_FILE);
      await writeParquet(target, parquetPath);
    }
    return { path: target, parquetPath, rows, inputKey, meta, heardShares, heardBelowSentinel: links.heardBelowFloor, split: splitRecord, leakage: splitLeakage(links, isTest) };
  } finally {
    spill?.remove();
    await reader.close();
  }
}

/**
 * dataset.arrow -> Parquet (zstd), batch by batch through parquet-wasm's streaming writer (one row group per
 * record batch); the schema metadata is kept (parquet-wasm stores the Arrow schema). Written atomically.
 */
async function writeParquet(arrowFile: string, target: string): Promise<void> {
  const pq = await import('parquet-wasm');
  const src = await ArrowBatchFile.open(arrowFile, 'dataset.arrow');
  try {
    let next = 0;
    const batches = new ReadableStream({
      async pull(ctrl) {
        if (next >= src.numBatches) return ctrl.close();
        const b = await src.batch(next++);
        ctrl.enqueue(pq.Table.fromIPCStream(tableToIPC(new Table([b]), 'stream')).recordBatch(0));
      },
    });
    const props = new pq.WriterPropertiesBuilder().setCompression(pq.Compression.ZSTD).build();
    const bytes = await pq.transformParquetStream(batches, props);
    await withAtomicFile(target, async (append) => {
      for await (const chunk of bytes as unknown as AsyncIterable<Uint8Array>) append(chunk);
    });
  } finally {
    await src.close();
  }
}
