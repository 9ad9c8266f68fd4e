import { type Rng, rngFor, shuffleInPlace } from '../util/rng.ts';
import { type Candidate, type Carriageway, sidewalkCandidates } from './auto-sites.ts';
import type { Scenario, Site } from './load.ts';

// Sites at new positions, for deployments a model has never seen (`simgen experiment zero-shot`). They are
// placed by the rule of automatic placement (auto-sites.ts): on a sidewalk, `setback` in front of a facade,
// at the scenario's site height and array orientation. The Madrid grid's street `width` runs facade to
// facade, so the sidewalk there is what the driven lanes leave (carriageway 'lanes'); the scenario's own
// sites stand 1.5 m in front of facades, 0.5 m on the 9 m edge streets, and so do these: each facade spot
// takes the first setback of SETBACKS_M that lands on the sidewalk. Positions are a seeded random draw among
// those candidates, at least `minSeparationM` from every scenario site and from each other.

/** Setbacks from the facade tried at each spot, in order (m). */
export const SETBACKS_M = [1.5, 0.5] as const;
/** Candidate spacing along each facade (m). */
export const SPACING_M = 2;

export interface NewSiteOptions {
  count: number;
  /** Seed stream (the same seed and stream give the same sites). */
  stream: string;
  /** Smallest distance to a scenario site and between the new sites (m). */
  minSeparationM: number;
  /** Id of the first new site; the others follow (ids must not collide with the scenario's). */
  firstId: number;
  /** Sites to keep away from besides the scenario's (e.g. new sites drawn earlier). */
  avoid?: Array<{ x: number; y: number }>;
  carriageway?: Carriageway;
}

/** The sidewalk spots of the rule above, each at the largest setback that fits. */
export function newSiteCandidates(scenario: Scenario, carriageway: Carriageway = 'lanes'): Candidate[] {
  const out: Candidate[] = [];
  for (const setback of SETBACKS_M) {
    // A spot already taken at a larger setback lies within the setback difference of this one.
    const taken = [...out];
    for (const c of sidewalkCandidates(scenario.map, { setback_m: setback, spacing_m: SPACING_M }, carriageway))
      if (!taken.some((t) => Math.hypot(t.p[0] - c.p[0], t.p[1] - c.p[1]) <= SETBACKS_M[0] - setback + 1e-6)) out.push(c);
  }
  return out;
}

/** `count` new sites (fewer when the map has no room left at that separation). */
export function sampleNewSites(scenario: Scenario, o: NewSiteOptions): Site[] {
  const rng: Rng = rngFor(scenario.seed, o.stream);
  const cands = shuffleInPlace(rng, newSiteCandidates(scenario, o.carriageway));
  const kept: Array<{ x: number; y: number }> = [...scenario.sites, ...(o.avoid ?? [])];
  const sites: Site[] = [];
  const z = scenario.siteDefaults.heightM;
  const orientation = (scenario.siteDefaults.orientationDeg * Math.PI) / 180;
  for (const c of cands) {
    if (sites.length === o.count) break;
    if (kept.some((s) => Math.hypot(s.x - c.p[0], s.y - c.p[1]) < o.minSeparationM)) continue;
    const site = { id: o.firstId + sites.length, x: c.p[0], y: c.p[1], z, orientation };
    sites.push(site);
    kept.push(site);
  }
  return sites;
}
