import type { Point2, Street } from '../map/types.ts';

// Right-hand traffic: a vehicle drives the right-most lane of its direction, whose centre is
// (lanes_per_direction - 0.5) lane widths to the right of the street's centre line. On a one-way street
// the lanes are centred on the centre line: the right-most one is (lanes / 2 - 0.5) lane widths right of it.

/** Lateral offset of the driven lane centre from the street centre line, m (to the right). */
export function laneOffset(street: Street): number {
  return (street.oneway ? street.lanesPerDirection / 2 - 0.5 : street.lanesPerDirection - 0.5) * street.laneWidth;
}

/** Right-hand normal of a unit direction. */
export function rightOf(d: Point2): Point2 {
  return [d[1], -d[0]];
}

/** z component of a x b (positive when b is counter-clockwise of a). */
export function cross(a: Point2, b: Point2): number {
  return a[0] * b[1] - a[1] * b[0];
}

export function dot(a: Point2, b: Point2): number {
  return a[0] * b[0] + a[1] * b[1];
}

/**
 * Point of a lane line: `s` metres along `dir` from `origin`, shifted `offset` metres to the right.
 * With origin = a node and dir = the driving direction, s is measured from that node's projection.
 */
export function lanePoint(origin: Point2, dir: Point2, offset: number, s: number): Point2 {
  return [origin[0] + offset * dir[1] + s * dir[0], origin[1] - offset * dir[0] + s * dir[1]];
}
