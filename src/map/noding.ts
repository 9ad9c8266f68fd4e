import { UserError } from '../util/errors.ts';
import { distanceToSegment } from './geometry.ts';
import type { Point2, Street } from './types.ts';

// Noding: every place where two street centre lines meet becomes a vertex of both, so that the street
// graph (which joins streets at shared vertices) sees every crossing and T-junction without hand-placed
// vertices. Streets on different `layer`s (bridges, tunnels) never join.
//
// 1. A street end that stops short of another street's centre line, or overshoots it, by at most that
//    street's half width (or SNAP_M) is moved onto it: it ends inside that carriageway, so it joins it
//    (at a vertex of that street when one lies within the same reach, else at the nearest point).
// 2. Where segments of two streets cross, or a vertex of one lies on a segment of the other, the meeting
//    point is inserted into both, with the same coordinates.

/** Snapping distance for street ends and for meeting points close to an existing vertex, m. */
export const SNAP_M = 0.5;
/** Below this a meeting point is taken to be an existing vertex, m. */
const SAME_M = 1e-6;

export interface NodingReport {
  streets: Street[];
  /** Vertices inserted at crossings and T-junctions. */
  inserted: number;
  /** Street ends moved onto another street. */
  snapped: number;
}

const layerOf = (s: Street) => s.layer ?? 0;
const dist = (a: Point2, b: Point2) => Math.hypot(a[0] - b[0], a[1] - b[1]);

/** Closest point to p on segment ab and its parameter t. */
function project(p: Point2, a: Point2, b: Point2): { q: Point2; t: number } {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const len2 = dx * dx + dy * dy;
  const t = len2 > 0 ? Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2)) : 0;
  return { q: [a[0] + t * dx, a[1] + t * dy], t };
}

/** Proper crossing of ab and cd: parameters on both, or undefined (parallel or apart). */
function crossing(a: Point2, b: Point2, c: Point2, d: Point2): { s: number; t: number } | undefined {
  const r: Point2 = [b[0] - a[0], b[1] - a[1]];
  const q: Point2 = [d[0] - c[0], d[1] - c[1]];
  const den = r[0] * q[1] - r[1] * q[0];
  if (Math.abs(den) < 1e-12 * Math.hypot(...r) * Math.hypot(...q)) return undefined;
  const w: Point2 = [c[0] - a[0], c[1] - a[1]];
  const s = (w[0] * q[1] - w[1] * q[0]) / den;
  const t = (w[0] * r[1] - w[1] * r[0]) / den;
  return s >= 0 && s <= 1 && t >= 0 && t <= 1 ? { s, t } : undefined;
}

/** Step 1: move dangling ends onto the street they stop in. Returns the count moved. */
function snapEnds(lines: Point2[][], streets: Street[]): number {
  let moved = 0;
  const sharedBy = (p: Point2, i: number) => lines.some((l, j) => j !== i && l.some((c) => c[0] === p[0] && c[1] === p[1]));
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (l[0][0] === l[l.length - 1][0] && l[0][1] === l[l.length - 1][1]) continue; // a closed loop has no loose end
    for (const end of [0, lines[i].length - 1]) {
      const p = lines[i][end];
      const inner = lines[i][end === 0 ? 1 : end - 1];
      if (sharedBy(p, i)) continue; // already a shared vertex
      let best: { q: Point2; d: number; j: number } | undefined;
      for (let j = 0; j < lines.length; j++) {
        if (j === i || layerOf(streets[j]) !== layerOf(streets[i])) continue;
        const reach = Math.max(SNAP_M, streets[j].width / 2);
        const lj = lines[j];
        for (let k = 1; k < lj.length; k++) {
          // Overshoot: the end segment crosses street j within `reach` of the end -> cut it there.
          const x = crossing(inner, p, lj[k - 1], lj[k]);
          if (x && x.s > 0) {
            const q: Point2 = [inner[0] + x.s * (p[0] - inner[0]), inner[1] + x.s * (p[1] - inner[1])];
            const d = dist(p, q);
            if (d <= reach && (!best || d < best.d)) best = { q, d, j };
          }
          // Undershoot: the end lies within `reach` of street j's centre line.
          const { q } = project(p, lj[k - 1], lj[k]);
          const d = dist(p, q);
          if (d <= reach && (!best || d < best.d)) best = { q, d, j };
        }
      }
      // Prefer an existing vertex of the street joined when it is within the snapping reach: a new vertex
      // next to an existing one would leave an edge too short to drive a turn on.
      const v = best && lines[best.j].find((c) => dist(c, p) <= Math.max(SNAP_M, streets[best!.j].width / 2));
      if (best && v) best.q = [v[0], v[1]];
      if (!best || best.d === 0) continue;
      if (dist(best.q, inner) < SAME_M) continue; // would collapse the end segment
      lines[i][end] = best.q;
      moved++;
    }
  }
  return moved;
}

