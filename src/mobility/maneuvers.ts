import type { Point2, Street } from '../map/types.ts';
import { cross, dot, laneOffset, lanePoint, rightOf } from './lanes.ts';
import { streetSpeed } from './speed-profile.ts';
import type { ExitKind, MobilityRules, Piece } from './types.ts';

// The geometry of passing a node: from the incoming lane line to the outgoing one.
// Positions along a lane are measured from the node's projection on it: `entry` (on the incoming lane,
// usually <= 0) is where the manoeuvre starts, `exit` (on the outgoing lane, usually >= 0) where it ends.

/** Angles below this (rad) count as going straight. */
const STRAIGHT_EPS = 1e-6;

export interface Maneuver {
  kind: ExitKind;
  entry: number;
  exit: number;
  /** null when the incoming lane continues seamlessly into the outgoing one. */
  piece: Piece | null;
}

/** Signed deflection from direction u to w, rad in (-pi, pi] (positive = left). */
export function deflection(u: Point2, w: Point2): number {
  return Math.atan2(cross(u, w), dot(u, w));
}

export function exitKind(u: Point2, w: Point2): ExitKind {
  const th = deflection(u, w);
  if (Math.abs(th) <= STRAIGHT_EPS) return 'straight';
  if (Math.PI - Math.abs(th) <= STRAIGHT_EPS) return 'uturn';
  return th > 0 ? 'left' : 'right';
}

/** Where two lines p + s u and q + t w meet: [s, t] (the lines must not be parallel). */
function meet(p: Point2, u: Point2, q: Point2, w: Point2): [number, number] {
  const den = cross(u, w);
  const d: Point2 = [q[0] - p[0], q[1] - p[1]];
  return [cross(d, w) / den, cross(d, u) / den];
}

/**
 * Leave node `n` (incoming direction u on street `sin`) toward direction w on street `sout`.
 * A turn is the circular arc tangent to both lane lines whose ends lie where the incoming lane enters the
 * outgoing street's strip and where the outgoing lane leaves the incoming street's strip (the shorter of
 * the two wins), i.e. the largest tangent arc inside the intersection area. On a grid of perpendicular
 * streets its centre is the block corner. `minEntry` / `maxExit` keep the pieces inside the two edges;
 * `clear` is how far the intersection area reaches (used by lane-shifting straight links).
 */
export function planManeuver(n: Point2, u: Point2, sin: Street, w: Point2, sout: Street, minEntry: number, maxExit: number, clear: number, rules: MobilityRules): Maneuver {
  const oIn = laneOffset(sin);
  const oOut = laneOffset(sout);
  const kind = exitKind(u, w);
  if (kind === 'uturn') return planUTurn(n, u, sin, rules);
  if (kind === 'straight') {
    if (Math.abs(oIn - oOut) < 1e-9) return { kind, entry: 0, exit: 0, piece: null };
    // Lanes of different offsets: a straight link across the intersection area.
    const c = Math.max(0, Math.min(Math.max(clear, Math.abs(oIn - oOut)), -minEntry, maxExit));
    const a = lanePoint(n, u, oIn, -c);
    const b = lanePoint(n, w, oOut, c);
    const len = Math.hypot(b[0] - a[0], b[1] - a[1]);
    const dir: Point2 = len > 0 ? [(b[0] - a[0]) / len, (b[1] - a[1]) / len] : u;
    return { kind, entry: -c, exit: c, piece: { kind: 'link', start: a, dir, length: len, cap: Math.min(streetSpeed(sin), streetSpeed(sout)), streetId: sout.id } };
  }
  const th = deflection(u, w);
  const [sP, tP] = meet(lanePoint(n, u, oIn, 0), u, lanePoint(n, w, oOut, 0), w);
  // The incoming lane enters the outgoing street's strip (|distance to its centre line| = half width)...
  const alpha = oIn * cross(w, rightOf(u));
  const beta = cross(w, u);
  const sEnter = Math.min((sout.width / 2 - alpha) / beta, (-sout.width / 2 - alpha) / beta);
  // ...and the outgoing lane leaves the incoming street's strip.
  const alpha2 = oOut * cross(u, rightOf(w));
  const beta2 = cross(u, w);
  const tLeave = Math.max((sin.width / 2 - alpha2) / beta2, (-sin.width / 2 - alpha2) / beta2);
  const d = Math.max(1e-3, Math.min(sP - sEnter, tLeave - tP, sP - minEntry, maxExit - tP));
  const radius = d / Math.tan(Math.abs(th) / 2);
  const start = lanePoint(n, u, oIn, sP - d);
  const sense: 1 | -1 = th > 0 ? 1 : -1;
  const side = sense === 1 ? [-u[1], u[0]] : rightOf(u);
  const center: Point2 = [start[0] + radius * side[0], start[1] + radius * side[1]];
  return {
    kind,
    entry: sP - d,
    exit: tP + d,
    piece: {
      kind: 'turn',
      center,
      radius,
      startAngle: Math.atan2(start[1] - center[1], start[0] - center[0]),
      sense,
      heading0: Math.atan2(u[1], u[0]),
      length: radius * Math.abs(th),
      cap: Math.min(rules.turnSpeed, streetSpeed(sin), streetSpeed(sout)),
      streetId: sout.id,
    },
  };
}

/**
 * Dead end: a left half circle of radius = lane offset, centred on the centre line so that its far
 * point is the node itself, from the incoming lane to the opposite lane of the same street. `extent`
 * (the map's width and height): where the node lies on the map's edge and the street meets it at an
 * angle (a street cut at the bounding box of an imported map), the circle would cross the edge; it is
 * then moved back along the street until it lies on the map.
 */
export function planUTurn(n: Point2, u: Point2, street: Street, rules: MobilityRules, extent?: Point2): Maneuver {
  const o = laneOffset(street);
  const t = extent ? uTurnSetback(n, u, o, extent) : o;
  const center: Point2 = [n[0] - t * u[0], n[1] - t * u[1]];
  const r = rightOf(u);
  return {
    kind: 'uturn',
    entry: -t,
    exit: t,
    piece: {
      kind: 'uturn',
      center,
      radius: o,
      startAngle: Math.atan2(r[1], r[0]),
      sense: 1,
      heading0: Math.atan2(u[1], u[0]),
      length: Math.PI * o,
      cap: Math.min(rules.turnSpeed, streetSpeed(street)),
      streetId: street.id,
    },
  };
}

/**
 * The smallest distance t >= o from node n back along -u for a circle of radius o centred at n - t u to
 * lie within [0, w] x [0, h]: per axis, o <= n - t u <= extent - o bounds t from below when u points to
 * that side. o when the circle fits as it is (every interior dead end).
 */
function uTurnSetback(n: Point2, u: Point2, o: number, [w, h]: Point2): number {
  let t = o;
  for (const [p, d, hi] of [[n[0], u[0], w], [n[1], u[1], h]] as const) {
    if (d > 0) t = Math.max(t, (p - (hi - o)) / d);
    else if (d < 0) t = Math.max(t, (p - o) / d);
  }
  return t;
}
