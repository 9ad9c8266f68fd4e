import type { CityMap, Point2 } from './types.ts';

// A loaded map -> a simgen-map/1 document (the format src/map/load.ts reads), e.g. for `simgen map import`:
// a map converted from lon/lat, noded, with every default written out so a user can inspect and edit it.

const closed = (ring: Point2[]) => [...ring, ring[0]];

export function toSimgenGeojson(map: CityMap, source?: string): Record<string, unknown> {
  const feature = (properties: Record<string, unknown>, geometry: Record<string, unknown>) => ({ type: 'Feature', properties, geometry });
  const { width: w, height: h } = map;
  return {
    type: 'FeatureCollection',
    name: map.name,
    simgen: {
      format: 'simgen-map/1',
      frame: 'local metric frame: x east, y north, metres, origin at the south-west corner',
      width: w,
      height: h,
      ...(map.origin ? { origin_lon_lat: [map.origin.lon, map.origin.lat] } : {}),
      ...(source ? { source } : {}),
      ...(map.notes?.length ? { notes: map.notes.join('; ') } : {}),
    },
    features: [
      feature({ kind: 'ground', material: map.groundMaterial }, { type: 'Polygon', coordinates: [closed([[0, 0], [w, 0], [w, h], [0, h]])] }),
      ...map.buildings.map((b) =>
        feature({ kind: 'building', id: b.id, height: b.height, wall_material: b.wallMaterial, roof_material: b.roofMaterial, ...(b.osmId ? { osm_id: b.osmId } : {}) }, { type: 'Polygon', coordinates: [closed(b.footprint)] }),
      ),
      ...map.pedestrianAreas.map((a) => feature({ kind: 'pedestrian', name: a.name, material: a.material }, { type: 'Polygon', coordinates: [closed(a.polygon)] })),
      ...map.streets.map((s) =>
        feature(
          {
            kind: 'street',
            id: s.id,
            name: s.name,
            width: s.width,
            lanes_per_direction: s.lanesPerDirection,
            lane_width: s.laneWidth,
            speed_limit_kmh: s.speedLimitKmh,
            ...(s.oneway ? { oneway: true } : {}),
            ...(s.layer ? { layer: s.layer } : {}),
            ...(s.osmId ? { osm_id: s.osmId } : {}),
          },
          { type: 'LineString', coordinates: s.centerline },
        ),
      ),
    ],
  };
}

/** Compact JSON with one feature per line: small, and readable in a diff. */
export function formatGeojson(doc: Record<string, unknown>): string {
  const { features, ...head } = doc as { features: unknown[] };
  const top = JSON.stringify(head, null, 1).replace(/\n}$/, '');
  return `${top},\n "features": [\n${features.map((f) => `  ${JSON.stringify(f)}`).join(',\n')}\n ]\n}\n`;
}
