import type { FeatureSet } from '../../dataset/deployment-features.ts';
import type { Leakage } from '../../dataset/leakage.ts';
import type { TrainConfig } from '../../scenario/config.ts';
import { stageKey } from '../../util/meta.ts';
import type { ErrorSummary, HeardGroupErrors } from '../evaluate.ts';
import type { TrainableKind } from '../models.ts';
import type { KindName } from '../registry.ts';
import type { EpochStats } from '../train.ts';

// What a training job is and what it leaves behind. A job is a spec (what to fit on which data, with which
// settings); its key hashes the spec and the dataset (resume and invalidation), its seed is derived from the
// spec and the scenario seed (never from scheduling). `simgen train` and every experiment describe their
// trainings as jobs and run them through the same runner (runner.ts), worker protocol (worker.ts) and record:
// each job's folder holds its model, timing.json and metrics.json (ModelMetrics), written last.

/** A training's settings: the scenario's train section (or the flags overriding it) and an optional sample cap. */
export interface TrainSettings extends TrainConfig {
  /** Cap on training samples per job (experiment --quick): a seeded subset when there are more. */
  maxTrainSamples: number | null;
}

/** Fit a fresh model of `kind` on the training split of `constellations`; test on their test split. */
export interface TrainJobSpec {
  type: 'train';
  kind: KindName;
  constellations: number[];
  train: TrainSettings;
}

/**
 * Re-train the model of the train job `base` on constellation `target`, with a seeded share `fraction` of its
 * training samples; the test split of `target` is evaluated before (zero-shot) and after every epoch.
 */
export interface FinetuneJobSpec {
  type: 'finetune';
  kind: KindName;
  /** Key of the train job whose saved model is the starting point. */
  base: string;
  target: number;
  fraction: number;
  train: TrainSettings;
}

/**
 * A site a zero-shot job needs besides links.arrow's: its position and the input_key of its link file
 * (src/raytrace: siteLinksFile finds the file by its key under <out>/site-links/).
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
 * Train a fresh network on `rows` (sample, deployment) pairs of the training split, the deployments taking
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

/** A planned job. */
export interface Job {
  /** Hash of the spec and the dataset's input_key. */
  key: string;
  /** Readable name, also the folder's name (or its prefix, under an experiment). */
  label: string;
  spec: JobSpec;
  /** Training seed. */
  seed: number;
  /** Keys of jobs that must finish first. */
  deps: string[];
}

/** The spec without another kind's options (train.knn outside a kNN job): editing them re-runs no other job. */
function withOwnSettings(spec: JobSpec): JobSpec {
  if (spec.kind === 'knn' || spec.train.knn === undefined) return spec;
  const { knn: _, ...train } = spec.train;
  return { ...spec, train } as JobSpec;
}

/**
 * The job for a spec. A train job is exactly what `simgen train` runs for one model: its seed is the scenario
 * seed, so `simgen train` and `simgen experiment baseline` give the same models. Re-training and zero-shot
 * jobs have no `simgen train` counterpart: their seeds hash the spec with the scenario seed (independent
 * draws per job), never the dataset key (a dataset re-made identical must not change an initialisation).
 */
export function makeJob(given: JobSpec, label: string, datasetKey: string, scenarioSeed: number): Job {
  const spec = withOwnSettings(given);
  const key = stageKey('training-job', spec, datasetKey);
  const seed = spec.type === 'train' ? scenarioSeed : parseInt(stageKey('experiment-seed', spec, scenarioSeed).slice(0, 8), 16) % 2 ** 31;
  const deps = spec.type === 'finetune' ? [spec.base] : [];
  return { key, label, spec, seed, deps };
}

/**
 * metrics.json, the record of every job: everything deterministic about the fitted model (wall-clock numbers
 * are in timing.json), so that the same scenario and seed give the same bytes. The fit settings (a network's
 * epochs, batch_size, seed, learning_rate, lr_decay_rate, lr_decay_samples, kernels) come from the model kind
 * (src/learn/registry.ts) and sit between the sample counts and the errors. Re-training and zero-shot jobs add
 * their own fields at the end.
 */
export interface ModelMetrics extends ErrorSummary {
  /** The model kind. */
  model: string;
  /** Constellations trained and tested on (a re-training: its target; zero-shot: none, see `sets`). */
  constellations: number[];
  trainable_params: number;
  train_samples: number;
  test_samples: number;
  /** The fit settings. */
  [setting: string]: unknown;
  /** Test error by how many of the constellation's sites hear the sample: 0, 1, 2, >= 3. */
  by_sites_heard: HeardGroupErrors[];
  curve: EpochStats[];
  dataset_input_key: string;
  /** Train jobs: the dataset's split and how far its test samples lie from the training samples (src/dataset/leakage.ts). */
  leakage?: SplitLeakage;
}

/** The leakage figure of a training, with the split it was measured on. */
export interface SplitLeakage extends Leakage {
  split: string;
}

/** A re-training's record: the base model's test error on the target before re-training, and the data share. */
export interface FinetuneMetrics extends ModelMetrics {
  base: string;
  fraction: number;
  zero_shot: ErrorSummary;
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

/** A zero-shot job's record: the headline errors are those of its first evaluation set. */
export interface ZeroShotMetrics extends ModelMetrics {
  features: FeatureSet;
  use_estimate: boolean;
  deployments: number;
  sets: DeploymentSetResult[];
}

/** Progress a running job reports. */
export type JobProgress = { type: 'epoch'; stats: EpochStats; epochs: number } | { type: 'samples'; processed: number; total: number };

/** What the runner sends to run one job (in a worker process or in this one). */
export interface JobRequest {
  job: Job;
  jobDir: string;
  /** Folder of each dependency (by key). */
  depDirs: Record<string, string>;
  datasetPath: string;
  scenarioSeed: number;
  /** The scenario file (zero-shot jobs read links.arrow, whose provenance check needs it). */
  scenarioPath: string;
}

/** What a finished job reports besides its record: wall-clock numbers. */
export interface JobStats {
  seconds: number;
  samplesPerSecond: number;
}
