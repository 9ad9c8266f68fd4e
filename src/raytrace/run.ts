import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { originMetadata } from '../map/origin.ts';
import { materialScattering } from '../radio/materials.ts';
import type { ScatteringParams } from '../radio/scattering.ts';
import { mapMaterials, type Scenario } from '../scenario/load.ts';
import { removeStaleTemps } from '../util/atomic.ts';
import { UserError } from '../util/errors.ts';
import { JournalWriter, syncDir } from '../util/journal.ts';
import { SIMGEN_VERSION, stageKey } from '../util/meta.ts';
import { Progress } from '../util/progress.ts';
import { addBlockStats, type AssembleStats, assembleLinks, emptyStats } from './assemble.ts';
import { DEFAULT_CANDIDATE_RAYS } from './candidates.ts';
import { makeTracer, traceSettings } from './chunk.ts';
import { blocksInOrder, encodeBlock, headerJson, journalName, keptPrefix, PART_FORMAT, type PartHeader, partName, scanPart } from './parts.ts';
import { BLOCK_RECEIVERS, blockCount, tracePoints } from './pool.ts';
import { checkReceivers, readCsvReceivers, readTrajectoryReceivers, type Receivers } from './receivers.ts';
import { type Shard, shardBlocks, WHOLE } from './shard.ts';

// `simgen raytrace`: every receiver (trajectory sample or --rx point) against every site -> links.arrow
// (and paths.arrow with --paths). The receivers are traced in blocks of BLOCK_RECEIVERS on worker threads
// (pool.ts). Each completed block goes to a journal on disk (parts.ts) before the next is handed on, so a
// run killed at any moment keeps its finished blocks and the next run with the same inputs resumes after
// them. When every block is in, the journal becomes links.arrow, one record batch per block in block
// order (assemble.ts): the same bytes whatever the thread count, the interruptions or the sharding.
// With a shard (--shard i/n) the run traces blocks k = i mod n only and its finished journal is renamed
// to a part file for `simgen merge` (merge.ts).

export interface RaytraceOptions {
  threads?: number;
  quiet?: boolean;
  paths?: boolean;
  rxCsv?: string;
  /** Trace this shard's blocks into a part file (default: the whole run into links.arrow). */
  shard?: Shard;
  /** Keep receivers inside buildings / off the map (refused otherwise: receivers.ts). */
  allowIndoor?: boolean;
  allowOffMap?: boolean;
}

export interface RaytraceResult {
  /** links.arrow, or the part file of a shard. */
  path: string;
  /** Links in that file. */
  rows: number;
  inputKey: string;
  pathsFile?: string;
  shard: Shard;
  /** Blocks this run owes (all of them, or the shard's) and those kept from an earlier, interrupted run. */
  blocks: number;
  resumedBlocks: number;
  /** A shard whose part file was already complete: nothing was traced. */
  alreadyDone: boolean;
  /**
   * Counts over the links in the file (the whole run), or over the blocks traced now (a shard); wall seconds
   * of the whole run and of the site precomputation.
   */
  stats: AssembleStats & { seconds: number; siteSeconds: number };
}

/** The diffuse-scattering parameters of each material of the map (the table's defaults with the scenario's overrides). */
function scatteringByMaterial(scenario: Scenario): Record<string, ScatteringParams> {
  const of = materialScattering(scenario.file.raytrace.scattering);
  return Object.fromEntries(mapMaterials(scenario.map).map((m) => [m, of(m)]));
}

/** The input_key runRaytrace writes for these receivers (upstreamKey: trajectories.arrow's input_key), without running it. */
export function raytraceInputKey(scenario: Scenario, upstreamKey: string): string {
  const f = scenario.file;
  // The map and the radio sections only: editing e.g. the train block keeps links.arrow valid.
  return stageKey('raytrace', SIMGEN_VERSION, scenario.mapHash, f.carrier_freq_hz, f.ue, scenario.sites, scenario.array, f.raytrace, traceSettings(scenario), scatteringByMaterial(scenario), DEFAULT_CANDIDATE_RAYS, upstreamKey);
}

/** The schema metadata of links.arrow (and of a site's link file): provenance, the sites and the radio settings. */
export function linkMetadata(scenario: Scenario, inputKey: string, receivers: string, sites: Array<{ id: number; x: number; y: number; z: number; orientation: number }>): Map<string, string> {
  const r = scenario.file.raytrace;
  return new Map<string, string>([
    ['simgen_version', SIMGEN_VERSION],
    ['scenario', scenario.name],
    ['scenario_hash', scenario.hash],
    ['seed', String(scenario.seed)],
    ['input_key', inputKey],
    ['receivers', receivers],
    ['sites', JSON.stringify(sites.map((s) => ({ id: s.id, x: s.x, y: s.y, z: s.z, orientation_deg: (s.orientation * 180) / Math.PI })))],
    ['carrier_freq_hz', String(scenario.file.carrier_freq_hz)],
    ['path_loss_cutoff_db', String(r.path_loss_cutoff_db)],
    ['aoa_resolution_deg', String(r.aoa_resolution_deg)],
    ['ue_tx_power_dbm', String(scenario.file.ue.tx_power_dbm)],
    ['max_reflection_order', String(r.max_reflection_order)],
    ['diffraction', String(r.diffraction)],
    ['diffraction_reflections', String(r.diffraction_reflections)],
    ['scattering', JSON.stringify(r.scattering.enabled ? { ...r.scattering, materials: scatteringByMaterial(scenario) } : { enabled: false })],
    ['power_combining', r.power_combining],
    ['polarization', r.polarization],
    ...originMetadata(scenario.map),
  ]);
}

