import type { Point2 } from '../map/types.ts';

// Typed records of the mobility stage: the driving rules, the pieces of a route, samples and tracks.

/** The paper's longitudinal rules (section IV-A), SI units. */
export interface MobilityRules {
  /** Speed through every curved piece (turn arcs, U-turns), m/s. */
  turnSpeed: number;
  /** Acceleration after a turn, m/s^2 (> 0). */
  accel: number;
  /** Braking before a turn, m/s^2 (> 0, applied as -decel). */
  decel: number;
}

export const PAPER_RULES: MobilityRules = { turnSpeed: 20 / 3.6, accel: 2, decel: 3 };

/**
 * A piece of a route: `lane` = straight drive in the right-hand lane of one street; `link` = straight
 * connector across an intersection between lanes of different offsets; `turn` = arc between two streets;
 * `uturn` = half circle at a dead end.
 */
export type PieceKind = 'lane' | 'link' | 'turn' | 'uturn';

interface PieceBase {
  kind: PieceKind;
  length: number;
  /** Highest allowed speed on the piece, m/s. */
  cap: number;
  /** Street driven (the outgoing street for turns). */
  streetId: string;
}

export interface LinePiece extends PieceBase {
  kind: 'lane' | 'link';
  start: Point2;
  /** Unit direction of travel. */
  dir: Point2;
}

export interface ArcPiece extends PieceBase {
  kind: 'turn' | 'uturn';
  center: Point2;
  radius: number;
  /** Polar angle of the start point around the centre, rad. */
  startAngle: number;
  /** +1 counter-clockwise (left), -1 clockwise (right). */
  sense: 1 | -1;
  /** Heading at the start, rad. */
  heading0: number;
}

export type Piece = LinePiece | ArcPiece;

/** How an exit leaves an intersection relative to the incoming direction. */
export type ExitKind = 'straight' | 'left' | 'right' | 'uturn';

/** One choice at a node: the allowed exits and the one taken (index into `exits`). */
export interface ExitDecision {
  node: number;
  exits: ExitKind[];
  chosen: number;
}

/** One sample of a track (the file's columns, plus the piece kind for checks). */
export interface TrackSample {
  t: number;
  x: number;
  y: number;
  z: number;
  speed: number;
  /** rad from +x counter-clockwise, in (-pi, pi]. */
  heading: number;
  streetId: string;
  piece: PieceKind;
}

export type Split = 'train' | 'test';

export interface Track {
  id: number;
  split: Split;
  samples: TrackSample[];
  /** Every exit choice on the generated route (also beyond the sampled duration). */
  decisions: ExitDecision[];
}
