import os from 'node:os';
import path from 'node:path';
import { readSplits } from '../dataset/inputs.ts';
import { splitSamples } from '../dataset/splits.ts';
import type { ErrorSummary } from '../learn/evaluate.ts';
import { type DeploymentSet, type ExtraSite, type Job, makeJob, type ZeroShotJobSpec } from '../learn/jobs/job.ts';
import { trajectoriesInputKey } from '../mobility/trajectories.ts';
import { ensureSiteLinks, readTrajectoryReceivers, SITE_LINKS_DIR, siteLinksKey } from '../raytrace/index.ts';
import type { Site } from '../scenario/load.ts';
import { sampleNewSites } from '../scenario/new-sites.ts';
import { UserError } from '../util/errors.ts';
import { cdfSvg } from '../viz/cdf-svg.ts';
import { type LineSeries, lineSvg } from '../viz/line-svg.ts';
import { type Experiment, textTable, zeroShotRecord } from './context.ts';
import { PAPER_ZERO_SHOT } from './unseen.ts';
import {
  HELD_OUT_CONSTELLATIONS, HELD_OUT_POSITIONS, planDeployments, SEEN, SIZE_SET_PREFIX, sizeSetName, ZERO_SHOT_DEFAULTS, ZERO_SHOT_MODELS, ZERO_SHOT_QUICK, type ZeroShotModelName,
} from './zero-shot-plan.ts';

// Beyond the paper: localise under deployments never trained on (the paper's future work). Sites at new
// positions are traced once each (per-site link files, src/raytrace); every model of the ablation is trained on
// 1, 10, 100, 1000 deployments and tested, without any re-training, on held-out constellations of the
// scenario's sites and on deployments of held-out positions. The plan is in zero-shot-plan.ts.

const COLORS: Partial<Record<ZeroShotModelName, { color: string; dashed?: boolean }>> = {
  hyploc: { color: '#0072B2' },
  'single-plus': { color: '#D55E00' },
  single: { color: '#009E73' },
  'hyploc-estimates': { color: '#0072B2', dashed: true },
  'single-plus-estimates': { color: '#D55E00', dashed: true },
  'site-set': { color: '#000000' },
  'site-set-no-estimate': { color: '#56B4E9', dashed: true },
  'site-set-scenario-sites': { color: '#CC79A7', dashed: true },
  'site-set-window': { color: '#E69F00' },
};

/** The three numbers the issue asks for, per set. */
const stats = (s: ErrorSummary) => ({ mean_error_m: s.mean_error_m, median_error_m: s.median_error_m, p90_error_m: s.p90_error_m });

