import { lineSvg } from '../viz/line-svg.ts';
import { mean4 } from '../learn/evaluate.ts';
import { BASELINES, DISPLAY, type Experiment, firstC, INDIVIDUAL, KINDS, type ModelName, textTable, trainJob } from './context.ts';

// Paper IV-C.2 / Figs. 5 and 6. For each C: HypLoc, Single and Single+ (and the kNN and geometric
// baselines) trained on the first C constellations together and tested on their test samples; Individual / Individual+ = one Single /
// Single+ model per constellation c <= C, trained and tested on c alone, errors averaged over the C
// models. The model of constellation c does not depend on C, so it is trained once and reused for
// every C >= c (and the Individual model of c = 1 is the very same job as Single at C = 1: same
// data, same seed; the paper's small difference there is training noise).

/** Legend order of Figs. 5 and 6. */
const NAMES: ModelName[] = ['hyploc', 'single-plus', 'single', 'individual-plus', 'individual', ...BASELINES];
/** Every kind trained on the first C constellations together. */
const JOINT = [...KINDS, ...BASELINES];

export const constellations: Experiment = async (ctx) => {
  const { counts } = ctx.settings;
  const maxC = counts[counts.length - 1];
  const joint = counts.flatMap((c) => JOINT.map((kind) => ({ c, kind, job: trainJob(ctx, kind, firstC(c)) })));
  const individual = firstC(maxC).flatMap((c) => INDIVIDUAL.map(([name, kind]) => ({ c, name, job: trainJob(ctx, kind, [c]) })));
  const done = await ctx.runner.run([...joint, ...individual].map((j) => j.job));
  const meanOf = (key: string) => done.get(key)!.record.mean_error_m;

  const individualModels = individual.map(({ c, name, job }) => ({ constellation: c, model: name, mean_error_m: meanOf(job.key) }));
  const rows = counts.map((c) => {
    const row: Record<string, number> = { constellations: c };
    for (const kind of JOINT) row[kind] = meanOf(joint.find((j) => j.c === c && j.kind === kind)!.job.key);
    for (const [name] of INDIVIDUAL) row[name] = mean4(individualModels.filter((m) => m.model === name && m.constellation <= c).map((m) => m.mean_error_m));
    return row;
  });
  const normalised = rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, k === 'constellations' ? v : Number((v / row.individual).toFixed(4))])));

  const series = (table: Array<Record<string, number>>) => NAMES.map((n) => ({ name: DISPLAY[n], dashed: n.startsWith('individual') || (BASELINES as ModelName[]).includes(n), points: table.map((r) => [r.constellations, r[n]] as [number, number]) }));
  const fig5 = lineSvg({ title: 'Fig. 5: mean positioning error vs number of constellations', xLabel: 'number of gNB constellations C', yLabel: 'mean positioning error (m)', series: series(rows), xTicks: counts, yFromZero: true });
  const fig6 = lineSvg({ title: 'Fig. 6: mean error normalised by Individual', xLabel: 'number of gNB constellations C', yLabel: 'mean error / Individual mean error', series: series(normalised), xTicks: counts });
  return {
    results: {
      counts,
      constellations: ctx.meta.constellations.filter((c) => !c.unseen && c.id <= maxC),
      mean_error_m: rows,
      normalised_by_individual: normalised,
      individual_models: individualModels,
    },
    plots: [
      { file: 'fig5-mean-error.svg', svg: fig5 },
      { file: 'fig6-normalised.svg', svg: fig6 },
    ],
    summary: textTable(['C', ...NAMES.map((n) => `${DISPLAY[n]} m`)], rows.map((r) => [String(r.constellations), ...NAMES.map((n) => r[n])])),
  };
};
