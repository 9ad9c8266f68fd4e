import { randInt, type Rng } from '../util/rng.ts';
import { laneOffset, lanePoint } from './lanes.ts';
import { exitKind, type Maneuver, planManeuver, planUTurn } from './maneuvers.ts';
import { streetSpeed } from './speed-profile.ts';
import { clearance, dirFrom, otherEnd, type StreetGraph } from './street-graph.ts';
import type { ExitDecision, MobilityRules, Piece } from './types.ts';

// A random drive through the street graph: a seeded start on a random lane, then at every node one of
// the allowed exits (every edge but the one arrived on, one-way streets in their direction only; a U-turn
// only at a dead end), all equally likely.

export interface Route {
  pieces: Piece[];
  decisions: ExitDecision[];
}

/**
 * Drives at least `minLength` metres. The start edge is drawn with probability proportional to its
 * length, the direction with 1/2 each, the start point uniformly on the lane outside the intersection
 * areas at both ends.
 */
export function randomRoute(g: StreetGraph, rng: Rng, minLength: number, rules: MobilityRules): Route {
  const total = g.edges.reduce((sum, e) => sum + e.length, 0);
  let r = rng() * total;
  let edge = g.edges.find((e) => (r -= e.length) < 0) ?? g.edges[g.edges.length - 1];
  // One-way streets are entered in their direction only (the draw stays, so two-way maps keep their tracks).
  const forward = rng() < 0.5 || !!edge.street.oneway;
  let from = forward ? edge.a : edge.b;
  let to = otherEnd(edge, from);
  const o = laneOffset(edge.street);
  const lo = Math.max(clearance(g, from, edge.street), o);
  const hi = edge.length - Math.max(clearance(g, to, edge.street), o);
  let s = lo < hi ? lo + rng() * (hi - lo) : edge.length / 2;

  const pieces: Piece[] = [];
  const decisions: ExitDecision[] = [];
  let length = 0;
  const push = (p: Piece | null) => {
    if (p && p.length > 0) {
      pieces.push(p);
      length += p.length;
    }
  };
  while (length < minLength) {
    const u = dirFrom(edge, from);
    const node = g.nodes[to];
    // Every edge but the one arrived on, a one-way edge only from its start.
    const options = node.edges.filter((id) => id !== edge.id && (!g.edges[id].street.oneway || g.edges[id].a === to)).map((id) => g.edges[id]);
    let out = edge;
    let m: Maneuver;
    if (options.length === 0) {
      decisions.push({ node: to, exits: ['uturn'], chosen: 0 });
      m = planUTurn(node.p, u, edge.street, rules, [g.width, g.height]);
    } else {
      const chosen = randInt(rng, options.length);
      decisions.push({ node: to, exits: options.map((e) => exitKind(u, dirFrom(e, to))), chosen });
      out = options[chosen];
      m = planManeuver(node.p, u, edge.street, dirFrom(out, to), out.street, s - edge.length, out.length / 2, clearance(g, to, edge.street), rules);
    }
    const lane = edge.length + m.entry - s;
    push({ kind: 'lane', start: lanePoint(g.nodes[from].p, u, laneOffset(edge.street), s), dir: u, length: lane, cap: streetSpeed(edge.street), streetId: edge.street.id });
    push(m.piece);
    from = to;
    edge = out;
    to = otherEnd(edge, from);
    s = m.exit;
  }
  return { pieces, decisions };
}
