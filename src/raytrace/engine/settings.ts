import type { RaytraceConfig } from '../../scenario/config.ts';
import type { LinkSettings } from './link.ts';
import type { SearchSettings } from './search.ts';

// The tracer's settings, derived from the scenario's raytrace config: what the path search, the diffuse
// scattering and the per-link evaluation each read. A light module (types and arithmetic only): the raytrace
// input_key (../key.ts) hashes these settings too.

/** Rays shot from each site to find reflection candidates (candidates.ts). */
export const DEFAULT_CANDIDATE_RAYS = 1 << 17;

export interface TraceSettings {
  search: SearchSettings;
  link: LinkSettings;
  /** Diffuse scattering: tile size (m) and reflections before the scattering; null when off. */
  scattering: { tileM: number; reflectionsBefore: number } | null;
  /** max_range_m: no path longer than this (m) is traced (range.ts); absent when unset (the input_key stays that of before). */
  maxRangeM?: number;
}

export function traceSettings(c: RaytraceConfig): TraceSettings {
  const sc = c.scattering;
  return {
    search: { maxReflectionOrder: c.maxReflectionOrder, diffraction: c.diffraction, diffractionReflections: c.diffractionReflections, scatterReflections: sc?.reflectionsBefore },
    scattering: sc && { tileM: sc.tileM, reflectionsBefore: sc.reflectionsBefore },
    ...(c.maxRangeM !== null && { maxRangeM: c.maxRangeM }),
    link: {
      txPowerDbm: c.txPowerDbm,
      cutoffDb: c.pathLossCutoffDb,
      aoaResolutionDeg: c.aoaResolutionDeg,
      coherent: c.powerCombining === 'coherent',
    },
  };
}
