import type { SplitName } from '../scenario/schema.ts';
import { UserError } from '../util/errors.ts';
import { rngFor, shuffleInPlace } from '../util/rng.ts';

// The train/test split of the samples, one rule per split name. Each rule sees every sample of links.arrow (or
// measurements.arrow) and decides from the sample alone where it goes: no sample is dropped, so the rows of
// dataset.arrow are the same whatever the split. `tracks` is the paper's; `area` and `time` test what `tracks`
// cannot: a place no training sample comes from, and the future of a track whose past was trained on.

/** `area`: square map cells (edge cellM, from the map frame's origin); cells in seeded order become test cells until testShare of the samples are in them. */
export const AREA_RULE = { cellM: 50, testShare: 0.1 } as const;
/** `time`: the last ceil(tailShare x n) of each track's n samples are test. */
export const TIME_RULE = { tailShare: 0.1 } as const;

/** What a split did, recorded in dataset.arrow's metadata `split` (area and time only: tracks datasets keep their bytes). */
export type SplitRecord =
  | { name: 'tracks'; rule: string; test_tracks: number[]; train_samples: number; test_samples: number }
  | { name: 'area'; rule: string; cell_m: number; test_share: number; cells: number; test_cells: number; train_samples: number; test_samples: number }
  | { name: 'time'; rule: string; tail_share: number; train_samples: number; test_samples: number };

/** The samples a split decides over, in links.arrow's order: ascending (trajectory_id, sample). */
export interface SplitSamples {
  trajectoryId: ArrayLike<number>;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
}

export interface SampleSplit {
  /** 1 = test, per sample. */
  isTest: Uint8Array;
  record: SplitRecord;
}

/** What the split adds to the export's input_key: nothing for tracks (its datasets keep their key), else the name and its rule. */
export function splitKeyPart(name: SplitName): unknown[] {
  return name === 'tracks' ? [] : [{ split: name, ...(name === 'area' ? AREA_RULE : TIME_RULE) }];
}

/** The cell of a position: [column, row] of the AREA_RULE grid. */
export function areaCell(x: number, y: number): [number, number] {
  return [Math.floor(x / AREA_RULE.cellM), Math.floor(y / AREA_RULE.cellM)];
}

/**
 * Splits the samples by the rule `name`. `trackIsTest`: trajectories.arrow's test tracks (the tracks rule);
 * `seed`: the scenario seed (the area rule's draw).
 */
export function splitSamples(name: SplitName, s: SplitSamples, trackIsTest: Map<number, boolean>, seed: number): SampleSplit {
  const isTest = new Uint8Array(s.trajectoryId.length);
  const count = () => {
    let test = 0;
    for (const t of isTest) test += t;
    return { train_samples: isTest.length - test, test_samples: test };
  };
  if (name === 'tracks') {
    // One flag per trajectory, copied to its samples.
    for (let i = 0; i < isTest.length; i++) {
      const t = trackIsTest.get(s.trajectoryId[i]);
      if (t === undefined) throw new UserError(`links.arrow has trajectory ${s.trajectoryId[i]}, which trajectories.arrow does not: rerun "simgen raytrace"`);
      isTest[i] = t ? 1 : 0;
    }
    const tracks = [...trackIsTest].filter(([, t]) => t).map(([id]) => id).sort((a, b) => a - b);
    return { isTest, record: { name, rule: 'the seeded test tracks of trajectories.arrow, whole', test_tracks: tracks, ...count() } };
  }
  if (name === 'time') {
    const perTrack = new Map<number, number>();
    for (let i = 0; i < isTest.length; i++) perTrack.set(s.trajectoryId[i], (perTrack.get(s.trajectoryId[i]) ?? 0) + 1);
    // Samples come in ascending sample order within a track: the k-th seen is the k-th in time.
    const seen = new Map<number, number>();
    for (let i = 0; i < isTest.length; i++) {
      const t = s.trajectoryId[i];
      const n = perTrack.get(t)!;
      const k = seen.get(t) ?? 0;
      seen.set(t, k + 1);
      isTest[i] = k >= n - Math.ceil(TIME_RULE.tailShare * n) ? 1 : 0;
    }
    return { isTest, record: { name, rule: `the last ${100 * TIME_RULE.tailShare} % of every track's samples (rounded up)`, tail_share: TIME_RULE.tailShare, ...count() } };
  }
  return areaSplit(s, seed);
}

/** The area rule: a seeded order of the cells holding samples; test cells are taken in it until they hold testShare of the samples. */
function areaSplit(s: SplitSamples, seed: number): SampleSplit {
  const n = s.trajectoryId.length;
  const cellOf = new Array<string>(n);
  const samplesIn = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const key = areaCell(s.x[i], s.y[i]).join(',');
    cellOf[i] = key;
    samplesIn.set(key, (samplesIn.get(key) ?? 0) + 1);
  }
  // The draw starts from the cells in (column, row) order: the same cells, the same draw, whatever the sample order.
  const cells = [...samplesIn.keys()].map((k) => k.split(',').map(Number) as [number, number]).sort((a, b) => a[0] - b[0] || a[1] - b[1]).map((c) => c.join(','));
  const order = shuffleInPlace(rngFor(seed, 'dataset/split/area'), cells);
  const want = Math.ceil(AREA_RULE.testShare * n);
  const test = new Set<string>();
  let testSamples = 0;
  for (const c of order) {
    if (testSamples >= want) break;
    test.add(c);
    testSamples += samplesIn.get(c)!;
  }
  if (testSamples === n) throw new UserError(`split "area": the samples lie in ${cells.length} ${AREA_RULE.cellM} m cell(s), too few to keep any for training; use --split tracks or time`);
  const isTest = Uint8Array.from(cellOf, (c) => (test.has(c) ? 1 : 0));
  return {
    isTest,
    record: {
      name: 'area',
      rule: `${AREA_RULE.cellM} m map cells taken in a seeded order as test cells until they hold >= ${100 * AREA_RULE.testShare} % of the samples (no buffer)`,
      cell_m: AREA_RULE.cellM,
      test_share: AREA_RULE.testShare,
      cells: cells.length,
      test_cells: test.size,
      train_samples: n - testSamples,
      test_samples: testSamples,
    },
  };
}

/** One line: the split, its rule and its counts. */
export function splitLine(r: SplitRecord): string {
  const what = r.name === 'area' ? `${r.test_cells} of ${r.cells} cells test; ` : r.name === 'tracks' ? `test tracks ${r.test_tracks.join(', ')}; ` : '';
  return `split ${r.name}: ${r.rule}: ${what}${r.train_samples} train / ${r.test_samples} test samples`;
}