/** The centre lines noded: every meeting point of two streets (same layer) is a vertex of both. */
export function nodeStreets(streets: Street[], label: string): NodingReport {
  const lines = streets.map((s) => s.centerline.map((p): Point2 => [p[0], p[1]]));
  const snapped = snapEnds(lines, streets);
  // Points to insert per (street, segment): [t, point].
  const cuts = lines.map((l) => l.map(() => [] as [number, Point2][]));
  const addCut = (i: number, k: number, p: Point2) => {
    const a = lines[i][k - 1];
    const b = lines[i][k];
    if (dist(p, a) < SAME_M || dist(p, b) < SAME_M) return;
    cuts[i][k].push([dist(a, p) / dist(a, b), p]);
  };
  for (let i = 0; i < lines.length; i++)
    for (let j = i + 1; j < lines.length; j++) {
      if (layerOf(streets[i]) !== layerOf(streets[j])) continue;
      const li = lines[i];
      const lj = lines[j];
      for (let k = 1; k < li.length; k++)
        for (let m = 1; m < lj.length; m++) {
          const [a, b, c, d] = [li[k - 1], li[k], lj[m - 1], lj[m]];
          if (Math.max(a[0], b[0]) < Math.min(c[0], d[0]) - SAME_M || Math.max(c[0], d[0]) < Math.min(a[0], b[0]) - SAME_M) continue;
          if (Math.max(a[1], b[1]) < Math.min(c[1], d[1]) - SAME_M || Math.max(c[1], d[1]) < Math.min(a[1], b[1]) - SAME_M) continue;
          // A vertex of one on the other's segment: insert that very vertex.
          const onJ = [a, b].filter((p) => distanceToSegment(p, c, d) < SAME_M);
          const onI = [c, d].filter((p) => distanceToSegment(p, a, b) < SAME_M);
          // Both ends of one on the other, or one end of each at different points: collinear, overlapping.
          if (onJ.length === 2 || onI.length === 2 || (onJ.length === 1 && onI.length === 1 && dist(onJ[0], onI[0]) >= SAME_M))
            throw new UserError(`${label}: streets ${streets[i].id} and ${streets[j].id} run along each other near ${JSON.stringify(onJ[0] ?? onI[0])}; draw a shared stretch once (or give the streets different "layer"s)`);
          for (const p of onJ) addCut(j, m, p);
          for (const p of onI) addCut(i, k, p);
          if (onJ.length + onI.length > 0) continue;
          const x = crossing(a, b, c, d);
          if (!x) continue;
          const p: Point2 = [a[0] + x.s * (b[0] - a[0]), a[1] + x.s * (b[1] - a[1])];
          // Within SAME_M of an existing vertex of either: use that vertex in both.
          const v = [a, b, c, d].find((q) => dist(q, p) < SAME_M) ?? p;
          addCut(i, k, v);
          addCut(j, m, v);
        }
    }
  let inserted = 0;
  const out = streets.map((s, i) => {
    const line: Point2[] = [lines[i][0]];
    for (let k = 1; k < lines[i].length; k++) {
      const seen = new Set<string>();
      for (const [, p] of cuts[i][k].sort((x, y) => x[0] - y[0])) {
        const key = `${p[0]},${p[1]}`;
        if (seen.has(key)) continue;
        seen.add(key);
        line.push(p);
        inserted++;
      }
      line.push(lines[i][k]);
    }
    return { ...s, centerline: line };
  });
  return { streets: out, inserted, snapped };
}

/** One-way streets whose start or end is a dead end (shared with no other street, not a loop): vehicles could not enter or leave them. */
export function oneWayDeadEnds(streets: Street[]): { street: Street; at: Point2; end: 'start' | 'end' }[] {
  const count = new Map<string, number>();
  for (const s of streets) for (const p of new Set(s.centerline.map((q) => `${q[0]},${q[1]}`))) count.set(p, (count.get(p) ?? 0) + 1);
  const out: { street: Street; at: Point2; end: 'start' | 'end' }[] = [];
  for (const s of streets) {
    if (!s.oneway) continue;
    const line = s.centerline;
    if (dist(line[0], line[line.length - 1]) === 0) continue; // a loop
    for (const [p, end] of [[line[0], 'start'], [line[line.length - 1], 'end']] as const) if (count.get(`${p[0]},${p[1]}`)! < 2) out.push({ street: s, at: p, end });
  }
  return out;
}
