import type { FeatureSet } from '../dataset/deployment-features.ts';
import type { ErrorSummary, HeardGroupErrors } from '../learn/evaluate.ts';
import type { ModelKind, TrainableKind } from '../learn/models.ts';
import type { EpochStats } from '../learn/train.ts';

// The records of an experiment run: what a job is (its description decides its key and its seed),
// and what a finished job leaves behind (result.json in its job folder).

export const EXPERIMENT_NAMES = ['baseline', 'constellations', 'unseen', 'zero-shot'] as const;
export type ExperimentName = (typeof EXPERIMENT_NAMES)[number];

/** Training settings shared by every job of a run; they are part of every job's key. */
export interface TrainSettings {
  epochs: number;
  batchSize: number;
  learningRate: number;
  lrDecayRate: number;
  lrDecaySamples: number;
  /** Cap on training samples per job (--quick): a seeded subset when there are more. */
  maxTrainSamples: number | null;
}

/** Train a fresh model on the training split of `constellations`; test on their test split. */
export interface TrainJobSpec {
  type: 'train';
  kind: ModelKind;
  constellations: number[];
  train: TrainSettings;
}

/**
 * Re-train the model of the train job `base` on constellation `target`, with a seeded share
 * `fraction` of its training samples; the test split of `target` is evaluated before (zero-shot)
 * and after every epoch.
 */
export interface FinetuneJobSpec {
  type: 'finetune';
  kind: ModelKind;
  /** Key of the train job whose saved model is the starting point. */
  base: string;
  target: number;
  fraction: number;
  train: TrainSettings;
}

/**
 * A site a zero-shot job needs besides links.arrow's: its position and the input_key of its link file
 * (src/raytrace/site-links.ts; the file is found by its key under <out>/site-links/).
 */
export interface ExtraSite {
  id: number;
  x: number;
  y: number;
  key: string;
}

/** A named list of deployments (site id lists) a zero-shot job is tested on (test split of the tracks). */
export interface DeploymentSet {
  name: string;
  deployments: number[][];
}

/**
 * Train a fresh model on `rows` (sample, deployment) pairs of the training split, the deployments taking
 * turns (each gets rows / deployments.length of them, every training sample equally often), with the
 * feature set `features`; test it on each of `evaluate` (SiteSet also on deployments of other sizes).
 */
export interface ZeroShotJobSpec {
  type: 'zero-shot';
  kind: TrainableKind;
  features: FeatureSet;
  /** SiteSet without the sites' own estimates in its output (the ablation). */
  useEstimate: boolean;
  deployments: number[][];
  rows: number;
  sites: ExtraSite[];
  evaluate: DeploymentSet[];
  train: TrainSettings;
}

export type JobSpec = TrainJobSpec | FinetuneJobSpec | ZeroShotJobSpec;

/** A planned job: `key` = hash of the spec + dataset input_key (resume and invalidation). */
export interface Job {
  key: string;
  /** Readable name, also the prefix of the job folder. */
  label: string;
  spec: JobSpec;
  /** Training seed, derived from the spec and the scenario seed only (never from scheduling). */
  seed: number;
  /** Keys of jobs that must finish first. */
  deps: string[];
}

export interface TrainJobResult {
  type: 'train';
  label: string;
  kind: ModelKind;
  constellations: number[];
  trainable_params: number;
  train_samples: number;
  test_samples: number;
  /** Test split of all its constellations together. */
  test: ErrorSummary;
  /** Mean test error on each of its constellations alone. */
  per_constellation: Array<{ constellation: number; mean_error_m: number }>;
  curve: EpochStats[];
}

export interface FinetuneJobResult {
  type: 'finetune';
  label: string;
  kind: ModelKind;
  base: string;
  target: number;
  fraction: number;
  train_samples: number;
  test_samples: number;
  /** Test error of the pre-trained model before any re-training. */
  zero_shot: ErrorSummary;
  /** After the last epoch. */
  test: ErrorSummary;
  curve: EpochStats[];
}

/** One evaluation set of a zero-shot job. */
export interface DeploymentSetResult {
  name: string;
  sites_per_deployment: number[];
  test_samples: number;
  /** Over every (sample, deployment) of the set. */
  summary: ErrorSummary;
  /** Mean error of each deployment, in the set's order. */
  per_deployment_mean_error_m: number[];
  by_sites_heard: HeardGroupErrors[];
}

export interface ZeroShotJobResult {
  type: 'zero-shot';
  label: string;
  kind: TrainableKind;
  features: FeatureSet;
  use_estimate: boolean;
  deployments: number;
  trainable_params: number;
  train_samples: number;
  /** The first evaluation set (the runner's progress line). */
  test: ErrorSummary;
  sets: DeploymentSetResult[];
  curve: EpochStats[];
}

export type JobResult = TrainJobResult | FinetuneJobResult | ZeroShotJobResult;

/** Progress a worker reports while a job trains. */
export interface JobProgress {
  epoch: number;
  epochs: number;
}

/** What the runner sends a worker process: one job. */
export interface WorkerRequest {
  job: Job;
  jobDir: string;
  /** Folder of each dependency (by key). */
  depDirs: Record<string, string>;
  datasetPath: string;
  scenarioSeed: number;
  /** The scenario file (zero-shot jobs read links.arrow, whose provenance check needs it). */
  scenarioPath: string;
}
