import seedrandom from 'seedrandom';

/** A seeded uniform [0, 1) generator. */
export type Rng = () => number;

/**
 * Every random choice flows from the scenario seed: each stage draws from its own stream,
 * named so that adding randomness to one stage never shifts another's numbers.
 */
export function rngFor(seed: number, stream: string): Rng {
  return seedrandom(`${seed}/${stream}`);
}

/** Integer in [0, n). */
export function randInt(rng: Rng, n: number): number {
  return Math.min(n - 1, Math.floor(rng() * n));
}

/** Fisher-Yates shuffle in place. */
export function shuffleInPlace<T>(rng: Rng, a: T[]): T[] {
  for (let i = a.length - 1; i > 0; i--) {
    const j = randInt(rng, i + 1);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}
