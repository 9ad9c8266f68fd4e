import type { Point2 } from './types.ts';

// Small 2D polygon helpers used by map validation, site checks and mobility.

/** Signed area (positive = counter-clockwise). */
export function signedArea(poly: Point2[]): number {
  let a = 0;
  for (let i = 0; i < poly.length; i++) {
    const [x0, y0] = poly[i];
    const [x1, y1] = poly[(i + 1) % poly.length];
    a += x0 * y1 - x1 * y0;
  }
  return a / 2;
}

/** Point strictly inside (boundary counts as outside within eps). */
export function pointInPolygon(p: Point2, poly: Point2[], eps = 1e-9): boolean {
  if (distanceToPolygonBoundary(p, poly) <= eps) return false;
  let inside = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, yi] = poly[i];
    const [xj, yj] = poly[j];
    if (yi > p[1] !== yj > p[1] && p[0] < ((xj - xi) * (p[1] - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

export function distanceToSegment(p: Point2, a: Point2, b: Point2): number {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const len2 = dx * dx + dy * dy;
  let t = len2 > 0 ? ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2 : 0;
  t = Math.max(0, Math.min(1, t));
  return Math.hypot(p[0] - (a[0] + t * dx), p[1] - (a[1] + t * dy));
}

export function distanceToPolygonBoundary(p: Point2, poly: Point2[]): number {
  let d = Infinity;
  for (let i = 0; i < poly.length; i++) d = Math.min(d, distanceToSegment(p, poly[i], poly[(i + 1) % poly.length]));
  return d;
}

/** Proper crossing of segments ab and cd (touching or collinear overlap does not count). */
function segmentsCross(a: Point2, b: Point2, c: Point2, d: Point2): boolean {
  const orient = (p: Point2, q: Point2, r: Point2) => (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0]);
  const d1 = orient(c, d, a);
  const d2 = orient(c, d, b);
  const d3 = orient(a, b, c);
  const d4 = orient(a, b, d);
  return d1 * d2 < 0 && d3 * d4 < 0;
}

/** True when the interiors of two simple polygons overlap (shared edges are allowed). */
export function polygonsOverlap(p: Point2[], q: Point2[]): boolean {
  for (let i = 0; i < p.length; i++)
    for (let j = 0; j < q.length; j++)
      if (segmentsCross(p[i], p[(i + 1) % p.length], q[j], q[(j + 1) % q.length])) return true;
  // One inside the other, or identical: test vertices and the centroid of each.
  const centroid = (r: Point2[]): Point2 => [r.reduce((s, v) => s + v[0], 0) / r.length, r.reduce((s, v) => s + v[1], 0) / r.length];
  return [...p, centroid(p)].some((v) => pointInPolygon(v, q)) || [...q, centroid(q)].some((v) => pointInPolygon(v, p));
}

/** Length of a polyline. */
export function polylineLength(line: Point2[]): number {
  let s = 0;
  for (let i = 1; i < line.length; i++) s += Math.hypot(line[i][0] - line[i - 1][0], line[i][1] - line[i - 1][1]);
  return s;
}
