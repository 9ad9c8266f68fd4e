import type { CommandModule } from 'yargs';
import { LINE_INTERVAL_MS } from '../util/progress.ts';

// Every simgen command, in pipeline order. A command module imports its whole stage (three, tfjs,
// arrow...), so a run loads only the modules of the commands named on the command line; the others
// are listed from this table alone (usage + description), which keeps `simgen --help` fast.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyCommand = CommandModule<any, any>;

interface CommandEntry {
  /** yargs command string (name and positionals). */
  usage: string;
  describe: string;
  load: () => Promise<AnyCommand>;
}

export const COMMANDS: Record<string, CommandEntry> = {
  map: {
    usage: 'map <command>',
    describe: 'map tools: "map import FILE --out map.geojson" converts a lon/lat map into simgen\'s format',
    load: async () => (await import('./map.ts')).mapCommand,
  },
  scene: {
    usage: 'scene',
    describe: 'build the 3D scene from the map; print a summary; --out exports .glb and Mitsuba XML',
    load: async () => (await import('./scene.ts')).sceneCommand,
  },
  trajectories: {
    usage: 'trajectories',
    describe: 'drive vehicles on the street network -> trajectories.arrow + .svg',
    load: async () => (await import('./trajectories.ts')).trajectoriesCommand,
  },
  raytrace: {
    usage: 'raytrace',
    describe: 'ray-trace every trajectory sample to every site -> links.arrow',
    load: async () => (await import('./raytrace.ts')).raytraceCommand,
  },
  measure: {
    usage: 'measure',
    describe: 'what the gNBs measure from each sample\'s uplink SRS (scenario measurement.model nr-srs) -> measurements.arrow',
    load: async () => (await import('./measure.ts')).measureCommand,
  },
  channels: {
    usage: 'channels',
    describe: 'the channels of selected links (--tracks/--samples or --rx, --sites; nr-srs scenarios), as measure builds them -> channels.arrow',
    load: async () => (await import('./channels.ts')).channelsCommand,
  },
  radiomap: {
    usage: 'radiomap',
    describe: 'received power on a grid over the open map area (same ray tracer) -> radiomap/radiomap.arrow + PNG images',
    load: async () => (await import('./radiomap.ts')).radiomapCommand,
  },
  report: {
    usage: 'report',
    describe: 'the run checked against 3GPP TR 38.901 UMi street canyon (path loss, spreads, LOS probability, coverage, multipath) -> report/ (SVGs, report.json, report.html)',
    load: async () => (await import('./report.ts')).reportCommand,
  },
  view: {
    usage: 'view',
    describe: '3D viewer: map, sites, tracks, traced paths under a time slider, radio map -> viewer.html (--serve: on 127.0.0.1)',
    load: async () => (await import('./view.ts')).viewCommand,
  },
  merge: {
    usage: 'merge [parts..]',
    describe: 'join the part files of "raytrace --shard I/N" into links.arrow (the same bytes as one unsharded run)',
    load: async () => (await import('./merge.ts')).mergeCommand,
  },
  export: {
    usage: 'export',
    describe: 'constellations, 56-feature samples, splits -> dataset.arrow; --deepmimo: paths.arrow in DeepMIMO v4 layout',
    load: async () => (await import('./export.ts')).exportCommand,
  },
  train: {
    usage: 'train',
    describe: 'train HypLoc and its baselines on dataset.arrow (runs missing stages first)',
    load: async () => (await import('./train.ts')).trainCommand,
  },
  predict: {
    usage: 'predict',
    describe: 'predict positions with a trained model -> <model-dir>/predictions-<split>.arrow',
    load: async () => (await import('./predict.ts')).predictCommand,
  },
  experiment: {
    usage: 'experiment <name>',
    describe: "the paper's experiments: baseline (Fig. 4), constellations (Figs. 5-6), unseen (Figs. 7-8); zero-shot: deployments never trained on",
    load: async () => (await import('./experiment.ts')).experimentCommand,
  },
};

/**
 * The commands for parsing `argv`: the full module of every command named in it, a listing-only stub
 * (usage and description, never run) for the others. A stub can only be reached by naming it, and
 * every named command is loaded in full, so stubs serve `--help`, typos and "no command" alone.
 */
export async function loadCommands(argv: string[]): Promise<AnyCommand[]> {
  return Promise.all(
    Object.entries(COMMANDS).map(([name, c]) =>
      argv.includes(name) ? c.load() : Promise.resolve<AnyCommand>({ command: c.usage, describe: c.describe, handler: () => {} }),
    ),
  );
}

/** What each common option does: in every command's --help and once in `simgen --help` (commonOptionsHelp). */
export const COMMON_HELP = {
  scenario: ['FILE', 'scenario YAML file (default scenarios/hyploc-madrid.yaml)'],
  out: ['DIR', 'output directory (default output/<scenario name>/)'],
  seed: ['N', 'override the scenario seed (integer >= 0)'],
  quiet: ['', 'print errors only: no progress, no summary'],
  progress: ['', `progress bar even in a log (default there: a line every ${LINE_INTERVAL_MS / 1000} s)`],
} as const;

/** The common options for `simgen --help`. */
export function commonOptionsHelp(): string {
  const rows = Object.entries(COMMON_HELP).map(([flag, [arg, text]]) => `  ${`--${flag} ${arg}`.padEnd(16)} ${text}`);
  return ['Common options (all commands; "map import" and "predict" take --quiet only):', ...rows, '"simgen <command> -h" lists the options of a command.'].join('\n');
}
