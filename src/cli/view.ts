import os from 'node:os';
import type { CommandModule } from 'yargs';
import { runView } from '../viewer/run.ts';
import { COMMANDS } from './commands.ts';
import { type CommonArgs, logger, resolveCommon, shownPath, withCommonOptions } from './common.ts';

interface ViewArgs extends CommonArgs {
  track?: number;
  constellation?: number;
  serve: boolean;
  port: number;
  threads: number;
}

export const viewCommand: CommandModule<object, ViewArgs> = {
  command: COMMANDS.view.usage,
  describe: COMMANDS.view.describe,
  builder: (y) =>
    withCommonOptions(y)
      .option('track', { type: 'number', describe: 'track whose paths the page shows first', defaultDescription: 'the first test track' })
      .option('constellation', { type: 'number', default: 1, describe: 'constellation highlighted' })
      .option('serve', { type: 'boolean', default: false, describe: 'also serve the page on 127.0.0.1 (other tracks traced on request); Ctrl-C stops' })
      .option('port', { type: 'number', default: 8642, describe: 'port for --serve (0: any free port)' })
      .option('threads', { type: 'number', default: os.availableParallelism(), describe: 'worker threads (integer 1-256)' }) as never,
  handler: async (args) => {
    const { scenario, outDir } = resolveCommon(args);
    const log = logger(args.quiet);
    const res = await runView(scenario, outDir, {
      track: args.track, constellation: args.constellation, threads: args.threads, serve: args.serve ? { port: args.port } : undefined,
      command: ['simgen', ...process.argv.slice(2)].join(' '), quiet: args.quiet, log,
    });
    for (const n of res.notes) log(`note: ${n}`);
    log(`view: track ${res.track} (${res.samples} samples, ${res.paths} paths shown) traced in ${res.seconds.toFixed(1)} s`);
    log(`  wrote ${shownPath(res.file)} (${(res.bytes / 1e6).toFixed(1)} MB, opens offline)`);
    if (res.server) {
      console.log(`serving ${res.server.url} (Ctrl-C stops)`);
      await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
      await res.server.close();
    }
  },
};
