import fs from 'node:fs';
import path from 'node:path';
import { trajectoriesInputKey } from '../../mobility/trajectories.ts';
import type { Scenario } from '../../scenario/load.ts';
import { removeStaleTemps } from '../../util/atomic.ts';
import { UserError } from '../../util/errors.ts';
import { Progress } from '../../util/progress.ts';
import { raytraceInputKey } from '../key.ts';
import { type AssembleStats, assembleLinks } from './assemble.ts';
import { blocksInOrder, findParts, openPart, type Part, type PartHeader } from './parts.ts';

// `simgen merge`: the part files of a sharded raytrace (`simgen raytrace --shard i/n`, one per shard) ->
// links.arrow (and paths.arrow), the same bytes one unsharded run writes. Every part must be complete and
// of the same run (input_key, receivers, shard count, paths), the run must be the one the scenario describes,
// and each shard 0..n-1 must be there exactly once.

export interface MergeResult {
  path: string;
  pathsFile?: string;
  rows: number;
  inputKey: string;
  parts: string[];
  shards: number;
  stats: AssembleStats & { seconds: number };
}

const runFields = (h: PartHeader) => JSON.stringify([h.format, h.inputKey, h.upstreamKey, h.receiverSource, h.receivers, h.blocks, h.shard.count, h.paths, h.metadata]);

export async function runMerge(scenario: Scenario, outDir: string, opts: { parts?: string[]; quiet?: boolean } = {}): Promise<MergeResult> {
  const started = Date.now();
  const files = opts.parts && opts.parts.length > 0 ? opts.parts.map((p) => path.resolve(p)) : findParts(outDir);
  if (files.length === 0) throw new UserError(`no part files (links-shard-I-of-N.part) in ${outDir}: run "simgen raytrace --shard I/N" for every shard first, or name the parts`);
  const parts = files.map(openPart);

  // One run: the first part sets it, every other must match.
  const first = parts[0];
  for (const p of parts.slice(1))
    if (runFields(p.header) !== runFields(first.header)) {
      const what = p.header.inputKey !== first.header.inputKey ? `input_key ${p.header.inputKey.slice(0, 12)} vs ${first.header.inputKey.slice(0, 12)}` : p.header.shard.count !== first.header.shard.count ? `${p.header.shard.count} vs ${first.header.shard.count} shards` : 'receivers, settings or --paths differ';
      throw new UserError(`${p.file} and ${first.file} are parts of different runs (${what}); merge the parts of one run`);
    }
  // ... and the run this scenario describes (the map, sites and radio settings, and its trajectories).
  const h = first.header;
  const expected = raytraceInputKey(scenario, h.receiverSource === 'trajectories' ? trajectoriesInputKey(scenario) : h.upstreamKey);
  if (h.inputKey !== expected)
    throw new UserError(`${first.file} was traced for another scenario, seed or trajectories (input_key ${h.inputKey.slice(0, 12)}, scenario ${scenario.name} gives ${expected.slice(0, 12)}): rerun "simgen raytrace --shard I/N" with this scenario`);

  const n = h.shard.count;
  const byIndex: (Part | undefined)[] = new Array(n);
  for (const p of parts) {
    const seen = byIndex[p.header.shard.index];
    if (seen) throw new UserError(`shard ${p.header.shard.index}/${n} is given twice (${seen.file} and ${p.file}); pass each shard once`);
    byIndex[p.header.shard.index] = p;
  }
  const missing = Array.from({ length: n }, (_, i) => i).filter((i) => !byIndex[i]); // (flatMap would skip the holes)
  if (missing.length > 0)
    throw new UserError(`shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${n}`).join(', ')} missing (found ${parts.length} of ${n} parts): run "simgen raytrace --shard ${missing[0]}/${n}"${missing.length > 1 ? ' and the others' : ''} first`);

  removeStaleTemps(path.join(outDir, 'links.arrow'));
  removeStaleTemps(path.join(outDir, 'paths.arrow'));
  fs.rmSync(path.join(outDir, 'paths.arrow'), { force: true }); // of an earlier run: it would not match the new links.arrow
  const metadata = new Map(h.metadata);
  const total = h.receivers * JSON.parse(metadata.get('sites')!).length;
  const progress = new Progress('merge', total, opts.quiet, { unit: 'links' });
  const ordered = byIndex as Part[];
  const out = await assembleLinks(blocksInOrder(ordered, h.blocks), { outDir, metadata, paths: h.paths, onProgress: (l) => progress.update(l) }).finally(() => progress.done());
  return { path: out.linksFile, pathsFile: out.pathsFile, rows: out.stats.links, inputKey: h.inputKey, parts: ordered.map((p) => p.file), shards: n, stats: { ...out.stats, seconds: (Date.now() - started) / 1000 } };
}