export const zeroShot: Experiment = async (ctx) => {
  const { scenario, settings, outDir, log } = ctx;
  const q = settings.quick;
  const size = scenario.constellations.size;

  // 1. New sites: held-out positions first, then training positions away from them; ids above the scenario's.
  const base = 1000 * Math.ceil(Math.max(...scenario.sites.map((s) => s.id)) / 1000);
  const common = { minSeparationM: ZERO_SHOT_DEFAULTS.minSeparationM };
  const heldOutSites = sampleNewSites(scenario, { ...common, count: q ? ZERO_SHOT_QUICK.newSitesHeldOut : ZERO_SHOT_DEFAULTS.newSitesHeldOut, stream: 'zero-shot/sites/held-out', firstId: base + 1001 });
  const trainSites = sampleNewSites(scenario, { ...common, count: q ? ZERO_SHOT_QUICK.newSitesTrain : ZERO_SHOT_DEFAULTS.newSitesTrain, stream: 'zero-shot/sites/train', firstId: base + 1, avoid: heldOutSites });
  if (heldOutSites.length < size) throw new UserError(`experiment zero-shot: only ${heldOutSites.length} new positions fit ${common.minSeparationM} m apart on the sidewalks of ${scenario.map.name}; a held-out deployment needs ${size}`);

  // 2. Their links: traced once per site, kept under <out>/site-links/.
  const receivers = await readTrajectoryReceivers(path.join(outDir, 'trajectories.arrow'));
  const newSites: Site[] = [...trainSites, ...heldOutSites];
  const traced = await ensureSiteLinks(scenario, newSites, receivers, path.join(outDir, SITE_LINKS_DIR), { threads: os.availableParallelism(), quiet: ctx.quiet, log });
  log(`site links: ${newSites.length} new sites (${trainSites.length} for training, ${heldOutSites.length} held out), ${traced.traced} traced now${traced.traced ? ` in ${traced.seconds.toFixed(1)} s` : ', all on disk'}`);
  const extra: ExtraSite[] = newSites.map((s) => ({ id: s.id, x: s.x, y: s.y, key: siteLinksKey(scenario, s, receivers.upstreamKey) }));

  // 3. Deployments.
  const maxN = settings.deployments[settings.deployments.length - 1];
  const otherSizes = q ? ZERO_SHOT_QUICK.otherSizes : ZERO_SHOT_DEFAULTS.otherSizes;
  const plan = planDeployments({
    seed: scenario.seed,
    size,
    constellations: ctx.meta.constellations,
    scenarioSites: scenario.sites.map((s) => s.id),
    trainPositions: trainSites.map((s) => s.id),
    heldOutPositions: heldOutSites.map((s) => s.id),
    maxDeployments: maxN,
    heldOut: q ? ZERO_SHOT_QUICK.heldOut : ZERO_SHOT_DEFAULTS.heldOut,
    otherSizes,
  });
  for (const pool of ['all', 'scenario'] as const)
    if (plan.train[pool].length < maxN) throw new UserError(`--deployments: at most ${plan.train[pool].length} distinct training deployments of ${size} sites exist here (${pool === 'all' ? 'scenario sites and training positions' : 'scenario sites'}) (got ${maxN})`);
  const splits = await readSplits(path.join(outDir, 'trajectories.arrow'), scenario);
  if (receivers.upstreamKey !== trajectoriesInputKey(scenario)) throw new Error('zero-shot: trajectories.arrow changed under the run');
  const xy = (axis: number) => Float64Array.from({ length: receivers.trajectoryId.length }, (_, k) => receivers.xyz[3 * k + axis]);
  const { record } = splitSamples(scenario.dataset.split, { trajectoryId: receivers.trajectoryId, x: xy(0), y: xy(1) }, splits.isTest, scenario.seed);
  const trainReceivers = record.train_samples;
  const rows = q ? ZERO_SHOT_QUICK.rows : ZERO_SHOT_DEFAULTS.rowsPerSample * trainReceivers;

  // 4. Jobs: every model at every count.
  const heldOut: DeploymentSet[] = [
    { name: HELD_OUT_CONSTELLATIONS, deployments: plan.heldOutConstellations },
    { name: HELD_OUT_POSITIONS, deployments: plan.heldOutPositions },
  ];
  const grid = settings.models.flatMap((name) =>
    settings.deployments.map((n) => {
      const m = ZERO_SHOT_MODELS[name];
      const deployments = plan.train[m.pool].slice(0, n);
      const evaluate = [...heldOut, { name: SEEN, deployments: deployments.slice(0, plan.heldOutConstellations.length) }];
      if (m.kind === 'site-set') evaluate.push(...plan.otherSizes.map((o) => ({ name: sizeSetName(o.size), deployments: o.deployments })));
      const spec: ZeroShotJobSpec = { type: 'zero-shot', kind: m.kind, features: m.features, useEstimate: m.useEstimate, deployments, rows, sites: extra, evaluate, train: settings.train };
      return { name, n, job: makeJob(spec, `${name}-n${n}`, ctx.meta.inputKey, scenario.seed) };
    }),
  );
  const done = await ctx.runner.run(grid.map((g) => g.job));
  const resultOf = (job: Job) => zeroShotRecord(done.get(job.key)!);
  const setOf = (r: ReturnType<typeof resultOf>, name: string) => r.sets.find((s) => s.name === name);

  // 5. results.json, figures, summary.
  const unseen = ctx.meta.constellations.find((c) => c.unseen);
  const models = settings.models.map((name) => {
    const m = ZERO_SHOT_MODELS[name];
    const runs = grid.filter((g) => g.name === name).map((g) => {
      const r = resultOf(g.job);
      const c = setOf(r, HELD_OUT_CONSTELLATIONS)!;
      return {
        deployments: g.n,
        held_out_constellations: stats(c.summary),
        held_out_positions: stats(setOf(r, HELD_OUT_POSITIONS)!.summary),
        seen: stats(setOf(r, SEEN)!.summary),
        ...(unseen ? { unseen_constellation_error_m: c.per_deployment_mean_error_m[0] } : {}),
        held_out_constellations_by_sites_heard: c.by_sites_heard,
        held_out_positions_by_sites_heard: setOf(r, HELD_OUT_POSITIONS)!.by_sites_heard,
        held_out_constellations_per_deployment_m: c.per_deployment_mean_error_m,
        held_out_positions_per_deployment_m: setOf(r, HELD_OUT_POSITIONS)!.per_deployment_mean_error_m,
        sites_per_deployment: r.sets.filter((s) => s.name === HELD_OUT_CONSTELLATIONS || s.name.startsWith(SIZE_SET_PREFIX)).map((s) => ({ sites: s.sites_per_deployment[0], ...stats(s.summary) })).sort((a, b) => a.sites - b.sites),
        cdf: c.summary.cdf,
        job: path.basename(done.get(g.job.key)!.dir),
      };
    });
    const first = resultOf(grid.find((g) => g.name === name)!.job);
    return { model: name, name: m.name, kind: m.kind, features: m.features, use_estimate: m.useEstimate, training_sites: m.pool, trainable_params: first.trainable_params, runs };
  });

  const counts = settings.deployments;
  const series = (pick: (run: (typeof models)[number]['runs'][number]) => number): LineSeries[] =>
    models.map((m) => ({ name: m.name, ...COLORS[m.model as ZeroShotModelName], points: m.runs.map((r) => [r.deployments, pick(r)] as [number, number]) }));
  const plots: Array<{ file: string; svg: string }> = [];
  for (const [set, label, key] of [
    ['constellations', `held-out constellations of the scenario's ${scenario.sites.length} sites`, 'held_out_constellations'],
    ['positions', 'deployments of held-out site positions', 'held_out_positions'],
  ] as const)
    for (const [stat, field] of [['mean', 'mean_error_m'], ['median', 'median_error_m'], ['p90', 'p90_error_m']] as const)
      plots.push({
        file: `${set}-${stat}.svg`,
        svg: lineSvg({ title: `Zero-shot ${stat} error, ${label}`, xLabel: 'training deployments (log scale)', yLabel: `${stat} positioning error (m, log scale)`, series: series((r) => r[key][field]), xLog: true, yLog: true, xTicks: counts }),
      });
  plots.push({
    file: `cdf-n${maxN}.svg`,
    svg: cdfSvg(models.map((m) => { const r = m.runs[m.runs.length - 1]; return { label: m.name, errorM: r.cdf.error_m, probability: r.cdf.probability, meanErrorM: r.held_out_constellations.mean_error_m }; }), `Zero-shot error CDF, held-out constellations, ${maxN} training deployments`),
  });
  const setModels = models.filter((m) => m.kind === 'site-set');
  if (setModels.length)
    plots.push({
      file: 'sites-per-deployment.svg',
      svg: lineSvg({
        title: `Zero-shot mean error by sites per deployment (trained on ${size}), ${maxN} training deployments`, xLabel: 'sites in the held-out deployment', yLabel: 'mean positioning error (m, log scale)', yLog: true,
        series: setModels.map((m) => ({ name: m.name, ...COLORS[m.model as ZeroShotModelName], points: m.runs[m.runs.length - 1].sites_per_deployment.map((s) => [s.sites, s.mean_error_m] as [number, number]) })),
        xTicks: [...new Set(setModels[0].runs[0].sites_per_deployment.map((s) => s.sites))],
      }),
    });

  const at = (m: (typeof models)[number], n: number) => m.runs.find((r) => r.deployments === n)!;
  const summary = [
    `zero-shot mean error (m) on held-out constellations of the scenario's sites, by training deployments:`,
    ...textTable(['model', ...counts.map((n) => `N=${n}`)], models.map((m) => [m.name, ...counts.map((n) => at(m, n).held_out_constellations.mean_error_m)])),
    `zero-shot mean error (m) on deployments of held-out positions:`,
    ...textTable(['model', ...counts.map((n) => `N=${n}`)], models.map((m) => [m.name, ...counts.map((n) => at(m, n).held_out_positions.mean_error_m)])),
    `N=${maxN}: mean / median / p90 (m)${unseen ? `; the dataset's unseen constellation #${unseen.id} (sites ${unseen.sites.join(',')})` : ''}:`,
    ...textTable(
      ['model', 'constellations', 'positions', 'seen', ...(unseen ? [`#${unseen.id}`] : [])],
      models.map((m) => {
        const r = at(m, maxN);
        const t = (s: { mean_error_m: number; median_error_m: number; p90_error_m: number }) => `${s.mean_error_m.toFixed(1)} / ${s.median_error_m.toFixed(1)} / ${s.p90_error_m.toFixed(1)}`;
        return [m.name, t(r.held_out_constellations), t(r.held_out_positions), t(r.seen), ...(unseen ? [r.unseen_constellation_error_m!] : [])];
      }),
    ),
  ];

  return {
    results: {
      deployment_counts: counts,
      rows_per_job: rows,
      constellation_size: size,
      unseen_constellation: unseen ?? null,
      paper_zero_shot_error_m: PAPER_ZERO_SHOT,
      new_sites: {
        rule: `sidewalk spots 1.5 m (else 0.5 m) in front of facades, every 2 m, outside the driven lanes; a seeded draw, >= ${common.minSeparationM} m from every other site; height ${scenario.siteDefaults.heightM} m`,
        training: trainSites.map(({ id, x, y }) => ({ id, x, y })),
        held_out: heldOutSites.map(({ id, x, y }) => ({ id, x, y })),
      },
      held_out: { constellations: plan.heldOutConstellations, positions: plan.heldOutPositions, other_sizes: plan.otherSizes },
      training_deployments: { all: plan.train.all.slice(0, Math.min(maxN, 20)), scenario: plan.train.scenario.slice(0, Math.min(maxN, 20)), note: 'the first 20 of each pool; a count N takes the first N' },
      models,
    },
    plots,
    summary,
  };
};

