import type { CommandModule } from 'yargs';
import { runExperiment } from '../experiment/run.ts';
import { type ExperimentOptions, MAX_DEPLOYMENTS } from '../experiment/settings.ts';
import { EXPERIMENT_NAMES, type ExperimentName } from '../experiment/types.ts';
import { ZERO_SHOT_MODEL_NAMES } from '../experiment/zero-shot-plan.ts';
import type { Scenario } from '../scenario/load.ts';
import { UserError } from '../util/errors.ts';
import { COMMANDS } from './commands.ts';
import { applyKernelsOption, type CommonArgs, type KernelArgs, lockOutput, logger, resolveCommon, shownPath, withCommonOptions, withKernelsOption } from './common.ts';
import { intFlag, intList, type JobsArgs, jobsFlag, nameList, numberList, withJobsOption } from './flags.ts';

interface ExperimentArgs extends CommonArgs, KernelArgs, JobsArgs {
  name: string;
  quick: boolean;
  epochs?: number;
  counts?: string;
  fractions?: string;
  pretrain?: number;
  deployments?: string;
  models?: string;
}

/** The flags checked (K: the scenario's constellations.count bounds --counts and --pretrain). */
export function experimentOptions(args: Omit<ExperimentArgs, keyof CommonArgs | 'name'>, scenario: Scenario): ExperimentOptions {
  const known = scenario.constellations.count;
  const why = ` (the scenario's constellations.count is ${known})`;
  const fractions = numberList(args.fractions, '--fractions')?.map((p) => p / 100);
  for (const f of fractions ?? []) if (!(f > 0 && f <= 1)) throw new UserError(`--fractions must be percentages in (0, 100] (got ${Number((f * 100).toPrecision(6))})`);
  return {
    quick: args.quick,
    jobs: jobsFlag(args),
    epochs: intFlag(args.epochs, '--epochs', 1, 10000),
    counts: intList(args.counts, '--counts', 1, known, why),
    fractions,
    pretrain: intFlag(args.pretrain, '--pretrain', 1, known, why),
    deployments: intList(args.deployments, '--deployments', 1, MAX_DEPLOYMENTS),
    models: nameList(args.models, '--models', ZERO_SHOT_MODEL_NAMES),
  };
}

export const experimentCommand: CommandModule<object, ExperimentArgs> = {
  command: COMMANDS.experiment.usage,
  describe: COMMANDS.experiment.describe,
  builder: (y) =>
    withJobsOption(withKernelsOption(withCommonOptions(y)))
      .positional('name', { type: 'string', choices: EXPERIMENT_NAMES, describe: 'which figures to reproduce' })
      .option('quick', { type: 'boolean', default: false, describe: 'tiny run for tests: 2 epochs, C in {1,2}, 10 and 50 %, <= 2000 training samples per job (zero-shot: 1 and 10 deployments)' })
      .option('epochs', { type: 'number', describe: 'epochs per training and re-training (default: the scenario train.epochs)' })
      .option('counts', { type: 'string', describe: 'constellations: comma list of C values (default 1..K, K = known constellations)' })
      .option('fractions', { type: 'string', describe: 'unseen: comma list of training-data shares in % (default 1,2,5,10,25,50)' })
      .option('pretrain', { type: 'number', describe: 'unseen: pre-train on constellations 1..N (default: all known)' })
      .option('deployments', { type: 'string', describe: 'zero-shot: comma list of training deployment counts (default 1,10,100,1000)' })
      .option('models', { type: 'string', describe: `zero-shot: comma list of the ablation's models (default all: ${ZERO_SHOT_MODEL_NAMES.join(', ')})` }) as never,
  handler: async (args) => {
    const name = args.name as ExperimentName; // yargs checked it against EXPERIMENT_NAMES
    applyKernelsOption(args);
    const { scenario, outDir } = resolveCommon(args);
    const opts = { ...experimentOptions(args, scenario), quiet: args.quiet };
    const log = logger(args.quiet);
    await lockOutput(outDir);
    const t0 = performance.now();
    const run = await runExperiment(name, scenario, outDir, opts, log);
    for (const line of run.summary) log(line);
    log(`experiment ${name}: ${run.trained} job(s) trained in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    // Relative to the working directory when under it, absolute otherwise.
    for (const p of [run.resultsPath, ...run.plots]) log(`wrote ${shownPath(p)}`);
  },
};
