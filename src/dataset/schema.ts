import { Field, FixedSizeList, Float32, Float64, Int32, Schema, Utf8 } from 'apache-arrow';
import { ORIGIN_KEY } from '../map/origin.ts';
import { z } from 'zod';
import { UserError } from '../util/errors.ts';
import { parseOrThrow } from '../util/validate.ts';
import type { Constellation } from './constellations.ts';
import { FEATURES_PER_SITE, type Sentinel } from './features.ts';
import type { LinkSite } from './inputs.ts';
import type { Normalisation } from './normalisation.ts';
import type { SplitRecord } from './splits.ts';

// dataset.arrow: one row per (constellation, trajectory sample). Everything a reader needs to use
// it (constellations, feature names, sentinel, normalisation) travels in the schema metadata.

/** How the unseen constellation was chosen (see UNSEEN_RULE), or why there is none. */
export type UnseenSelection =
  | { rule: string; candidates: number; cell_m: number; min_heard: number; covered_cells: number; covered_samples: number }
  | { skipped: string };

/** The schema metadata of dataset.arrow, parsed. */
export interface DatasetMeta {
  simgenVersion: string;
  scenario: string;
  scenarioHash: string;
  seed: number;
  inputKey: string;
  linksInputKey: string;
  trajectoriesInputKey: string;
  /** Known constellations 1..count, then the unseen one (unseen: true) unless unseenSelection says it was skipped. */
  constellations: Constellation[];
  /** Names of the feature vector's entries, slot by slot. */
  featureLayout: string[];
  sentinel: Sentinel;
  normalisation: Normalisation;
  unseenSelection: UnseenSelection;
  /** Every candidate site (id, position m). */
  sites: LinkSite[];
  /** WGS84 [lon, lat] of the map frame's origin, for maps made from lon/lat (metadata `origin_lon_lat`). */
  originLonLat?: [number, number];
  /** The split's rule and counts (metadata `split`); absent: the tracks split (src/dataset/splits.ts). */
  split?: SplitRecord;
}

/** The optional metadata key of the split record. */
const SPLIT_KEY = 'split';

/** The split a dataset was made with. */
export function splitName(meta: DatasetMeta): SplitRecord['name'] {
  return meta.split?.name ?? 'tracks';
}

/** JSON-valued metadata keys and their DatasetMeta fields. */
const JSON_KEYS = {
  constellations: 'constellations',
  feature_layout: 'featureLayout',
  sentinel: 'sentinel',
  normalisation: 'normalisation',
  unseen_selection: 'unseenSelection',
  sites: 'sites',
} as const;
const TEXT_KEYS = {
  simgen_version: 'simgenVersion',
  scenario: 'scenario',
  scenario_hash: 'scenarioHash',
  input_key: 'inputKey',
  links_input_key: 'linksInputKey',
  trajectories_input_key: 'trajectoriesInputKey',
} as const;

export function metaToMap(meta: DatasetMeta): Map<string, string> {
  const m = new Map<string, string>();
  for (const [k, f] of Object.entries(TEXT_KEYS)) m.set(k, meta[f]);
  m.set('seed', String(meta.seed));
  for (const [k, f] of Object.entries(JSON_KEYS)) m.set(k, JSON.stringify(meta[f]));
  if (meta.originLonLat) m.set(ORIGIN_KEY, JSON.stringify(meta.originLonLat));
  if (meta.split) m.set(SPLIT_KEY, JSON.stringify(meta.split));
  return m;
}

const stats = z.object({ mean: z.array(z.number()), std: z.array(z.number()) });
/** What a reader relies on in the parsed metadata (a damaged or foreign file is refused naming the field). */
const MetaShape = z.object({
  seed: z.number().int(),
  constellations: z.array(z.object({ id: z.number().int(), sites: z.array(z.number().int()).min(1), unseen: z.boolean() })).min(1),
  featureLayout: z.array(z.string()).min(1),
  sentinel: z.object({ rx_power_dbm: z.number(), tof_ns: z.number(), aoa: z.tuple([z.number(), z.number(), z.number()]) }),
  normalisation: z.object({ features: stats, labels: stats.extend({ names: z.tuple([z.literal('x'), z.literal('y')]) }), rows: z.number().int().min(0) }),
  unseenSelection: z.record(z.string(), z.unknown()),
  sites: z.array(z.object({ id: z.number().int(), x: z.number(), y: z.number(), z: z.number() })).min(1),
  originLonLat: z.tuple([z.number(), z.number()]).optional(),
  split: z.object({ name: z.enum(['area', 'time']), rule: z.string(), train_samples: z.number().int().min(0), test_samples: z.number().int().min(0) }).optional(),
});

/** Parse the metadata; throws naming the first missing, unreadable or malformed key. */
export function metaFromMap(m: Map<string, string>, file: string): DatasetMeta {
  const get = (k: string) => {
    const v = m.get(k);
    if (v === undefined) throw new UserError(`${file}: schema metadata "${k}" is missing (not a simgen dataset.arrow?)`);
    return v;
  };
  const json = (k: string, text: string) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new UserError(`${file}: schema metadata "${k}" is not valid JSON (a damaged dataset.arrow? rerun "simgen export")`);
    }
  };
  const meta: Record<string, unknown> = { seed: Number(get('seed')) };
  for (const [k, f] of Object.entries(TEXT_KEYS)) meta[f] = get(k);
  for (const [k, f] of Object.entries(JSON_KEYS)) meta[f] = json(k, get(k));
  const origin = m.get(ORIGIN_KEY);
  if (origin) meta.originLonLat = json(ORIGIN_KEY, origin);
  const split = m.get(SPLIT_KEY);
  if (split) meta.split = json(SPLIT_KEY, split);
  parseOrThrow(MetaShape, meta, `${file}: schema metadata`);
  const d = meta as unknown as DatasetMeta;
  const w = d.featureLayout.length;
  const n = d.constellations[0].sites.length;
  if (w !== n * FEATURES_PER_SITE || d.constellations.some((c) => c.sites.length !== n) || d.normalisation.features.mean.length !== w || d.normalisation.features.std.length !== w)
    throw new UserError(`${file}: schema metadata: feature_layout (${w} names), the constellations' sizes and the normalisation (${d.normalisation.features.mean.length} columns) disagree (rerun "simgen export")`);
  return d;
}

export function datasetSchema(meta: DatasetMeta): Schema {
  const width = meta.featureLayout.length;
  return new Schema(
    [
      new Field('constellation', new Int32(), false),
      new Field('trajectory_id', new Int32(), false),
      new Field('sample', new Int32(), false),
      new Field('split', new Utf8(), false),
      new Field('features', new FixedSizeList(width, new Field('item', new Float32(), false)), false),
      new Field('x', new Float64(), false),
      new Field('y', new Float64(), false),
      new Field('heard_count', new Int32(), false),
    ],
    metaToMap(meta),
  );
}
