import type { Job } from '../learn/jobs/job.ts';
import { UserError } from '../util/errors.ts';
import { lineSvg } from '../viz/line-svg.ts';
import { BASELINES, constellationTag, DISPLAY, type Experiment, finetuneJob, finetuneRecord, firstC, INDIVIDUAL, KINDS, type ModelName, type PaperModelName, percent, textTable, trainJob } from './context.ts';

// Paper IV-C.3 / Figs. 7 and 8. Pre-training: HypLoc, Single and Single+ on the known constellations
// 1..K together; Individual / Individual+ = the Single / Single+ model of one known constellation,
// the one with the lowest mean test error on its own constellation ("the re-trained Individual and
// Individual+ models correspond always to the best-performing gNB constellation"; chosen before
// the unseen data is looked at). Then each model is re-trained on the unseen constellation (the
// dataset marks it unseen: true): with all its training samples, test error after every epoch
// (Fig. 7, epoch 0 = zero-shot), and with a seeded share of them (Fig. 8; the same rows for every model).
// The baselines beside them: kNN pre-trained on 1..K (its table), then re-fitted with the unseen
// constellation's rows added to the table; the geometric estimator, which has nothing to re-train (its error
// before and after is the same). They have no epochs: Fig. 7 draws each as a dashed line from its zero-shot
// error (epoch 0) to its re-fitted one (last epoch).

/** Paper IV-C.3 zero-shot mean errors (m) before re-training. */
export const PAPER_ZERO_SHOT: Record<PaperModelName, number> = { hyploc: 140.4, single: 187.5, 'single-plus': 193.5, individual: 167.4, 'individual-plus': 218.5 };
/** Paper IV-C.3 sample counts of the 1, 2, 5, 10, 25, 50 % subsets. */
export const PAPER_FRACTION_SAMPLES = { 1: 227, 2: 455, 5: 1138, 10: 2277, 25: 5693, 50: 11387 } as const;

const NAMES: ModelName[] = ['hyploc', 'single-plus', 'single', 'individual-plus', 'individual', ...BASELINES];
/** The kinds pre-trained on 1..K together. */
const JOINT = [...KINDS, ...BASELINES];

export const unseen: Experiment = async (ctx) => {
  const { pretrain: K, fractions } = ctx.settings;
  const target = ctx.meta.constellations.find((c) => c.unseen);
  if (!target) throw new UserError('dataset.arrow has no constellation marked unseen: re-run "simgen export"');

  // Phase 1: pre-training (the same jobs as `constellations` at C = K, reused from there if finished).
  const joint = JOINT.map((kind) => trainJob(ctx, kind, firstC(K)));
  const perConstellation = firstC(K).flatMap((c) => INDIVIDUAL.map(([name, kind]) => ({ c, name, job: trainJob(ctx, kind, [c]) })));
  const pre = await ctx.runner.run([...joint, ...perConstellation.map((p) => p.job)], 'pre-training jobs');
  const meanOf = (job: Job) => pre.get(job.key)!.record.mean_error_m;

  const bases: Array<{ name: ModelName; job: Job; ownTestErrorM: number }> = joint.map((job, i) => ({ name: JOINT[i], job, ownTestErrorM: meanOf(job) }));
  for (const [name] of INDIVIDUAL) {
    const candidates = perConstellation.filter((p) => p.name === name);
    const best = candidates.reduce((a, b) => (meanOf(b.job) < meanOf(a.job) ? b : a)); // ties: the lower id
    bases.push({ name, job: best.job, ownTestErrorM: meanOf(best.job) });
  }
  bases.sort((a, b) => NAMES.indexOf(a.name) - NAMES.indexOf(b.name));

  // Phase 2: re-training on the unseen constellation.
  const shares = [...new Set([1, ...fractions])];
  const plan = bases.map((b) => ({ ...b, retrain: shares.map((f) => ({ fraction: f, job: finetuneJob(ctx, b.job, target.id, f) })) }));
  const done = await ctx.runner.run(plan.flatMap((p) => p.retrain.map((r) => r.job)), 're-training jobs');

  const models = plan.map((p) => {
    const full = finetuneRecord(done.get(p.retrain.find((r) => r.fraction === 1)!.job.key)!);
    const spec = p.job.spec;
    return {
      model: p.name,
      name: DISPLAY[p.name],
      pretrained_on: spec.type === 'train' ? spec.constellations : [],
      pretrain_test_error_m: p.ownTestErrorM,
      zero_shot_error_m: full.zero_shot.mean_error_m,
      paper_zero_shot_error_m: p.name in PAPER_ZERO_SHOT ? PAPER_ZERO_SHOT[p.name as PaperModelName] : null,
      retrain_curve: [{ epoch: 0, test_mean_error_m: full.zero_shot.mean_error_m }, ...full.curve.map((e) => ({ epoch: e.epoch, test_mean_error_m: e.test_mean_error_m! }))],
      retrained_error_m: full.mean_error_m,
      fractions: p.retrain
        .filter((r) => fractions.includes(r.fraction))
        .map((r) => {
          const res = done.get(r.job.key)!.record;
          return { percent: percent(r.fraction), train_samples: res.train_samples, mean_error_m: res.mean_error_m };
        }),
    };
  });

  const fig7 = lineSvg({
    title: `Fig. 7: re-training on unseen constellation #${target.id}`,
    xLabel: 're-training epoch (0 = zero-shot)',
    yLabel: 'mean positioning error (m, log scale)',
    series: models.map((m) =>
      m.retrain_curve.length > 1
        ? { name: m.name, points: m.retrain_curve.map((e) => [e.epoch, e.test_mean_error_m] as [number, number]) }
        : { name: `${m.name} (re-fitted)`, dashed: true, points: [[0, m.zero_shot_error_m], [ctx.settings.train.epochs, m.retrained_error_m]] as Array<[number, number]> },
    ),
    xTicks: ctx.settings.train.epochs <= 10 ? Array.from({ length: ctx.settings.train.epochs + 1 }, (_, e) => e) : undefined,
    yLog: true,
  });
  const fig8 = lineSvg({
    title: `Fig. 8: re-training with a share of the training data`,
    xLabel: 'share of the unseen constellation training samples (%, log scale)',
    yLabel: 'mean positioning error (m)',
    series: models.map((m) => ({ name: m.name, points: m.fractions.map((f) => [f.percent, f.mean_error_m] as [number, number]) })),
    xLog: true,
    xTicks: fractions.map(percent),
    yFromZero: true,
  });
  return {
    results: {
      unseen_constellation: target,
      pretrain_constellations: firstC(K),
      fractions_percent: fractions.map(percent),
      individual_choice: 'per architecture, the per-constellation model with the lowest mean test error on its own constellation',
      paper_fraction_samples: PAPER_FRACTION_SAMPLES,
      models,
    },
    plots: [
      { file: 'fig7-retraining-epochs.svg', svg: fig7 },
      { file: 'fig8-data-fraction.svg', svg: fig8 },
    ],
    summary: textTable(
      ['model (pre-trained on)', 'zero-shot m', 'paper m', `epoch ${ctx.settings.train.epochs} m`, ...fractions.map((f) => `${percent(f)} % m`)],
      models.map((m) => [`${m.name} (${constellationTag(m.pretrained_on)})`, m.zero_shot_error_m, m.paper_zero_shot_error_m ?? '-', m.retrained_error_m, ...m.fractions.map((f) => f.mean_error_m)]),
    ),
  };
};
