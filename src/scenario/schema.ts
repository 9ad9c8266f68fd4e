import { z } from 'zod';
import { numberIn } from '../util/validate.ts';
import { MeasurementSchema } from './measurement.ts';

/** How the kNN baseline averages its neighbours' positions: by inverse feature distance, or equally. */
export const KNN_WEIGHTINGS = ['inverse-distance', 'uniform'] as const;

// The scenario file schema (YAML). Every key is documented in docs "Scenario format";
// unknown keys are refused (strict objects) so a typo never silently falls back to a default.
// Bounded numbers use numberIn so an error states the whole allowed range and its unit.

/**
 * The train/test splits of dataset.arrow: `tracks` (the paper's: whole seeded test tracks), `area` (spatially
 * disjoint map cells), `time` (the tail of every track). The rules are in src/dataset/splits.ts.
 */
export const SPLIT_NAMES = ['tracks', 'area', 'time'] as const;
export type SplitName = (typeof SPLIT_NAMES)[number];

/** The least distance from a site to a facade, m: a pole stands on the sidewalk, not in the wall. */
export const MIN_SITE_FACADE_M = 0.1;

export const SitePositionSchema = z.strictObject({
  id: numberIn(1, 1e6, '', { int: true }),
  x: z.number(),
  y: z.number(),
  /** Optional per-site overrides. */
  height_m: numberIn(0, 300, 'm', { exclusiveMin: true }).optional(),
  orientation_deg: numberIn(0, 360, 'deg').optional(),
  note: z.string().optional(),
});

export const ArraySchema = z.strictObject({
  type: z.literal('uniform-cylindrical'),
  /** Elements around the circumference (columns). */
  columns: numberIn(1, 64, '', { int: true }),
  /** Stacked rings (rows). */
  rows: numberIn(1, 32, '', { int: true }),
  /** Element spacing along the arc and vertically, in wavelengths. */
  spacing_wavelengths: numberIn(0, 4, 'wavelengths', { exclusiveMin: true }),
  /** Azimuth (from +x, counter-clockwise) of column 0's boresight. */
  orientation_deg: numberIn(0, 360, 'deg'),
  element: z.literal('3gpp-38.901'),
});

/** Diffuse-scattering overrides of one material (any key left out keeps the material table's default). */
export const MaterialScatteringSchema = z.strictObject({
  /** S: share of the reflected field amplitude scattered diffusely. */
  coefficient: numberIn(0, 1).optional(),
  /** K_x: share of the scattered power moved to the orthogonal polarisation. */
  cross_polarized_fraction: numberIn(0, 1).optional(),
  pattern: z.enum(['lambertian', 'directive', 'backscatter']).optional(),
  /** Lobe exponents (integers, the closed-form normalisation needs them): specular lobe, backscatter lobe. */
  alpha_r: numberIn(1, 100, '', { int: true }).optional(),
  alpha_i: numberIn(1, 100, '', { int: true }).optional(),
  /** Share of the diffuse power in the specular lobe (backscatter pattern). */
  lambda: numberIn(0, 1).optional(),
});

export const ScatteringSchema = z.strictObject({
  enabled: z.boolean(),
  /** Specular reflections allowed before the final scattering: 0 = "S" only, 1 = also "RS", 2 = also "RRS". */
  reflections_before: numberIn(0, 2, '', { int: true }).default(1),
  /** Edge length of the surface tiles whose centres carry the scattered field. */
  tile_m: numberIn(0.25, 10, 'm').default(2),
  /** Per map material, e.g. { glass: { coefficient: 0.2 } }. */
  materials: z.record(z.string(), MaterialScatteringSchema).default({}),
});

/** `sites.auto`: automatic placement on sidewalks in front of facades (rule in src/scenario/auto-sites.ts). */
export const AutoSitesSchema = z.strictObject({
  count: numberIn(1, 256, 'sites', { int: true }),
  /** Distance from the facade, m. */
  setback_m: numberIn(MIN_SITE_FACADE_M, 10, 'm').default(1),
  /** Candidate spacing along each facade, m. */
  spacing_m: numberIn(0, 100, 'm', { exclusiveMin: true }).default(5),
  /** Smallest distance between two placed sites, m. */
  min_separation_m: numberIn(0, 10000, 'm').default(30),
  /** Hearing range of the placement measure (line of sight in plan within this distance), m. */
  range_m: numberIn(0, 10000, 'm', { exclusiveMin: true }).default(150),
  /** "Several": the number of sites every street (and street point) should be heard by. */
  min_heard: numberIn(1, 64, 'sites', { int: true }).default(3),
  /** Street point spacing of the measure, m. */
  sample_m: numberIn(0, 1000, 'm', { exclusiveMin: true }).default(10),
});

