import type { CommandModule } from 'yargs';
import { runMeasure } from '../measure/run.ts';
import { measureSummary } from '../pipeline/summaries.ts';
import { COMMANDS } from './commands.ts';
import { type JobsArgs, jobsFlag, withJobsOption } from './flags.ts';
import { type CommonArgs, lockOutput, logger, resolveCommon, withCommonOptions } from './common.ts';

type MeasureArgs = CommonArgs & JobsArgs;

export const measureCommand: CommandModule<object, MeasureArgs> = {
  command: COMMANDS.measure.usage,
  describe: COMMANDS.measure.describe,
  builder: (y) =>
    withJobsOption(withCommonOptions(y), 'worker processes, 1 measures in this process') as never,
  handler: async (args) => {
    const { scenario, outDir } = resolveCommon(args);
    const log = logger(args.quiet);
    await lockOutput(outDir);
    const r = await runMeasure(scenario, outDir, { jobs: jobsFlag(args), quiet: args.quiet });
    for (const line of measureSummary(scenario, r)) log(line);
  },
};
