import type { DatasetMeta } from '../dataset/schema.ts';
import { type FinetuneMetrics, type Job, makeJob, type ZeroShotMetrics } from '../learn/jobs/job.ts';
import type { JobDone, JobRunner } from '../learn/jobs/runner.ts';
import { type KindName, MODEL_REGISTRY } from '../learn/registry.ts';
import type { Scenario } from '../scenario/load.ts';
import type { ExperimentSettings } from './settings.ts';

// What an experiment definition gets (settings, dataset metadata, a job runner) and returns
// (the results.json body and its plots), plus the naming shared by the three experiments.

export interface ExperimentContext {
  settings: ExperimentSettings;
  meta: DatasetMeta;
  scenario: Scenario;
  /** The output directory (dataset.arrow and its inputs are there). */
  outDir: string;
  scenarioSeed: number;
  runner: JobRunner;
  quiet: boolean;
  log: (line: string) => void;
}

export interface ExperimentOutput {
  /** Experiment-specific part of results.json. */
  results: Record<string, unknown>;
  plots: Array<{ file: string; svg: string }>;
  /** Lines printed at the end of the run (a table of the figure's numbers). */
  summary: string[];
}

export type Experiment = (ctx: ExperimentContext) => Promise<ExperimentOutput>;

/** The paper's model names: the three architectures, and one model per constellation ("Individual"); the baselines. */
export type PaperKind = 'hyploc' | 'single' | 'single-plus';
export type BaselineKind = 'knn' | 'geometric';
export type PaperModelName = PaperKind | 'individual' | 'individual-plus';
export type ModelName = PaperModelName | BaselineKind;
export const DISPLAY: Record<ModelName, string> = {
  hyploc: MODEL_REGISTRY.hyploc.label,
  single: MODEL_REGISTRY.single.label,
  'single-plus': MODEL_REGISTRY['single-plus'].label,
  knn: MODEL_REGISTRY.knn.label,
  geometric: MODEL_REGISTRY.geometric.label,
  individual: 'Individual',
  'individual-plus': 'Individual+',
};
/** "Individual" is the Single architecture per constellation, "Individual+" the Single+ one. */
export const INDIVIDUAL: Array<[PaperModelName, KindName]> = [
  ['individual', 'single'],
  ['individual-plus', 'single-plus'],
];
/** Architecture order of every table and legend. */
export const KINDS: PaperKind[] = ['hyploc', 'single-plus', 'single'];
/** The baselines (issue 21) trained and tested beside the architectures, after them in tables and legends. */
export const BASELINES: BaselineKind[] = ['knn', 'geometric'];

/** Constellations 1..C. */
export const firstC = (c: number) => Array.from({ length: c }, (_, i) => i + 1);

/** "c3", "c1-10" (contiguous id lists only, which is all the experiments use). */
export function constellationTag(ids: number[]): string {
  return ids.length === 1 ? `c${ids[0]}` : `c${ids[0]}-${ids[ids.length - 1]}`;
}

export const percent = (fraction: number) => Number((fraction * 100).toPrecision(6));

export function trainJob(ctx: ExperimentContext, kind: KindName, constellations: number[]): Job {
  return makeJob({ type: 'train', kind, constellations, train: ctx.settings.train }, `${kind}-${constellationTag(constellations)}`, ctx.meta.inputKey, ctx.scenarioSeed);
}

export function finetuneJob(ctx: ExperimentContext, base: Job, target: number, fraction: number): Job {
  const spec = base.spec;
  if (spec.type !== 'train') throw new Error(`re-training starts from a trained model, not from ${base.label}`);
  const label = `retrain-${spec.kind}-${constellationTag(spec.constellations)}-on-c${target}-${percent(fraction)}pct`;
  return makeJob({ type: 'finetune', kind: spec.kind, base: base.key, target, fraction, train: ctx.settings.train }, label, ctx.meta.inputKey, ctx.scenarioSeed);
}

/** The record of a finished re-training job. */
export function finetuneRecord(d: JobDone): FinetuneMetrics {
  if (d.job.spec.type !== 'finetune') throw new Error(`expected a re-training job, got ${d.job.spec.type} (${d.job.label})`);
  return d.record as FinetuneMetrics;
}

/** The record of a finished zero-shot job. */
export function zeroShotRecord(d: JobDone): ZeroShotMetrics {
  if (d.job.spec.type !== 'zero-shot') throw new Error(`expected a zero-shot job, got ${d.job.spec.type} (${d.job.label})`);
  return d.record as ZeroShotMetrics;
}

/** A plain-text table: first column left-aligned, the others right-aligned; numbers with 2 decimals. */
export function textTable(header: string[], rows: Array<Array<string | number>>): string[] {
  const cells = [header, ...rows.map((r) => r.map((v) => (typeof v === 'number' ? v.toFixed(2) : v)))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  return cells.map((r) => r.map((v, i) => (i === 0 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join('  '));
}
