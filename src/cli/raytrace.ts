import os from 'node:os';
import type { CommandModule } from 'yargs';
import { runRaytrace } from '../raytrace/run.ts';
import { COMMANDS } from './commands.ts';
import { type CommonArgs, logger, resolveCommon, shownPath, withCommonOptions } from './common.ts';

interface RaytraceArgs extends CommonArgs {
  threads: number;
  paths: boolean;
  rx?: string;
}

export const raytraceCommand: CommandModule<object, RaytraceArgs> = {
  command: COMMANDS.raytrace.usage,
  describe: COMMANDS.raytrace.describe,
  builder: (y) =>
    withCommonOptions(y)
      .option('threads', { type: 'number', default: os.availableParallelism(), describe: 'worker threads (integer 1-256)' })
      .option('paths', { type: 'boolean', default: false, describe: 'also write every path of every link to paths.arrow' })
      .option('rx', { type: 'string', describe: 'trace the receiver points of this CSV file (header x,y,z) instead of trajectories.arrow' }) as never,
  handler: async (args) => {
    const { scenario, outDir } = resolveCommon(args);
    const log = logger(args.quiet);
    const res = await runRaytrace(scenario, outDir, { threads: args.threads, quiet: args.quiet, paths: args.paths, rxCsv: args.rx });
    const s = res.stats;
    const pct = (k: number) => `${((100 * k) / Math.max(1, s.links)).toFixed(1)} %`;
    log(`raytrace: ${res.rows} links (${res.rows / scenario.sites.length} receivers x ${scenario.sites.length} sites) in ${s.seconds.toFixed(1)} s (${(res.rows / s.seconds).toFixed(0)} links/s)`);
    log(`  heard ${pct(s.heard)}, line of sight ${pct(s.los)}, no path ${pct(s.links - s.withPaths)}, ${(s.paths / Math.max(1, s.links)).toFixed(1)} paths per link`);
    log(`  wrote ${shownPath(res.path)}${res.pathsFile ? ` and ${shownPath(res.pathsFile)}` : ''}`);
  },
};
