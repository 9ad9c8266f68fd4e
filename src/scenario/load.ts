import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { loadMap } from '../map/load.ts';
import { distanceToPolygonBoundary, pointInPolygon } from '../map/geometry.ts';
import type { CityMap } from '../map/types.ts';
import { mapMaterials, materialAt } from '../map/materials.ts';
import { UserError } from '../util/errors.ts';
import { shownPath } from '../util/paths.ts';
import { readTextFile } from '../util/text-file.ts';
import { parseOrThrow } from '../util/validate.ts';
import { type PlacementReport, placeSites } from './auto-sites.ts';
import { type DatasetConfig, datasetConfig, type RaytraceConfig, raytraceConfig, type SiteDefaults, type TrainConfig, trainConfig, type TrajectoriesConfig, trajectoriesConfig } from './config.ts';
import { type ConstellationSettings, resolveConstellations } from './constellations.ts';
import { type MeasurementConfig, measurementConfig } from './measurement.ts';
import { MIN_SITE_FACADE_M, type ScenarioFile, ScenarioSchema, type SplitName } from './schema.ts';

/** A gNB site resolved to absolute coordinates (z = antenna height above ground). */
export interface Site {
  id: number;
  x: number;
  y: number;
  z: number;
  /** Azimuth of the array's column 0, radians from +x counter-clockwise. */
  orientation: number;
}

/**
 * A validated scenario with its map loaded and paths resolved, its sections resolved into the typed configs
 * the stages read (src/scenario/config.ts).
 */
export interface Scenario {
  name: string;
  /** Absolute path of the scenario file. */
  path: string;
  map: CityMap;
  sites: Site[];
  siteDefaults: SiteDefaults;
  /** The constellations section, checked against the sites (#1 resolved). */
  constellations: ConstellationSettings;
  trajectories: TrajectoriesConfig;
  raytrace: RaytraceConfig;
  train: TrainConfig;
  /** The dataset section: the train/test split. */
  dataset: DatasetConfig;
  /** What the dataset's features are: the traced paths (`ideal`) or a gNB's estimates (`nr-srs`, src/measure). */
  measurement: MeasurementConfig;
  /** With `sites.auto`: where the sites went and the measure of the placement. */
  placement?: PlacementReport;
  seed: number;
  /** sha256 over the scenario file and the map file contents: outputs record it. */
  hash: string;
  /** sha256 of the map file alone: stage keys use it with the scenario sections they read, so editing
   *  one section re-runs only the stages that depend on it. */
  mapHash: string;
}

export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const DEFAULT_SCENARIO = path.join(PACKAGE_ROOT, 'scenarios/hyploc-madrid.yaml');

/** Every material of the map must be an ITU-R P.2040 material valid at the carrier frequency. */
function checkMaterials(map: CityMap, freqHz: number, allowOutOfRange: boolean): void {
  const label = `map ${path.basename(map.path)}`;
  materialAt(map.groundMaterial, freqHz, `${label}: ground "material"`, allowOutOfRange);
  for (const a of map.pedestrianAreas) materialAt(a.material, freqHz, `${label}: pedestrian area ${a.name} "material"`, allowOutOfRange);
  for (const b of map.buildings) {
    materialAt(b.wallMaterial, freqHz, `${label}: building ${b.id} "wall_material"`, allowOutOfRange);
    materialAt(b.roofMaterial, freqHz, `${label}: building ${b.id} "roof_material"`, allowOutOfRange);
  }
}

/** The largest scenario file: a scenario is a page of settings (the default is 5 KB). */
const SCENARIO_MAX_BYTES = 2 ** 20;

