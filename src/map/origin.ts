import type { CityMap } from './types.ts';

// Outputs of a map that has a place on the Earth record it, so that their x, y map back to lon/lat:
// schema metadata `origin_lon_lat` = "[lon, lat]" (WGS84 degrees of the frame origin, the map's south-west
// corner; x east and y north in metres of the local east-north-up frame, see src/map/osm/projection.ts).

export const ORIGIN_KEY = 'origin_lon_lat';

/** The metadata entry for a map's origin, or none for a map without one. */
export function originMetadata(map: CityMap): [string, string][] {
  return map.origin ? [[ORIGIN_KEY, JSON.stringify([map.origin.lon, map.origin.lat])]] : [];
}
