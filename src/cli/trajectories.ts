import type { CommandModule } from 'yargs';
import { runTrajectories, TRAJECTORIES_FILE, TRAJECTORIES_SVG } from '../mobility/trajectories.ts';
import { COMMANDS } from './commands.ts';
import { trajectoriesSummary } from '../pipeline/summaries.ts';
import { type CommonArgs, lockOutput, logger, resolveCommon, withCommonOptions } from './common.ts';

export const trajectoriesCommand: CommandModule<object, CommonArgs> = {
  command: COMMANDS.trajectories.usage,
  describe: COMMANDS.trajectories.describe,
  builder: (y) => withCommonOptions(y),
  handler: async (args) => {
    const started = performance.now();
    const { scenario, outDir } = resolveCommon(args);
    const log = logger(args.quiet);
    // Its own part of the folder: the shards of a cluster raytrace each write it (the same bytes) into one
    // folder before tracing (docs/scale.md); one at a time, the others wait a moment.
    const lock = await lockOutput(outDir, { part: { name: 'trajectories', files: [TRAJECTORIES_FILE, TRAJECTORIES_SVG] }, onBusy: 'wait' });
    const r = await runTrajectories(scenario, outDir, { quiet: args.quiet });
    for (const line of trajectoriesSummary(scenario, r, (performance.now() - started) / 1000)) log(line);
    lock.release();
  },
};
