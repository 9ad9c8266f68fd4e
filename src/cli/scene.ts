import path from 'node:path';
import type { CommandModule } from 'yargs';
import { buildStreetGraph } from '../mobility/street-graph.ts';
import type { PlacementReport } from '../scenario/auto-sites.ts';
import { buildScene } from '../scene/build.ts';
import { formatSceneSummary, summarizeScene } from '../scene/summary.ts';
import { COMMANDS } from './commands.ts';
import { type CommonArgs, lockOutput, logger, resolveCommon, shownPath, withCommonOptions } from './common.ts';

export const sceneCommand: CommandModule<object, CommonArgs> = {
  command: COMMANDS.scene.usage,
  describe: COMMANDS.scene.describe,
  builder: (y) => withCommonOptions(y),
  handler: async (args) => {
    const { scenario, outDir } = resolveCommon(args);
    const scene = buildScene(scenario.map);
    console.log(`scenario ${scenario.name} (${shownPath(scenario.path)})`);
    console.log(formatSceneSummary(summarizeScene(scene, scenario.sites, scenario.raytrace.carrierFreqHz)));
    const g = buildStreetGraph(scenario.map);
    console.log(`street graph       ${plural(g.nodes.filter((n) => n.edges.length >= 3).length, "junction")}, ${plural(g.nodes.filter((n) => n.edges.length === 1).length, "dead end")}${scenario.map.streets.some((st) => st.oneway) ? `, ${scenario.map.streets.filter((st) => st.oneway).length} one-way streets` : ''}`);
    if (scenario.map.origin) console.log(`origin             lon ${scenario.map.origin.lon.toFixed(7)}, lat ${scenario.map.origin.lat.toFixed(7)} (WGS84, the map's south-west corner)`);
    if (scenario.placement) console.log(formatPlacement(scenario.placement, scenario.seed));
    // Without --out the command only reports; exports are written on request.
    if (args.out === undefined) return;
    const log = logger(args.quiet);
    await lockOutput(outDir);
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

/** Where `sites.auto` put the sites, and how well the streets are heard by the placement measure. */
function formatPlacement(r: PlacementReport, seed: number): string {
  const s = r.settings;
  const heard = [...r.streetHeardBy];
  const enough = heard.filter(([, n]) => n >= s.min_heard).length;
  const fewest = heard.reduce((a, b) => (b[1] < a[1] ? b : a));
  const lines = [
    `site placement     automatic (sites.auto, seed ${seed}): ${r.sites.length} of ${r.candidates} sidewalk candidates, ${s.setback_m} m from a facade, >= ${s.min_separation_m} m apart`,
    `streets heard      ${enough} of ${heard.length} by >= ${s.min_heard} sites (fewest: ${fewest[1]}, street ${fewest[0]}); street points heard by >= ${s.min_heard}: ${r.pointsCovered} of ${r.points} (${((100 * r.pointsCovered) / Math.max(1, r.points)).toFixed(1)} %)`,
    `                   (heard = line of sight in plan within ${s.range_m} m; docs/map-and-scenario.md "Automatic sites")`,
    '  site        x m        y m  in front of   hears streets',
    ...r.sites.map((p) => `  ${String(p.id).padStart(4)} ${p.x.toFixed(2).padStart(10)} ${p.y.toFixed(2).padStart(10)}  building ${String(p.building).padEnd(4)} ${p.hears.length}`),
  ];
  return lines.join('\n');
}

const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
