import type { CityMap, Point2 } from '../map/types.ts';
import { MapSvg } from '../viz/map-svg.ts';
import type { Track } from './types.ts';

// trajectories.svg: the map with every track, train and test in different colours, start points marked.

const TRAIN = '#1f77b4';
const TEST = '#ff7f0e';

export function trajectoriesSvg(map: CityMap, tracks: Track[], sites: { id: number; x: number; y: number }[]): string {
  const nTest = tracks.filter((t) => t.split === 'test').length;
  const svg = new MapSvg(map, { sites, title: `${map.name}: ${tracks.length} tracks` });
  // Train first so the test tracks are drawn on top.
  for (const split of ['train', 'test'] as const)
    for (const tr of tracks.filter((t) => t.split === split)) svg.polyline(tr.samples.map((s): Point2 => [s.x, s.y]), split === 'test' ? TEST : TRAIN, split === 'test' ? 1.8 : 1.2, 0.8);
  for (const tr of tracks) svg.dot([tr.samples[0].x, tr.samples[0].y], tr.split === 'test' ? TEST : TRAIN, 3.5);
  svg.addLegend({ label: `train track (${tracks.length - nTest})`, shape: 'line', color: TRAIN });
  svg.addLegend({ label: `test track (${nTest})`, shape: 'line', color: TEST });
  svg.addLegend({ label: 'track start (in its colour)', shape: 'dot', color: TRAIN });
  return svg.render();
}
