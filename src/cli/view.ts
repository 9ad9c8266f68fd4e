import type { CommandModule } from 'yargs';
import type { Scenario } from '../scenario/load.ts';
import { runView, type ViewOptions } from '../viewer/run.ts';
import { COMMANDS } from './commands.ts';
import { type CommonArgs, lockOutput, logger, resolveCommon, shownPath, withCommonOptions } from './common.ts';
import { intFlag, type ThreadsArgs, threadsFlag, withThreadsOption } from './flags.ts';

interface ViewArgs extends CommonArgs, ThreadsArgs {
  track?: number;
  constellation?: number;
  serve: boolean;
  port: number;
}

/** The flags checked against the scenario. */
export function viewOptions(args: Omit<ViewArgs, keyof CommonArgs>, scenario: Scenario): ViewOptions {
  return {
    track: intFlag(args.track, '--track', 0, scenario.trajectories.count - 1, ' (the track ids)'),
    constellation: intFlag(args.constellation, '--constellation', 1, scenario.constellations.count, " (the scenario's constellations.count)"),
    threads: threadsFlag(args),
    serve: args.serve ? { port: intFlag(args.port, '--port', 0, 65535, ' (0: any free port)')! } : undefined,
  };
}

export const viewCommand: CommandModule<object, ViewArgs> = {
  command: COMMANDS.view.usage,
  describe: COMMANDS.view.describe,
  builder: (y) =>
    withThreadsOption(withCommonOptions(y))
      .option('track', { type: 'number', describe: 'track whose paths the page shows first', defaultDescription: 'the first test track' })
      .option('constellation', { type: 'number', default: 1, describe: 'constellation highlighted' })
      .option('serve', { type: 'boolean', default: false, describe: 'also serve the page on 127.0.0.1 (other tracks traced on request); Ctrl-C stops' })
      .option('port', { type: 'number', default: 8642, describe: 'port for --serve (0: any free port)' }) as never,
  handler: async (args) => {
    const { scenario, outDir } = resolveCommon(args);
    const log = logger(args.quiet);
    const opts = viewOptions(args, scenario);
    const lock = await lockOutput(outDir);
    const res = await runView(scenario, outDir, {
      ...opts,
      command: ['simgen', ...process.argv.slice(2)].join(' '), quiet: args.quiet, log,
    });
    for (const n of res.notes) log(`note: ${n}`);
    log(`view: track ${res.track} (${res.samples} samples, ${res.paths} paths shown) traced in ${res.seconds.toFixed(1)} s`);
    log(`  wrote ${shownPath(res.file)} (${(res.bytes / 1e6).toFixed(1)} MB, opens offline)`);
    lock.release(); // serving writes nothing
    if (res.server) {
      console.log(`serving ${res.server.url} (Ctrl-C stops)`);
      await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
      await res.server.close();
    }
  },
};
