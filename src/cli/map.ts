import path from 'node:path';
import type { CommandModule } from 'yargs';
import { detectFormat, loadMap } from '../map/load.ts';
import { formatGeojson, toSimgenGeojson } from '../map/write.ts';
import { buildStreetGraph } from '../mobility/street-graph.ts';
import { writeFileAtomic } from '../util/atomic.ts';
import { readTextFile } from '../util/text-file.ts';
import { COMMANDS } from './commands.ts';
import { type QuietArgs, shownPath, withQuietOption } from './common.ts';

// `simgen map import FILE --out map.geojson`: read a map in either format (an OpenStreetMap-style WGS84
// GeoJSON is converted to the metric frame), node its streets, and write it in simgen's own format.

interface ImportArgs extends QuietArgs {
  file: string;
  out: string;
}

const importCommand: CommandModule<object, ImportArgs> = {
  command: 'import <file>',
  describe: 'convert a map (OpenStreetMap-style lon/lat GeoJSON or simgen-map/1) to simgen-map/1, streets noded',
  builder: (y) =>
    withQuietOption(y)
      .positional('file', { type: 'string', demandOption: true, describe: 'GeoJSON map file' })
      .option('out', { type: 'string', demandOption: true, describe: 'simgen-map/1 file to write' }) as never,
  handler: (args) => {
    const map = loadMap(args.file);
    const format = detectFormat(JSON.parse(readTextFile(args.file, `map ${path.basename(args.file)}`)));
    const out = path.resolve(args.out);
    writeFileAtomic(out, formatGeojson(toSimgenGeojson(map, `simgen map import ${path.basename(args.file)} (${format})`)));
    if (args.quiet) return;
    const g = buildStreetGraph(map);
    const junctions = g.nodes.filter((n) => n.edges.length >= 3).length;
    console.log(`read     ${shownPath(path.resolve(args.file))} (${format})`);
    console.log(`map      ${map.name}: ${map.width} m x ${map.height} m${map.origin ? `, origin lon ${map.origin.lon.toFixed(7)} lat ${map.origin.lat.toFixed(7)}` : ''}`);
    console.log(`content  ${map.buildings.length} buildings, ${map.streets.length} streets (${map.streets.filter((s) => s.oneway).length} one-way), ${map.pedestrianAreas.length} pedestrian areas`);
    console.log(`graph    ${g.nodes.length} nodes, ${junctions} junctions (3 or more ways), ${g.edges.length} edges`);
    for (const n of map.notes ?? []) console.log(`note     ${n}`);
    console.log(`wrote    ${shownPath(out)}`);
  },
};

export const mapCommand: CommandModule<object, object> = {
  command: COMMANDS.map.usage,
  describe: COMMANDS.map.describe,
  builder: (y) => y.command(importCommand).demandCommand(1, 'name a map command: import'),
  handler: () => {},
};
