import { UserError } from '../util/errors.ts';
import { FEATURES_PER_SITE, type Sentinel, SITE_FEATURES, siteFeaturesInto, siteIndices } from './features.ts';
import type { Links } from './inputs.ts';
import { type ColumnStats, type Normalisation, RunningStats } from './normalisation.ts';

// Feature vectors of any deployment (a list of site ids) at any trajectory sample, for models that must
// work on deployments they were not trained on (`simgen experiment zero-shot`). Rows are (sample,
// deployment) pairs assembled from a Links record holding every site (site-store.ts), so no file per
// deployment is ever written. Four feature sets:
//
// - `paper`: the paper's 8 values per site (features.ts), slots in ascending site id: 56 for 7 sites.
// - `paper-estimates`: the same plus, per slot, the site's own estimate of the UE position (below): 70.
// - `site-set`: per site, in no particular order, the values a model shared by all sites needs (presence,
//   heard, power, path length, AoA, site position, estimate); slots beyond a deployment's size are absent
//   (present 0), so one layout holds deployments of any size up to `slots`.
// - `site-set-window`: site-set plus, per site, its measurements at the WINDOW - 1 samples before (100 ms
//   apart on a track; the track's first sample repeats at its start): a sequence of WINDOW samples.
//
// The site's estimate is where the strongest path's length d = c * ToF reaches from the site along its
// (quantised) AoA, in plan: site_xy + d * (aoa_x, aoa_y). For a line-of-sight path that is the UE (within
// the 20 deg AoA bins); for a single reflection it is the UE's mirror image behind the wall, a fixed
// function of the map that a model can learn from any site. Not heard: the site's own position.

export const FEATURE_SETS = ['paper', 'paper-estimates', 'site-set', 'site-set-window'] as const;
export type FeatureSet = (typeof FEATURE_SETS)[number];

/** Samples in a site-set-window row: this one and the WINDOW - 1 before it. */
export const WINDOW = 5;

const C_M_PER_NS = 0.299792458;

/** Per-site values of site-set; the window adds PAST_FEATURES for each earlier sample. */
export const SITE_SET_FEATURES = ['present', 'heard', 'rx_power_dbm', 'path_length_m', 'aoa_x', 'aoa_y', 'aoa_z', 'site_x', 'site_y', 'estimate_x', 'estimate_y'] as const;
const PAST_FEATURES = ['heard', 'rx_power_dbm', 'path_length_m', 'aoa_x', 'aoa_y', 'estimate_x', 'estimate_y'] as const;

/** Where the site-set layout keeps the values a set model reads (offsets within a site's block). */
export const SITE_SET_INDEX = { present: 0, heard: 1, estimateX: 9, estimateY: 10 } as const;

/** How a column is scaled: as measured (flags, unit vectors), by its statistics, or as a map position (the labels' scaling). */
type ColumnKind = 'raw' | 'stats' | 'x' | 'y';
const KIND: Record<string, ColumnKind> = {
  present: 'raw', heard: 'raw', rx_power_dbm: 'stats', path_length_m: 'stats', aoa_x: 'raw', aoa_y: 'raw', aoa_z: 'raw',
  site_x: 'x', site_y: 'y', estimate_x: 'x', estimate_y: 'y',
};

export interface FeatureLayout {
  set: FeatureSet;
  /** Site slots per row. */
  slots: number;
  /** Values per slot. */
  perSite: number;
  /** slots x perSite. */
  width: number;
  /** Column names, slot by slot (gnb1_..., site1_...). */
  names: string[];
}

function perSiteNames(set: FeatureSet): string[] {
  if (set === 'paper') return [...SITE_FEATURES];
  if (set === 'paper-estimates') return [...SITE_FEATURES, 'estimate_x', 'estimate_y'];
  if (set === 'site-set') return [...SITE_SET_FEATURES];
  const past = Array.from({ length: WINDOW - 1 }, (_, k) => PAST_FEATURES.map((f) => `${f}_t-${k + 1}`)).flat();
  return [...SITE_SET_FEATURES, ...past];
}

export function featureLayoutFor(set: FeatureSet, slots: number): FeatureLayout {
  const per = perSiteNames(set);
  const prefix = set.startsWith('paper') ? 'gnb' : 'site';
  const names = Array.from({ length: slots }, (_, j) => per.map((f) => `${prefix}${j + 1}_${f}`)).flat();
  return { set, slots, perSite: per.length, width: names.length, names };
}

/** Does this set take deployments of any size up to its slots (site-set*), or exactly `slots` sites (paper*)? */
export const isSetLayout = (set: FeatureSet) => set.startsWith('site-set');

/** The sample 100 ms before s on the same track (s itself at the track's start). */
function previous(links: Links, s: number): number {
  return s > 0 && links.trajectoryId[s - 1] === links.trajectoryId[s] && links.sample[s - 1] === links.sample[s] - 1 ? s - 1 : s;
}

