// Typed records of a simgen map file (GeoJSON in a local metric frame). See README "Map format".

/** [x, y] in metres, map frame (x east, y north, origin south-west corner). */
export type Point2 = [number, number];

export interface Building {
  id: number;
  /** Closed footprint ring, counter-clockwise, first point NOT repeated. */
  footprint: Point2[];
  height: number;
  wallMaterial: string;
  roofMaterial: string;
  /** OpenStreetMap id ("way/123") of the feature it came from, for messages. */
  osmId?: string;
}

export interface Street {
  id: string;
  name: string;
  /** Centre line vertices; streets join where they share a vertex (loadMap nodes crossings and T-junctions). */
  centerline: Point2[];
  width: number;
  /** Lanes in each direction; on a one-way street, the lanes of its one direction. */
  lanesPerDirection: number;
  laneWidth: number;
  speedLimitKmh: number;
  /** Driven only in the direction of the centre line (default false). */
  oneway?: boolean;
  /** Streets on different layers (bridges, tunnels) never join (default 0). */
  layer?: number;
  /** OpenStreetMap id ("way/123") of the feature it came from, for messages. */
  osmId?: string;
}

export interface PedestrianArea {
  name: string;
  polygon: Point2[];
  material: string;
}

/** Where the map frame's origin lies on the Earth, for maps read from (or converted from) lon/lat. */
export interface MapOrigin {
  /** WGS84 longitude and latitude of the frame origin (the map's south-west corner), degrees. */
  lon: number;
  lat: number;
}

export interface CityMap {
  name: string;
  /** The origin on the Earth (maps made from WGS84 lon/lat); absent for maps drawn in a metric frame only. */
  origin?: MapOrigin;
  /** Extent of the map: [0, width] x [0, height] metres. */
  width: number;
  height: number;
  groundMaterial: string;
  buildings: Building[];
  streets: Street[];
  pedestrianAreas: PedestrianArea[];
  /** Absolute path of the file it was read from. */
  path: string;
  /** Maps converted from OpenStreetMap-style lon/lat: the import rules and defaults applied (enters the map hash). */
  importRules?: string;
  /** What the conversion assumed, merged or skipped, one line each. */
  notes?: string[];
}
