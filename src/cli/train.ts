import type { CommandModule } from 'yargs';
import { MODEL_KINDS, type ModelKind } from '../learn/models.ts';
import { MODEL_LABELS, parseModelList, runTrain } from '../learn/run.ts';
import { ensureDataset } from '../pipeline/dataset.ts';
import { UserError } from '../util/errors.ts';
import { clearProgressBar, Progress } from '../util/progress.ts';
import { HEARD_GROUPS } from '../learn/evaluate.ts';
import { COMMANDS } from './commands.ts';
import { applyKernelsOption, type CommonArgs, type KernelArgs, logger, resolveCommon, shownPath, withCommonOptions, withKernelsOption } from './common.ts';

interface TrainArgs extends CommonArgs, KernelArgs {
  model: string;
  constellations: number;
  epochs?: number;
  'batch-size'?: number;
  jobs?: number;
  threads?: number;
}

function positiveInt(v: number | undefined, flag: string, max: number): number | undefined {
  if (v === undefined) return undefined;
  if (!Number.isInteger(v) || v < 1 || v > max) throw new UserError(`${flag} must be an integer from 1 to ${max} (got ${v})`);
  return v;
}

export const trainCommand: CommandModule<object, TrainArgs> = {
  command: COMMANDS.train.usage,
  describe: COMMANDS.train.describe,
  builder: (y) =>
    withKernelsOption(withCommonOptions(y))
      .option('model', { type: 'string', default: MODEL_KINDS.join(','), describe: `comma list of ${MODEL_KINDS.join(', ')}` })
      .option('constellations', { type: 'number', default: 1, describe: "train and test on the first K known constellations' samples together (never the unseen one)" })
      .option('epochs', { type: 'number', describe: 'training epochs', defaultDescription: 'scenario train.epochs' })
      .option('batch-size', { type: 'number', describe: 'samples per optimizer step', defaultDescription: 'scenario train.batch_size' })
      .option('jobs', { type: 'number', describe: 'models trained at a time, each in its own process', defaultDescription: 'one per core' })
      .option('threads', { type: 'number', describe: 'raytrace worker threads if the dataset has to be made', defaultDescription: 'one per core' }) as never,
  handler: async (args) => {
    applyKernelsOption(args);
    const { scenario, outDir } = resolveCommon(args);
    const t = scenario.file.train;
    const models = parseModelList(args.model);
    const epochs = positiveInt(args.epochs, '--epochs', 10000) ?? t.epochs;
    const batchSize = positiveInt(args['batch-size'], '--batch-size', 65536) ?? t.batch_size;
    const K = positiveInt(args.constellations, '--constellations', scenario.file.constellations.count);
    const jobs = positiveInt(args.jobs, '--jobs', 64);
    const log = logger(args.quiet);

    await ensureDataset(scenario, outDir, { quiet: args.quiet, threads: args.threads, log });
    // One bar for all models on stderr; a progress line clears it first (the bar redraws on the next update).
    const samples = new Map<ModelKind, { done: number; total: number }>();
    let bar: Progress | undefined;
    const r = await runTrain(scenario, outDir, {
      models,
      constellations: K!,
      epochs,
      batchSize,
      learningRate: t.learning_rate,
      lrDecayRate: t.lr_decay_rate,
      lrDecaySamples: t.lr_decay_samples,
      jobs,
      log: (line) => {
        clearProgressBar();
        log(line);
      },
      onProgress: (kind, done, total) => {
        samples.set(kind, { done, total });
        bar ??= new Progress('training', total * models.length, args.quiet, { unit: 'samples' }); // every model trains on the same samples
        const sum = [...samples.values()].reduce((a, s) => a + s.done, 0);
        bar.update(sum, [...samples].map(([k, s]) => `${MODEL_LABELS[k]} ${Math.round((100 * s.done) / s.total)}%`).join(', '));
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
        `${MODEL_LABELS[m.metrics.model].padEnd(10)} ${String(m.metrics.trainable_params).padStart(8)} ${cell(m.metrics.mean_error_m, 8)} ${cell(m.metrics.median_error_m, 9)} ${cell(m.metrics.p90_error_m, 7)} ${String(Math.round(m.samplesPerSecond)).padStart(10)}  ${m.metrics.by_sites_heard.map((g) => cell(g.mean_error_m, 7)).join('')}`,
      );
    const groups = r.models[0].metrics.by_sites_heard;
    const n = groups.reduce((a, g) => a + g.samples, 0);
    log(`test samples by sites heard: ${groups.map((g) => `${g.sites_heard}: ${g.samples} (${((100 * g.samples) / Math.max(1, n)).toFixed(1)} %)`).join(', ')}`);
    log(`error CDF: ${shownPath(r.cdfPath)}`);
  },
};
