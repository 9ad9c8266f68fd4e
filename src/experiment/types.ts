import type { ErrorSummary } from '../learn/evaluate.ts';
import type { ModelKind } from '../learn/models.ts';
import type { EpochStats } from '../learn/train.ts';

// The records of an experiment run: what a job is (its description decides its key and its seed),
// and what a finished job leaves behind (result.json in its job folder).

export const EXPERIMENT_NAMES = ['baseline', 'constellations', 'unseen'] as const;
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

export type JobSpec = TrainJobSpec | FinetuneJobSpec;

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

export type JobResult = TrainJobResult | FinetuneJobResult;

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
}
