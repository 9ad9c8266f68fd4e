import fs from 'node:fs';
import path from 'node:path';
import { exportInputKey, runExport } from '../dataset/export.ts';
import { MEASUREMENTS_FILE, measureInputKey, runMeasure } from '../measure/run.ts';
import { runTrajectories, TRAJECTORIES_FILE, trajectoriesInputKey } from '../mobility/trajectories.ts';
import { raytraceInputKey, runRaytrace } from '../raytrace/index.ts';
import { unseenNote } from '../scenario/constellations.ts';
import type { Scenario } from '../scenario/load.ts';
import { recordedInputKey } from '../util/arrow.ts';
import { exportSummary, measureSummary, raytraceSummary, trajectoriesSummary } from './summaries.ts';

// Make <out>/dataset.arrow current: trajectories -> raytrace -> export (measurement model `ideal`) or
// trajectories -> measure -> export (`nr-srs`: the measure stage traces the links itself), each stage re-run only when
// its output is missing (or unreadable) or records an input_key other than the one the current
// scenario, seed and upstream outputs give; a re-run stage makes every stage after it outdated.
// Each stage's expected key comes from its own <stage>InputKey function, without running it, so what
// counts as "changed" is whatever that stage puts in its key.

export type StageName = 'trajectories' | 'raytrace' | 'measure' | 'export';

export interface EnsureOptions {
  quiet?: boolean;
  /** Raytrace worker threads / measure worker processes (default: one per core). */
  threads?: number;
  log?: (line: string) => void;
}

export interface StagePlan {
  stage: StageName;
  /** The stage's output file. */
  path: string;
  /** The input_key the current scenario, seed and upstream outputs give. */
  inputKey: string;
  /** 'reuse': the file records that key; otherwise why the stage has to run (unreadable: truncated or damaged). */
  action: 'reuse' | 'missing' | 'unreadable' | 'outdated';
}

const STAGE_FILES: Record<StageName, string> = { trajectories: TRAJECTORIES_FILE, raytrace: 'links.arrow', measure: MEASUREMENTS_FILE, export: 'dataset.arrow' };

/** What ensureDataset would do, without running anything. Downstream keys build on the expected upstream keys, so a stage that will re-run makes everything after it outdated. */
export async function planDataset(scenario: Scenario, outDir: string): Promise<StagePlan[]> {
  const trajKey = trajectoriesInputKey(scenario);
  const measured = scenario.measurement.model === 'nr-srs';
  const links: StageName = measured ? 'measure' : 'raytrace';
  const linksKey = measured ? measureInputKey(scenario, trajKey) : raytraceInputKey(scenario, trajKey);
  const keys: Partial<Record<StageName, string>> = { trajectories: trajKey, [links]: linksKey, export: exportInputKey(scenario, linksKey, trajKey) };
  const plan: StagePlan[] = [];
  for (const stage of ['trajectories', links, 'export'] as const) {
    const file = path.join(outDir, STAGE_FILES[stage]);
    const recorded = await recordedInputKey(file);
    const key = keys[stage]!;
    const action = recorded === key ? 'reuse' : recorded !== undefined ? 'outdated' : fs.existsSync(file) ? 'unreadable' : 'missing';
    plan.push({ stage, path: file, inputKey: key, action });
  }
  return plan;
}

/** Runs what is missing or outdated, in pipeline order; returns the plan it followed. */
export async function ensureDataset(scenario: Scenario, outDir: string, opts: EnsureOptions = {}): Promise<StagePlan[]> {
  const log = opts.log ?? (() => {});
  const quiet = opts.quiet;
  // Each stage prints the summary its own command prints (the lines, indented under the stage's line).
  const report = (lines: string[]) => lines.forEach((l) => log(l && `  ${l}`));
  const run: Record<StageName, () => Promise<{ inputKey: string }>> = {
    trajectories: async () => {
      const t0 = performance.now();
      const r = await runTrajectories(scenario, outDir, { quiet });
      report(trajectoriesSummary(scenario, r, (performance.now() - t0) / 1000));
      return r;
    },
    raytrace: async () => {
      const r = await runRaytrace(scenario, outDir, { quiet, threads: opts.threads });
      report(raytraceSummary(scenario, r));
      return r;
    },
    measure: async () => {
      const r = await runMeasure(scenario, outDir, { quiet, jobs: opts.threads });
      report(measureSummary(scenario, r));
      return r;
    },
    export: async () => {
      const r = await runExport(scenario, outDir, { quiet });
      report(exportSummary(r));
      return r;
    },
  };
  const plan = await planDataset(scenario, outDir);
  const note = unseenNote(scenario.sites.length, scenario.constellations);
  if (note) log(`note: ${note}`);
  for (const s of plan) {
    const file = path.basename(s.path);
    if (s.action === 'reuse') {
      log(`${s.stage}: ${file} is up to date (input_key ${s.inputKey.slice(0, 12)}), reused`);
      continue;
    }
    const why = { missing: 'missing', unreadable: 'unreadable (truncated or damaged: its Arrow footer cannot be read)', outdated: 'out of date (scenario, seed, code version or an upstream file changed)' }[s.action];
    log(`${s.stage}: ${file} is ${why}, running it`);
    const r = await run[s.stage]();
    // The key a stage writes must be the one predicted here, or every later run would redo it.
    if (r.inputKey !== s.inputKey) throw new Error(`pipeline: ${s.stage} wrote input_key ${r.inputKey}, expected ${s.inputKey} (its <stage>InputKey function and its run function disagree)`);
  }
  return plan;
}
