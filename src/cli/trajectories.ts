import type { CommandModule } from 'yargs';
import { runTrajectories } from '../mobility/trajectories.ts';
import { COMMANDS } from './commands.ts';
import { trajectoriesSummary } from '../pipeline/summaries.ts';
import { type CommonArgs, logger, resolveCommon, withCommonOptions } from './common.ts';

export const trajectoriesCommand: CommandModule<object, CommonArgs> = {
  command: COMMANDS.trajectories.usage,
  describe: COMMANDS.trajectories.describe,
  builder: (y) => withCommonOptions(y),
  handler: async (args) => {
    const started = performance.now();
    const { scenario, outDir } = resolveCommon(args);
    const log = logger(args.quiet);
    const r = await runTrajectories(scenario, outDir, { quiet: args.quiet });
    for (const line of trajectoriesSummary(scenario, r, (performance.now() - started) / 1000)) log(line);
  },
};
