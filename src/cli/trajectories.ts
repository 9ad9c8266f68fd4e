import type { CommandModule } from 'yargs';
import { runTrajectories, TRAJECTORIES_FILE, TRAJECTORIES_SVG } from '../mobility/trajectories.ts';
import { COMMANDS } from './commands.ts';
import { type CommonArgs, lockOutput, logger, resolveCommon, shownPath, withCommonOptions } from './common.ts';

export const trajectoriesCommand: CommandModule<object, CommonArgs> = {
  command: COMMANDS.trajectories.usage,
  describe: COMMANDS.trajectories.describe,
  builder: (y) => withCommonOptions(y),
  handler: async (args) => {
    const started = performance.now();
    const { scenario, outDir } = resolveCommon(args);
    const log = logger(args.quiet);
    // Its own part of the folder: the shards of a cluster raytrace each write it (the same bytes) into one
    // folder before tracing (docs/scale.md); one at a time, the others wait a moment.
    const lock = await lockOutput(outDir, { part: { name: 'trajectories', files: [TRAJECTORIES_FILE, TRAJECTORIES_SVG] }, onBusy: 'wait' });
    const r = await runTrajectories(scenario, outDir, { quiet: args.quiet });
    const count = (split: string) => r.tracks.filter((t) => t.split === split).reduce((n, t) => n + t.samples.length, 0);
    const all = r.tracks.flatMap((t) => t.samples);
    const meanKmh = (all.reduce((s, x) => s + x.speed, 0) / all.length) * 3.6;
    const last = r.tracks[0].samples.at(-1)!;
    const testIds = r.tracks.filter((t) => t.split === 'test').map((t) => t.id);
    log(`scenario ${scenario.name}, seed ${scenario.seed}`);
    log(`tracks   ${r.tracks.length} (${r.tracks.length - testIds.length} train, ${testIds.length} test: ids ${testIds.join(', ')})`);
    log(`samples  ${r.rows} (${count('train')} train, ${count('test')} test), ${r.tracks[0].samples.length} per track over ${last.t.toFixed(1)} s`);
    log(`speed    mean ${meanKmh.toFixed(1)} km/h`);
    log(`wrote    ${shownPath(r.path)}`);
    log(`wrote    ${shownPath(r.svgPath)}`);
    log(`time     ${((performance.now() - started) / 1000).toFixed(2)} s`);
    lock.release();
  },
};
