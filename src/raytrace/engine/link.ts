import { type FieldContext, type PathField, pathFieldInto, SPEED_OF_LIGHT } from '../../radio/field.ts';
import { quantizeAngleDeg } from '../../radio/link-budget.ts';
import { interactionLabel, type PropagationPath } from '../../radio/path.ts';
import { angularSpreadDeg, rmsDelaySpread } from '../../radio/spreads.ts';
import type { Vec3 } from '../../scene/types.ts';

// Step 3 and 4 of the path search: the field of every path (src/radio/field.ts) and the per-link result.
// Uplink: the UE transmits, the gNB array measures. Conventions:
// - rx_power_dbm = P_tx + 10 log10(sum_i g_i G(u_i)) (incoherent), or P_tx + 10 log10|sum_i a_i sqrt(G(u_i))|^2
//   (coherent), with g_i = |a_i|^2 the propagation gain and G(u_i) the site array's gain toward the path's
//   direction at the site u_i (beam steered toward it).
// - path_loss_db = -10 log10(sum_i g_i): propagation only, antennas excluded, always the incoherent sum.
// - Diffuse paths (diffuse.ts) have random phase: they add power, also to the coherent sum.
// - The strongest path is the one with the largest g_i G(u_i), the power the steered array actually sees;
//   ties keep the earlier path (LOS, reflections, diffractions, then diffuse paths). A diffuse path's power is
//   its group's sum over tiles; when it is the strongest, AoA and ToF are those of its strongest tile.
// - AoA: direction from the site toward the path's first interaction (the UE for LOS), azimuth from +x
//   counter-clockwise in [0, 360), elevation from the horizontal.
// - Spreads (radio/spreads.ts): RMS delay spread and the gNB-side azimuth and zenith spreads (TR 38.901
//   Annex A.1) over every path of the link, weighted by the propagation gains g_i (antennas excluded, as
//   TR 38.901 defines its large-scale parameters); a diffuse path counts once, at its strongest tile's delay
//   and direction with its group's power. Written to links.arrow so the report needs no paths.arrow.

export type ArrayGainFn = (orientationRad: number, dir: Vec3) => number;

export interface LinkSettings {
  txPowerDbm: number;
  cutoffDb: number;
  aoaResolutionDeg: number;
  coherent: boolean;
}

/** One link. A link without any path has num_paths 0, heard false and NaN in every number (null in Arrow). */
export interface LinkResult {
  heard: boolean;
  los: boolean;
  rxPowerDbm: number;
  pathLossDb: number;
  tofNs: number;
  aoaAzimuthDeg: number;
  aoaElevationDeg: number;
  aoaAzimuthQDeg: number;
  aoaElevationQDeg: number;
  numPaths: number;
  /** Diffuse paths among numPaths, and their share of the path gain (0..1). */
  numDiffuse: number;
  diffuseShare: number;
  strongest: string;
  /** RMS delay spread (ns), gNB-side azimuth and zenith spreads (deg) over all paths; NaN without a path. */
  delaySpreadNs: number;
  azimuthSpreadDeg: number;
  zenithSpreadDeg: number;
}

/** A diffuse path for evaluateLink: its powers summed over its tiles, its geometry built on demand. */
export interface DiffuseLinkPath {
  gain: number;
  rxGain: number;
  tiles: number;
  path: () => PropagationPath;
}

/** Per-path quantities, kept for paths.arrow. */
export interface PathRecord {
  path: PropagationPath;
  field: PathField;
  /** Array gain toward the path (diffuse: the power-weighted mean over its tiles). */
  arrayGain: number;
  /** Tiles a diffuse path sums (0 for the others). */
  tiles: number;
}

const DEG = 180 / Math.PI;

/** Azimuth in [0, 360) and elevation of a direction, degrees. */
export function directionAngles(dx: number, dy: number, dz: number): [number, number] {
  let az = Math.atan2(dy, dx) * DEG;
  if (az < 0) az += 360;
  if (az >= 360) az -= 360;
  return [az + 0, Math.atan2(dz, Math.hypot(dx, dy)) * DEG];
}

