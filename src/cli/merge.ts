import type { CommandModule } from 'yargs';
import { runMerge } from '../raytrace/index.ts';
import { COMMANDS } from './commands.ts';
import { type CommonArgs, lockOutput, logger, resolveCommon, shownPath, withCommonOptions } from './common.ts';

interface MergeArgs extends CommonArgs {
  parts?: string[];
}

export const mergeCommand: CommandModule<object, MergeArgs> = {
  command: COMMANDS.merge.usage,
  describe: COMMANDS.merge.describe,
  builder: (y) =>
    withCommonOptions(y).positional('parts', { type: 'string', array: true, describe: 'part files to merge', defaultDescription: 'every links-shard-*-of-*.part in the output folder' }) as never,
  handler: async (args) => {
    const { scenario, outDir } = resolveCommon(args);
    const log = logger(args.quiet);
    await lockOutput(outDir);
    const r = await runMerge(scenario, outDir, { parts: args.parts, quiet: args.quiet });
    const s = r.stats;
    const pct = (k: number) => `${((100 * k) / Math.max(1, s.links)).toFixed(1)} %`;
    log(`merge: ${r.shards} shards, ${r.rows} links (${r.rows / scenario.sites.length} receivers x ${scenario.sites.length} sites) in ${s.seconds.toFixed(1)} s`);
    log(`  heard ${pct(s.heard)}, line of sight ${pct(s.los)}, no path ${pct(s.links - s.withPaths)}, ${(s.paths / Math.max(1, s.links)).toFixed(1)} paths per link`);
    log(`  wrote ${shownPath(r.path)}${r.pathsFile ? ` and ${shownPath(r.pathsFile)}` : ''} (the part files are kept; delete them when done)`);
  },
};
