import { z } from 'zod';

// The scenario file schema (YAML). Every key is documented in README "Scenario format";
// unknown keys are refused (strict objects) so a typo never silently falls back to a default.

const positive = (what: string) => z.number({ error: `${what}: a number is required` }).positive();

export const SitePositionSchema = z.strictObject({
  id: z.number().int().min(1),
  x: z.number(),
  y: z.number(),
  /** Optional per-site overrides. */
  height_m: z.number().positive().max(300).optional(),
  orientation_deg: z.number().min(0).lt(360).optional(),
  note: z.string().optional(),
});

export const ArraySchema = z.strictObject({
  type: z.literal('uniform-cylindrical'),
  /** Elements around the circumference (columns). */
  columns: z.number().int().min(1).max(64),
  /** Stacked rings (rows). */
  rows: z.number().int().min(1).max(32),
  /** Element spacing along the arc and vertically, in wavelengths. */
  spacing_wavelengths: z.number().positive().max(4),
  /** Azimuth (from +x, counter-clockwise) of column 0's boresight. */
  orientation_deg: z.number().min(0).lt(360),
  element: z.literal('3gpp-38.901'),
});

export const ScenarioSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, ".", "_" and "-" only'),
  description: z.string().optional(),
  /** Map file, relative to the scenario file. */
  map: z.string().min(1),
  seed: z.number().int().min(0).max(2 ** 31 - 1),
  carrier_freq_hz: positive('carrier_freq_hz').min(1e8).max(3e11),
  ue: z.strictObject({
    antenna_height_m: z.number().positive().max(30),
    tx_power_dbm: z.number().min(-30).max(60),
  }),
  sites: z.strictObject({
    height_m: z.number().positive().max(300),
    array: ArraySchema,
    positions: z.array(SitePositionSchema).min(1).max(256),
  }),
  constellations: z.strictObject({
    size: z.number().int().min(1).max(64),
    count: z.number().int().min(1).max(1000),
    /** Constellation #1, fixed (site ids). */
    first: z.array(z.number().int().min(1)).min(1),
  }),
  trajectories: z.strictObject({
    count: z.number().int().min(1).max(10000),
    duration_s: z.number().positive().max(3600),
    sample_period_s: z.number().positive().max(10),
    test_tracks: z.number().int().min(0),
  }),
  raytrace: z.strictObject({
    max_reflection_order: z.number().int().min(0).max(6),
    diffraction: z.boolean(),
    aoa_resolution_deg: z.number().positive().max(180),
    path_loss_cutoff_db: z.number().positive().max(400),
    power_combining: z.enum(['incoherent', 'coherent']),
    polarization: z.enum(['vertical', 'horizontal']),
    /** Allow ITU-R P.2040 materials outside their validity range (e.g. ground above 10 GHz). */
    allow_material_out_of_range: z.boolean().default(false),
  }),
  train: z.strictObject({
    epochs: z.number().int().min(1).max(10000),
    batch_size: z.number().int().min(1).max(65536),
    learning_rate: z.number().positive().max(1),
    /** Multiply the learning rate by (1 - lr_decay_rate) every lr_decay_samples processed samples. */
    lr_decay_rate: z.number().min(0).lt(1),
    lr_decay_samples: z.number().int().min(1),
  }),
});

export type ScenarioFile = z.infer<typeof ScenarioSchema>;
export type SitePosition = z.infer<typeof SitePositionSchema>;
export type ArraySpec = z.infer<typeof ArraySchema>;
