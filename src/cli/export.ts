import type { CommandModule } from 'yargs';
import { runExport } from '../dataset/export.ts';
import { UserError } from '../util/errors.ts';
import { exportSummary } from '../pipeline/summaries.ts';
import { withSplit } from '../scenario/load.ts';
import { COMMANDS } from './commands.ts';
import { type CommonArgs, lockOutput, logger, resolveCommon, shownPath, withCommonOptions } from './common.ts';
import { type SplitArgs, splitFlag, withSplitOption } from './flags.ts';

interface ExportArgs extends CommonArgs, SplitArgs {
  arrow?: boolean;
  parquet: boolean;
  deepmimo: boolean;
  constellations?: number;
}

export const exportCommand: CommandModule<object, ExportArgs> = {
  command: COMMANDS.export.usage,
  describe: COMMANDS.export.describe,
  builder: (y) =>
    withSplitOption(withCommonOptions(y))
      .option('arrow', { type: 'boolean', describe: 'write <out>/dataset.arrow (what "simgen train" reads)', defaultDescription: 'true unless --deepmimo alone' })
      .option('parquet', { type: 'boolean', default: false, describe: 'also write <out>/dataset.parquet (zstd)' })
      .option('deepmimo', { type: 'boolean', default: false, describe: 'write <out>/deepmimo/<scenario>/: the paths of "raytrace --paths" in DeepMIMO v4 layout' })
      .option('constellations', { type: 'number', describe: 'known constellations (#1 from the scenario + seeded draws); the unseen one, if any, comes on top', defaultDescription: 'scenario constellations.count' }),
  handler: async (args) => {
    if (args.arrow === false && !args.deepmimo) throw new UserError('--no-arrow: name a format to write (allowed: --arrow, --deepmimo); add --parquet for a Parquet copy of dataset.arrow');
    const started = performance.now();
    const split = splitFlag(args);
    const { scenario: loaded, outDir } = resolveCommon(args);
    const scenario = split ? withSplit(loaded, split) : loaded;
    const log = logger(args.quiet);
    await lockOutput(outDir);
    if (args.deepmimo) {
      const { runDeepMimoExport } = await import('../dataset/deepmimo/export.ts');
      const d = await runDeepMimoExport(scenario, outDir, { quiet: args.quiet });
      log(`deepmimo: ${d.transmitters} transmitters (sites) x ${d.receivers} receivers, ${d.pathsKept} paths kept of ${d.paths} (${d.linksCut} links over ${d.maxPaths} paths), up to ${d.maxInteractions} interactions a path`);
      log(`wrote ${shownPath(d.dir)}/ (params.json and ${d.files - 1} more files)`);
      if (!(args.arrow ?? args.parquet)) {
        log(`time ${((performance.now() - started) / 1000).toFixed(2)} s`);
        return;
      }
    }
    const r = await runExport(scenario, outDir, { constellations: args.constellations, parquet: args.parquet, quiet: args.quiet });

    for (const line of exportSummary(r)) log(line);
    log(`time ${((performance.now() - started) / 1000).toFixed(2)} s`);
  },
};
