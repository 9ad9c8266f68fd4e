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
}

export interface Street {
  id: string;
  name: string;
  /** Centre line vertices; consecutive streets join where they share a vertex (intersection). */
  centerline: Point2[];
  width: number;
  lanesPerDirection: number;
  laneWidth: number;
  speedLimitKmh: number;
}

export interface PedestrianArea {
  name: string;
  polygon: Point2[];
  material: string;
}

export interface CityMap {
  name: string;
  /** Extent of the map: [0, width] x [0, height] metres. */
  width: number;
  height: number;
  groundMaterial: string;
  buildings: Building[];
  streets: Street[];
  pedestrianAreas: PedestrianArea[];
  /** Absolute path of the file it was read from. */
  path: string;
}
