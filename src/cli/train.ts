import type { CommandModule } from 'yargs';
import { leakageLines } from '../dataset/leakage.ts';
import { HEARD_GROUPS } from '../learn/evaluate.ts';
import { KNN_DEFAULTS } from '../learn/knn.ts';
import { KIND_NAMES, type KindName, MODEL_REGISTRY } from '../learn/registry.ts';
import { runTrain } from '../learn/run.ts';
import { ensureDataset } from '../pipeline/dataset.ts';
import type { KnnConfig, KnnWeighting } from '../scenario/config.ts';
import { withSplit } from '../scenario/load.ts';
import { KNN_WEIGHTINGS } from '../scenario/schema.ts';
import { UserError } from '../util/errors.ts';
import { clearProgressBar, Progress } from '../util/progress.ts';
import { COMMANDS } from './commands.ts';
import { applyKernelsOption, type CommonArgs, type KernelArgs, lockOutput, logger, resolveCommon, shownPath, withCommonOptions, withKernelsOption } from './common.ts';
import { intFlag, type JobsArgs, jobsFlag, nameList, type SplitArgs, splitFlag, type ThreadsArgs, threadsFlag, withJobsOption, withSplitOption, withThreadsOption } from './flags.ts';

interface TrainArgs extends CommonArgs, KernelArgs, ThreadsArgs, JobsArgs, SplitArgs {
  models: string;
  constellations: number;
  epochs?: number;
  'batch-size'?: number;
  'knn-k'?: number;
  'knn-weighting'?: string;
}

/** The kNN settings: the flags over the scenario's train.knn; undefined when neither sets them (the defaults). */
function knnFlags(args: TrainArgs, scenario: KnnConfig | undefined): KnnConfig | undefined {
  const k = intFlag(args['knn-k'], '--knn-k', 1, 1000);
  const weighting = args['knn-weighting'];
  if (weighting !== undefined && !(KNN_WEIGHTINGS as readonly string[]).includes(weighting))
    throw new UserError(`--knn-weighting must be one of ${KNN_WEIGHTINGS.join(', ')} (got "${weighting}")`);
  if (k === undefined && weighting === undefined) return scenario;
  const base = scenario ?? KNN_DEFAULTS;
  return { k: k ?? base.k, weighting: (weighting as KnnWeighting | undefined) ?? base.weighting };
}

export const trainCommand: CommandModule<object, TrainArgs> = {
  command: COMMANDS.train.usage,
  describe: COMMANDS.train.describe,
  builder: (y) =>
    withSplitOption(withJobsOption(withThreadsOption(withKernelsOption(withCommonOptions(y)), 'raytrace worker threads if the dataset has to be made')))
      // --models as in `simgen experiment`; --model, its first name, still works.
      .option('models', { alias: 'model', type: 'string', default: KIND_NAMES.join(','), describe: `comma list of ${KIND_NAMES.join(', ')}` })
      .option('constellations', { type: 'number', default: 1, describe: "train and test on the first K known constellations' samples together (never the unseen one)" })
      .option('epochs', { type: 'number', describe: 'training epochs', defaultDescription: 'scenario train.epochs' })
      .option('batch-size', { type: 'number', describe: 'samples per optimizer step', defaultDescription: 'scenario train.batch_size' })
      .option('knn-k', { type: 'number', describe: 'neighbours the kNN baseline averages', defaultDescription: `scenario train.knn.k, else ${KNN_DEFAULTS.k}` })
      .option('knn-weighting', { type: 'string', describe: `kNN weighting: ${KNN_WEIGHTINGS.join(' or ')}`, defaultDescription: `scenario train.knn.weighting, else ${KNN_DEFAULTS.weighting}` }) as never,
  handler: async (args) => {
    applyKernelsOption(args);
    const split = splitFlag(args);
    const { scenario: loaded, outDir } = resolveCommon(args);
    // A dataset.arrow made with another split records another input_key: the pipeline makes it again.
    const scenario = split ? withSplit(loaded, split) : loaded;
    const models = nameList(args.models, '--models', KIND_NAMES)!;
    // The scenario's train section, with the flags' epochs and batch size: passed whole.
    const train = {
      ...scenario.train,
      epochs: intFlag(args.epochs, '--epochs', 1, 10000) ?? scenario.train.epochs,
      batchSize: intFlag(args['batch-size'], '--batch-size', 1, 65536) ?? scenario.train.batchSize,
      knn: knnFlags(args, scenario.train.knn),
    };
    const K = intFlag(args.constellations, '--constellations', 1, scenario.constellations.count)!;
    const jobs = jobsFlag(args);
    const threads = threadsFlag(args);
    const log = logger(args.quiet);

    // The whole run holds the folder, its pipeline included; a folder that cannot be written fails here, not
    // after the training.
    await lockOutput(outDir);
    await ensureDataset(scenario, outDir, { quiet: args.quiet, threads, log });
    // One bar for all models on stderr; a progress line clears it first (the bar redraws on the next update).
    const samples = new Map<KindName, { done: number; total: number }>();
    let bar: Progress | undefined;
    const r = await runTrain(scenario, outDir, {
      models,
      constellations: K,
      train,
      jobs,
      log: (line) => {
        clearProgressBar();
        log(line);
      },
      onProgress: (kind, done, total) => {
        samples.set(kind, { done, total });
        // Every network trains on the same samples; the baselines report none (fitted at once).
        bar ??= new Progress('training', total * models.filter((k) => MODEL_REGISTRY[k].iterates).length, args.quiet, { unit: 'samples' });
        const sum = [...samples.values()].reduce((a, s) => a + s.done, 0);
        bar.update(sum, [...samples].map(([k, s]) => `${MODEL_REGISTRY[k].label} ${Math.round((100 * s.done) / s.total)}%`).join(', '));
      },
    }).finally(() => {
      clearProgressBar();
      bar?.done();
    });
    log('');
    const cell = (v: number | null, w: number) => (v === null ? '-' : v.toFixed(2)).padStart(w);
    log(`${' '.repeat(57)}mean m by sites heard`);
    log(`model        params   mean m  median m   p90 m  samples/s  ${HEARD_GROUPS.map((g) => g.padStart(7)).join('')}`);
    for (const m of r.models)
      log(
        `${MODEL_REGISTRY[m.metrics.model as KindName].label.padEnd(10)} ${String(m.metrics.trainable_params).padStart(8)} ${cell(m.metrics.mean_error_m, 8)} ${cell(m.metrics.median_error_m, 9)} ${cell(m.metrics.p90_error_m, 7)} ${(m.samplesPerSecond ? String(Math.round(m.samplesPerSecond)) : '-').padStart(10)}  ${m.metrics.by_sites_heard.map((g) => cell(g.mean_error_m, 7)).join('')}`,
      );
    const groups = r.models[0].metrics.by_sites_heard;
    const n = groups.reduce((a, g) => a + g.samples, 0);
    log(`test samples by sites heard: ${groups.map((g) => `${g.sites_heard}: ${g.samples} (${((100 * g.samples) / Math.max(1, n)).toFixed(1)} %)`).join(', ')}`);
    const leak = r.models[0].metrics.leakage;
    if (leak) for (const line of leakageLines(leak, leak.split)) log(line);
    log(`error CDF: ${shownPath(r.cdfPath)}`);
  },
};
