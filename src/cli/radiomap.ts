import type { CommandModule } from 'yargs';
import { MAX_CELLS, type RadiomapOptions, runRadiomap } from '../radiomap/run.ts';
import type { Scenario } from '../scenario/load.ts';
import { UserError } from '../util/errors.ts';
import { COMMANDS } from './commands.ts';
import { type CommonArgs, lockOutput, logger, resolveCommon, shownPath, withCommonOptions } from './common.ts';
import { intFlag, numberList, type ThreadsArgs, threadsFlag, withThreadsOption } from './flags.ts';

interface RadiomapArgs extends CommonArgs, ThreadsArgs {
  sites?: string;
  cell: number;
  height?: number;
  constellation?: number;
  scale?: number;
}

/** The flags checked against the scenario and its map. */
export function radiomapOptions(args: Omit<RadiomapArgs, keyof CommonArgs>, scenario: Scenario): RadiomapOptions {
  const { cell, height } = args;
  const map = scenario.map;
  if (!(cell > 0) || !Number.isFinite(cell) || Math.ceil(map.width / cell) * Math.ceil(map.height / cell) > MAX_CELLS)
    throw new UserError(`--cell: must be a number of metres > 0 giving at most ${MAX_CELLS.toLocaleString('en-US')} cells on this ${map.width} x ${map.height} m map (got ${cell})`);
  if (height !== undefined && (!(height > 0) || !Number.isFinite(height) || height > 1000)) throw new UserError(`--height: must be a number of metres > 0 and <= 1000 (got ${height})`);
  const sites = numberList(args.sites, '--sites');
  const ids = scenario.sites.map((s) => s.id).sort((a, b) => a - b);
  const unknown = sites?.filter((id) => !ids.includes(id)) ?? [];
  if (unknown.length > 0) throw new UserError(`--sites: no site ${unknown.join(', ')}; the scenario's sites are ${ids.join(',')}`);
  return {
    sites,
    cell,
    height,
    constellation: intFlag(args.constellation, '--constellation', 1, scenario.constellations.count, " (the scenario's constellations.count)"),
    threads: threadsFlag(args),
    resolution: intFlag(args.scale, '--scale', 1, 4) ?? 1,
  };
}

export const radiomapCommand: CommandModule<object, RadiomapArgs> = {
  command: COMMANDS.radiomap.usage,
  describe: COMMANDS.radiomap.describe,
  builder: (y) =>
    withThreadsOption(withCommonOptions(y))
      .option('sites', { type: 'string', describe: 'site ids with an image each, e.g. 1,5,7 (default: all)' })
      .option('cell', { type: 'number', default: 2, describe: 'cell edge (m)' })
      .option('height', { type: 'number', describe: 'receiver height (m)', defaultDescription: 'the scenario\'s UE antenna height' })
      .option('constellation', { type: 'number', describe: 'constellation K: image of how many of its sites hear each cell', defaultDescription: '1 (without --sites)' })
      .option('scale', { type: 'number', default: 1, describe: 'image resolution: 2 or 3 for print (e.g. 1920 px wide at 3), same layout (integer 1-4)' }) as never,
  handler: async (args) => {
    const { scenario, outDir } = resolveCommon(args);
    const log = logger(args.quiet);
    const opts = radiomapOptions(args, scenario);
    await lockOutput(outDir);
    const res = await runRadiomap(scenario, outDir, { ...opts, quiet: args.quiet });
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
