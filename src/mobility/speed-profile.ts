import type { Street } from '../map/types.ts';
import type { MobilityRules, Piece } from './types.ts';

// Longitudinal motion along a route: the fastest speed profile that keeps every piece's cap, accelerates at
// most `accel` and brakes at most `decel`. It is a chain of constant-acceleration phases, so positions and
// speeds at any time follow exactly from v0 + a t and s0 + v0 t + a t^2 / 2 (no numeric integration).

export function streetSpeed(street: Street): number {
  return street.speedLimitKmh / 3.6;
}

/** One constant-acceleration phase on one piece. */
export interface Phase {
  piece: number;
  /** Start time (s from the track start), piece-local start position (m), start speed (m/s). */
  t0: number;
  s0: number;
  v0: number;
  a: number;
  duration: number;
}

/**
 * Speeds at the piece boundaries: each boundary is capped by both neighbouring pieces; a forward pass
 * bounds acceleration and a backward pass bounds braking (the backward pass only lowers speeds already
 * reachable, so both bounds hold at the end). The start speed is what a vehicle already in traffic would
 * drive there: the cap, or less when it must already brake for what is ahead.
 */
function boundarySpeeds(pieces: Piece[], rules: MobilityRules): number[] {
  const n = pieces.length;
  const v = new Array<number>(n + 1);
  v[0] = pieces[0].cap;
  for (let i = 1; i < n; i++) v[i] = Math.min(pieces[i - 1].cap, pieces[i].cap);
  v[n] = pieces[n - 1].cap;
  for (let i = 0; i < n; i++) v[i + 1] = Math.min(v[i + 1], Math.sqrt(v[i] * v[i] + 2 * rules.accel * pieces[i].length));
  for (let i = n - 1; i >= 0; i--) v[i] = Math.min(v[i], Math.sqrt(v[i + 1] * v[i + 1] + 2 * rules.decel * pieces[i].length));
  return v;
}

/** The phases of the fastest admissible profile over `pieces` (accelerate, cruise, brake on each piece). */
export function speedProfile(pieces: Piece[], rules: MobilityRules): Phase[] {
  const vb = boundarySpeeds(pieces, rules);
  const { accel: a, decel: d } = rules;
  const phases: Phase[] = [];
  let t = 0;
  pieces.forEach((p, i) => {
    const v0 = vb[i];
    const v1 = vb[i + 1];
    // Peak where the acceleration curve from v0 meets the braking curve into v1, capped.
    const meet = Math.sqrt((d * v0 * v0 + a * v1 * v1 + 2 * a * d * p.length) / (a + d));
    const vp = Math.max(v0, v1, Math.min(p.cap, meet));
    const accLen = (vp * vp - v0 * v0) / (2 * a);
    const decLen = (vp * vp - v1 * v1) / (2 * d);
    const cruiseLen = Math.max(0, p.length - accLen - decLen);
    let s = 0;
    const push = (v: number, acc: number, duration: number, len: number) => {
      if (duration <= 0) return;
      phases.push({ piece: i, t0: t, s0: s, v0: v, a: acc, duration });
      t += duration;
      s += len;
    };
    push(v0, a, (vp - v0) / a, accLen);
    push(vp, 0, cruiseLen / vp, cruiseLen);
    push(vp, -d, (vp - v1) / d, decLen);
  });
  return phases;
}
