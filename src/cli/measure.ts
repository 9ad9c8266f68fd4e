import os from 'node:os';
import type { CommandModule } from 'yargs';
import { runMeasure } from '../measure/run.ts';
import { COMMANDS } from './commands.ts';
import { intFlag } from './flags.ts';
import { type CommonArgs, lockOutput, logger, resolveCommon, shownPath, withCommonOptions } from './common.ts';

interface MeasureArgs extends CommonArgs {
  jobs: number;
}

export const measureCommand: CommandModule<object, MeasureArgs> = {
  command: COMMANDS.measure.usage,
  describe: COMMANDS.measure.describe,
  builder: (y) =>
    withCommonOptions(y).option('jobs', { type: 'number', default: os.availableParallelism(), describe: 'worker processes (integer 1-64; 1 measures in this process)' }) as never,
  handler: async (args) => {
    const { scenario, outDir } = resolveCommon(args);
    const log = logger(args.quiet);
    const jobs = intFlag(args.jobs, '--jobs', 1, 64);
    await lockOutput(outDir);
    const r = await runMeasure(scenario, outDir, { jobs, quiet: args.quiet });
    const pct = (k: number) => `${((100 * k) / Math.max(1, r.rows)).toFixed(1)} %`;
    log(`measure: ${r.rows} links (${r.rows / scenario.sites.length} samples x ${scenario.sites.length} sites) in ${r.seconds.toFixed(1)} s (${(r.rows / Math.max(1e-9, r.seconds)).toFixed(0)} links/s)`);
    log(`  detected ${pct(r.detected)} (false alarms ${pct(r.falseAlarms)}), heard in links.arrow's sense ${pct(r.idealHeard)}; ${(r.specular / r.rows).toFixed(1)} specular paths and ${(r.clusters / r.rows).toFixed(1)} diffuse clusters a link`);
    log('');
    log('estimation errors of the detected links (median / p90): ToA as a range (m), AoA to the line of sight (deg), |RSRP - ideal| (dB)');
    log(`${'links'.padEnd(18)}${'count'.padStart(8)}${'ToA m'.padStart(16)}${'AoA deg'.padStart(16)}${'RSRP dB'.padStart(16)}`);
    const f = (q: [number, number, number]) => `${q[0].toFixed(2)} / ${q[1].toFixed(2)}`.padStart(16);
    for (const e of r.errors) log(`${e.label.padEnd(18)}${String(e.links).padStart(8)}${f(e.toa)}${f(e.aoa)}${f(e.rsrp)}`);
    log(`wrote ${shownPath(r.path)} and ${r.figures.map((p) => shownPath(p)).join(', ')}`);
  },
};