export function loadScenario(file: string = DEFAULT_SCENARIO, opts: { seed?: number } = {}): Scenario {
  const abs = path.resolve(file);
  const label = `scenario ${path.basename(abs)}`;
  if (!fs.existsSync(abs)) throw new UserError(`${label}: file not found: ${shownPath(abs)}`);
  const text = readTextFile(abs, label, SCENARIO_MAX_BYTES);
  // Warnings (an unresolved tag, an ambiguous anchor) are refused like errors: the yaml library would print
  // them and go on with a guess.
  const doc = YAML.parseDocument(text, { logLevel: 'silent' });
  const problem = doc.errors[0] ?? doc.warnings[0];
  if (problem) throw new UserError(`${label}: not valid YAML (${problem.message.split('\n')[0]})`);
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 }); // a bound on alias expansion ("billion laughs")
  } catch (e) {
    throw new UserError(`${label}: not valid YAML (${(e as Error).message.split('\n')[0]})`);
  }
  const sf = parseOrThrow(ScenarioSchema, raw, label);
  const measurement = measurementConfig(sf.measurement, sf.carrier_freq_hz, label); // the bandwidth against the carrier's table
  const mapPath = path.resolve(path.dirname(abs), sf.map);
  if (!fs.existsSync(mapPath)) throw new UserError(`${label}: field "map": file not found: ${shownPath(mapPath)} (paths resolve relative to the scenario file)`);
  const map = loadMap(mapPath);
  checkMaterials(map, sf.carrier_freq_hz, sf.raytrace.allow_material_out_of_range);
  const used = mapMaterials(map);
  for (const name of Object.keys(sf.raytrace.scattering.materials))
    if (!used.includes(name))
      throw new UserError(`${label}: field "raytrace.scattering.materials.${name}": not a material of map ${path.basename(mapPath)} (its materials: ${used.join(', ')})`);
  if (opts.seed !== undefined && !(Number.isInteger(opts.seed) && opts.seed >= 0 && opts.seed <= 2 ** 31 - 1))
    throw new UserError(`--seed must be an integer >= 0 and <= ${2 ** 31 - 1} (got ${opts.seed})`);
  const seed = opts.seed ?? sf.seed;

  const given = [sf.sites.positions !== undefined, sf.sites.auto !== undefined].filter(Boolean).length;
  if (given !== 1) throw new UserError(`${label}: field "sites" needs exactly one of "positions" (a list of sites) or "auto" (automatic placement: { count: N }) (got ${given === 0 ? 'neither' : 'both'})`);
  let placement: PlacementReport | undefined;
  if (sf.sites.auto) {
    placement = placeSites(map, sf.sites.auto, seed);
    if (placement.sites.length < sf.sites.auto.count)
      throw new UserError(`${label}: field "sites.auto.count": only ${placement.sites.length} sites fit ${sf.sites.auto.min_separation_m} m apart on the sidewalks of ${map.name} (${placement.candidates} candidates) (got ${sf.sites.auto.count}); lower the count or sites.auto.min_separation_m`);
  }
  const positions = sf.sites.positions ?? placement!.sites.map((p) => ({ id: p.id, x: p.x, y: p.y, height_m: undefined, orientation_deg: undefined }));
  const sites: Site[] = positions.map((p, i) => {
    const field = `sites.positions[${i}]`;
    if (p.x < 0 || p.x > map.width || p.y < 0 || p.y > map.height)
      throw new UserError(`${label}: field "${field}" site ${p.id} at (${p.x}, ${p.y}) is off the map (allowed x 0..${map.width}, y 0..${map.height})`);
    const inside = map.buildings.find((b) => pointInPolygon([p.x, p.y], b.footprint));
    if (inside) throw new UserError(`${label}: field "${field}" site ${p.id} at (${p.x}, ${p.y}) is inside building ${inside.id}; sites stand outside footprints`);
    // A site on a wall is both in front of and behind it: the tracer would see through the wall or not at all.
    const wall = map.buildings.find((b) => distanceToPolygonBoundary([p.x, p.y], b.footprint) < MIN_SITE_FACADE_M);
    if (wall) throw new UserError(`${label}: field "${field}" site ${p.id} at (${p.x}, ${p.y}) is ${distanceToPolygonBoundary([p.x, p.y], wall.footprint).toFixed(3)} m from a facade of building ${wall.id}; sites stand at least ${MIN_SITE_FACADE_M} m in front of facades`);
    return { id: p.id, x: p.x, y: p.y, z: p.height_m ?? sf.sites.height_m, orientation: ((p.orientation_deg ?? sf.sites.array.orientation_deg) * Math.PI) / 180 };
  });
  const ids = new Set(sites.map((s) => s.id));
  if (ids.size !== sites.length) throw new UserError(`${label}: field "sites.positions": site ids must be unique`);
  const constellations = resolveConstellations(sf.constellations, sites.map((s) => s.id), label);
  if (sf.trajectories.test_tracks >= sf.trajectories.count)
    throw new UserError(`${label}: field "trajectories.test_tracks" must be < trajectories.count (${sf.trajectories.count}) (got ${sf.trajectories.test_tracks})`);
  if (sf.trajectories.sample_period_s > sf.trajectories.duration_s)
    throw new UserError(`${label}: field "trajectories.sample_period_s" must be <= trajectories.duration_s (got ${sf.trajectories.sample_period_s})`);

  const mapBytes = fs.readFileSync(map.path);
  // A map converted from lon/lat also depends on the import rules and defaults applied to it.
  const rules = map.importRules ? `\0${map.importRules}` : '';
  const hash = crypto.createHash('sha256').update(text).update('\0').update(mapBytes).update(rules).digest('hex');
  const mapHash = crypto.createHash('sha256').update(mapBytes).update(rules).digest('hex');
  return {
    name: sf.name,
    path: abs,
    map,
    sites,
    siteDefaults: { heightM: sf.sites.height_m, orientationDeg: sf.sites.array.orientation_deg },
    constellations,
    trajectories: trajectoriesConfig(sf),
    raytrace: raytraceConfig({ carrier_freq_hz: sf.carrier_freq_hz, ue: sf.ue, array: sf.sites.array, raytrace: sf.raytrace }, map),
    train: trainConfig(sf),
    dataset: datasetConfig(sf),
    measurement,
    placement,
    seed,
    hash,
    mapHash,
  };
}

/** The scenario with another raytrace section (validated by the caller), re-resolved: for ablations and tests. */
export function withRaytraceSection(scenario: Scenario, raytrace: ScenarioFile['raytrace']): Scenario {
  return { ...scenario, raytrace: raytraceConfig({ ...scenario.raytrace.asWritten, raytrace }, scenario.map) };
}

/** The scenario with another train/test split (the --split flags of export and train). */
export function withSplit(scenario: Scenario, split: SplitName): Scenario {
  return { ...scenario, dataset: { ...scenario.dataset, split } };
}
