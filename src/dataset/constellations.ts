import { binomial, type ConstellationSettings, maxKnownConstellations } from '../scenario/constellations.ts';
import { UserError } from '../util/errors.ts';
import { type Rng, rngFor, shuffleInPlace } from '../util/rng.ts';

// gNB constellations: which `size` of the candidate sites are active. #1 is fixed by the scenario,
// the others are seeded draws; one more, held out as "unseen", is picked for its coverage when the
// scenario asks for it and the sites leave a combination for it (src/scenario/constellations.ts).

export interface Constellation {
  /** 1..count for the known constellations, count + 1 for the unseen one. */
  id: number;
  /** Active site ids, ascending (feature slot order). */
  sites: number[];
  /** Held out for the adaptation experiment (paper IV-B.3): never in the normalisation statistics. */
  unseen: boolean;
}

/**
 * The unseen constellation's rule. The paper picked it by hand "so that the signal coverage is
 * well-distributed throughout the Madrid map"; here, among UNSEEN_CANDIDATES seeded draws distinct from
 * the known ones, the one whose samples heard by >= MIN_HEARD of its sites (enough for a position fix
 * from power/ToF/AoA) fall in the most distinct CELL_M x CELL_M map cells; ties go to more such
 * samples, then to the earlier draw.
 */
export const UNSEEN_RULE = { candidates: 200, cellM: 20, minHeard: 3 } as const;

/** Per-sample inputs of the coverage score: UE position and the heard mask [sample * sites + siteIndex]. */
export interface CoverageInput {
  siteIds: number[];
  x: Float64Array;
  y: Float64Array;
  heard: Uint8Array;
}

export interface UnseenChoice {
  constellation: Constellation;
  /** Distinct cells with a sample heard by >= MIN_HEARD sites. */
  coveredCells: number;
  /** Samples heard by >= MIN_HEARD sites. */
  coveredSamples: number;
  candidates: number;
}

const keyOf = (sites: number[]) => sites.join(',');

function draw(rng: Rng, siteIds: number[], size: number): number[] {
  return shuffleInPlace(rng, [...siteIds]).slice(0, size).sort((a, b) => a - b);
}

/**
 * The known constellations: #1 = settings.first, then seeded draws of `size` sites, all distinct.
 * The draws come from one stream, so a smaller count yields a prefix of a larger one.
 */
export function drawConstellations(siteIds: number[], settings: Pick<ConstellationSettings, 'size' | 'count' | 'first'>, seed: number): Constellation[] {
  const ids = [...siteIds].sort((a, b) => a - b);
  const max = maxKnownConstellations(ids.length, settings.size);
  if (!Number.isInteger(settings.count) || settings.count < 1 || settings.count > max)
    throw new UserError(`--constellations must be an integer in 1..${max} (${ids.length} sites choose ${settings.size} distinct constellations) (got ${settings.count})`);
  const rng = rngFor(seed, 'constellations');
  const first = [...settings.first].sort((a, b) => a - b);
  const out: Constellation[] = [{ id: 1, sites: first, unseen: false }];
  const seen = new Set([keyOf(first)]);
  while (out.length < settings.count) {
    const sites = draw(rng, ids, settings.size);
    if (seen.has(keyOf(sites))) continue;
    seen.add(keyOf(sites));
    out.push({ id: out.length + 1, sites, unseen: false });
  }
  return out;
}

/** Covered cells and samples of one constellation (see UNSEEN_RULE). */
export function coverage(sites: number[], input: CoverageInput): { cells: number; samples: number } {
  const n = input.siteIds.length;
  const idx = sites.map((id) => input.siteIds.indexOf(id));
  let maxX = 0;
  for (const x of input.x) maxX = Math.max(maxX, x);
  const cols = Math.floor(maxX / UNSEEN_RULE.cellM) + 1;
  const cells = new Set<number>();
  let samples = 0;
  for (let s = 0; s < input.x.length; s++) {
    let k = 0;
    for (const i of idx) k += input.heard[s * n + i];
    if (k < UNSEEN_RULE.minHeard) continue;
    samples++;
    cells.add(Math.floor(input.y[s] / UNSEEN_RULE.cellM) * cols + Math.floor(input.x[s] / UNSEEN_RULE.cellM));
  }
  return { cells: cells.size, samples };
}

/** The unseen constellation (id known.length + 1), deterministic from the seed and the links; undefined when the known ones use every combination. */
export function chooseUnseen(known: Constellation[], size: number, input: CoverageInput, seed: number): UnseenChoice | undefined {
  const ids = [...input.siteIds].sort((a, b) => a - b);
  // Its own stream: the choice does not move when --constellations changes (unless it collides).
  const rng = rngFor(seed, 'constellations/unseen');
  const taken = new Set(known.map((c) => keyOf(c.sites)));
  const wanted = Math.min(UNSEEN_RULE.candidates, binomial(ids.length, size) - known.length);
  let best: UnseenChoice | undefined;
  for (let drawn = 0; drawn < wanted; ) {
    const sites = draw(rng, ids, size);
    if (taken.has(keyOf(sites))) continue;
    taken.add(keyOf(sites));
    drawn++;
    const c = coverage(sites, input);
    if (!best || c.cells > best.coveredCells || (c.cells === best.coveredCells && c.samples > best.coveredSamples))
      best = { constellation: { id: known.length + 1, sites, unseen: true }, coveredCells: c.cells, coveredSamples: c.samples, candidates: wanted };
  }
  return best;
}
