import fs from 'node:fs';
import path from 'node:path';
import { type Data, FixedSizeList, Float32, makeData, tableFromIPC, tableToIPC } from 'apache-arrow';
import type { Scenario } from '../scenario/load.ts';
import { type ColumnValues, writeArrowFile } from '../util/arrow.ts';
import { writeFileAtomic } from '../util/atomic.ts';
import { UserError } from '../util/errors.ts';
import { SIMGEN_VERSION, stageKey } from '../util/meta.ts';
import { Progress } from '../util/progress.ts';
import { unseenNote } from '../scenario/constellations.ts';
import { type Constellation, chooseUnseen, drawConstellations, UNSEEN_RULE } from './constellations.ts';
import { featureLayout, fillFeatures, SENTINEL_MARGIN_DB, sentinelFor } from './features.ts';
import { readLinks, readSplits } from './inputs.ts';
import { RunningStats } from './normalisation.ts';
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
}

/** The input_key runExport writes for these upstream keys (links.arrow, trajectories.arrow), without running it. */
export function exportInputKey(scenario: Scenario, linksKey: string, trajectoriesKey: string, opts: Pick<ExportOptions, 'constellations'> = {}): string {
  // The section as written, with #1 resolved (it may default to the first sites).
  const settings = { ...scenario.file.constellations, first: scenario.constellations.first, count: opts.constellations ?? scenario.constellations.count };
  return stageKey('export', scenario.seed, settings, UNSEEN_RULE, SENTINEL_MARGIN_DB, linksKey, trajectoriesKey);
}

/** The constellations, features and splits of `<outDir>/links.arrow` + `trajectories.arrow` -> `<outDir>/dataset.arrow`. */
export async function runExport(scenario: Scenario, outDir: string, opts: ExportOptions = {}): Promise<ExportResult> {
  const settings = { ...scenario.constellations, count: opts.constellations ?? scenario.constellations.count };
  const known = drawConstellations(scenario.sites.map((s) => s.id), settings, scenario.seed);
  const skipped = unseenNote(scenario.sites.length, settings);
  const links = readLinks(path.join(outDir, 'links.arrow'), scenario);
  const splits = readSplits(path.join(outDir, 'trajectories.arrow'), scenario);
  const S = links.samples;

  // Splits follow the trajectories (never the samples): one flag per trajectory, copied to its samples.
  const split: string[] = new Array(S);
  const isTest = new Uint8Array(S);
  for (let s = 0; s < S; s++) {
    const t = splits.isTest.get(links.trajectoryId[s]);
    if (t === undefined) throw new UserError(`links.arrow has trajectory ${links.trajectoryId[s]}, which trajectories.arrow does not: rerun "simgen raytrace"`);
    isTest[s] = t ? 1 : 0;
    split[s] = t ? 'test' : 'train';
  }

  const unseen = skipped ? undefined : chooseUnseen(known, settings.size, { siteIds: links.sites.map((s) => s.id), x: links.x, y: links.y, heard: links.heard }, scenario.seed);
  const constellations: Constellation[] = unseen ? [...known, unseen.constellation] : known;
  const sentinel = sentinelFor(links.ueTxPowerDbm, links.pathLossCutoffDb);
  let heardBelowSentinel = 0;
  for (let l = 0; l < links.heard.length; l++) if (links.heard[l] && links.rxPowerDbm[l] < sentinel.rx_power_dbm) heardBelowSentinel++;

  // All features first: the normalisation statistics go in the schema, which precedes the batches.
  const layout = featureLayout(settings.size);
  const width = layout.length;
  const featureStats = new RunningStats(width);
  const labelStats = new RunningStats(2);
  const perConstellation = constellations.map((c) => {
    const features = new Float32Array(S * width);
    const heardCount = new Int32Array(S);
    fillFeatures(links, c.sites, sentinel, features, heardCount);
    if (!c.unseen)
      for (let s = 0; s < S; s++) {
        if (isTest[s]) continue;
        featureStats.add(features, s * width);
        labelStats.add([links.x[s], links.y[s]]);
      }
    return { features, heardCount };
  });

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
    ...(scenario.map.origin ? { originLonLat: [scenario.map.origin.lon, scenario.map.origin.lat] as [number, number] } : {}),
  };

  const target = path.join(outDir, 'dataset.arrow');
  const schema = datasetSchema(meta);
  const featureType = schema.fields[4].type as FixedSizeList<Float32>;
  const progress = new Progress('export', constellations.length, opts.quiet);
  let rows: number;
  try {
    rows = await writeArrowFile(target, schema, (writer) => constellations.forEach((c, i) => {
      const { features, heardCount } = perConstellation[i];
      const featureData: Data = makeData({ type: featureType, length: S, nullCount: 0, child: makeData({ type: new Float32(), length: S * width, nullCount: 0, data: features }) });
      writer.write({
        constellation: new Int32Array(S).fill(c.id),
        trajectory_id: links.trajectoryId,
        sample: links.sample,
        split,
        features: featureData as unknown as ColumnValues,
        x: links.x,
        y: links.y,
        heard_count: heardCount,
      });
      progress.update(i + 1);
    }));
  } finally {
    progress.done();
  }

  const heardShares = perConstellation.map(({ heardCount }) => {
    const counts = new Array<number>(settings.size + 1).fill(0);
    for (const k of heardCount) counts[k]++;
    return counts.map((c) => c / Math.max(1, S));
  });

  let parquetPath: string | undefined;
  if (opts.parquet) {
    parquetPath = path.join(outDir, 'dataset.parquet');
    writeFileAtomic(parquetPath, await toParquet(fs.readFileSync(target)));
  }
  return { path: target, parquetPath, rows, inputKey, meta, heardShares, heardBelowSentinel };
}

/** Arrow IPC file bytes -> Parquet bytes (zstd), schema metadata kept (parquet-wasm stores the Arrow schema). */
async function toParquet(arrowFile: Uint8Array): Promise<Uint8Array> {
  const pq = await import('parquet-wasm');
  const table = pq.Table.fromIPCStream(tableToIPC(tableFromIPC(arrowFile), 'stream'));
  const props = new pq.WriterPropertiesBuilder().setCompression(pq.Compression.ZSTD).build();
  return pq.writeParquet(table, props);
}
