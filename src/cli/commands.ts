import type { CommandModule } from 'yargs';

// Every simgen command, in pipeline order, loaded on demand: a command module imports its whole
// stage (three, tfjs, arrow...), so a run loads only the module of the command it runs.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyCommand = CommandModule<any, any>;

export const commandLoaders: Record<string, () => Promise<AnyCommand>> = {
  map: async () => (await import('./map.ts')).mapCommand,
  scene: async () => (await import('./scene.ts')).sceneCommand,
  trajectories: async () => (await import('./trajectories.ts')).trajectoriesCommand,
  raytrace: async () => (await import('./raytrace.ts')).raytraceCommand,
  export: async () => (await import('./export.ts')).exportCommand,
  train: async () => (await import('./train.ts')).trainCommand,
  predict: async () => (await import('./predict.ts')).predictCommand,
  experiment: async () => (await import('./experiment.ts')).experimentCommand,
};

/** The modules needed to parse `argv`: the named command alone, or all of them (help, typos). */
export async function loadCommands(argv: string[]): Promise<AnyCommand[]> {
  const first = argv.find((a) => !a.startsWith('-'));
  const names = first && first in commandLoaders ? [first] : Object.keys(commandLoaders);
  return Promise.all(names.map((n) => commandLoaders[n]()));
}
