import { UserError } from '../util/errors.ts';

// The scenario's `constellations` section resolved against its sites, checked when the scenario loads,
// so that an impossible setting stops before any stage runs (not after trajectories, raytrace and export).

export interface ConstellationSettings {
  /** Active sites per constellation. */
  size: number;
  /** Known constellations: #1 = `first`, then seeded draws. */
  count: number;
  /** Constellation #1, site ids. */
  first: number[];
  /** Whether an unseen constellation is held out on top of the known ones (there must be a combination left). */
  unseen: boolean;
  /** The section as written (`first` and `unseen` optional): for the export input_key only (src/scenario/config.ts). */
  asWritten: ConstellationsSection;
}

/** The constellations section as the schema validates it. */
export interface ConstellationsSection {
  size: number;
  count: number;
  first?: number[];
  unseen?: boolean;
}

/** n choose k (exact for the sizes involved; capped by float range otherwise). */
export function binomial(n: number, k: number): number {
  let c = 1;
  for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
  return Math.round(c);
}

/** Most known constellations `sites` choose `size` allows (all distinct), capped at the schema's 1000. */
export function maxKnownConstellations(sites: number, size: number): number {
  return Math.min(1000, binomial(sites, size));
}

/**
 * Why no unseen constellation is held out, or undefined when one is. Asked for (the default) but impossible
 * when the known constellations already use every combination of the sites: then it is skipped, with this note.
 */
export function unseenNote(sites: number, s: Omit<ConstellationSettings, 'asWritten'>): string | undefined {
  if (!s.unseen) return 'no unseen constellation (constellations.unseen: false)';
  const all = binomial(sites, s.size);
  if (s.count >= all) return `no unseen constellation: ${sites} sites choose ${s.size} give ${all} constellation${all === 1 ? '' : 's'}, all of them known (constellations.count ${s.count})`;
  return undefined;
}

/** The section as written (`first` and `unseen` optional) -> settings, or a UserError naming the field. */
export function resolveConstellations(c: ConstellationsSection, siteIds: number[], label: string): ConstellationSettings {
  const n = siteIds.length;
  if (c.size > n) throw new UserError(`${label}: field "constellations.size" must be <= the number of sites (${n}) (got ${c.size})`);
  const max = maxKnownConstellations(n, c.size);
  if (c.count > max)
    throw new UserError(`${label}: field "constellations.count" must be <= ${max} (${n} sites choose ${c.size} = ${binomial(n, c.size)} distinct constellations) (got ${c.count}); add sites or lower constellations.size`);
  // Without `first`: the `size` lowest site ids (with automatic sites, the first ones placed).
  const first = c.first ?? [...siteIds].sort((a, b) => a - b).slice(0, c.size);
  const ids = new Set(siteIds);
  if (first.length !== c.size || new Set(first).size !== c.size || first.some((id) => !ids.has(id)))
    throw new UserError(`${label}: field "constellations.first" must list ${c.size} distinct site ids from the scenario's sites (got ${JSON.stringify(first)})`);
  return { size: c.size, count: c.count, first, unseen: c.unseen ?? true, asWritten: c };
}
