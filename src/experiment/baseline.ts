import path from 'node:path';
import { leakageLines } from '../dataset/leakage.ts';
import { cdfSvg } from '../viz/cdf-svg.ts';
import { BASELINES, DISPLAY, type Experiment, KINDS, type ModelName, textTable, trainJob } from './context.ts';

// Paper IV-C.1 / Fig. 4: HypLoc, Single and Single+ trained and tested on constellation #1 alone, and the
// baselines beside them (kNN fingerprinting, geometric positioning: no paper number).
// (Individual = Single here: with one constellation they are the same model.) These are the jobs
// `simgen train` runs with the scenario's train section: the same models, the same numbers.

/** Paper IV-C.1 mean errors (m). */
export const PAPER_BASELINE = { hyploc: 2.81, 'single-plus': 3.26, single: 4.42 } as const;

export const baseline: Experiment = async (ctx) => {
  const jobs = [...KINDS, ...BASELINES].map((kind) => trainJob(ctx, kind, [1]));
  const done = await ctx.runner.run(jobs);
  const models = jobs.map((job) => {
    const { record: r, dir } = done.get(job.key)!;
    const kind = r.model as ModelName;
    return {
      model: kind,
      name: DISPLAY[kind],
      trainable_params: r.trainable_params,
      train_samples: r.train_samples,
      test_samples: r.test_samples,
      mean_error_m: r.mean_error_m,
      median_error_m: r.median_error_m,
      p90_error_m: r.p90_error_m,
      paper_mean_error_m: kind in PAPER_BASELINE ? PAPER_BASELINE[kind as keyof typeof PAPER_BASELINE] : null,
      cdf: r.cdf,
      curve: r.curve.map((e) => ({ epoch: e.epoch, loss: e.loss, test_mean_error_m: e.test_mean_error_m })),
      job: path.basename(dir),
    };
  });
  const constellation = ctx.meta.constellations.find((c) => c.id === 1)!;
  const cdf = cdfSvg(
    models.map((m) => ({ label: m.name, errorM: m.cdf.error_m, probability: m.cdf.probability, meanErrorM: m.mean_error_m })),
    `Fig. 4: test error CDF, constellation #1 (sites ${constellation.sites.join(', ')})`,
  );
  // Every job trains and tests on the same samples: one leakage figure for the table.
  const leakage = done.get(jobs[0].key)!.record.leakage ?? null;
  const summary = [
    ...textTable(
      ['model', 'mean m', 'median m', 'p90 m', 'paper mean m'],
      models.map((m) => [m.name, m.mean_error_m, m.median_error_m, m.p90_error_m, m.paper_mean_error_m ?? '-']),
    ),
    ...(leakage ? leakageLines(leakage, leakage.split) : []),
  ];
  return { results: { constellation, leakage, models }, plots: [{ file: 'fig4-cdf.svg', svg: cdf }], summary };
};
