import path from 'node:path';
import type { Argv } from 'yargs';
import { KERNEL_SETS, KERNELS_ENV, kernelSetFromEnv } from '../learn/kernels/index.ts';
import { DEFAULT_SCENARIO, loadScenario, type Scenario } from '../scenario/load.ts';
import { COMMON_HELP } from './commands.ts';
import { type FolderLock, type LockOptions, lockOutputFolder } from '../util/lock.ts';
import { fileFlag } from './flags.ts';

/** --quiet, the one option every command takes (map import and predict work on the files they are named). */
export interface QuietArgs {
  quiet: boolean;
}

/** The common options' group in each command's --help. */
const COMMON = 'Common options:';

export function withQuietOption<T>(y: Argv<T>): Argv<T & QuietArgs> {
  return y.option('quiet', { type: 'boolean', default: false, group: COMMON, describe: COMMON_HELP.quiet[1] }) as Argv<T & QuietArgs>;
}

/** Options of every command that runs a stage on a scenario. */
export interface CommonArgs extends QuietArgs {
  scenario: string;
  out?: string;
  seed?: number;
  progress?: boolean;
}

export function withCommonOptions<T>(y: Argv<T>): Argv<T & CommonArgs> {
  return withQuietOption(y)
    .option('scenario', { type: 'string', default: DEFAULT_SCENARIO, group: COMMON, defaultDescription: 'scenarios/hyploc-madrid.yaml', describe: 'scenario YAML file' })
    .option('out', { type: 'string', group: COMMON, describe: 'output directory', defaultDescription: 'output/<scenario name>/' })
    .option('seed', { type: 'number', group: COMMON, describe: COMMON_HELP.seed[1] })
    .option('progress', { type: 'boolean', group: COMMON, describe: COMMON_HELP.progress[1] }) as Argv<T & CommonArgs>;
}

/** Loads the scenario and resolves the output directory. */
export function resolveCommon(args: CommonArgs): { scenario: Scenario; outDir: string } {
  const scenario = loadScenario(fileFlag(args.scenario, '--scenario'), { seed: args.seed });
  const outDir = path.resolve(args.out ?? path.join('output', scenario.name));
  return { scenario, outDir };
}

/**
 * Takes the output folder's lock for this command (src/util/lock.ts): every command that writes into an
 * output folder does, after checking its flags and before any work, so a folder that cannot be written
 * (read-only, a file, under a file) fails here too. The lock goes at exit.
 */
export function lockOutput(outDir: string, o: Pick<LockOptions, 'part' | 'onBusy'> = {}): Promise<FolderLock> {
  return lockOutputFolder(outDir, { ...o, command: ['simgen', ...process.argv.slice(2)].join(' ').slice(0, 300), log: (line) => console.error(line) });
}

/** Logs to stdout unless --quiet. */
export function logger(quiet: boolean): (msg: string) => void {
  return quiet ? () => {} : (msg) => console.log(msg);
}

export { shownPath } from '../util/paths.ts';

/** --kernels: which training kernels (src/learn/kernels); it sets SIMGEN_KERNELS, which worker processes inherit. */
export interface KernelArgs {
  kernels?: string;
}

export function withKernelsOption<T>(y: Argv<T>): Argv<T & KernelArgs> {
  return y.option('kernels', { type: 'string', describe: `training kernels: ${KERNEL_SETS.join(' (SIMD, fused; default) or ')} (tfjs-wasm's own, for comparison)`, defaultDescription: `$${KERNELS_ENV} or simgen` }) as Argv<T & KernelArgs>;
}

export function applyKernelsOption(args: KernelArgs): void {
  if (args.kernels !== undefined) process.env[KERNELS_ENV] = args.kernels;
  kernelSetFromEnv(); // a bad value is refused here, before any work
}