export const ScenarioSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9._-]+$/, 'must use letters, digits, ".", "_" and "-" only'),
  description: z.string().optional(),
  /** Map file, relative to the scenario file. */
  map: z.string().min(1),
  seed: numberIn(0, 2 ** 31 - 1, '', { int: true }),
  carrier_freq_hz: numberIn(1e8, 3e11, 'Hz (100 MHz to 300 GHz)'),
  ue: z.strictObject({
    antenna_height_m: numberIn(0, 30, 'm', { exclusiveMin: true }),
    tx_power_dbm: numberIn(-30, 60, 'dBm'),
  }),
  sites: z.strictObject({
    height_m: numberIn(0, 300, 'm', { exclusiveMin: true }),
    array: ArraySchema,
    /** Either the candidate sites by hand... */
    positions: z.array(SitePositionSchema).min(1).max(256).optional(),
    /** ...or placed automatically (src/scenario/auto-sites.ts). */
    auto: AutoSitesSchema.optional(),
  }),
  constellations: z.strictObject({
    size: numberIn(1, 64, 'sites', { int: true }),
    count: numberIn(1, 1000, '', { int: true }),
    /** Constellation #1, fixed (site ids); default: the `size` lowest site ids. */
    first: z.array(numberIn(1, 1e6, '', { int: true })).min(1).optional(),
    /** Hold out one more constellation as "unseen" (default true; skipped with a note when no combination is left). */
    unseen: z.boolean().optional(),
  }),
  trajectories: z.strictObject({
    count: numberIn(1, 10000, '', { int: true }),
    duration_s: numberIn(0, 3600, 's', { exclusiveMin: true }),
    sample_period_s: numberIn(0, 10, 's', { exclusiveMin: true }),
    test_tracks: numberIn(0, 10000, '', { int: true }),
  }),
  raytrace: z.strictObject({
    max_reflection_order: numberIn(0, 6, '', { int: true }),
    diffraction: z.boolean(),
    /** With diffraction: one specular reflection before or after the diffracting edge ("RD", "DR"). */
    diffraction_reflections: z.boolean().default(false),
    aoa_resolution_deg: numberIn(0, 180, 'deg', { exclusiveMin: true }),
    path_loss_cutoff_db: numberIn(0, 400, 'dB', { exclusiveMin: true }),
    /** A hard radius: no path longer than this (site to UE, unfolded) is traced; absent = no limit. */
    max_range_m: numberIn(0, 100000, 'm', { exclusiveMin: true }).optional(),
    power_combining: z.enum(['incoherent', 'coherent']),
    polarization: z.enum(['vertical', 'horizontal']),
    /** Allow ITU-R P.2040 materials outside their validity range (e.g. ground above 10 GHz). */
    allow_material_out_of_range: z.boolean().default(false),
    /** Diffuse scattering from rough surfaces (effective-roughness model); off when the block is absent. */
    scattering: ScatteringSchema.default({ enabled: false, reflections_before: 1, tile_m: 2, materials: {} }),
  }),
  /** What the dataset's features are: the traced paths ("ideal") or a gNB's estimates (src/scenario/measurement.ts). */
  measurement: MeasurementSchema.default({ model: 'ideal' }),
  /** How dataset.arrow's samples are split into train and test (src/dataset/splits.ts); optional, absent = tracks. */
  dataset: z.strictObject({ split: z.enum(SPLIT_NAMES).default('tracks') }).default({ split: 'tracks' }),
  train: z.strictObject({
    epochs: numberIn(1, 10000, '', { int: true }),
    batch_size: numberIn(1, 65536, '', { int: true }),
    learning_rate: numberIn(0, 1, '', { exclusiveMin: true }),
    /** Multiply the learning rate by (1 - lr_decay_rate) every lr_decay_samples processed samples. */
    lr_decay_rate: z.number().min(0).lt(1),
    lr_decay_samples: numberIn(1, 1e12, 'samples', { int: true }),
    /** The kNN baseline's settings (src/learn/knn.ts); absent: k 5, inverse-distance. */
    knn: z
      .strictObject({
        k: numberIn(1, 1000, '', { int: true }).default(5),
        weighting: z.enum(KNN_WEIGHTINGS).default('inverse-distance'),
      })
      .optional(),
  }),
});

export type ScenarioFile = z.infer<typeof ScenarioSchema>;
export type SitePosition = z.infer<typeof SitePositionSchema>;
export type ArraySpec = z.infer<typeof ArraySchema>;
export type ScatteringSpec = z.infer<typeof ScatteringSchema>;
export type AutoSites = z.infer<typeof AutoSitesSchema>;
