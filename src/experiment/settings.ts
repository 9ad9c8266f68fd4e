import type { Scenario } from '../scenario/load.ts';
import { UserError } from '../util/errors.ts';
import type { ExperimentName, TrainSettings } from './types.ts';
import { ZERO_SHOT_DEFAULTS, ZERO_SHOT_MODEL_NAMES, ZERO_SHOT_QUICK, type ZeroShotModelName } from './zero-shot-plan.ts';

// The settings of one experiment run: the scenario's train block, overridden by flags, shrunk by
// --quick. Every value here that changes a training enters the job keys.

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
  models?: string[];
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

function intIn(v: number, lo: number, hi: number, flag: string, why = ''): number {
  if (!Number.isInteger(v) || v < lo || v > hi) throw new UserError(`${flag} must be an integer in ${lo}..${hi}${why} (got ${v})`);
  return v;
}

/** Most training deployments of the zero-shot experiment (each is a distinct draw of sites). */
export const MAX_DEPLOYMENTS = 10000;

/** Checked before anything runs (bad flags write nothing); K = the scenario's constellations.count, as exported. */
export function resolveSettings(scenario: Scenario, o: ExperimentOptions, experiment: ExperimentName = 'baseline'): ExperimentSettings {
  const known = scenario.file.constellations.count;
  const t = scenario.file.train;
  const quick = !!o.quick;
  // zero-shot trains on rows of many deployments: its own budget (zero-shot-plan.ts).
  const defaultEpochs = experiment === 'zero-shot' ? (quick ? ZERO_SHOT_QUICK.epochs : ZERO_SHOT_DEFAULTS.epochs) : quick ? Math.min(QUICK.epochs, t.epochs) : t.epochs;
  const epochs = intIn(o.epochs ?? defaultEpochs, 1, 10000, '--epochs');
  const counts = [...new Set(o.counts ?? (quick ? QUICK.counts.filter((c) => c <= known) : Array.from({ length: known }, (_, i) => i + 1)))].sort((a, b) => a - b);
  for (const c of counts) intIn(c, 1, known, '--counts', ` (the scenario's constellations.count is ${known})`);
  const fractions = [...(o.fractions ?? (quick ? QUICK.fractions : PAPER_FRACTIONS))].sort((a, b) => a - b);
  for (const f of fractions)
    if (!(f > 0 && f <= 1)) throw new UserError(`--fractions must be percentages in (0, 100] (got ${Number((f * 100).toPrecision(6))})`);
  const pretrain = intIn(o.pretrain ?? (quick ? Math.min(QUICK.counts[QUICK.counts.length - 1], known) : known), 1, known, '--pretrain', ` (the scenario's constellations.count is ${known})`);
  return {
    train: {
      epochs,
      batchSize: t.batch_size,
      learningRate: t.learning_rate,
      lrDecayRate: t.lr_decay_rate,
      lrDecaySamples: t.lr_decay_samples,
      maxTrainSamples: quick ? QUICK.maxTrainSamples : null,
    },
    counts,
    fractions,
    pretrain,
    deployments: [...new Set(o.deployments ?? (quick ? ZERO_SHOT_QUICK.deployments : ZERO_SHOT_DEFAULTS.deployments))].sort((a, b) => a - b).map((n) => intIn(n, 1, MAX_DEPLOYMENTS, '--deployments')),
    models: zeroShotModels(o.models),
    jobs: intIn(o.jobs ?? 2, 1, 64, '--jobs'),
    quick,
  };
}

function zeroShotModels(list: string[] | undefined): ZeroShotModelName[] {
  if (list === undefined) return ZERO_SHOT_MODEL_NAMES;
  const bad = list.find((m) => !(ZERO_SHOT_MODEL_NAMES as string[]).includes(m));
  if (bad !== undefined || list.length === 0) throw new UserError(`--models must be a comma list of ${ZERO_SHOT_MODEL_NAMES.join(', ')} (got "${list.join(',')}")`);
  return ZERO_SHOT_MODEL_NAMES.filter((m) => list.includes(m));
}
