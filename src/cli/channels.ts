import type { CommandModule } from 'yargs';
import { type ChannelSelection, DEFAULT_MAX_CHANNEL_BYTES, ESTIMATED_COMPONENTS, idsText, planChannels, sizeText, writeChannels } from '../measure/channel-export.ts';
import type { Scenario } from '../scenario/load.ts';
import { UserError } from '../util/errors.ts';
import { COMMANDS } from './commands.ts';
import { type CommonArgs, lockOutput, logger, resolveCommon, shownPath, withCommonOptions } from './common.ts';
import { fileFlag, intList } from './flags.ts';

export interface ChannelsArgs extends CommonArgs {
  tracks?: string;
  samples?: string;
  rx?: string;
  sites?: string;
  response: boolean;
  'max-bytes'?: string;
  'allow-indoor': boolean;
  'allow-off-map': boolean;
}

const INT32_MAX = 2 ** 31 - 1;
const UNITS: Record<string, number> = { '': 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 };

/** --max-bytes: bytes, or with a binary suffix K, M, G or T. */
export function maxBytesFlag(text: string | undefined): number {
  if (text === undefined) return DEFAULT_MAX_CHANNEL_BYTES;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([KMGT]?)\s*$/i.exec(text);
  const v = m ? Number(m[1]) * UNITS[m[2].toUpperCase()] : NaN;
  if (!(v >= 1)) throw new UserError(`--max-bytes must be a size in bytes, or with K, M, G or T (KiB, MiB, GiB, TiB), e.g. 4G (got ${JSON.stringify(text)})`);
  return Math.floor(v);
}

/** --samples FROM-TO (or one index): an inclusive range of sample indices. */
function samplesFlag(text: string | undefined): [number, number] | undefined {
  if (text === undefined) return undefined;
  const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(text);
  const range: [number, number] | undefined = m ? [Number(m[1]), Number(m[2] ?? m[1])] : undefined;
  if (!range || range[0] > range[1] || range[1] > INT32_MAX) throw new UserError(`--samples must be FROM-TO, sample indices with FROM <= TO (e.g. 0-99), or one index (got ${JSON.stringify(text)})`);
  return range;
}

/**
 * The checked flags of `simgen channels` against the scenario: which links (--tracks [--samples] or --rx;
 * --sites), --response, --max-bytes. What depends on trajectories.arrow or the CSV (track ids, sample ranges,
 * points) is checked when the stage reads them.
 */
export function channelsOptions(args: ChannelsArgs, scenario: Scenario): ChannelSelection {
  if (scenario.measurement.model !== 'nr-srs')
    throw new UserError(`--scenario: ${scenario.name}'s measurement.model is ${scenario.measurement.model}: channels are built at the resolution of the scenario's nr-srs receiver; use a scenario with measurement: { model: nr-srs } (e.g. scenarios/hyploc-madrid-nr-srs.yaml)`);
  if (args.tracks === undefined && args.rx === undefined)
    throw new UserError('--tracks: choose the links: --tracks IDS (trajectories of trajectories.arrow, --samples FROM-TO within them) or --rx points.csv (header x,y,z); the whole scenario\'s channels are tens of GB');
  if (args.tracks !== undefined && args.rx !== undefined) throw new UserError('--rx: give --tracks or --rx, not both');
  if (args.samples !== undefined && args.tracks === undefined) throw new UserError('--samples: selects samples of --tracks; give --tracks too');
  for (const flag of ['allow-indoor', 'allow-off-map'] as const) if (args[flag] && args.rx === undefined) throw new UserError(`--${flag}: keeps --rx points; give --rx too`);
  const ids = scenario.sites.map((s) => s.id).sort((a, b) => a - b);
  const sites = intList(args.sites, '--sites', 0, INT32_MAX);
  if (sites?.some((s) => !ids.includes(s))) throw new UserError(`--sites must be site ids of scenario ${scenario.name}: ${idsText(ids)} (got "${args.sites}")`);
  return {
    tracks: intList(args.tracks, '--tracks', 0, INT32_MAX),
    samples: samplesFlag(args.samples),
    rxCsv: fileFlag(args.rx, '--rx'),
    allowIndoor: args['allow-indoor'],
    allowOffMap: args['allow-off-map'],
    sites: sites && [...new Set(sites)],
    response: args.response,
    maxBytes: maxBytesFlag(args['max-bytes']),
  };
}

export const channelsCommand: CommandModule<object, ChannelsArgs> = {
  command: COMMANDS.channels.usage,
  describe: COMMANDS.channels.describe,
  builder: (y) =>
    withCommonOptions(y)
      .option('tracks', { type: 'string', describe: 'trajectory ids of trajectories.arrow whose samples to write (comma list)' })
      .option('samples', { type: 'string', describe: 'only these samples of the tracks: FROM-TO (inclusive) or one index' })
      .option('rx', { type: 'string', describe: 'the receiver points of this CSV file (header x,y,z; at rest) instead of --tracks' })
      .option('sites', { type: 'string', describe: 'site ids (comma list)', defaultDescription: 'every site' })
      .option('response', { type: 'boolean', default: false, describe: 'also write every element\'s frequency response at every SRS tone (64 x 792 complex values a link by default: 396 KiB)' })
      .option('max-bytes', { type: 'string', describe: 'refuse a selection whose file would be larger: bytes, or with K, M, G, T (binary)', defaultDescription: '1G' })
      .option('allow-indoor', { type: 'boolean', default: false, describe: 'keep --rx points inside building footprints (refused otherwise)' })
      .option('allow-off-map', { type: 'boolean', default: false, describe: 'keep --rx points outside the map (refused otherwise)' }) as never,
  handler: async (args) => {
    const { scenario, outDir } = resolveCommon(args);
    const selection = channelsOptions(args, scenario);
    const log = logger(args.quiet);
    await lockOutput(outDir);
    const plan = await planChannels(scenario, outDir, selection);
    const response = plan.responseValues > 0 ? ` and the response at ${plan.elements} elements x ${plan.tones} tones` : '';
    log(`channels: ${plan.receivers.sample.length} receivers x ${plan.siteIds.length} sites = ${plan.links} links; estimated ${sizeText(plan.estimatedBytes)} (${ESTIMATED_COMPONENTS} components${response} a link; limit ${sizeText(selection.maxBytes)}, --max-bytes)`);
    const r = await writeChannels(scenario, outDir, plan, args.quiet);
    log(`  ${(r.specular / r.links).toFixed(1)} specular paths and ${(r.clusters / r.links).toFixed(1)} diffuse clusters a link, in ${r.seconds.toFixed(1)} s`);
    log(`wrote ${shownPath(r.path)} (${sizeText(r.bytes)})`);
  },
};