/** Heard, power, path length, AoA and the site's estimate of one (sample, site) into v (scratch). */
function measure(links: Links, s: number, i: number, sentinel: Sentinel, v: Float32Array): void {
  const heard = siteFeaturesInto(links, s, i, sentinel, v, 0); // power, ToF, aoa xyz, site xyz
  const d = heard ? v[1] * C_M_PER_NS : 0;
  v[1] = d;
  v[8] = heard;
  v[9] = v[5] + d * v[2]; // estimate
  v[10] = v[6] + d * v[3];
}

export interface Rows {
  /** Sample index (links order) and deployment index of each row. */
  sample: Int32Array;
  deployment: Int32Array;
}

/**
 * Feature rows of (sample, deployment) pairs: n x layout.width raw values (dBm, m, unit vectors), and how
 * many of the deployment's sites hear each row's sample. Deployments are lists of site ids of `links`.
 */
export function assembleFeatures(links: Links, deployments: number[][], rows: Rows, layout: FeatureLayout, sentinel: Sentinel): { features: Float32Array; heard: Int32Array } {
  const n = rows.sample.length;
  const { slots, perSite, width, set } = layout;
  const index = deployments.map((d) => {
    if (isSetLayout(set) ? d.length > slots : d.length !== slots)
      throw new UserError(`feature set ${set}: a deployment of ${d.length} sites does not fit ${isSetLayout(set) ? 'at most' : 'exactly'} ${slots} slots`);
    return siteIndices(links, [...d].sort((a, b) => a - b));
  });
  const features = new Float32Array(n * width);
  const heard = new Int32Array(n);
  const v = new Float32Array(11);
  for (let r = 0; r < n; r++) {
    const s = rows.sample[r];
    const sites = index[rows.deployment[r]];
    for (let j = 0; j < sites.length; j++) {
      const o = r * width + j * perSite;
      const i = sites[j];
      if (set === 'paper' || set === 'paper-estimates') {
        heard[r] += siteFeaturesInto(links, s, i, sentinel, features, o);
        if (set === 'paper-estimates') {
          measure(links, s, i, sentinel, v);
          features[o + FEATURES_PER_SITE] = v[9];
          features[o + FEATURES_PER_SITE + 1] = v[10];
        }
        continue;
      }
      measure(links, s, i, sentinel, v);
      heard[r] += v[8];
      features.set([1, v[8], v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[9], v[10]], o);
      if (set === 'site-set-window') {
        let p = s;
        for (let k = 1; k < WINDOW; k++) {
          p = previous(links, p);
          measure(links, p, i, sentinel, v);
          features.set([v[8], v[0], v[1], v[2], v[3], v[9], v[10]], o + SITE_SET_FEATURES.length + (k - 1) * PAST_FEATURES.length);
        }
      }
    }
  }
  return { features, heard };
}

/**
 * The normalisation of a training set's rows: per column (paper sets, as dataset.arrow's), or, for the
 * site-set layouts, one mean/std per kind of value shared by every slot and every past sample (a model
 * shared by the sites sees every site on one scale), with positions on the labels' scale (so a site's
 * estimate is a position in the units the model outputs) and flags and unit vectors as they are.
 */
export function normaliseRows(layout: FeatureLayout, features: Float32Array, labelsXY: Float32Array, n: number): Normalisation {
  const labels = new RunningStats(2);
  for (let r = 0; r < n; r++) labels.add(labelsXY, 2 * r);
  const lab = labels.result();
  const labelScale = Math.sqrt((lab.std[0] ** 2 + lab.std[1] ** 2) / 2) || 1;
  let columns: ColumnStats;
  if (!isSetLayout(layout.set)) {
    const stats = new RunningStats(layout.width);
    for (let r = 0; r < n; r++) stats.add(features, r * layout.width);
    columns = stats.result();
  } else {
    const per = perSiteNames(layout.set);
    const base = per.map((f) => f.replace(/_t-\d+$/, ''));
    const kinds = [...new Set(base.filter((b) => KIND[b] === 'stats'))];
    const stats = new RunningStats(kinds.length);
    const at = kinds.map((k) => base.map((b, c) => (b === k ? c : -1)).filter((c) => c >= 0));
    const vals = new Float64Array(kinds.length);
    for (let r = 0; r < n; r++)
      for (let j = 0; j < layout.slots; j++) {
        const o = r * layout.width + j * layout.perSite;
        if (!features[o + SITE_SET_INDEX.present]) continue;
        if (!features[o + SITE_SET_INDEX.heard]) continue; // measured values only: the sentinel would pull the power's mean
        for (let p = 0; p < at[0].length; p++) {
          kinds.forEach((_, k) => (vals[k] = features[o + at[k][p]]));
          stats.add(vals);
        }
      }
    const ks = stats.result();
    const one = per.map((_, c): [number, number] => {
      const kind = KIND[base[c]];
      if (kind === 'raw') return [0, 1];
      if (kind === 'x') return [lab.mean[0], labelScale];
      if (kind === 'y') return [lab.mean[1], labelScale];
      const k = kinds.indexOf(base[c]);
      return [ks.mean[k], ks.std[k]];
    });
    const all = Array.from({ length: layout.slots }, () => one).flat();
    columns = { mean: all.map((m) => m[0]), std: all.map((m) => m[1]) };
  }
  return { features: columns, labels: { names: ['x', 'y'], ...lab }, rows: n };
}
