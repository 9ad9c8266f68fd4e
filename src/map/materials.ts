import { UserError } from '../util/errors.ts';
import type { CityMap } from './types.ts';

// The materials a map's surfaces are made of (ground, pedestrian areas, walls, roofs name them): the table
// lives with the map so that the scenario (which checks a map's materials against the carrier frequency) and
// the radio stage (which computes reflections from them) both read it from below.
//
// ITU-R P.2040-3 Table 3 as data: eps' = a f^b, sigma = c f^d (f in GHz), valid over [fMinGHz, fMaxGHz].
// The ground models of P.2040 (very dry / medium dry / wet ground) stop at 10 GHz: at 28 GHz the
// street surface (asphalt and paving) is modelled as concrete, which is valid to 100 GHz.
// Diffuse scattering (src/radio/scattering.ts): Wireless InSite's defaults for every material (its material files
// carry the same values for all of them); vacuum does not scatter. A scenario overrides them per material.

export type ScatteringPatternKind = 'lambertian' | 'directive' | 'backscatter';

/** Diffuse-scattering parameters of one material. */
export interface ScatteringParams {
  /** S in [0, 1]: the diffusely scattered share of the reflected field amplitude. */
  coefficient: number;
  /** K_x in [0, 1]: the share of scattered power moved to the orthogonal polarisation. */
  crossPolarizedFraction: number;
  pattern: ScatteringPatternKind;
  /** Lobe widths (integers >= 1) of the specular lobe (directive, backscatter) and the backscatter lobe. */
  alphaR: number;
  alphaI: number;
  /** Lambda in [0, 1]: the share of the diffuse power in the specular lobe (backscatter). */
  lambda: number;
}

/**
 * Wireless InSite's material defaults (its material files: fields_diffusively_scattered 0.4,
 * cross_polarized_power 0.4, directive_alpha 4, directive_beta 4, directive_lambda 0.75 for the
 * "directive with backscatter" model). The paper's data were made with Wireless InSite, so these are the
 * values simgen assigns to every material unless the scenario overrides them.
 */
export const INSITE_DEFAULT_SCATTERING: ScatteringParams = {
  coefficient: 0.4,
  crossPolarizedFraction: 0.4,
  pattern: 'backscatter',
  alphaR: 4,
  alphaI: 4,
  lambda: 0.75,
};

/** No diffuse scattering (S = 0): the specular reflection keeps all the reflected power. */
export const NO_SCATTERING: ScatteringParams = { ...INSITE_DEFAULT_SCATTERING, coefficient: 0 };

export interface MaterialModel {
  name: string;
  a: number;
  b: number;
  c: number;
  d: number;
  fMinGHz: number;
  fMaxGHz: number;
  scattering: ScatteringParams;
}

export const ITU_MATERIALS: Record<string, MaterialModel> = {
  vacuum: { name: 'vacuum', a: 1, b: 0, c: 0, d: 0, fMinGHz: 0.001, fMaxGHz: 100, scattering: NO_SCATTERING },
  concrete: { name: 'concrete', a: 5.24, b: 0, c: 0.0462, d: 0.7822, fMinGHz: 1, fMaxGHz: 100, scattering: INSITE_DEFAULT_SCATTERING },
  brick: { name: 'brick', a: 3.91, b: 0, c: 0.0238, d: 0.16, fMinGHz: 1, fMaxGHz: 40, scattering: INSITE_DEFAULT_SCATTERING },
  plasterboard: { name: 'plasterboard', a: 2.73, b: 0, c: 0.0085, d: 0.9395, fMinGHz: 1, fMaxGHz: 100, scattering: INSITE_DEFAULT_SCATTERING },
  wood: { name: 'wood', a: 1.99, b: 0, c: 0.0047, d: 1.0718, fMinGHz: 0.001, fMaxGHz: 100, scattering: INSITE_DEFAULT_SCATTERING },
  glass: { name: 'glass', a: 6.31, b: 0, c: 0.0036, d: 1.3394, fMinGHz: 0.1, fMaxGHz: 100, scattering: INSITE_DEFAULT_SCATTERING },
  ceiling_board: { name: 'ceiling_board', a: 1.48, b: 0, c: 0.0011, d: 1.075, fMinGHz: 1, fMaxGHz: 100, scattering: INSITE_DEFAULT_SCATTERING },
  chipboard: { name: 'chipboard', a: 2.58, b: 0, c: 0.0217, d: 0.78, fMinGHz: 1, fMaxGHz: 100, scattering: INSITE_DEFAULT_SCATTERING },
  floorboard: { name: 'floorboard', a: 3.66, b: 0, c: 0.0044, d: 1.3515, fMinGHz: 50, fMaxGHz: 100, scattering: INSITE_DEFAULT_SCATTERING },
  metal: { name: 'metal', a: 1, b: 0, c: 1e7, d: 0, fMinGHz: 1, fMaxGHz: 100, scattering: INSITE_DEFAULT_SCATTERING },
  very_dry_ground: { name: 'very_dry_ground', a: 3, b: 0, c: 0.00015, d: 2.52, fMinGHz: 1, fMaxGHz: 10, scattering: INSITE_DEFAULT_SCATTERING },
  medium_dry_ground: { name: 'medium_dry_ground', a: 15, b: -0.1, c: 0.035, d: 1.63, fMinGHz: 1, fMaxGHz: 10, scattering: INSITE_DEFAULT_SCATTERING },
  wet_ground: { name: 'wet_ground', a: 30, b: -0.4, c: 0.15, d: 1.3, fMinGHz: 1, fMaxGHz: 10, scattering: INSITE_DEFAULT_SCATTERING },
};

export const MATERIAL_NAMES = Object.keys(ITU_MATERIALS);

/** Complex relative permittivity eta = eps' - j 17.98 sigma / f, as [re, im]. */
export function relativePermittivity(m: MaterialModel, freqHz: number): [number, number] {
  const fGHz = freqHz / 1e9;
  const epsR = m.a * fGHz ** m.b;
  const sigma = m.c * fGHz ** m.d;
  return [epsR, (-17.98 * sigma) / fGHz];
}

/**
 * The material by name, checked against its P.2040 frequency range. `field` names where the
 * material came from, for the error message.
 */
export function materialAt(name: string, freqHz: number, field: string, allowOutOfRange = false): MaterialModel {
  const m = ITU_MATERIALS[name];
  if (!m) throw new UserError(`${field}: unknown material "${name}"; allowed: ${MATERIAL_NAMES.join(', ')}`);
  const fGHz = freqHz / 1e9;
  if (!allowOutOfRange && (fGHz < m.fMinGHz || fGHz > m.fMaxGHz))
    throw new UserError(
      `${field}: material "${name}" is valid for ${m.fMinGHz}-${m.fMaxGHz} GHz in ITU-R P.2040, not at ${fGHz} GHz; ` +
        'choose another material or set raytrace.allow_material_out_of_range: true',
    );
  return m;
}

/** The materials a map uses (ground, pedestrian areas, walls, roofs), sorted. */
export function mapMaterials(map: CityMap): string[] {
  const all = [map.groundMaterial, ...map.pedestrianAreas.map((a) => a.material), ...map.buildings.flatMap((b) => [b.wallMaterial, b.roofMaterial])];
  return [...new Set(all)].sort();
}
