import type { FeatureSet } from '../dataset/deployment-features.ts';
import type { Constellation } from '../dataset/constellations.ts';
import { binomial } from '../scenario/constellations.ts';
import type { TrainableKind } from '../learn/models.ts';
import { UserError } from '../util/errors.ts';
import { type Rng, rngFor, shuffleInPlace } from '../util/rng.ts';

// The plan of `simgen experiment zero-shot`: which models, which deployments they train on, and which
// never-seen deployments they are tested on. Pure functions of the scenario seed and the dataset's
// constellations, so a re-run plans the same jobs (and resumes them).
//
// Sites: the scenario's own (the 18 of the Madrid grid) and new positions (src/scenario/new-sites.ts),
// split into training positions and held-out positions that no training deployment ever uses.
// Training deployments at count N: the dataset's known constellations first (#1, then the paper's ten), then
// seeded draws of `size` sites from the scenario's sites and the training positions, every deployment
// distinct and none held out; N = 1 is constellation #1 and N = 10 the paper's ten. The list for a
// smaller N is a prefix of the list for a larger one.
// Held out: (a) constellations of the scenario's sites: the dataset's unseen constellation (the paper's
// "unseen" experiment) and seeded draws that are neither known nor drawn for training; (b) deployments of
// the held-out positions only. SiteSet is also tested on held-out constellations of other sizes.

/** One line of the ablation: an architecture, its feature set and the sites it may train on. */
export interface ZeroShotModel {
  kind: TrainableKind;
  features: FeatureSet;
  useEstimate: boolean;
  /** 'all': the scenario's sites and the training positions; 'scenario': the scenario's sites only. */
  pool: 'all' | 'scenario';
  name: string;
}

export const ZERO_SHOT_MODELS = {
  hyploc: { kind: 'hyploc', features: 'paper', useEstimate: false, pool: 'all', name: 'HypLoc' },
  'single-plus': { kind: 'single-plus', features: 'paper', useEstimate: false, pool: 'all', name: 'Single+' },
  single: { kind: 'single', features: 'paper', useEstimate: false, pool: 'all', name: 'Single' },
  'hyploc-estimates': { kind: 'hyploc', features: 'paper-estimates', useEstimate: false, pool: 'all', name: 'HypLoc + estimates' },
  'single-plus-estimates': { kind: 'single-plus', features: 'paper-estimates', useEstimate: false, pool: 'all', name: 'Single+ + estimates' },
  'site-set': { kind: 'site-set', features: 'site-set', useEstimate: true, pool: 'all', name: 'SiteSet' },
  'site-set-no-estimate': { kind: 'site-set', features: 'site-set', useEstimate: false, pool: 'all', name: 'SiteSet, no estimate' },
  'site-set-scenario-sites': { kind: 'site-set', features: 'site-set', useEstimate: true, pool: 'scenario', name: 'SiteSet, scenario sites only' },
  'site-set-window': { kind: 'site-set', features: 'site-set-window', useEstimate: true, pool: 'all', name: 'SiteSet, 5-sample window' },
} as const satisfies Record<string, ZeroShotModel>;
export type ZeroShotModelName = keyof typeof ZERO_SHOT_MODELS;
export const ZERO_SHOT_MODEL_NAMES = Object.keys(ZERO_SHOT_MODELS) as ZeroShotModelName[];

/** The full experiment's sizes (docs/experiment.md "zero-shot" gives its cost). */
export const ZERO_SHOT_DEFAULTS = {
  deployments: [1, 10, 100, 1000],
  epochs: 10,
  /** Training rows per job = this x the training samples of one deployment. */
  rowsPerSample: 4,
  newSitesTrain: 90,
  newSitesHeldOut: 18,
  /** Deployments in each held-out set. */
  heldOut: 20,
  /** New sites stand at least this far from any other site (m). */
  minSeparationM: 20,
  /** Held-out constellations of the scenario's sites with other site counts, for SiteSet. */
  otherSizes: [3, 4, 5, 6, 8, 10, 12, 18],
};

/** --quick: seconds on scenarios/smoke.yaml. */
export const ZERO_SHOT_QUICK = { deployments: [1, 10], epochs: 2, rows: 2000, newSitesTrain: 4, newSitesHeldOut: 7, heldOut: 3, otherSizes: [4, 9] };

