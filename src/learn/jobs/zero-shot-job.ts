import path from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { assembleFeatures, featureLayoutFor, type FeatureLayout, isSetLayout, normaliseRows, SITE_SET_INDEX } from '../../dataset/deployment-features.ts';
import { sentinelFor } from '../../dataset/features.ts';
import { type Links, readLinks, readSplits } from '../../dataset/inputs.ts';
import { splitSamples } from '../../dataset/splits.ts';
import { readSiteLinks, withSites } from '../../dataset/site-store.ts';
import { SITE_LINKS_DIR, siteLinksFile } from '../../raytrace/index.ts';
import { loadScenario } from '../../scenario/load.ts';
import { recordedInputKey } from '../../util/arrow.ts';
import { rngFor, shuffleInPlace } from '../../util/rng.ts';
import { type SampleSet, type Scaler, sampleSetFrom, scalerFrom } from '../data.ts';
import { errorsByHeard, evaluate, mean4, summarizeErrors } from '../evaluate.ts';
import { FittedNetwork, networkSettings } from '../registry.ts';
import { buildSiteSet, type SiteSetOptions, withSlots } from '../site-set.ts';
import { trainModel } from '../train.ts';
import { modelMetrics } from './execute.ts';
import type { DeploymentSet, DeploymentSetResult, Job, JobProgress, JobRequest, JobStats, ZeroShotJobSpec, ZeroShotMetrics } from './job.ts';

// One zero-shot job (`simgen experiment zero-shot`), in a worker process: assemble its training rows from every site's links (links.arrow
// plus the new sites' link files), train, and test on each evaluation set's deployments (test split of the
// scenario's dataset.split). No dataset.arrow rows are used: deployments are assembled on the fly (src/dataset/deployment-features.ts).
// A network only: SiteSet is built here (with the slots of the deployments), the paper's models by trainModel.

interface Store {
  key: string;
  links: Links;
  isTest: Uint8Array;
  scenario: { name: string; hash: string; seed: number };
  datasetInputKey: string;
}

let cached: Store | undefined;

/** links.arrow and the job's extra sites, as one Links record (kept for the next job of this process). */
async function store(req: JobRequest, spec: ZeroShotJobSpec): Promise<Store> {
  const outDir = path.dirname(req.datasetPath);
  const key = JSON.stringify([req.datasetPath, req.scenarioPath, req.scenarioSeed, spec.sites.map((s) => s.key)]);
  if (cached?.key !== key) {
    const scenario = loadScenario(req.scenarioPath, { seed: req.scenarioSeed });
    const base = await readLinks(path.join(outDir, 'links.arrow'), scenario);
    const extra = spec.sites.map((s) => readSiteLinks(siteLinksFile(path.join(outDir, SITE_LINKS_DIR), s.key), s.key));
    const links = withSites(base, extra);
    const splits = await readSplits(path.join(outDir, 'trajectories.arrow'), scenario);
    const { isTest } = splitSamples(scenario.dataset.split, links, splits.isTest, scenario.seed);
    const datasetInputKey = (await recordedInputKey(req.datasetPath)) ?? '';
    cached = { key, links, isTest, scenario: { name: scenario.name, hash: scenario.hash, seed: scenario.seed }, datasetInputKey };
  }
  return cached;
}

/** Slots of a layout: the paper sets take exactly the deployments' size, the site sets the largest size. */
function layoutFor(spec: ZeroShotJobSpec, deployments: number[][]): FeatureLayout {
  return featureLayoutFor(spec.features, Math.max(...deployments.map((d) => d.length)));
}

function siteSetOptions(layout: FeatureLayout, useEstimate: boolean): SiteSetOptions {
  return { slots: layout.slots, perSite: layout.perSite, presentIndex: SITE_SET_INDEX.present, estimateIndex: SITE_SET_INDEX.estimateX, useEstimate };
}

/** Rows of `samples` x `deployments` (every sample with every deployment), normalised. */
function testRows(s: Store, layout: FeatureLayout, deployments: number[][], samples: number[], scaler: Scaler): SampleSet {
  const n = samples.length * deployments.length;
  const sample = new Int32Array(n), deployment = new Int32Array(n), positions = new Float32Array(2 * n);
  deployments.forEach((_, d) =>
    samples.forEach((smp, i) => {
      const r = d * samples.length + i;
      sample[r] = smp;
      deployment[r] = d;
      positions[2 * r] = s.links.x[smp];
      positions[2 * r + 1] = s.links.y[smp];
    }),
  );
  const { features, heard } = assembleFeatures(s.links, deployments, { sample, deployment }, layout, sentinelFor(s.links.ueTxPowerDbm, s.links.pathLossCutoffDb));
  return sampleSetFrom(features, positions, heard, scaler);
}

