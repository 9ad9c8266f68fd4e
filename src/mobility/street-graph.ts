import type { CityMap, Point2, Street } from '../map/types.ts';
import { UserError } from '../util/errors.ts';

// The drivable network: every centre-line vertex is a node, and streets meet where they share a vertex
// (an intersection). Each pair of consecutive vertices is one edge, driven in both directions.
// Streets that cross without a shared vertex are not connected (an overpass, as far as traffic goes).

export interface GraphNode {
  id: number;
  p: Point2;
  /** Ids of the edges touching this node. */
  edges: number[];
}

export interface GraphEdge {
  id: number;
  street: Street;
  a: number;
  b: number;
  length: number;
  /** Unit direction from a to b. */
  dir: Point2;
}

export interface StreetGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** The map's extent (m): vehicles stay within [0, width] x [0, height]. */
  width: number;
  height: number;
}

export function buildStreetGraph(map: CityMap): StreetGraph {
  if (map.streets.length === 0) throw new UserError(`map ${map.name}: no street features; trajectories need at least one street (kind "street", a LineString)`);
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const byKey = new Map<string, number>();
  const nodeAt = (p: Point2): number => {
    const key = `${p[0]},${p[1]}`;
    let id = byKey.get(key);
    if (id === undefined) {
      id = nodes.length;
      nodes.push({ id, p: [p[0], p[1]], edges: [] });
      byKey.set(key, id);
    }
    return id;
  };
  for (const street of map.streets) {
    const line = street.centerline;
    for (let i = 1; i < line.length; i++) {
      const a = nodeAt(line[i - 1]);
      const b = nodeAt(line[i]);
      const dx = line[i][0] - line[i - 1][0];
      const dy = line[i][1] - line[i - 1][1];
      const length = Math.hypot(dx, dy);
      if (length === 0) continue; // repeated vertex
      const id = edges.length;
      edges.push({ id, street, a, b, length, dir: [dx / length, dy / length] });
      nodes[a].edges.push(id);
      nodes[b].edges.push(id);
    }
  }
  return { nodes, edges, width: map.width, height: map.height };
}

/** The other end of an edge. */
export function otherEnd(e: GraphEdge, node: number): number {
  return e.a === node ? e.b : e.a;
}

/** Unit direction of an edge when driven away from `node`. */
export function dirFrom(e: GraphEdge, node: number): Point2 {
  return e.a === node ? e.dir : [-e.dir[0], -e.dir[1]];
}

/** Half the widest other street meeting at a node: how far its intersection area reaches along `street`. */
export function clearance(g: StreetGraph, node: number, street: Street): number {
  let h = 0;
  for (const id of g.nodes[node].edges) if (g.edges[id].street !== street) h = Math.max(h, g.edges[id].street.width / 2);
  return h;
}
