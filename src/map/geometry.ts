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

/** Parameters t on segment ab where it meets segment cd (a crossing, or an end point of either on the other). */
function splitParams(a: Point2, b: Point2, c: Point2, d: Point2, out: number[]): void {
  const orient = (p: Point2, q: Point2, r: Point2) => (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0]);
  const ab: Point2 = [b[0] - a[0], b[1] - a[1]];
  const len2 = ab[0] * ab[0] + ab[1] * ab[1];
  for (const p of [c, d]) if (distanceToSegment(p, a, b) < 1e-9) out.push(((p[0] - a[0]) * ab[0] + (p[1] - a[1]) * ab[1]) / len2);
  const d1 = orient(c, d, a);
  const d2 = orient(c, d, b);
  if (d1 * d2 < 0 && orient(a, b, c) * orient(a, b, d) < 0) out.push(d1 / (d1 - d2));
}

/**
 * True when the interiors of two simple polygons (counter-clockwise) overlap; shared edges and
 * corners are allowed. Each edge is cut where the other boundary meets it; a point just inside the
 * polygon next to the middle of each piece lies inside the other polygon exactly when the interiors overlap
 * there. This also catches overlaps whose boundaries only touch or run along each other.
 */
export function polygonsOverlap(p: Point2[], q: Point2[]): boolean {
  const probe = (r: Point2[], s: Point2[]) => {
    for (let i = 0; i < r.length; i++) {
      const a = r[i];
      const b = r[(i + 1) % r.length];
      const ts = [0, 1];
      for (let j = 0; j < s.length; j++) splitParams(a, b, s[j], s[(j + 1) % s.length], ts);
      ts.sort((x, y) => x - y);
      const len = Math.hypot(b[0] - a[0], b[1] - a[1]);
      const inward: Point2 = [(-(b[1] - a[1]) / len) * 1e-6, ((b[0] - a[0]) / len) * 1e-6]; // left of a->b
      for (let k = 1; k < ts.length; k++) {
        if (ts[k] - ts[k - 1] < 1e-12) continue;
        const t = (ts[k] + ts[k - 1]) / 2;
        if (pointInPolygon([a[0] + t * (b[0] - a[0]) + inward[0], a[1] + t * (b[1] - a[1]) + inward[1]], s)) return true;
      }
    }
    return false;
  };
  return probe(p, q) || probe(q, p);
}

/** True when some part of the segment ab lies strictly inside the polygon (tested every `step` metres). */
export function segmentEntersPolygon(a: Point2, b: Point2, poly: Point2[], step = 0.25): boolean {
  const n = Math.max(2, Math.ceil(Math.hypot(b[0] - a[0], b[1] - a[1]) / step));
  for (let k = 0; k <= n; k++) if (pointInPolygon([a[0] + ((b[0] - a[0]) * k) / n, a[1] + ((b[1] - a[1]) * k) / n], poly)) return true;
  return false;
}

/** A ring that is not simple: two edges that are not neighbours meet (cross or touch: a bow-tie, a vertex on
 * another edge, a vertex used twice), or neighbours fold back along each other. Rings arrive open, without
 * consecutive repeated points. Quadratic in the ring's vertices (a footprint has tens). */
export function selfIntersects(ring: Point2[]): boolean {
  const n = ring.length;
  const orient = (p: Point2, q: Point2, r: Point2) => Math.sign((q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0]));
  const onSegment = (p: Point2, a: Point2, b: Point2) => distanceToSegment(p, a, b) < 1e-9;
  for (let i = 0; i < n; i++) {
    const [a, b] = [ring[i], ring[(i + 1) % n]];
    const next = ring[(i + 2) % n];
    // Neighbours meet at b; any other shared point means the ring folds back on itself.
    if (n > 3 && (onSegment(next, a, b) || onSegment(a, b, next))) return true;
    for (let j = i + 2; j < n; j++) {
      if (i === 0 && j === n - 1) continue; // neighbours through the closing edge
      const [c, d] = [ring[j], ring[(j + 1) % n]];
      const o1 = orient(a, b, c), o2 = orient(a, b, d), o3 = orient(c, d, a), o4 = orient(c, d, b);
      if (o1 * o2 < 0 && o3 * o4 < 0) return true;
      if (onSegment(c, a, b) || onSegment(d, a, b) || onSegment(a, c, d) || onSegment(b, c, d)) return true;
    }
  }
  return false;
}

/** Axis-aligned bounding box [x0, y0, x1, y1]. */
export type Box = [number, number, number, number];

export function boxOf(points: Point2[]): Box {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [x, y] of points) [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
  return [x0, y0, x1, y1];
}

/** Boxes that overlap or come within `margin` of each other. */
export const boxesMeet = (a: Box, b: Box, margin = 0): boolean => a[0] <= b[2] + margin && b[0] <= a[2] + margin && a[1] <= b[3] + margin && b[1] <= a[3] + margin;

/** Length of a polyline. */
export function polylineLength(line: Point2[]): number {
  let s = 0;
  for (let i = 1; i < line.length; i++) s += Math.hypot(line[i][0] - line[i - 1][0], line[i][1] - line[i - 1][1]);
  return s;
}