export async function runZeroShotJob(req: JobRequest, job: Job, spec: ZeroShotJobSpec, progress: (p: JobProgress) => void): Promise<{ record: ZeroShotMetrics; stats: JobStats }> {
  const s = await store(req, spec);
  const t = spec.train;
  const trainSamples: number[] = [];
  const testSamples: number[] = [];
  for (let i = 0; i < s.links.samples; i++) (s.isTest[i] ? testSamples : trainSamples).push(i);

  // Training rows: every training sample equally often (a seeded order, repeated), deployments in turn.
  const n = spec.rows;
  const rng = rngFor(job.seed, 'zero-shot/rows');
  const sample = new Int32Array(n), deployment = new Int32Array(n), positions = new Float32Array(2 * n);
  let order: number[] = [];
  for (let r = 0; r < n; r++) {
    if (r % trainSamples.length === 0) order = shuffleInPlace(rng, [...trainSamples]);
    sample[r] = order[r % trainSamples.length];
    deployment[r] = r % spec.deployments.length;
    positions[2 * r] = s.links.x[sample[r]];
    positions[2 * r + 1] = s.links.y[sample[r]];
  }
  const layout = layoutFor(spec, spec.deployments);
  const raw = assembleFeatures(s.links, spec.deployments, { sample, deployment }, layout, sentinelFor(s.links.ueTxPowerDbm, s.links.pathLossCutoffDb));
  const scaler = scalerFrom(normaliseRows(layout, raw.features, positions, n));
  const train = sampleSetFrom(raw.features, positions, raw.heard, scaler);

  const siteSet = spec.kind === 'site-set';
  const model = siteSet ? buildSiteSet(siteSetOptions(layout, spec.useEstimate), rngFor(job.seed, 'learn/init/site-set')) : undefined;
  // The training curve follows the first held-out deployment (the dataset's unseen constellation, when it has one).
  const curveSet = testRows(s, layout, [spec.evaluate[0].deployments[0]], testSamples, scaler);
  const r = await trainModel({
    kind: spec.kind, model, train, test: curveSet, scaler, epochs: t.epochs, batchSize: t.batchSize, seed: job.seed,
    learningRate: t.learningRate, lrDecayRate: t.lrDecayRate, lrDecaySamples: t.lrDecaySamples,
    onEpoch: (stats) => progress({ type: 'epoch', stats, epochs: t.epochs }),
    onBatch: (processed, total) => progress({ type: 'samples', processed, total }),
  });
  const fitted = new FittedNetwork(r.model, r.curve, networkSettings(t, job.seed), r.seconds, r.samplesPerSecond);

  const sets: DeploymentSetResult[] = [];
  for (const set of spec.evaluate) {
    const res = evaluateSet(s, spec, r.model, layout, set, testSamples, scaler);
    if (res) sets.push(res);
  }
  await fitted.save(req.jobDir, { kind: spec.kind, constellations: [], featureLayout: layout.names, scaler, scenario: s.scenario.name, scenarioHash: s.scenario.hash, seed: s.scenario.seed, datasetInputKey: s.datasetInputKey });
  const first = sets[0];
  const record: ZeroShotMetrics = {
    ...modelMetrics(spec.kind, [], fitted, n, { samples: first.test_samples, summary: first.summary, bySitesHeard: first.by_sites_heard }, s.datasetInputKey),
    features: spec.features,
    use_estimate: spec.useEstimate,
    deployments: spec.deployments.length,
    sets,
  };
  fitted.dispose();
  return { record, stats: { seconds: fitted.seconds, samplesPerSecond: fitted.samplesPerSecond } };
}

/** Errors on one set; null when the model cannot take its deployments (a paper layout and another site count). */
function evaluateSet(s: Store, spec: ZeroShotJobSpec, model: tf.LayersModel, trained: FeatureLayout, set: DeploymentSet, samples: number[], scaler: Scaler): DeploymentSetResult | null {
  const sizes = [...new Set(set.deployments.map((d) => d.length))].sort((a, b) => a - b);
  let layout = trained;
  let m = model;
  let sc = scaler;
  if (sizes.some((k) => k !== trained.slots)) {
    if (!isSetLayout(trained.set)) return null;
    // SiteSet: the same weights for another number of slots; the scaling is per kind of value, the same for every slot.
    layout = layoutFor(spec, set.deployments);
    m = withSlots(model, siteSetOptions(layout, spec.useEstimate));
    const per = trained.perSite;
    const slot = (a: number[]) => a.slice(0, per);
    sc = { ...scaler, featureMean: Array.from({ length: layout.slots }, () => slot(scaler.featureMean)).flat(), featureStd: Array.from({ length: layout.slots }, () => slot(scaler.featureStd)).flat() };
  }
  const rows = testRows(s, layout, set.deployments, samples, sc);
  const { errors } = evaluate(m, rows, sc);
  if (m !== model) m.dispose();
  const per = set.deployments.map((_, d) => mean4(Array.from(errors.subarray(d * samples.length, (d + 1) * samples.length))));
  return { name: set.name, sites_per_deployment: sizes, test_samples: rows.n, summary: summarizeErrors(errors), per_deployment_mean_error_m: per, by_sites_heard: errorsByHeard(errors, rows.heard) };
}

