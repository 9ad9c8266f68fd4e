// What simgen assumes when an OpenStreetMap feature lacks a tag. Every value is documented (with its
// reason) in docs/map-and-scenario.md "Defaults for missing tags"; a changed table changes the stage keys
// of every map read through it (IMPORT_RULES enters the map hash).

/** Height of one storey when only `building:levels` is known, m. A typical floor-to-floor height of
 *  residential and office floors (2.7-3.3 m); the METIS Madrid grid uses 3.5 m. */
export const STOREY_HEIGHT_M = 3.0;

/** Storeys assumed when a building has neither `height` nor `building:levels`, by `building` value. */
export const DEFAULT_LEVELS: Record<string, number> = {
  // single-storey structures
  garage: 1, garages: 1, shed: 1, hut: 1, carport: 1, kiosk: 1, roof: 1, service: 1, toilets: 1, cabin: 1,
  // houses: ground floor + one
  house: 2, detached: 2, semidetached_house: 2, terrace: 2, bungalow: 1, farm: 2,
};
/** Any other value (`yes`, `apartments`, `residential`, `office`, ...): a small urban block. */
export const DEFAULT_LEVELS_OTHER = 3;

/** OSM `building:material` / `building:facade:material` / `roof:material` values -> ITU-R P.2040 material. */
export const MATERIAL_FROM_TAG: Record<string, string> = {
  concrete: 'concrete', reinforced_concrete: 'concrete', cement_block: 'concrete', plaster: 'concrete', stone: 'concrete', sandstone: 'concrete', limestone: 'concrete', masonry: 'concrete', roof_tiles: 'concrete', tile: 'concrete', asphalt: 'concrete', tar_paper: 'concrete', slate: 'concrete', eternit: 'concrete', gravel: 'concrete',
  brick: 'brick', clay: 'brick',
  glass: 'glass', mirror: 'glass',
  wood: 'wood', timber_framing: 'wood', bamboo: 'wood',
  metal: 'metal', steel: 'metal', metal_plates: 'metal', copper: 'metal', zinc: 'metal', aluminium: 'metal', tin: 'metal',
};

/** Wall material when no material tag is given, by `building` value; anything else is concrete. */
export const DEFAULT_WALL: Record<string, string> = {
  house: 'brick', detached: 'brick', semidetached_house: 'brick', terrace: 'brick', bungalow: 'brick', farm: 'brick',
  shed: 'wood', hut: 'wood', cabin: 'wood',
  office: 'glass',
  industrial: 'metal', warehouse: 'metal', hangar: 'metal', garages: 'metal',
};
export const DEFAULT_WALL_OTHER = 'concrete';
/** Flat roofs: concrete unless `roof:material` says otherwise. */
export const DEFAULT_ROOF = 'concrete';
/** The street surface (ground) of an imported map; see "Ground material at 28 GHz". */
export const GROUND_MATERIAL = 'concrete';

/** A drivable `highway` class: total lanes of a two-way way without `lanes`, lane width (m), speed limit (km/h). */
export interface HighwayClass {
  lanes: number;
  laneWidthM: number;
  speedKmh: number;
}

/**
 * Lanes: OSM's Key:lanes counts all lanes of the way, split evenly between directions; a plain two-way road
 * is lanes=2 (one each way), a one-way road one lane, wider classes two each way. Lane widths: 3.5 m on main
 * roads (the common European standard width, and simgen-map/1's own default), 3.0 m on minor urban streets.
 * Speeds: 50 km/h, the general urban limit of most European countries, on urban classes; 20 km/h on
 * living streets and service roads (shared spaces, parking aisles: the mobility rules turn at 20 km/h too);
 * rural limits on motorways and trunk roads.
 */
export const HIGHWAY: Record<string, HighwayClass> = {
  motorway: { lanes: 4, laneWidthM: 3.5, speedKmh: 120 },
  trunk: { lanes: 4, laneWidthM: 3.5, speedKmh: 100 },
  primary: { lanes: 4, laneWidthM: 3.5, speedKmh: 50 },
  secondary: { lanes: 2, laneWidthM: 3.5, speedKmh: 50 },
  tertiary: { lanes: 2, laneWidthM: 3.25, speedKmh: 50 },
  unclassified: { lanes: 2, laneWidthM: 3.0, speedKmh: 50 },
  residential: { lanes: 2, laneWidthM: 3.0, speedKmh: 50 },
  living_street: { lanes: 2, laneWidthM: 3.0, speedKmh: 20 },
  service: { lanes: 2, laneWidthM: 3.0, speedKmh: 20 },
  road: { lanes: 2, laneWidthM: 3.0, speedKmh: 50 },
  motorway_link: { lanes: 1, laneWidthM: 3.5, speedKmh: 80 },
  trunk_link: { lanes: 1, laneWidthM: 3.5, speedKmh: 60 },
  primary_link: { lanes: 1, laneWidthM: 3.5, speedKmh: 50 },
  secondary_link: { lanes: 1, laneWidthM: 3.5, speedKmh: 50 },
  tertiary_link: { lanes: 1, laneWidthM: 3.25, speedKmh: 50 },
};
/** `_link` roads and motorways are one-way unless tagged otherwise (OSM Key:oneway: implied on motorways and roundabouts). */
export const IMPLIED_ONEWAY = new Set(['motorway', 'motorway_link']);

/** `maxspeed` zone values (`XX:urban`, ...) -> km/h; walking speed as OSM's `walk`. */
export const MAXSPEED_ZONES: Record<string, number> = { urban: 50, rural: 90, motorway: 120, living_street: 20, zone30: 30, zone20: 20, zone: 30, walk: 20 };

/** Everything above, as the key of the import rules (enters the map hash). */
export const IMPORT_RULES = JSON.stringify({ v: 1, STOREY_HEIGHT_M, DEFAULT_LEVELS, DEFAULT_LEVELS_OTHER, MATERIAL_FROM_TAG, DEFAULT_WALL, DEFAULT_WALL_OTHER, DEFAULT_ROOF, GROUND_MATERIAL, HIGHWAY, MAXSPEED_ZONES });
