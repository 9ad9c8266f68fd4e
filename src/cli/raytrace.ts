import type { CommandModule } from 'yargs';
import { journalName, partName, runRaytrace } from '../raytrace/index.ts';
import { COMMANDS } from './commands.ts';
import { type CommonArgs, lockOutput, logger, resolveCommon, shownPath, withCommonOptions } from './common.ts';
import { fileFlag, type ThreadsArgs, threadsFlag, withThreadsOption } from './flags.ts';
import { resolveShard } from './shard.ts';

interface RaytraceArgs extends CommonArgs, ThreadsArgs {
  paths: boolean;
  rx?: string;
  shard?: string;
  'allow-indoor': boolean;
  'allow-off-map': boolean;
}

export const raytraceCommand: CommandModule<object, RaytraceArgs> = {
  command: COMMANDS.raytrace.usage,
  describe: COMMANDS.raytrace.describe,
  builder: (y) =>
    withThreadsOption(withCommonOptions(y))
      .option('paths', { type: 'boolean', default: false, describe: 'also write every path of every link to paths.arrow' })
      .option('rx', { type: 'string', describe: 'trace the receiver points of this CSV file (header x,y,z) instead of trajectories.arrow' })
      .option('shard', {
        type: 'string',
        describe: 'trace shard INDEX/COUNT (0-based) of the blocks into links-shard-INDEX-of-COUNT.part, for "simgen merge"; default from JOB_COMPLETION_INDEX + SHARD_COUNT, SLURM_ARRAY_TASK_ID or AWS_BATCH_JOB_ARRAY_INDEX when set; 0/1 = the whole run',
      })
      .option('allow-indoor', { type: 'boolean', default: false, describe: 'keep receivers inside building footprints (refused otherwise)' })
      .option('allow-off-map', { type: 'boolean', default: false, describe: 'keep receivers outside the map (refused otherwise)' }) as never,
  handler: async (args) => {
    const threads = threadsFlag(args);
    const { shard, source } = resolveShard(args.shard);
    const { scenario, outDir } = resolveCommon(args);
    fileFlag(args.rx, '--rx');
    const log = logger(args.quiet);
    // A shard locks its own files only: the shards of one run share the folder (docs/scale.md).
    await lockOutput(outDir, shard.count > 1 ? { part: { name: `raytrace-shard-${shard.index}-of-${shard.count}`, files: [partName(shard), journalName(shard)] } } : {});
    const res = await runRaytrace(scenario, outDir, {
      threads, quiet: args.quiet, paths: args.paths, rxCsv: args.rx, shard, allowIndoor: args['allow-indoor'], allowOffMap: args['allow-off-map'],
    });
    const s = res.stats;
    const sharded = shard.count > 1;
    const name = sharded ? `raytrace shard ${shard.index}/${shard.count}${source === '--shard' ? '' : ` (from ${source})`}` : 'raytrace';
    if (res.alreadyDone) {
      log(`${name}: ${shownPath(res.path)} is already complete for these inputs (${res.blocks} block${res.blocks === 1 ? '' : 's'}, ${res.rows} links), nothing to do`);
      return;
    }
    if (res.resumedBlocks > 0) log(`${name}: resumed an interrupted run: ${res.resumedBlocks} of ${res.blocks} blocks were already traced`);
    const pct = (k: number) => `${((100 * k) / Math.max(1, s.links)).toFixed(1)} %`;
    const links = sharded ? `${s.links} links traced now (${res.blocks - res.resumedBlocks} of the shard's ${res.blocks} block${res.blocks === 1 ? '' : 's'})` : `${res.rows} links (${res.rows / scenario.sites.length} receivers x ${scenario.sites.length} sites)`;
    log(`${name}: ${links} in ${s.seconds.toFixed(1)} s${res.resumedBlocks > 0 && !sharded ? '' : ` (${(s.links / Math.max(1e-9, s.seconds)).toFixed(0)} links/s)`}`);
    if (s.links > 0) log(`  heard ${pct(s.heard)}, line of sight ${pct(s.los)}, no path ${pct(s.links - s.withPaths)}, ${(s.paths / Math.max(1, s.links)).toFixed(1)} paths per link`);
    log(`  wrote ${shownPath(res.path)}${res.pathsFile ? ` and ${shownPath(res.pathsFile)}` : ''}${sharded ? `; when every shard is done: simgen merge` : ''}`);
  },
};
