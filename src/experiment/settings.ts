import os from 'node:os';
import type { TrainSettings } from '../learn/jobs/job.ts';
import type { Scenario } from '../scenario/load.ts';
import type { ExperimentName } from './types.ts';
import { ZERO_SHOT_DEFAULTS, ZERO_SHOT_MODEL_NAMES, ZERO_SHOT_QUICK, type ZeroShotModelName } from './zero-shot-plan.ts';

// The settings of one experiment run: the scenario's train block, overridden by flags, shrunk by
// --quick. Every value here that changes a training enters the job keys. The flags are checked by the
// CLI (src/cli/experiment.ts) before they get here.

/** Paper IV-C.3: re-training with 1, 2, 5, 10, 25 and 50 % of the unseen constellation's training samples. */
export const PAPER_FRACTIONS = [0.01, 0.02, 0.05, 0.1, 0.25, 0.5];

/** --quick: 2 epochs, C in {1, 2}, fractions {10, 50} %, at most 2000 training samples per job. */
export const QUICK = { epochs: 2, counts: [1, 2], fractions: [0.1, 0.5], maxTrainSamples: 2000 } as const;

export interface ExperimentOptions {
  quick?: boolean;
  /** Worker processes (default 2). */
  jobs?: number;
  epochs?: number;
  /** Constellation counts C of the `constellations` sweep (default 1..K). */
  counts?: number[];
  /** Data fractions (0, 1] of the `unseen` Fig. 8 sweep (default PAPER_FRACTIONS). */
  fractions?: number[];
  /** Known constellations `unseen` pre-trains on (default: all K). */
  pretrain?: number;
  /** zero-shot: numbers of training deployments (default 1, 10, 100, 1000). */
  deployments?: number[];
  /** zero-shot: the models of the ablation to run (default all). */
  models?: ZeroShotModelName[];
  quiet?: boolean;
}

export interface ExperimentSettings {
  train: TrainSettings;
  counts: number[];
  fractions: number[];
  pretrain: number;
  /** zero-shot: training deployment counts, ascending; the models. */
  deployments: number[];
  models: ZeroShotModelName[];
  jobs: number;
  quick: boolean;
}

/** Most training deployments of the zero-shot experiment (each is a distinct draw of sites). */
export const MAX_DEPLOYMENTS = 10000;

export function resolveSettings(scenario: Scenario, o: ExperimentOptions, experiment: ExperimentName = 'baseline'): ExperimentSettings {
  const known = scenario.constellations.count;
  const t = scenario.train;
  const quick = !!o.quick;
  // zero-shot trains on rows of many deployments: its own budget (zero-shot-plan.ts).
  const defaultEpochs = experiment === 'zero-shot' ? (quick ? ZERO_SHOT_QUICK.epochs : ZERO_SHOT_DEFAULTS.epochs) : quick ? Math.min(QUICK.epochs, t.epochs) : t.epochs;
  return {
    train: { ...t, epochs: o.epochs ?? defaultEpochs, maxTrainSamples: quick ? QUICK.maxTrainSamples : null },
    counts: [...new Set(o.counts ?? (quick ? QUICK.counts.filter((c) => c <= known) : Array.from({ length: known }, (_, i) => i + 1)))].sort((a, b) => a - b),
    fractions: [...(o.fractions ?? (quick ? QUICK.fractions : PAPER_FRACTIONS))].sort((a, b) => a - b),
    pretrain: o.pretrain ?? (quick ? Math.min(QUICK.counts[QUICK.counts.length - 1], known) : known),
    deployments: [...new Set(o.deployments ?? (quick ? ZERO_SHOT_QUICK.deployments : ZERO_SHOT_DEFAULTS.deployments))].sort((a, b) => a - b),
    models: o.models ? ZERO_SHOT_MODEL_NAMES.filter((m) => o.models!.includes(m)) : ZERO_SHOT_MODEL_NAMES,
    jobs: o.jobs ?? os.availableParallelism(), // as simgen train: one training per core
    quick,
  };
}
