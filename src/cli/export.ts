import type { CommandModule } from 'yargs';
import { runExport } from '../dataset/export.ts';
import { UserError } from '../util/errors.ts';
import { COMMANDS } from './commands.ts';
import { type CommonArgs, lockOutput, logger, resolveCommon, shownPath, withCommonOptions } from './common.ts';

interface ExportArgs extends CommonArgs {
  arrow?: boolean;
  parquet: boolean;
  deepmimo: boolean;
  constellations?: number;
}

const pct = (v: number) => `${(100 * v).toFixed(1)}%`.padStart(7);

export const exportCommand: CommandModule<object, ExportArgs> = {
  command: COMMANDS.export.usage,
  describe: COMMANDS.export.describe,
  builder: (y) =>
    withCommonOptions(y)
      .option('arrow', { type: 'boolean', describe: 'write <out>/dataset.arrow (what "simgen train" reads)', defaultDescription: 'true unless --deepmimo alone' })
      .option('parquet', { type: 'boolean', default: false, describe: 'also write <out>/dataset.parquet (zstd)' })
      .option('deepmimo', { type: 'boolean', default: false, describe: 'write <out>/deepmimo/<scenario>/: the paths of "raytrace --paths" in DeepMIMO v4 layout' })
      .option('constellations', { type: 'number', describe: 'known constellations (#1 from the scenario + seeded draws); the unseen one, if any, comes on top', defaultDescription: 'scenario constellations.count' }),
  handler: async (args) => {
    if (args.arrow === false && !args.deepmimo) throw new UserError('--no-arrow: name a format to write (allowed: --arrow, --deepmimo); add --parquet for a Parquet copy of dataset.arrow');
    const started = performance.now();
    const { scenario, outDir } = resolveCommon(args);
    const log = logger(args.quiet);
    await lockOutput(outDir);
    if (args.deepmimo) {
      const { runDeepMimoExport } = await import('../dataset/deepmimo/export.ts');
      const d = await runDeepMimoExport(scenario, outDir, { quiet: args.quiet });
      log(`deepmimo: ${d.transmitters} transmitters (sites) x ${d.receivers} receivers, ${d.pathsKept} paths kept of ${d.paths} (${d.linksCut} links over ${d.maxPaths} paths), up to ${d.maxInteractions} interactions a path`);
      log(`wrote ${shownPath(d.dir)}/ (params.json and ${d.files - 1} more files)`);
      if (!(args.arrow ?? args.parquet)) {
        log(`time ${((performance.now() - started) / 1000).toFixed(2)} s`);
        return;
      }
    }
    const r = await runExport(scenario, outDir, { constellations: args.constellations, parquet: args.parquet, quiet: args.quiet });

    const size = r.meta.constellations[0].sites.length;
    const perC = r.rows / r.meta.constellations.length;
    const train = r.meta.normalisation.rows / r.meta.constellations.filter((c) => !c.unseen).length;
    log(`${shownPath(r.path)}: ${r.rows} rows = ${r.meta.constellations.length} constellation${r.meta.constellations.length === 1 ? '' : 's'} x ${perC} samples (${train} train, ${perC - train} test), ${r.meta.featureLayout.length} features`);
    if (r.parquetPath) log(`${shownPath(r.parquetPath)}: same rows and metadata`);
    const u = r.meta.unseenSelection;
    log('skipped' in u ? `note: ${u.skipped}` : `unseen constellation: ${u.rule}: ${u.covered_cells} cells, ${u.covered_samples} samples`);
    log(`not heard -> rx power ${r.meta.sentinel.rx_power_dbm} dBm, ToF 0 ns, AoA (0, 0, 0)${r.heardBelowSentinel ? `; WARNING: ${r.heardBelowSentinel} heard links are weaker than that` : ''}`);
    log('');
    log(`share of samples hearing k of the constellation's sites`);
    log(`  #  sites${' '.repeat(Math.max(0, 3 * size - 5))}  ${Array.from({ length: size + 1 }, (_, k) => `k=${k}`.padStart(7)).join('')}`);
    r.meta.constellations.forEach((c, i) => {
      const label = `${String(c.id).padStart(3)}  ${c.sites.join(',').padEnd(3 * size)}`;
      log(`${label}${r.heardShares[i].map(pct).join('')}${c.unseen ? '  unseen' : ''}`);
    });
    log(`time ${((performance.now() - started) / 1000).toFixed(2)} s`);
  },
};
