import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { removeStaleTemps, syncDir } from '../../util/atomic.ts';
import { crashPoint } from '../../util/crash-point.ts';
import { JournalWriter } from '../../util/journal.ts';
import { Progress } from '../../util/progress.ts';
import { sitesInOrder } from '../engine/tracer.ts';
import { linkMetadata, type RaytraceScenario, raytraceInputKey } from '../key.ts';
import { addBlockStats, type AssembleStats, assembleLinks, emptyStats } from './assemble.ts';
import { blocksInOrder, encodeBlock, headerJson, journalName, keptPrefix, PART_FORMAT, type PartHeader, partName, scanPart } from './parts.ts';
import { BLOCK_RECEIVERS, blockCount, tracePoints } from './pool.ts';
import { checkReceivers, readCsvReceivers, readTrajectoryReceivers, type Receivers } from './receivers.ts';
import { type Shard, shardBlocks, WHOLE } from './shard.ts';

// `simgen raytrace`: every receiver (trajectory sample or --rx point) against every site -> links.arrow
// (and paths.arrow with --paths). The receivers are traced in blocks of BLOCK_RECEIVERS on worker threads
// (pool.ts, each running the engine's tracer). Each completed block goes to a journal on disk (parts.ts) before the next is handed on, so a
// run killed at any moment keeps its finished blocks and the next run with the same inputs resumes after
// them. When every block is in, the journal becomes links.arrow, one record batch per block in block
// order (assemble.ts): the same bytes whatever the thread count, the interruptions or the sharding.
// With a shard (--shard i/n) the run traces blocks k = i mod n only and its finished journal is renamed
// to a part file for `simgen merge` (merge.ts).

export interface RaytraceOptions {
  /** Worker threads (default: one per core). */
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

export async function runRaytrace(scenario: RaytraceScenario, outDir: string, opts: RaytraceOptions = {}): Promise<RaytraceResult> {
  const started = Date.now();
  const threads = opts.threads ?? os.availableParallelism();
  const shard = opts.shard ?? WHOLE;
  const receivers: Receivers = opts.rxCsv ? readCsvReceivers(opts.rxCsv) : readTrajectoryReceivers(path.join(outDir, 'trajectories.arrow'));
  checkReceivers(receivers, scenario.map, { allowIndoor: opts.allowIndoor, allowOffMap: opts.allowOffMap });
  const sites = sitesInOrder(scenario.sites);
  const nr = receivers.sample.length;
  const ns = sites.length;

  const inputKey = raytraceInputKey(scenario, receivers.upstreamKey);
  const metadata = linkMetadata(scenario, inputKey, opts.rxCsv ? 'rx-csv' : 'trajectories', sites);

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
  for (const f of ['links.arrow', 'paths.arrow', journalName(shard)]) removeStaleTemps(path.join(outDir, f));
  // A whole run replaces links.arrow; a paths.arrow of an earlier run would sit beside it unmatched (this run
  // writes links.arrow first): it goes now.
  if (shard.count === 1) fs.rmSync(path.join(outDir, 'paths.arrow'), { force: true });
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
        const t = await tracePoints(scenario, receivers.xyz, { threads, withPaths: Boolean(opts.paths), blocks: todo }, (first, res) => {
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
      crashPoint('raytrace:journal-ended');
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
