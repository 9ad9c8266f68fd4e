import { BoxIndex } from '../map/box-index.ts';
import { boxOf, distanceToSegment, pointInPolygon, polylineLength } from '../map/geometry.ts';
import type { CityMap, Point2 } from '../map/types.ts';
import { type Rng, rngFor, shuffleInPlace } from '../util/rng.ts';

// Automatic site placement (scenario `sites.auto`). The rule, in full (docs/map-and-scenario.md):
//
// Candidates stand on the sidewalk in front of facades: along every building wall, every `spacing_m`
// metres, `setback_m` out from the wall; kept when outside every footprint, pedestrian area and
// carriageway (farther than width / 2 from every street centre line), at most SIDEWALK_MAX_M beyond the
// kerb of the nearest street, and on the map.
// Hearing (the placement's proxy for a radio link, no ray tracing): a site hears a street point when it is
// within `range_m` and the straight line between them crosses no building footprint (line of sight in
// plan). Street points are taken every `sample_m` metres along every centre line.
// Measure maximised: first the number of (street, site) pairs that count towards "every street heard by
// `min_heard` sites", sum over streets of min(sites hearing the street, min_heard); then, to spread the
// sites along the streets, sum over street points of min(sites hearing the point, min_heard). Sites are
// chosen greedily (each adds the largest gain of that lexicographic pair), at least `min_separation_m`
// apart; ties go to a seeded random order of the candidates, so the result is deterministic for a seed.

/** How far beyond the kerb a sidewalk site may stand, m. */
export const SIDEWALK_MAX_M = 12;

export interface AutoSiteSettings {
  count: number;
  setback_m: number;
  spacing_m: number;
  min_separation_m: number;
  range_m: number;
  min_heard: number;
  sample_m: number;
}

export interface PlacedSite {
  id: number;
  x: number;
  y: number;
  /** The building whose facade it stands in front of. */
  building: number;
  /** Street ids it hears (by the placement measure). */
  hears: string[];
}

export interface PlacementReport {
  sites: PlacedSite[];
  candidates: number;
  /** Per street: how many placed sites hear it. */
  streetHeardBy: Map<string, number>;
  /** Street points heard by >= min_heard sites, and all street points. */
  pointsCovered: number;
  points: number;
  settings: AutoSiteSettings;
}

export interface Candidate {
  p: Point2;
  building: number;
}

/**
 * Where the carriageway ends: at the street's `width` (a map read from OpenStreetMap, where the width is the
 * carriageway), or at its driven lanes, 2 x lanes_per_direction x lane_width (one-way: the lanes of its one
 * direction) centred on the centre line (a map whose `width` runs facade to facade, as the Madrid grid's).
 */
export type Carriageway = 'street-width' | 'lanes';

function carriagewayHalfWidth(st: CityMap['streets'][number], c: Carriageway): number {
  return c === 'street-width' ? st.width / 2 : ((st.oneway ? 1 : 2) * st.lanesPerDirection * st.laneWidth) / 2;
}

/** Does the segment ab cross a footprint edge (a site and a street point both stand outside footprints)? */
function blocked(a: Point2, b: Point2, map: CityMap, index: BoxIndex): boolean {
  const [x0, x1] = a[0] < b[0] ? [a[0], b[0]] : [b[0], a[0]];
  const [y0, y1] = a[1] < b[1] ? [a[1], b[1]] : [b[1], a[1]];
  const orient = (p: Point2, q: Point2, r: Point2) => (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0]);
  return index.someAlongSegment(a[0], a[1], b[0], b[1], (i) => {
    const bb = index.boxes[i];
    if (bb[0] > x1 || bb[2] < x0 || bb[1] > y1 || bb[3] < y0) return false;
    const f = map.buildings[i].footprint;
    for (let k = 0; k < f.length; k++) {
      const c = f[k];
      const d = f[(k + 1) % f.length];
      const d1 = orient(a, b, c);
      const d2 = orient(a, b, d);
      if (d1 * d2 >= 0) continue;
      if (orient(c, d, a) * orient(c, d, b) <= 0) return true;
    }
    return false;
  });
}