/** Direction at the site of a path: toward its first interaction, or the UE for LOS. */
export function departureAtSite(p: PropagationPath): Vec3 {
  const a = p.vertices[0], b = p.vertices[1];
  return [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
}

const scratch: PathField = { gain: 0, re: 0, im: 0, delaySeconds: 0, lengthMeters: 0 };
// Per-path gain, delay (ns) and site-side angles of the link being evaluated, reused across links.
const sp = { gain: [] as number[], delayNs: [] as number[], az: [] as number[], zen: [] as number[] };

function pushSpread(gain: number, delaySeconds: number, u: Vec3): void {
  const [az, el] = directionAngles(u[0], u[1], u[2]);
  sp.gain.push(gain);
  sp.delayNs.push(delaySeconds * 1e9);
  sp.az.push(az);
  sp.zen.push(90 - el);
}

export function evaluateLink(
  ctx: FieldContext,
  arrayGain: ArrayGainFn,
  orientationRad: number,
  paths: PropagationPath[],
  s: LinkSettings,
  keep?: PathRecord[],
  diffuse: DiffuseLinkPath[] = [],
): LinkResult {
  let sumGain = 0;
  let sumRx = 0;
  let cohRe = 0;
  let cohIm = 0;
  let best = -1;
  let bestPower = -Infinity;
  let bestDelay = NaN;
  let los = false;
  sp.gain.length = sp.delayNs.length = sp.az.length = sp.zen.length = 0;
  for (let i = 0; i < paths.length; i++) {
    const p = paths[i];
    const f = pathFieldInto(ctx, p, scratch);
    const u = departureAtSite(p);
    const l = Math.hypot(u[0], u[1], u[2]);
    const G = arrayGain(orientationRad, [u[0] / l, u[1] / l, u[2] / l]);
    const power = f.gain * G;
    sumGain += f.gain;
    sumRx += power;
    const sg = Math.sqrt(G);
    cohRe += f.re * sg;
    cohIm += f.im * sg;
    if (p.kinds.length === 0) los = true;
    pushSpread(f.gain, f.delaySeconds, u);
    if (power > bestPower) {
      bestPower = power;
      best = i;
      bestDelay = f.delaySeconds;
    }
    if (keep) keep.push({ path: p, field: { ...f }, arrayGain: G, tiles: 0 });
  }
  let diffuseGain = 0;
  let diffuseRx = 0;
  let bestPath = best >= 0 ? paths[best] : null;
  for (let i = 0; i < diffuse.length; i++) {
    const d = diffuse[i];
    sumGain += d.gain;
    sumRx += d.rxGain;
    diffuseGain += d.gain;
    diffuseRx += d.rxGain;
    const kept = d.path();
    const L = pathLength(kept);
    pushSpread(d.gain, L / SPEED_OF_LIGHT, departureAtSite(kept));
    if (d.rxGain > bestPower) {
      bestPower = d.rxGain;
      bestPath = kept;
      bestDelay = L / SPEED_OF_LIGHT;
    }
    if (keep) {
      const a = Math.sqrt(d.gain), ph = -ctx.k * L;
      keep.push({ path: kept, field: { gain: d.gain, re: a * Math.cos(ph), im: a * Math.sin(ph), delaySeconds: L / SPEED_OF_LIGHT, lengthMeters: L }, arrayGain: d.rxGain / d.gain, tiles: d.tiles });
    }
  }
  const numPaths = paths.length + diffuse.length;
  if (!bestPath || !(sumGain > 0)) {
    return { heard: false, los: false, rxPowerDbm: NaN, pathLossDb: NaN, tofNs: NaN, aoaAzimuthDeg: NaN, aoaElevationDeg: NaN, aoaAzimuthQDeg: NaN, aoaElevationQDeg: NaN, numPaths, numDiffuse: diffuse.length, diffuseShare: NaN, strongest: '', delaySpreadNs: NaN, azimuthSpreadDeg: NaN, zenithSpreadDeg: NaN };
  }
  const pathLossDb = -10 * Math.log10(sumGain);
  const received = s.coherent ? cohRe * cohRe + cohIm * cohIm + diffuseRx : sumRx;
  const u = departureAtSite(bestPath);
  const [az, el] = directionAngles(u[0], u[1], u[2]);
  return {
    heard: pathLossDb <= s.cutoffDb,
    los,
    rxPowerDbm: s.txPowerDbm + 10 * Math.log10(received),
    pathLossDb,
    tofNs: bestDelay * 1e9,
    aoaAzimuthDeg: az,
    aoaElevationDeg: el,
    aoaAzimuthQDeg: quantizeAngleDeg(az, s.aoaResolutionDeg, true),
    aoaElevationQDeg: quantizeAngleDeg(el, s.aoaResolutionDeg, false),
    numPaths,
    numDiffuse: diffuse.length,
    diffuseShare: diffuseGain / sumGain,
    strongest: interactionLabel(bestPath),
    delaySpreadNs: rmsDelaySpread(sp.gain, sp.delayNs),
    azimuthSpreadDeg: angularSpreadDeg(sp.gain, sp.az),
    zenithSpreadDeg: angularSpreadDeg(sp.gain, sp.zen),
  };
}

function pathLength(p: PropagationPath): number {
  let L = 0;
  for (let i = 1; i < p.vertices.length; i++) {
    const a = p.vertices[i - 1], b = p.vertices[i];
    L += Math.hypot(b[0] - a[0], b[1] - a[1], b[2] - a[2]);
  }
  return L;
}
