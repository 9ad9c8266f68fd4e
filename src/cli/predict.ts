import path from 'node:path';
import type { CommandModule } from 'yargs';
import { runPredict } from '../learn/predict.ts';
import { UserError } from '../util/errors.ts';
import { COMMANDS } from './commands.ts';
import { logger, type QuietArgs, shownPath, withQuietOption } from './common.ts';
import { fileFlag, numberList } from './flags.ts';

interface PredictArgs extends QuietArgs {
  'model-dir': string;
  dataset?: string;
  split: string;
  constellations?: string;
  output?: string;
}

export const predictCommand: CommandModule<object, PredictArgs> = {
  command: COMMANDS.predict.usage,
  describe: COMMANDS.predict.describe,
  builder: (y) =>
    withQuietOption(y)
      .option('model-dir', { type: 'string', demandOption: true, describe: 'a model folder written by "simgen train" (<out>/models/<model>-c<K>)' })
      .option('dataset', { type: 'string', describe: 'dataset.arrow to predict on', defaultDescription: '<model-dir>/../../dataset.arrow' })
      .option('split', { type: 'string', default: 'test', describe: 'rows to predict: test or train' })
      .option('constellations', { type: 'string', describe: 'comma list of constellation ids', defaultDescription: 'the ones the model was trained on' })
      .option('output', { type: 'string', describe: 'predictions file', defaultDescription: '<model-dir>/predictions-<split>.arrow' }) as never,
  handler: async (args) => {
    if (args.split !== 'test' && args.split !== 'train') throw new UserError(`--split must be "test" or "train" (got "${args.split}")`);
    const constellations = numberList(args.constellations === undefined ? undefined : String(args.constellations), '--constellations');
    if (constellations?.some((c) => !Number.isInteger(c) || c < 1)) throw new UserError(`--constellations must be a comma list of constellation ids >= 1 (got "${args.constellations}")`);
    const modelDir = path.resolve(args['model-dir']);
    const r = await runPredict({
      modelDir,
      dataset: path.resolve(fileFlag(args.dataset, '--dataset') ?? path.join(modelDir, '..', '..', 'dataset.arrow')),
      split: args.split,
      constellations,
      output: path.resolve(args.output ?? path.join(modelDir, `predictions-${args.split}.arrow`)),
    });
    const log = logger(args.quiet);
    if (!r.sameDataset) log('note: this dataset.arrow is not the one the model was trained on (its input_key differs)');
    log(`${r.info.kind} on constellation${r.constellations.length > 1 ? 's' : ''} ${r.constellations.join(', ')}, ${args.split} split: ${r.rows} samples`);
    log(`mean ${r.summary.mean_error_m.toFixed(2)} m, median ${r.summary.median_error_m.toFixed(2)} m, p90 ${r.summary.p90_error_m.toFixed(2)} m -> ${shownPath(r.output)}`);
  },
};