export async function runRaytrace(scenario: Scenario, outDir: string, opts: RaytraceOptions = {}): Promise<RaytraceResult> {
  const started = Date.now();
  const threads = opts.threads ?? os.availableParallelism();
  if (!Number.isInteger(threads) || threads < 1 || threads > 256) throw new UserError(`--threads: must be an integer from 1 to 256 (got ${opts.threads})`);
  const shard = opts.shard ?? WHOLE;
  const receivers: Receivers = opts.rxCsv ? readCsvReceivers(opts.rxCsv) : readTrajectoryReceivers(path.join(outDir, 'trajectories.arrow'));
  checkReceivers(receivers, scenario.map, { allowIndoor: opts.allowIndoor, allowOffMap: opts.allowOffMap });
  const tracer = makeTracer(scenario); // validates the materials before anything is written
  const { sites } = tracer;
  const nr = receivers.sample.length;
  const ns = sites.length;

  const inputKey = raytraceInputKey(scenario, receivers.upstreamKey);
  const metadata = linkMetadata(scenario, inputKey, opts.rxCsv ? 'rx-csv' : 'trajectories', sites.map((s) => ({ id: s.id, x: s.position[0], y: s.position[1], z: s.position[2], orientation: s.orientation })));

  const header: PartHeader = {
    format: PART_FORMAT, inputKey, upstreamKey: receivers.upstreamKey, receiverSource: opts.rxCsv ? 'rx-csv' : 'trajectories',
    receivers: nr, blocks: blockCount(nr), shard, paths: Boolean(opts.paths), metadata: [...metadata],
  };
  const mine = shardBlocks(header.blocks, shard);
  const linksIn = (b: number) => (Math.min(nr, (b + 1) * BLOCK_RECEIVERS) - b * BLOCK_RECEIVERS) * ns;
  const result = (file: string, rows: number, resumed: number, stats: AssembleStats, siteSeconds: number, alreadyDone = false, pathsFile?: string): RaytraceResult => ({
    path: file, rows, inputKey, pathsFile, shard, blocks: mine.length, resumedBlocks: resumed, alreadyDone,
    stats: { ...stats, seconds: (Date.now() - started) / 1000, siteSeconds },
  });

  // A shard retried after it finished: its part is complete and of these inputs.
  const part = path.join(outDir, partName(shard));
  if (shard.count > 1) {
    const done = scanPart(part, header, mine);
    if (done) return result(part, mine.reduce((s, b) => s + linksIn(b), 0), mine.length, emptyStats(), 0, true);
  }

  const journalFile = path.join(outDir, journalName(shard));
  fs.mkdirSync(outDir, { recursive: true });
  removeStaleTemps(path.join(outDir, 'links.arrow'));
  removeStaleTemps(path.join(outDir, 'paths.arrow'));
  const { writer, records, end } = JournalWriter.open(journalFile, headerJson(header), (recs) => keptPrefix(recs, mine));
  const resumed = records.length;
  const traced = emptyStats();
  let siteSeconds = 0;
  try {
    if (end === null) {
      const todo = mine.slice(resumed);
      const total = mine.reduce((s, b) => s + linksIn(b), 0);
      let linksDone = total - todo.reduce((s, b) => s + linksIn(b), 0);
      const progress = new Progress(shard.count > 1 ? `raytrace ${shard.index}/${shard.count}` : 'raytrace', total, opts.quiet, { unit: 'links', initial: linksDone });
      try {
        const t = await tracePoints(scenario, tracer, receivers.xyz, { threads, withPaths: Boolean(opts.paths), blocks: todo }, (first, res) => {
          const block = first / BLOCK_RECEIVERS;
          const k = res.links.heard.length / ns;
          const payload = { block, trajectoryId: receivers.trajectoryId.slice(first, first + k), sample: receivers.sample.slice(first, first + k), xyz: receivers.xyz.slice(3 * first, 3 * (first + k)), result: res };
          writer.append(block, encodeBlock(payload));
          addBlockStats(traced, payload);
          linksDone += res.links.heard.length;
          progress.update(linksDone);
        });
        siteSeconds = t.siteSeconds;
      } finally {
        progress.done();
      }
      writer.end({ blocks: mine.length });
    }
  } finally {
    writer.close();
  }

  if (shard.count > 1) {
    fs.renameSync(journalFile, part);
    syncDir(outDir);
    return result(part, traced.links, resumed, traced, siteSeconds);
  }
  const out = await assembleLinks(blocksInOrder([{ file: journalFile, records: writer.records }], header.blocks), { outDir, metadata, paths: header.paths });
  fs.rmSync(journalFile, { force: true });
  return result(out.linksFile, out.stats.links, resumed, out.stats, siteSeconds, false, out.pathsFile);
}
