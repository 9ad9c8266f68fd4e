import type { CityMap } from '../map/types.ts';
import type { TrajectoriesConfig } from '../scenario/config.ts';
import { rngFor, shuffleInPlace } from '../util/rng.ts';
import { randomRoute } from './route.ts';
import { type Phase, speedProfile, streetSpeed } from './speed-profile.ts';
import { buildStreetGraph, type StreetGraph } from './street-graph.ts';
import { type MobilityRules, PAPER_RULES, type Piece, type Split, type Track, type TrackSample } from './types.ts';

// Tracks in memory: a random route, its speed profile, and samples at t = k * period.

/** Samples per track: t = 0, period, ..., up to the duration (inclusive, up to float noise). */
export function samplesPerTrack(s: TrajectoriesConfig): number {
  return Math.floor(s.durationS / s.samplePeriodS + 1e-9) + 1;
}

/** The test track ids, drawn by seed (sorted); the others train. */
export function testTrackIds(seed: number, count: number, testTracks: number): number[] {
  const ids = shuffleInPlace(rngFor(seed, 'trajectories/split'), Array.from({ length: count }, (_, i) => i));
  return ids.slice(0, testTracks).sort((a, b) => a - b);
}

/** Position and heading `s` metres into a piece. */
function pose(p: Piece, s: number): { x: number; y: number; heading: number } {
  if ('dir' in p) return { x: p.start[0] + s * p.dir[0], y: p.start[1] + s * p.dir[1], heading: Math.atan2(p.dir[1], p.dir[0]) };
  const turned = (p.sense * s) / p.radius;
  const phi = p.startAngle + turned;
  const h = p.heading0 + turned;
  return { x: p.center[0] + p.radius * Math.cos(phi), y: p.center[1] + p.radius * Math.sin(phi), heading: Math.atan2(Math.sin(h), Math.cos(h)) };
}

/** One track: the route is long enough that no braking beyond its end could matter within the duration. */
export function generateTrack(g: StreetGraph, id: number, split: Split, seed: number, settings: TrajectoriesConfig, rules: MobilityRules = PAPER_RULES): Track {
  const vmax = Math.max(...g.edges.map((e) => streetSpeed(e.street)));
  const minLength = vmax * settings.durationS + (vmax * vmax) / (2 * rules.decel) + 1;
  const route = randomRoute(g, rngFor(seed, `trajectories/track/${id}`), minLength, rules);
  const phases = speedProfile(route.pieces, rules);
  const n = samplesPerTrack(settings);
  const samples: TrackSample[] = new Array(n);
  let k = 0;
  let ph: Phase = phases[0];
  for (let i = 0; i < n; i++) {
    const t = i * settings.samplePeriodS;
    while (k + 1 < phases.length && phases[k + 1].t0 <= t) ph = phases[++k];
    const tau = t - ph.t0;
    const piece = route.pieces[ph.piece];
    const s = Math.min(piece.length, Math.max(0, ph.s0 + ph.v0 * tau + 0.5 * ph.a * tau * tau));
    const { x, y, heading } = pose(piece, s);
    samples[i] = { t, x, y, z: settings.antennaHeightM, speed: Math.max(0, ph.v0 + ph.a * tau), heading, streetId: piece.streetId, piece: piece.kind };
  }
  return { id, split, samples, decisions: route.decisions };
}

/** All tracks of a scenario, in memory (pure: same map, seed and settings -> same tracks). */
export function generateTracks(map: CityMap, seed: number, settings: TrajectoriesConfig, rules: MobilityRules = PAPER_RULES): Track[] {
  const g = buildStreetGraph(map);
  const test = new Set(testTrackIds(seed, settings.count, settings.testTracks));
  return Array.from({ length: settings.count }, (_, id) => generateTrack(g, id, test.has(id) ? 'test' : 'train', seed, settings, rules));
}
