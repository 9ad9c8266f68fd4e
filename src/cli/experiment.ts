import type { CommandModule } from 'yargs';
import { runExperiment } from '../experiment/run.ts';
import { EXPERIMENT_NAMES, type ExperimentName } from '../experiment/types.ts';
import { ZERO_SHOT_MODEL_NAMES } from '../experiment/zero-shot-plan.ts';
import { COMMANDS } from './commands.ts';
import { applyKernelsOption, type CommonArgs, type KernelArgs, logger, numberList, resolveCommon, shownPath, withCommonOptions, withKernelsOption } from './common.ts';

interface ExperimentArgs extends CommonArgs, KernelArgs {
  name: string;
  quick: boolean;
  jobs: number;
  epochs?: number;
  counts?: string;
  fractions?: string;
  pretrain?: number;
  deployments?: string;
  models?: string;
}

export const experimentCommand: CommandModule<object, ExperimentArgs> = {
  command: COMMANDS.experiment.usage,
  describe: COMMANDS.experiment.describe,
  builder: (y) =>
    withKernelsOption(withCommonOptions(y))
      .positional('name', { type: 'string', choices: EXPERIMENT_NAMES, describe: 'which figures to reproduce' })
      .option('quick', { type: 'boolean', default: false, describe: 'tiny run for tests: 2 epochs, C in {1,2}, 10 and 50 %, <= 2000 training samples per job (zero-shot: 1 and 10 deployments)' })
      .option('jobs', { type: 'number', default: 2, describe: 'trainings run in parallel worker processes (one core each)' })
      .option('epochs', { type: 'number', describe: 'epochs per training and re-training (default: the scenario train.epochs)' })
      .option('counts', { type: 'string', describe: 'constellations: comma list of C values (default 1..K, K = known constellations)' })
      .option('fractions', { type: 'string', describe: 'unseen: comma list of training-data shares in % (default 1,2,5,10,25,50)' })
      .option('pretrain', { type: 'number', describe: 'unseen: pre-train on constellations 1..N (default: all known)' })
      .option('deployments', { type: 'string', describe: 'zero-shot: comma list of training deployment counts (default 1,10,100,1000)' })
      .option('models', { type: 'string', describe: `zero-shot: comma list of the ablation's models (default all: ${ZERO_SHOT_MODEL_NAMES.join(', ')})` }) as never,
  handler: async (args) => {
    const name = args.name as ExperimentName; // yargs checked it against EXPERIMENT_NAMES
    applyKernelsOption(args);
    const opts = {
      quick: args.quick,
      jobs: args.jobs,
      epochs: args.epochs,
      counts: numberList(args.counts, '--counts'),
      fractions: numberList(args.fractions, '--fractions')?.map((p) => p / 100),
      pretrain: args.pretrain,
      deployments: numberList(args.deployments, '--deployments'),
      models: args.models?.split(',').map((m) => m.trim()).filter(Boolean),
      quiet: args.quiet,
    };
    const { scenario, outDir } = resolveCommon(args);
    const log = logger(args.quiet);
    const t0 = performance.now();
    const run = await runExperiment(name, scenario, outDir, opts, log);
    for (const line of run.summary) log(line);
    log(`experiment ${name}: ${run.trained} job(s) trained in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    // Relative to the working directory when under it, absolute otherwise.
    for (const p of [run.resultsPath, ...run.plots]) log(`wrote ${shownPath(p)}`);
  },
};
