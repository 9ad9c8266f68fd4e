import type { CommandModule } from 'yargs';
import { runReport } from '../report/run.ts';
import { COMMANDS } from './commands.ts';
import { type CommonArgs, lockOutput, logger, resolveCommon, shownPath, withCommonOptions } from './common.ts';

// `simgen report`: reads what the run wrote in --out (links.arrow, dataset.arrow and measurements.arrow when
// present) and writes <out>/report/. It traces nothing: a missing links.arrow is an error, not a reason to run.

export const reportCommand: CommandModule<object, CommonArgs> = {
  command: COMMANDS.report.usage,
  describe: COMMANDS.report.describe,
  builder: (y) => withCommonOptions(y) as never,
  handler: async (args) => {
    const { scenario, outDir } = resolveCommon(args);
    const log = logger(args.quiet);
    await lockOutput(outDir);
    const res = await runReport(scenario, outDir);
    log(`report: ${res.links} links, ${res.figures.length} figures in ${res.seconds.toFixed(1)} s`);
    for (const f of res.figures) log(`  ${f.summary}`);
    log(`  wrote ${shownPath(res.dir)}/ (${res.files.length} files: report.html, report.json, ${res.files.length - 2} SVGs)`);
  },
};
