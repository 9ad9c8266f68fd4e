import path from 'node:path';
import { Field, Float64, Int32, Schema, Utf8 } from 'apache-arrow';
import { originMetadata } from '../map/origin.ts';
import type { Scenario } from '../scenario/load.ts';
import { writeFileAtomic } from '../util/atomic.ts';
import { readArrowFile, writeArrowFile } from '../util/arrow.ts';
import { UserError } from '../util/errors.ts';
import { SIMGEN_VERSION, stageKey } from '../util/meta.ts';
import { Progress } from '../util/progress.ts';
import { trajectoriesSvg } from './trajectories-svg.ts';
import { generateTracks } from './drive.ts';
import { PAPER_RULES, type Split, type Track } from './types.ts';

// The trajectories stage: tracks -> <out>/trajectories.arrow (one row per sample) + trajectories.svg.

export const TRAJECTORIES_FILE = 'trajectories.arrow';
export const TRAJECTORIES_SVG = 'trajectories.svg';

/** stageKey of everything the file depends on: the map, seed, trajectory settings, driving rules. */
export function trajectoriesInputKey(scenario: Scenario): string {
  return stageKey('trajectories', scenario.mapHash, scenario.seed, scenario.trajectories, PAPER_RULES);
}

function schemaFor(scenario: Scenario, inputKey: string, testIds: number[]): Schema {
  const f64 = (name: string) => new Field(name, new Float64(), false);
  return new Schema(
    [new Field('trajectory_id', new Int32(), false), new Field('sample', new Int32(), false), f64('t'), f64('x'), f64('y'), f64('z'), f64('speed'), f64('heading'), new Field('street_id', new Utf8(), false), new Field('split', new Utf8(), false)],
    new Map([
      ['simgen_version', SIMGEN_VERSION],
      ['scenario', scenario.name],
      ['scenario_hash', scenario.hash],
      ['seed', String(scenario.seed)],
      ['input_key', inputKey],
      ['sample_period_s', String(scenario.trajectories.samplePeriodS)],
      ['test_trajectories', JSON.stringify(testIds)],
      ...originMetadata(scenario.map),
    ]),
  );
}

export interface TrajectoriesResult {
  path: string;
  svgPath: string;
  rows: number;
  inputKey: string;
  tracks: Track[];
}

/** Generates the tracks and writes trajectories.arrow and trajectories.svg into outDir (both atomic). */
export async function runTrajectories(scenario: Scenario, outDir: string, opts: { quiet?: boolean } = {}): Promise<TrajectoriesResult> {
  const settings = scenario.trajectories;
  const tracks = generateTracks(scenario.map, scenario.seed, settings);
  const inputKey = trajectoriesInputKey(scenario);
  const file = path.join(outDir, TRAJECTORIES_FILE);
  const schema = schemaFor(scenario, inputKey, tracks.filter((t) => t.split === 'test').map((t) => t.id));
  const progress = new Progress('trajectories', tracks.length, opts.quiet, { unit: 'tracks' });
  let rows: number;
  try {
    rows = await writeArrowFile(file, schema, (writer) => {
      for (const tr of tracks) {
        const n = tr.samples.length;
        const col = (f: (i: number) => number) => Float64Array.from({ length: n }, (_, i) => f(i));
        const s = tr.samples;
        writer.write({
          trajectory_id: new Int32Array(n).fill(tr.id),
          sample: Int32Array.from({ length: n }, (_, i) => i),
          t: col((i) => s[i].t),
          x: col((i) => s[i].x),
          y: col((i) => s[i].y),
          z: col((i) => s[i].z),
          speed: col((i) => s[i].speed),
          heading: col((i) => s[i].heading),
          street_id: s.map((r) => r.streetId),
          split: new Array<string>(n).fill(tr.split),
        });
        progress.update(tr.id + 1);
      }
    });
  } finally {
    progress.done();
  }
  const svgPath = path.join(outDir, TRAJECTORIES_SVG);
  writeFileAtomic(svgPath, trajectoriesSvg(scenario.map, tracks, scenario.sites));
  return { path: file, svgPath, rows, inputKey, tracks };
}

/** trajectories.arrow in columns, with its schema metadata. */
export interface TrajectoryTable {
  trajectoryId: Int32Array;
  sample: Int32Array;
  t: Float64Array;
  x: Float64Array;
  y: Float64Array;
  z: Float64Array;
  speed: Float64Array;
  heading: Float64Array;
  streetId: string[];
  split: Split[];
  metadata: Map<string, string>;
}

export function readTrajectories(file: string): TrajectoryTable {
  const table = readArrowFile(file, 'trajectories file', 'simgen trajectories');
  const col = (name: string) => {
    const c = table.getChild(name);
    if (!c) throw new UserError(`trajectories file ${file}: column "${name}" missing (write it with "simgen trajectories")`);
    return c;
  };
  return {
    trajectoryId: col('trajectory_id').toArray() as Int32Array,
    sample: col('sample').toArray() as Int32Array,
    t: col('t').toArray() as Float64Array,
    x: col('x').toArray() as Float64Array,
    y: col('y').toArray() as Float64Array,
    z: col('z').toArray() as Float64Array,
    speed: col('speed').toArray() as Float64Array,
    heading: col('heading').toArray() as Float64Array,
    streetId: col('street_id').toArray() as string[],
    split: col('split').toArray() as Split[],
    metadata: table.schema.metadata,
  };
}
