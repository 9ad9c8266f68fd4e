import { ITU_MATERIALS, mapMaterials, NO_SCATTERING, type ScatteringParams } from '../map/materials.ts';
import type { CityMap } from '../map/types.ts';
import type { KNN_WEIGHTINGS, ScenarioFile, SplitName } from './schema.ts';

// The scenario file's sections resolved once, when the scenario loads, into what each stage reads: typed,
// camelCase, units in the names, defaults applied, derived choices made (is diffuse scattering on? which
// parameters does each material scatter with?). Stages read these configs, never the file's snake_case.
//
// Stage keys (input_key) are the one exception, by design: a key hashes the sections as the user wrote them
// (validated, in the schema's key order), kept on the config as `asWritten`, so that outputs stay valid when the
// code's types change and change when what the user wrote changes. Only the key functions read `asWritten`.

/** The gNB array (sites.array): a uniform cylindrical array of 3GPP TR 38.901 elements (src/radio/antenna.ts). */
export interface ArrayConfig {
  /** Element columns around the cylinder. */
  columns: number;
  /** Stacked rings. */
  rows: number;
  /** Element spacing along the arc and vertically. */
  spacingWavelengths: number;
}

/** Diffuse scattering (raytrace.scattering) when it is on. */
export interface ScatteringConfig {
  /** Edge length of the surface tiles whose centres carry the scattered field (m). */
  tileM: number;
  /** Specular reflections allowed before the final scattering (0: "S" only, 1: also "RS", 2: also "RRS"). */
  reflectionsBefore: number;
}

/** What the ray tracer reads: the radio settings (carrier, UE power, array) and the raytrace section. */
export interface RaytraceConfig {
  carrierFreqHz: number;
  /** The UE's transmit power: simgen traces the uplink (the UE transmits, the gNB array measures). */
  txPowerDbm: number;
  array: ArrayConfig;
  maxReflectionOrder: number;
  diffraction: boolean;
  /** With diffraction: one reflection before or after the diffracting edge ("RD", "DR"). */
  diffractionReflections: boolean;
  aoaResolutionDeg: number;
  pathLossCutoffDb: number;
  /** A hard radius: no path longer than this is traced (src/raytrace/engine/range.ts); null when unset. */
  maxRangeM: number | null;
  powerCombining: 'incoherent' | 'coherent';
  polarization: 'vertical' | 'horizontal';
  allowMaterialOutOfRange: boolean;
  /** Diffuse scattering; null when off. The one place that decides whether it is on. */
  scattering: ScatteringConfig | null;
  /**
   * Diffuse-scattering parameters of every material of the map: the material table's defaults with the
   * scenario's per-material overrides when scattering is on, none (S = 0) for every material when it is off.
   */
  materialScattering: Record<string, ScatteringParams>;
  /** The sections this config was resolved from, as written: for the raytrace input_key only. */
  asWritten: Pick<ScenarioFile, 'carrier_freq_hz' | 'ue' | 'raytrace'> & { array: ScenarioFile['sites']['array'] };
}

/** What the trajectories stage reads (src/mobility). */
export interface TrajectoriesConfig {
  count: number;
  durationS: number;
  samplePeriodS: number;
  testTracks: number;
  /** Height of the UE antenna above the ground: the z of every sample. */
  antennaHeightM: number;
}

/** The training hyper-parameters (train section), passed whole to every training. */
export interface TrainConfig {
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** The learning rate is multiplied by (1 - lrDecayRate) every lrDecaySamples processed samples. */
  lrDecayRate: number;
  lrDecaySamples: number;
  /** The kNN baseline's settings, when the scenario (train.knn) or a flag sets them; absent: its defaults. */
  knn?: KnnConfig;
}

/** The kNN baseline (src/learn/knn.ts): k nearest training samples, their positions averaged with `weighting`. */
export interface KnnConfig {
  k: number;
  weighting: KnnWeighting;
}
export type KnnWeighting = (typeof KNN_WEIGHTINGS)[number];

/** What the export reads besides the constellations (dataset section). */
export interface DatasetConfig {
  /** The train/test split (src/dataset/splits.ts); `simgen export --split` / `simgen train --split` override it. */
  split: SplitName;
}

/** Height and array orientation of a site that does not give its own (sites.height_m, sites.array.orientation_deg). */
export interface SiteDefaults {
  heightM: number;
  orientationDeg: number;
}

export function trajectoriesConfig(f: ScenarioFile): TrajectoriesConfig {
  const t = f.trajectories;
  return { count: t.count, durationS: t.duration_s, samplePeriodS: t.sample_period_s, testTracks: t.test_tracks, antennaHeightM: f.ue.antenna_height_m };
}

export function trainConfig(f: ScenarioFile): TrainConfig {
  const t = f.train;
  // knn only when written, so that a scenario without it gives the jobs (and their keys) it always gave.
  return { epochs: t.epochs, batchSize: t.batch_size, learningRate: t.learning_rate, lrDecayRate: t.lr_decay_rate, lrDecaySamples: t.lr_decay_samples, ...(t.knn ? { knn: { k: t.knn.k, weighting: t.knn.weighting } } : {}) };
}

export function datasetConfig(f: ScenarioFile): DatasetConfig {
  return { split: f.dataset.split };
}

/** The raytrace config of these sections on this map (its materials get their scattering parameters). */
export function raytraceConfig(w: RaytraceConfig['asWritten'], map: CityMap): RaytraceConfig {
  const r = w.raytrace;
  const s = r.scattering;
  const scattering = s.enabled ? { tileM: s.tile_m, reflectionsBefore: s.reflections_before } : null;
  const materialScattering = Object.fromEntries(
    mapMaterials(map).map((name) => {
      if (!scattering) return [name, NO_SCATTERING];
      const base = ITU_MATERIALS[name]?.scattering ?? NO_SCATTERING;
      const o = s.materials[name] ?? {};
      const params: ScatteringParams = {
        coefficient: o.coefficient ?? base.coefficient,
        crossPolarizedFraction: o.cross_polarized_fraction ?? base.crossPolarizedFraction,
        pattern: o.pattern ?? base.pattern,
        alphaR: o.alpha_r ?? base.alphaR,
        alphaI: o.alpha_i ?? base.alphaI,
        lambda: o.lambda ?? base.lambda,
      };
      return [name, params];
    }),
  );
  return {
    carrierFreqHz: w.carrier_freq_hz,
    txPowerDbm: w.ue.tx_power_dbm,
    array: { columns: w.array.columns, rows: w.array.rows, spacingWavelengths: w.array.spacing_wavelengths },
    maxReflectionOrder: r.max_reflection_order,
    diffraction: r.diffraction,
    diffractionReflections: r.diffraction_reflections,
    aoaResolutionDeg: r.aoa_resolution_deg,
    pathLossCutoffDb: r.path_loss_cutoff_db,
    maxRangeM: r.max_range_m ?? null,
    powerCombining: r.power_combining,
    polarization: r.polarization,
    allowMaterialOutOfRange: r.allow_material_out_of_range,
    scattering,
    materialScattering,
    asWritten: w,
  };
}
