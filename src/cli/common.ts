import path from 'node:path';
import type { Argv } from 'yargs';
import { KERNEL_SETS, KERNELS_ENV, kernelSetFromEnv } from '../learn/kernels/index.ts';
import { DEFAULT_SCENARIO, loadScenario, type Scenario } from '../scenario/load.ts';
import { type FolderLock, type LockOptions, lockOutputFolder } from '../util/lock.ts';
import { fileFlag } from './flags.ts';

/** Options every command takes. */
export interface CommonArgs {
  scenario: string;
  out?: string;
  seed?: number;
  quiet: boolean;
}

export function withCommonOptions<T>(y: Argv<T>): Argv<T & CommonArgs> {
  return y
    .option('scenario', { type: 'string', default: DEFAULT_SCENARIO, defaultDescription: 'scenarios/hyploc-madrid.yaml', describe: 'scenario YAML file' })
    .option('out', { type: 'string', describe: 'output directory', defaultDescription: 'output/<scenario name>/' })
    .option('seed', { type: 'number', describe: 'override the scenario seed (integer >= 0)' })
    .option('quiet', { type: 'boolean', default: false, describe: 'no progress output' }) as Argv<T & CommonArgs>;
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
