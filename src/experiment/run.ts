import path from 'node:path';
import { metaFromMap } from '../dataset/schema.ts';
import { JobRunner } from '../learn/jobs/runner.ts';
import { ensureDataset } from '../pipeline/dataset.ts';
import { unseenNote } from '../scenario/constellations.ts';
import type { Scenario } from '../scenario/load.ts';
import { UserError } from '../util/errors.ts';
import { readArrowFile } from '../util/arrow.ts';
import { writeFileAtomic } from '../util/atomic.ts';
import { SIMGEN_VERSION } from '../util/meta.ts';
import { baseline } from './baseline.ts';
import { constellations } from './constellations.ts';
import type { Experiment, ExperimentOutput } from './context.ts';
import { toJson } from './json.ts';
import { type ExperimentOptions, resolveSettings } from './settings.ts';
import type { ExperimentName } from './types.ts';
import { unseen } from './unseen.ts';
import { zeroShot } from './zero-shot.ts';

// `simgen experiment NAME`: make sure dataset.arrow is current, plan and run the jobs (resuming
// finished ones), then write <out>/experiments/NAME/results.json and the figure SVGs. results.json
// holds no wall-clock values: the same scenario, seed and settings give the same bytes.

export const EXPERIMENTS: Record<ExperimentName, Experiment> = { baseline, constellations, unseen, 'zero-shot': zeroShot };

export const RESULTS_FILE = 'results.json';

export interface ExperimentRun {
  dir: string;
  resultsPath: string;
  plots: string[];
  /** Jobs trained by this run (the rest were resumed). */
  trained: number;
  results: Record<string, unknown>;
  summary: string[];
}

export async function runExperiment(name: ExperimentName, scenario: Scenario, outDir: string, opts: ExperimentOptions = {}, log: (msg: string) => void = () => {}): Promise<ExperimentRun> {
  const settings = resolveSettings(scenario, opts, name);
  // Refused before any stage runs: a dataset without an unseen constellation cannot feed this experiment.
  const noUnseen = unseenNote(scenario.sites.length, scenario.constellations);
  if (name === 'unseen' && noUnseen) throw new UserError(`experiment unseen needs an unseen constellation, and this scenario has ${noUnseen.replace(/^no unseen constellation:? ?/, 'none: ')}`);
  const stages = await ensureDataset(scenario, outDir, { quiet: opts.quiet, log });
  const datasetPath = stages[stages.length - 1].path;
  const meta = metaFromMap(readArrowFile(datasetPath, 'dataset.arrow').schema.metadata, datasetPath);
  const dir = path.join(outDir, 'experiments', name);
  const experimentsDir = path.dirname(dir);
  const runner = new JobRunner({
    name: `experiment ${name}`,
    parallel: settings.jobs,
    dirOf: (job) => path.join(dir, 'jobs', `${job.label}-${job.key.slice(0, 12)}`),
    resume: true,
    siblingsDir: experimentsDir,
    datasetPath,
    scenarioPath: scenario.path,
    scenarioSeed: scenario.seed,
    quiet: !!opts.quiet,
    log,
  });
  let out: ExperimentOutput;
  try {
    out = await EXPERIMENTS[name]({ settings, meta, scenario, outDir, scenarioSeed: scenario.seed, runner, quiet: !!opts.quiet, log });
  } finally {
    await runner.close();
  }

  const results = {
    experiment: name,
    simgen_version: SIMGEN_VERSION,
    scenario: scenario.name,
    scenario_hash: scenario.hash,
    seed: scenario.seed,
    dataset_input_key: meta.inputKey,
    // --jobs changes no number: it stays out of the file.
    settings: { ...settings.train, quick: settings.quick },
    ...out.results,
  };
  const resultsPath = path.join(dir, RESULTS_FILE);
  for (const p of out.plots) writeFileAtomic(path.join(dir, p.file), p.svg);
  writeFileAtomic(resultsPath, `${toJson(results)}\n`);
  return { dir, resultsPath, plots: out.plots.map((p) => path.join(dir, p.file)), trained: runner.trained, results, summary: out.summary };
}