/** The candidate rule above: sidewalk points `setback_m` in front of every facade, every `spacing_m` along it. */
export function sidewalkCandidates(map: CityMap, s: Pick<AutoSiteSettings, 'setback_m' | 'spacing_m'>, carriageway: Carriageway = 'street-width', index = footprintIndex(map)): Candidate[] {
  const out: Candidate[] = [];
  const half = map.streets.map((st) => carriagewayHalfWidth(st, carriageway));
  const minDistToStreet = (p: Point2) => {
    let best = { d: Infinity, kerb: Infinity };
    map.streets.forEach((st, i) => {
      for (let k = 1; k < st.centerline.length; k++) {
        const d = distanceToSegment(p, st.centerline[k - 1], st.centerline[k]);
        if (d < best.d) best = { d, kerb: d - half[i] };
      }
    });
    return best;
  };
  const inCarriageway = (p: Point2) => map.streets.some((st, i) => st.centerline.some((q, k) => k > 0 && distanceToSegment(p, st.centerline[k - 1], q) <= half[i]));
  for (const b of map.buildings) {
    const f = b.footprint;
    for (let k = 0; k < f.length; k++) {
      const a = f[k];
      const c = f[(k + 1) % f.length];
      const len = Math.hypot(c[0] - a[0], c[1] - a[1]);
      if (len < 1) continue;
      const u: Point2 = [(c[0] - a[0]) / len, (c[1] - a[1]) / len];
      const out_: Point2 = [u[1], -u[0]]; // footprints are counter-clockwise: the outside is on the right
      const n = Math.max(1, Math.floor(len / s.spacing_m));
      for (let j = 0; j < n; j++) {
        const t = ((j + 0.5) * len) / n;
        const p: Point2 = [a[0] + t * u[0] + s.setback_m * out_[0], a[1] + t * u[1] + s.setback_m * out_[1]];
        if (p[0] < 0 || p[1] < 0 || p[0] > map.width || p[1] > map.height) continue;
        if (index.query([p[0], p[1], p[0], p[1]]).some((i) => pointInPolygon(p, map.buildings[i].footprint))) continue;
        if (map.pedestrianAreas.some((o) => pointInPolygon(p, o.polygon))) continue;
        if (inCarriageway(p)) continue;
        const near = minDistToStreet(p);
        if (near.kerb > SIDEWALK_MAX_M) continue;
        out.push({ p: [Math.round(p[0] * 100) / 100, Math.round(p[1] * 100) / 100], building: b.id });
      }
    }
  }
  return out;
}

/** Street points every `sample_m` along each centre line (at least the two ends and the middle). */
function streetPoints(map: CityMap, sampleM: number): { p: Point2; street: number }[] {
  const pts: { p: Point2; street: number }[] = [];
  map.streets.forEach((st, si) => {
    const total = polylineLength(st.centerline);
    const n = Math.max(2, Math.ceil(total / sampleM));
    let k = 1;
    let acc = 0;
    for (let j = 0; j <= n; j++) {
      const target = (j * total) / n;
      while (k < st.centerline.length - 1 && acc + Math.hypot(st.centerline[k][0] - st.centerline[k - 1][0], st.centerline[k][1] - st.centerline[k - 1][1]) < target) {
        acc += Math.hypot(st.centerline[k][0] - st.centerline[k - 1][0], st.centerline[k][1] - st.centerline[k - 1][1]);
        k++;
      }
      const a = st.centerline[k - 1];
      const b = st.centerline[k];
      const seg = Math.hypot(b[0] - a[0], b[1] - a[1]);
      const t = seg > 0 ? Math.min(1, (target - acc) / seg) : 0;
      pts.push({ p: [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])], street: si });
    }
  });
  return pts;
}

/** The footprints' bounding boxes, indexed: the placement's tests cost what is near a point or along a line. */
const footprintIndex = (map: CityMap) => new BoxIndex(map.buildings.map((b) => boxOf(b.footprint)));

export function placeSites(map: CityMap, settings: AutoSiteSettings, seed: number): PlacementReport {
  const index = footprintIndex(map);
  const cands = sidewalkCandidates(map, settings, 'street-width', index);
  const pts = streetPoints(map, settings.sample_m);
  const K = settings.min_heard;
  // Which points each candidate hears.
  const hears = cands.map((c) => {
    const list: number[] = [];
    pts.forEach((q, i) => {
      if (Math.hypot(q.p[0] - c.p[0], q.p[1] - c.p[1]) <= settings.range_m && !blocked(c.p, q.p, map, index)) list.push(i);
    });
    return list;
  });
  const streetsOf = hears.map((list) => [...new Set(list.map((i) => pts[i].street))]);
  const rng: Rng = rngFor(seed, 'sites/auto');
  const order = shuffleInPlace(rng, cands.map((_, i) => i));
  const pointCount = new Int32Array(pts.length);
  const streetCount = new Int32Array(map.streets.length);
  const chosen: number[] = [];
  const taken = new Uint8Array(cands.length);
  while (chosen.length < settings.count) {
    let best = -1;
    let bestGain: [number, number] = [-1, -1];
    for (const i of order) {
      if (taken[i]) continue;
      if (chosen.some((j) => Math.hypot(cands[i].p[0] - cands[j].p[0], cands[i].p[1] - cands[j].p[1]) < settings.min_separation_m)) continue;
      let gs = 0;
      for (const s of streetsOf[i]) if (streetCount[s] < K) gs++;
      let gp = 0;
      for (const q of hears[i]) if (pointCount[q] < K) gp++;
      if (gs > bestGain[0] || (gs === bestGain[0] && gp > bestGain[1])) {
        best = i;
        bestGain = [gs, gp];
      }
    }
    if (best < 0) break; // no candidate left at the separation asked for
    taken[best] = 1;
    chosen.push(best);
    for (const s of streetsOf[best]) streetCount[s]++;
    for (const q of hears[best]) pointCount[q]++;
  }
  return {
    sites: chosen.map((i, k) => ({ id: k + 1, x: cands[i].p[0], y: cands[i].p[1], building: cands[i].building, hears: streetsOf[i].sort((a, b) => a - b).map((s) => map.streets[s].id) })),
    candidates: cands.length,
    streetHeardBy: new Map(map.streets.map((s, i) => [s.id, streetCount[i]])),
    pointsCovered: pointCount.filter((c) => c >= K).length,
    points: pts.length,
    settings,
  };
}
