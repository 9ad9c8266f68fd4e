// The experiments `simgen experiment NAME` runs (src/experiment/run.ts). What a job is and what it records
// belongs to the training orchestrator (src/learn/jobs/job.ts).

export const EXPERIMENT_NAMES = ['baseline', 'constellations', 'unseen', 'zero-shot'] as const;
export type ExperimentName = (typeof EXPERIMENT_NAMES)[number];