/** Names of the evaluation sets (DeploymentSet.name). */
export const HELD_OUT_CONSTELLATIONS = 'held-out constellations';
export const HELD_OUT_POSITIONS = 'held-out positions';
export const SEEN = 'seen';
export const SIZE_SET_PREFIX = 'held-out constellations of ';
export const sizeSetName = (k: number) => `${SIZE_SET_PREFIX}${k} sites`;

const keyOf = (sites: number[]) => sites.join(',');

/** Up to `count` distinct draws of `size` sites from `pool` (sorted), skipping the keys in `taken` (updated). */
export function drawDeployments(rng: Rng, pool: number[], size: number, count: number, taken: Set<string>): number[][] {
  const ids = [...pool].sort((a, b) => a - b);
  const inPool = new Set(ids);
  // Combinations of the pool not taken yet: a small pool may have fewer than `count`.
  let takenHere = 0;
  for (const k of taken) {
    const s = k.split(',').map(Number);
    if (s.length === size && s.every((id) => inPool.has(id))) takenHere++;
  }
  const wanted = Math.min(count, Math.max(0, binomial(ids.length, size) - takenHere));
  const out: number[][] = [];
  while (out.length < wanted) {
    const d = shuffleInPlace(rng, [...ids]).slice(0, size).sort((a, b) => a - b);
    const k = keyOf(d);
    if (taken.has(k)) continue;
    taken.add(k);
    out.push(d);
  }
  return out;
}

export interface DeploymentPlan {
  /** Training deployments of each pool, the longest list needed (a count N takes the first N). */
  train: Record<ZeroShotModel['pool'], number[][]>;
  heldOutConstellations: number[][];
  heldOutPositions: number[][];
  /** Held-out constellations of other sizes (SiteSet). */
  otherSizes: Array<{ size: number; deployments: number[][] }>;
}

export interface PlanInput {
  seed: number;
  size: number;
  /** The dataset's constellations (known ones first by id; the unseen one if any). */
  constellations: Constellation[];
  scenarioSites: number[];
  trainPositions: number[];
  heldOutPositions: number[];
  maxDeployments: number;
  heldOut: number;
  otherSizes: number[];
}

export function planDeployments(p: PlanInput): DeploymentPlan {
  const known = p.constellations.filter((c) => !c.unseen).sort((a, b) => a.id - b.id).map((c) => c.sites);
  const unseen = p.constellations.find((c) => c.unseen)?.sites;
  // (a) first: training draws avoid them.
  const taken = new Set(known.map(keyOf));
  const heldOutConstellations = unseen ? [unseen] : [];
  if (unseen) taken.add(keyOf(unseen));
  heldOutConstellations.push(...drawDeployments(rngFor(p.seed, 'zero-shot/held-out'), p.scenarioSites, p.size, p.heldOut - heldOutConstellations.length, taken));
  const heldOutPositions = drawDeployments(rngFor(p.seed, 'zero-shot/held-out-positions'), p.heldOutPositions, p.size, p.heldOut, new Set());
  if (heldOutPositions.length === 0) throw new UserError(`zero-shot: ${p.heldOutPositions.length} held-out positions cannot make a deployment of ${p.size} sites`);
  const extra = Math.max(0, p.maxDeployments - known.length);
  const train = {
    all: [...known, ...drawDeployments(rngFor(p.seed, 'zero-shot/train'), [...p.scenarioSites, ...p.trainPositions], p.size, extra, new Set(taken))].slice(0, p.maxDeployments),
    scenario: [...known, ...drawDeployments(rngFor(p.seed, 'zero-shot/train-scenario-sites'), p.scenarioSites, p.size, extra, new Set(taken))].slice(0, p.maxDeployments),
  };
  const otherSizes = p.otherSizes
    .filter((k) => k !== p.size && k <= p.scenarioSites.length)
    .map((k) => ({ size: k, deployments: drawDeployments(rngFor(p.seed, `zero-shot/held-out-${k}`), p.scenarioSites, k, p.heldOut, new Set()) }));
  return { train, heldOutConstellations, heldOutPositions, otherSizes };
}
