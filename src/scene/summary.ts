import { distanceToPolygonBoundary, pointInPolygon, polylineLength, signedArea } from '../map/geometry.ts';
import type { Site } from '../scenario/load.ts';
import type { Scene, SurfaceKind } from './types.ts';

// The numbers `simgen scene` prints: what the scene holds, in SI units.

export interface SceneSummary {
  mapName: string;
  width: number;
  height: number;
  buildings: number;
  surfaces: Record<SurfaceKind, number>;
  triangles: number;
  /** Diffracting edges: roof edges plus convex vertical corners. */
  edges: number;
  /** Triangles per material. */
  materials: Record<string, number>;
  /** Map area minus building footprints, m^2. */
  openArea: number;
  /** Sum of street centre-line lengths, m. */
  streetLength: number;
  streets: number;
  /** Pedestrian areas (closed to vehicles), m^2. */
  pedestrianArea: number;
  sites: number;
  /** Sites standing inside a building footprint (loadScenario refuses them, so 0). */
  sitesInsideBuildings: number;
  /** Smallest horizontal distance from a site to a building facade, m. */
  minSiteFacadeDistance: number;
  carrierFreqHz: number;
}

export function summarizeScene(scene: Scene, sites: Site[], carrierFreqHz: number): SceneSummary {
  const { map } = scene;
  const surfaces: Record<SurfaceKind, number> = { ground: 0, wall: 0, roof: 0 };
  for (const s of scene.surfaces) surfaces[s.kind]++;
  const materials: Record<string, number> = {};
  for (const sid of scene.triangleSurface) {
    const m = scene.surfaces[sid].material;
    materials[m] = (materials[m] ?? 0) + 1;
  }
  const footprintArea = map.buildings.reduce((a, b) => a + Math.abs(signedArea(b.footprint)), 0);
  let minDist = Infinity;
  let inside = 0;
  for (const s of sites)
    for (const b of map.buildings) {
      if (pointInPolygon([s.x, s.y], b.footprint)) inside++;
      minDist = Math.min(minDist, distanceToPolygonBoundary([s.x, s.y], b.footprint));
    }
  return {
    mapName: map.name,
    width: map.width,
    height: map.height,
    buildings: map.buildings.length,
    surfaces,
    triangles: scene.triangleSurface.length,
    edges: scene.edges.length,
    materials,
    openArea: map.width * map.height - footprintArea,
    streetLength: map.streets.reduce((a, s) => a + polylineLength(s.centerline), 0),
    streets: map.streets.length,
    pedestrianArea: map.pedestrianAreas.reduce((a, p) => a + Math.abs(signedArea(p.polygon)), 0),
    sites: sites.length,
    sitesInsideBuildings: inside,
    minSiteFacadeDistance: minDist,
    carrierFreqHz,
  };
}

/** The summary as aligned text lines. */
export function formatSceneSummary(s: SceneSummary): string {
  const n = (v: number, d = 0) => v.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
  const total = s.width * s.height;
  const rows: [string, string][] = [
    ['map', `${s.mapName}: ${n(s.width)} m x ${n(s.height)} m (${n(total)} m^2)`],
    ['buildings', n(s.buildings)],
    ['surfaces', `${n(s.surfaces.ground + s.surfaces.wall + s.surfaces.roof)} (${s.surfaces.ground} ground, ${s.surfaces.wall} walls, ${s.surfaces.roof} roofs)`],
    ['triangles', `${n(s.triangles)} (${Object.entries(s.materials).sort(([a], [b]) => a.localeCompare(b)).map(([m, c]) => `${m} ${c}`).join(', ')})`],
    ['diffracting edges', n(s.edges)],
    ['open area', `${n(s.openArea)} m^2 (${n((100 * s.openArea) / total, 1)} % of the map, outside building footprints)`],
    ['streets', `${s.streets} centre lines, ${n(s.streetLength, 1)} m in total`],
    ['pedestrian area', `${n(s.pedestrianArea)} m^2`],
    ['sites', `${s.sites}, ${s.sitesInsideBuildings === 0 ? 'none inside a building' : `${s.sitesInsideBuildings} INSIDE a building`} (closest to a facade: ${n(s.minSiteFacadeDistance, 1)} m)`],
    ['carrier frequency', `${n(s.carrierFreqHz / 1e9, 2)} GHz (wavelength ${n((299792458 / s.carrierFreqHz) * 1000, 2)} mm)`],
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n');
}
