import os from 'node:os';
import type { CommandModule } from 'yargs';
import { runRadiomap } from '../radiomap/run.ts';
import { COMMANDS } from './commands.ts';
import { type CommonArgs, logger, numberList, resolveCommon, shownPath, withCommonOptions } from './common.ts';

interface RadiomapArgs extends CommonArgs {
  sites?: string;
  cell: number;
  height?: number;
  constellation?: number;
  threads: number;
  scale: number;
}

export const radiomapCommand: CommandModule<object, RadiomapArgs> = {
  command: COMMANDS.radiomap.usage,
  describe: COMMANDS.radiomap.describe,
  builder: (y) =>
    withCommonOptions(y)
      .option('sites', { type: 'string', describe: 'site ids with an image each, e.g. 1,5,7 (default: all)' })
      .option('cell', { type: 'number', default: 2, describe: 'cell edge (m)' })
      .option('height', { type: 'number', describe: 'receiver height (m)', defaultDescription: 'the scenario\'s UE antenna height' })
      .option('constellation', { type: 'number', describe: 'constellation K: image of how many of its sites hear each cell', defaultDescription: '1 (without --sites)' })
      .option('threads', { type: 'number', default: os.availableParallelism(), describe: 'worker threads (integer 1-256)' })
      .option('scale', { type: 'number', default: 1, describe: 'image resolution: 2 or 3 for print (e.g. 1920 px wide at 3), same layout (integer 1-4)' }) as never,
  handler: async (args) => {
    const { scenario, outDir } = resolveCommon(args);
    const log = logger(args.quiet);
    const res = await runRadiomap(scenario, outDir, {
      sites: numberList(args.sites, '--sites'), cell: args.cell, height: args.height, constellation: args.constellation, threads: args.threads, resolution: args.scale, quiet: args.quiet,
    });
    const v = res.values;
    const ns = v.siteIds.length, nc = v.cells.length, links = nc * ns;
    let heardAny = 0, los = 0;
    for (let n = 0; n < nc; n++) {
      let h = 0;
      for (let s = 0; s < ns; s++) {
        h |= v.heard[n * ns + s];
        los += v.los[n * ns + s];
      }
      heardAny += h;
    }
    log(`radiomap: ${nc} open cells of ${v.grid.nx} x ${v.grid.ny} (${v.grid.cell} m, at ${v.grid.height} m) x ${ns} sites = ${links} links in ${res.seconds.toFixed(1)} s (${(links / res.seconds).toFixed(0)} links/s)`);
    log(`  cells heard by at least one site ${((100 * heardAny) / Math.max(1, nc)).toFixed(1)} %, line of sight ${((100 * los) / Math.max(1, links)).toFixed(1)} % of the links`);
    log(`  wrote ${shownPath(res.file)} and ${res.images.length} images (${imageList(res.images)})`);
  },
};

/** "site-1.png ... site-18.png, max.png, ..." for a long list. */
function imageList(files: string[]): string {
  const site = files.filter((f) => f.startsWith('site-'));
  const rest = files.filter((f) => !f.startsWith('site-'));
  return [...(site.length > 3 ? [`${site[0]} ... ${site[site.length - 1]}`] : site), ...rest].join(', ');
}
