import type { CommandModule } from 'yargs';
import { journalName, partName, runRaytrace } from '../raytrace/index.ts';
import { COMMANDS } from './commands.ts';
import { raytraceSummary } from '../pipeline/summaries.ts';
import { type CommonArgs, lockOutput, logger, resolveCommon, withCommonOptions } from './common.ts';
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
    for (const line of raytraceSummary(scenario, res, source)) log(line);
  },
};
