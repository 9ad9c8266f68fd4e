import path from 'node:path';
import { originMetadata } from '../map/origin.ts';
import type { Scenario, Site } from '../scenario/load.ts';
import { SIMGEN_VERSION, stageKey } from '../util/meta.ts';
import { DEFAULT_CANDIDATE_RAYS, traceSettings } from './engine/settings.ts';

// What a raytrace output is, without tracing anything: its input_key (the stage's key: equal key, reusable
// output) and the schema metadata of links.arrow. A light module (no scene, no workers, no Arrow): the
// pipeline, the dataset readers and the radio map compute keys with it, and the run machinery writes them.

/** The scenario parts a raytrace reads: the map, the raytrace config and the sites traced (a Scenario is one). */
export type RaytraceScenario = Pick<Scenario, 'name' | 'hash' | 'mapHash' | 'seed' | 'map' | 'raytrace' | 'sites'>;

/** The input_key runRaytrace writes for these receivers (upstreamKey: trajectories.arrow's input_key), without running it. */
export function raytraceInputKey(scenario: RaytraceScenario, upstreamKey: string): string {
  const c = scenario.raytrace;
  const w = c.asWritten;
  // The map and the radio sections only: editing e.g. the train block keeps links.arrow valid.
  return stageKey('raytrace', SIMGEN_VERSION, scenario.mapHash, w.carrier_freq_hz, w.ue, scenario.sites, w.array, w.raytrace, traceSettings(c), c.materialScattering, DEFAULT_CANDIDATE_RAYS, upstreamKey);
}

/** A site as links.arrow's metadata lists it. */
export interface SiteRecord {
  id: number;
  x: number;
  y: number;
  z: number;
  /** Azimuth of the array's column 0, radians from +x. */
  orientation: number;
}

/** The schema metadata of links.arrow (and of a site's link file): provenance, the sites and the radio settings. */
export function linkMetadata(scenario: RaytraceScenario, inputKey: string, receivers: string, sites: SiteRecord[]): Map<string, string> {
  const c = scenario.raytrace;
  return new Map<string, string>([
    ['simgen_version', SIMGEN_VERSION],
    ['scenario', scenario.name],
    ['scenario_hash', scenario.hash],
    ['seed', String(scenario.seed)],
    ['input_key', inputKey],
    ['receivers', receivers],
    ['sites', JSON.stringify(sites.map((s) => ({ id: s.id, x: s.x, y: s.y, z: s.z, orientation_deg: (s.orientation * 180) / Math.PI })))],
    ['carrier_freq_hz', String(c.carrierFreqHz)],
    ['path_loss_cutoff_db', String(c.pathLossCutoffDb)],
    ...(c.maxRangeM !== null ? [['max_range_m', String(c.maxRangeM)] as [string, string]] : []),
    ['aoa_resolution_deg', String(c.aoaResolutionDeg)],
    ['ue_tx_power_dbm', String(c.txPowerDbm)],
    ['max_reflection_order', String(c.maxReflectionOrder)],
    ['diffraction', String(c.diffraction)],
    ['diffraction_reflections', String(c.diffractionReflections)],
    ['scattering', JSON.stringify(c.scattering ? { enabled: true, reflections_before: c.scattering.reflectionsBefore, tile_m: c.scattering.tileM, materials: c.materialScattering } : { enabled: false })],
    ['power_combining', c.powerCombining],
    ['polarization', c.polarization],
    ...originMetadata(scenario.map),
  ]);
}

/** The input_key of one site's link file: the raytrace key of the scenario with only this site. */
export function siteLinksKey(scenario: RaytraceScenario, site: Site, receiversKey: string): string {
  return raytraceInputKey({ ...scenario, sites: [site] }, receiversKey);
}

/** Where the per-site link files are, in the output folder next to links.arrow. */
export const SITE_LINKS_DIR = 'site-links';

/** The link file of the site whose file key is `key`, in `dir`. */
export function siteLinksFile(dir: string, key: string): string {
  return path.join(dir, `site-${key.slice(0, 16)}.arrow`);
}
