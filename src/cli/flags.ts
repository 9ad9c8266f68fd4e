import fs from 'node:fs';
import os from 'node:os';
import type { Argv } from 'yargs';
import { SPLIT_NAMES, type SplitName } from '../scenario/schema.ts';
import { UserError } from '../util/errors.ts';
import { shownPath } from '../util/paths.ts';

// The flag validators every command uses: a bad value is a UserError naming the flag, the allowed values and
// what was given, before any work is done. Stages receive checked values; what they check themselves is only
// what depends on the data they read (e.g. --constellations against dataset.arrow's constellations).

/** An integer flag in [min, max]; `why` says where a bound comes from. undefined (flag not given) stays undefined. */
export function intFlag(value: number | undefined, flag: string, min: number, max: number, why = ''): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < min || value > max) throw new UserError(`${flag} must be an integer from ${min} to ${max}${why} (got ${value})`);
  return value;
}

/** An integer written as text (an environment variable, a part of a flag): digits only, in [min, max]. */
export function intText(text: string, what: string, min: number, max: number): number {
  const v = /^\s*\d+\s*$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(v) || v < min || v > max) throw new UserError(`${what} must be an integer from ${min} to ${max} (got ${JSON.stringify(text)})`);
  return v;
}

/** "1,2,5" -> numbers; a non-number names the flag. */
export function numberList(text: string | undefined, flag: string): number[] | undefined {
  if (text === undefined) return undefined;
  const values = String(text).split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  if (values.length === 0 || values.some((v) => !Number.isFinite(v))) throw new UserError(`${flag} must be a comma-separated list of numbers (got ${JSON.stringify(text)})`);
  return values;
}

/** "1,10,100" -> integers in [min, max]. */
export function intList(text: string | undefined, flag: string, min: number, max: number, why = ''): number[] | undefined {
  return numberList(text, flag)?.map((v) => intFlag(v, flag, min, max, why)!);
}

/** "a,b" -> names from `allowed` (duplicates dropped, the order given kept). */
export function nameList<T extends string>(text: string | undefined, flag: string, allowed: readonly T[]): T[] | undefined {
  if (text === undefined) return undefined;
  const names = String(text).split(',').map((s) => s.trim()).filter(Boolean);
  if (names.length === 0 || names.some((n) => !(allowed as readonly string[]).includes(n))) throw new UserError(`${flag} must be a comma list of ${allowed.join(', ')} (got "${text}")`);
  return [...new Set(names)] as T[];
}

/**
 * A flag naming an input file: refused in one line when the path is a folder or cannot be a file (through a
 * file, a link loop). A missing file is left to the reader, which knows what the file is for.
 */
export function fileFlag<T extends string | undefined>(file: T, flag: string): T {
  if (file === undefined) return file;
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return file;
    const why = code === 'ENOTDIR' ? 'a part of the path is a file, not a folder' : code === 'ELOOP' ? 'too many levels of symbolic links (a link loop)' : code === 'EACCES' ? 'permission denied' : `cannot be read (${code})`;
    throw new UserError(`${flag} ${shownPath(file)}: ${why}; give the path of a file`);
  }
  if (st.isDirectory()) throw new UserError(`${flag} ${shownPath(file)} is a folder; give a file`);
  return file;
}

/** Most worker threads a command takes. */
const MAX_THREADS = 256;

/** --threads: worker threads of the ray tracer (raytrace, radiomap, view; train when it has to make the dataset). */
export interface ThreadsArgs {
  threads?: number;
}

export function withThreadsOption<T>(y: Argv<T>, describe = 'worker threads'): Argv<T & ThreadsArgs> {
  return y.option('threads', { type: 'number', default: os.availableParallelism(), describe: `${describe} (integer 1-${MAX_THREADS})` }) as Argv<T & ThreadsArgs>;
}

/** The checked --threads (one per core when not given). */
export function threadsFlag(args: ThreadsArgs): number {
  return intFlag(args.threads, '--threads', 1, MAX_THREADS) ?? os.availableParallelism();
}

/** --jobs: worker processes, one per core by default (train, experiment: trainings at a time; measure). */
export interface JobsArgs {
  jobs?: number;
}

export function withJobsOption<T>(y: Argv<T>, what = 'trainings at a time, each in its own worker process on one core'): Argv<T & JobsArgs> {
  return y.option('jobs', { type: 'number', describe: `${what} (integer 1-64)`, defaultDescription: 'one per core' }) as Argv<T & JobsArgs>;
}

/** The checked --jobs; undefined (one per core) when not given. */
export function jobsFlag(args: JobsArgs): number | undefined {
  return intFlag(args.jobs, '--jobs', 1, 64);
}

/** --split: the train/test split of the dataset (export, train); the scenario's dataset.split when not given. */
export interface SplitArgs {
  split?: string;
}

export function withSplitOption<T>(y: Argv<T>): Argv<T & SplitArgs> {
  return y.option('split', { type: 'string', describe: `train/test split of dataset.arrow: ${SPLIT_NAMES.join(', ')} (docs/export.md "Splits")`, defaultDescription: 'scenario dataset.split, tracks' }) as Argv<T & SplitArgs>;
}

/** The checked --split; undefined when not given. */
export function splitFlag(args: SplitArgs): SplitName | undefined {
  if (args.split === undefined) return undefined;
  if (!(SPLIT_NAMES as readonly string[]).includes(args.split)) throw new UserError(`--split must be one of ${SPLIT_NAMES.join(', ')} (got ${JSON.stringify(args.split)})`);
  return args.split as SplitName;
}
