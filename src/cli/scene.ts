import path from 'node:path';
import type { CommandModule } from 'yargs';
import { buildScene } from '../scene/build.ts';
import { formatSceneSummary, summarizeScene } from '../scene/summary.ts';
import { COMMANDS } from './commands.ts';
import { type CommonArgs, logger, resolveCommon, shownPath, withCommonOptions } from './common.ts';

export const sceneCommand: CommandModule<object, CommonArgs> = {
  command: COMMANDS.scene.usage,
  describe: COMMANDS.scene.describe,
  builder: (y) => withCommonOptions(y),
  handler: async (args) => {
    const { scenario, outDir } = resolveCommon(args);
    const scene = buildScene(scenario.map);
    console.log(`scenario ${scenario.name} (${shownPath(scenario.path)})`);
    console.log(formatSceneSummary(summarizeScene(scene, scenario.sites, scenario.file.carrier_freq_hz)));
    // Without --out the command only reports; exports are written on request.
    if (args.out === undefined) return;
    const log = logger(args.quiet);
    // Loaded on demand: every CLI start imports all command modules, and the exporters are only needed here.
    const { writeGlb } = await import('../scene/export-gltf.ts');
    const { writeMitsubaScene } = await import('../scene/export-mitsuba.ts');
    const glb = path.join(outDir, 'scene.glb');
    await writeGlb(scene, glb);
    log(`wrote ${shownPath(glb)}`);
    const ms = writeMitsubaScene(scene, path.join(outDir, 'mitsuba'));
    log(`wrote ${shownPath(path.join(outDir, 'mitsuba', 'scene.xml'))} + ${ms.meshes.map((m) => m.file).join(', ')}`);
  },
};
