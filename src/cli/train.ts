import type { CommandModule } from 'yargs';
import { MODEL_KINDS } from '../learn/models.ts';
import { MODEL_LABELS, parseModelList, runTrain } from '../learn/run.ts';
import { ensureDataset } from '../pipeline/dataset.ts';
import { UserError } from '../util/errors.ts';
import { Progress } from '../util/progress.ts';
import { COMMANDS } from './commands.ts';
import { type CommonArgs, logger, resolveCommon, shownPath, withCommonOptions } from './common.ts';

interface TrainArgs extends CommonArgs {
  model: string;
  constellations: number;
  epochs?: number;
  'batch-size'?: number;
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
    withCommonOptions(y)
      .option('model', { type: 'string', default: MODEL_KINDS.join(','), describe: `comma list of ${MODEL_KINDS.join(', ')}` })
      .option('constellations', { type: 'number', default: 1, describe: "train and test on the first K known constellations' samples together (never the unseen one)" })
      .option('epochs', { type: 'number', describe: 'training epochs', defaultDescription: 'scenario train.epochs' })
      .option('batch-size', { type: 'number', describe: 'samples per optimizer step', defaultDescription: 'scenario train.batch_size' })
      .option('threads', { type: 'number', describe: 'raytrace worker threads if the dataset has to be made', defaultDescription: 'one per core' }) as never,
  handler: async (args) => {
    const { scenario, outDir } = resolveCommon(args);
    const t = scenario.file.train;
    const models = parseModelList(args.model);
    const epochs = positiveInt(args.epochs, '--epochs', 10000) ?? t.epochs;
    const batchSize = positiveInt(args['batch-size'], '--batch-size', 65536) ?? t.batch_size;
    const K = positiveInt(args.constellations, '--constellations', scenario.file.constellations.count);
    const log = logger(args.quiet);

    await ensureDataset(scenario, outDir, { quiet: args.quiet, threads: args.threads, log });
    // One bar per model on stderr; a progress line clears it first (the bar redraws on the next batch).
    let bar: { kind: string; p: Progress } | undefined;
    const clearBar = () => bar && !args.quiet && process.stderr.isTTY && process.stderr.write('\r\x1b[K');
    const r = await runTrain(scenario, outDir, {
      models,
      constellations: K!,
      epochs,
      batchSize,
      learningRate: t.learning_rate,
      lrDecayRate: t.lr_decay_rate,
      lrDecaySamples: t.lr_decay_samples,
      log: (line) => {
        clearBar();
        log(line);
      },
      onBatch: (kind, done, total) => {
        if (bar?.kind !== kind) bar = { kind, p: new Progress(MODEL_LABELS[kind], total, args.quiet) };
        bar.p.update(done);
      },
    });
    clearBar();
    log('');
    log(`model        params   mean m  median m   p90 m   samples/s`);
    for (const m of r.models)
      log(`${MODEL_LABELS[m.metrics.model].padEnd(10)} ${String(m.metrics.trainable_params).padStart(8)} ${m.metrics.mean_error_m.toFixed(2).padStart(8)} ${m.metrics.median_error_m.toFixed(2).padStart(9)} ${m.metrics.p90_error_m.toFixed(2).padStart(7)} ${String(Math.round(m.samplesPerSecond)).padStart(11)}`);
    log(`error CDF: ${shownPath(r.cdfPath)}`);
  },
};
