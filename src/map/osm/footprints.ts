import * as polyclip from 'polyclip-ts';
import { UserError } from '../../util/errors.ts';
import { BoxIndex } from '../box-index.ts';
import { boxesMeet, boxOf, distanceToSegment, polygonsOverlap, signedArea } from '../geometry.ts';
import type { Point2 } from '../types.ts';

// Footprints of an imported map: cleaned rings, and the rule for footprints that meet.
// OpenStreetMap draws terraced houses and city blocks as separate buildings sharing walls. simgen
// extrudes each footprint into its own walls, so the shared wall would be two faces inside the block and
// its ends false corners. Rule: footprints that touch or overlap and have the same height and materials
// are merged into one (their union; enclosed courtyards are filled). Touching footprints of different
// heights stay apart (a step in the roof line, as simgen-map/1 allows). Overlapping footprints of different
// heights are refused with a message naming both.

/** Distance under which two footprints count as touching, m (imported coordinates are rounded to 1 mm). */
export const TOUCH_M = 0.01;

export interface Footprint {
  ring: Point2[];
  height: number;
  wallMaterial: string;
  roofMaterial: string;
  /** OSM ids of the features it came from (several after a merge). */
  osmIds: string[];
}

/** Open, counter-clockwise ring without repeated or collinear points; undefined when nothing is left. */
export function cleanRing(ring: Point2[]): Point2[] | undefined {
  let pts = ring.filter((p, i) => i === 0 || p[0] !== ring[i - 1][0] || p[1] !== ring[i - 1][1]);
  if (pts.length > 1 && pts[0][0] === pts[pts.length - 1][0] && pts[0][1] === pts[pts.length - 1][1]) pts = pts.slice(0, -1);
  // Drop vertices on the straight line between their neighbours (they make no corner).
  let changed = true;
  while (changed && pts.length >= 3) {
    changed = false;
    for (let i = 0; i < pts.length; i++) {
      const a = pts[(i + pts.length - 1) % pts.length];
      const c = pts[(i + 1) % pts.length];
      if (distanceToSegment(pts[i], a, c) < 1e-3 && Math.hypot(c[0] - a[0], c[1] - a[1]) > 0) {
        pts.splice(i, 1);
        changed = true;
        break;
      }
    }
  }
  if (pts.length < 3 || Math.abs(signedArea(pts)) < 1e-6) return undefined;
  return signedArea(pts) < 0 ? pts.reverse() : pts;
}

/** Footprints meet: boundaries within TOUCH_M of each other, or one inside the other. */
export function footprintsMeet(p: Point2[], q: Point2[]): boolean {
  if (!boxesMeet(boxOf(p), boxOf(q), TOUCH_M)) return false;
  const near = (r: Point2[], s: Point2[]) => r.some((v) => s.some((_, k) => distanceToSegment(v, s[k], s[(k + 1) % s.length]) <= TOUCH_M));
  return near(p, q) || near(q, p) || polygonsOverlap(p, q);
}

const sameKind = (a: Footprint, b: Footprint) => Math.abs(a.height - b.height) < 1e-6 && a.wallMaterial === b.wallMaterial && a.roofMaterial === b.roofMaterial;
const names = (f: Footprint) => f.osmIds.join('+');

/**
 * Applies the rule above. Returns the footprints in input order of their first member, and one note per
 * merge. Throws a UserError naming both features when footprints of different heights overlap.
 */
export function mergeFootprints(input: Footprint[], label: string): { footprints: Footprint[]; notes: string[] } {
  const n = input.length;
  // Union-find over "meets and same kind".
  const parent = Array.from({ length: n }, (_, i) => i);
  const root = (i: number): number => (parent[i] === i ? i : (parent[i] = root(parent[i])));
  for (const [i, j] of new BoxIndex(input.map((f) => boxOf(f.ring))).pairs(TOUCH_M)) {
    if (!footprintsMeet(input[i].ring, input[j].ring)) continue;
    if (sameKind(input[i], input[j])) parent[root(j)] = root(i);
    else if (polygonsOverlap(input[i].ring, input[j].ring))
      throw new UserError(`${label}: buildings ${names(input[i])} (${input[i].height} m) and ${names(input[j])} (${input[j].height} m) overlap; footprints of different heights may touch but not overlap: fix the footprints or give them the same height`);
  }
  const groups = new Map<number, number[]>();
  for (let i = 0; i < n; i++) groups.set(root(i), [...(groups.get(root(i)) ?? []), i]);
  const footprints: Footprint[] = [];
  const notes: string[] = [];
  for (const members of groups.values()) {
    const first = input[members[0]];
    if (members.length === 1) {
      footprints.push(first);
      continue;
    }
    const polys = members.map((i) => [[...input[i].ring, input[i].ring[0]]] as polyclip.Geom);
    const union = polyclip.union(polys[0], ...polys.slice(1));
    const osmIds = members.flatMap((i) => input[i].osmIds);
    let holes = 0;
    for (const poly of union) {
      holes += poly.length - 1;
      const ring = cleanRing(poly[0].map(([x, y]) => [x, y] as Point2));
      if (ring) footprints.push({ ...first, ring, osmIds });
    }
    notes.push(`merged ${members.length} touching buildings of ${first.height} m into ${union.length === 1 ? 'one' : union.length}: ${osmIds.join(', ')}${holes ? ` (${holes} enclosed courtyard${holes > 1 ? 's' : ''} filled)` : ''}`);
  }
  // After the unions, different-kind footprints may meet new neighbours: check overlaps once more.
  for (const [i, j] of new BoxIndex(footprints.map((f) => boxOf(f.ring))).pairs())
    if (polygonsOverlap(footprints[i].ring, footprints[j].ring))
      throw new UserError(`${label}: buildings ${names(footprints[i])} (${footprints[i].height} m) and ${names(footprints[j])} (${footprints[j].height} m) overlap; footprints of different heights may touch but not overlap`);
  return { footprints, notes };
}
