import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { UserError } from '../util/errors.ts';
import { shownPath } from '../util/paths.ts';
import { readTextFile } from '../util/text-file.ts';
import { numberIn, parseOrThrow } from '../util/validate.ts';
import { BoxIndex } from './box-index.ts';
import { boxOf, polygonsOverlap, segmentEntersPolygon, selfIntersects, signedArea } from './geometry.ts';
import { nodeStreets, oneWayDeadEnds } from './noding.ts';
import { importOsm } from './osm/import.ts';
import type { Building, CityMap, PedestrianArea, Point2, Street } from './types.ts';

// Reads and validates a simgen map file: GeoJSON FeatureCollection in a local metric frame.
// The format is documented in README "Map format"; these schemas are its definition.

/** The largest map side, m: 20 km holds any city district a ray tracer is run on (a 5,000-building district is
 * about 1 x 1.3 km), and keeps every grid over the map (radio maps, scattering tiles) of a bounded size. */
export const MAX_MAP_EXTENT_M = 20_000;

/** The largest map file: far above a 20 km city's GeoJSON, below what one JavaScript string can hold. */
const MAP_MAX_BYTES = 256 * 2 ** 20;

const Coord = z.tuple([z.number(), z.number()]);
const Ring = z.array(Coord).min(4);

const BuildingProps = z.strictObject({
  kind: z.literal('building'),
  id: z.number().int().min(0),
  height: numberIn(0, 1000, 'm', { exclusiveMin: true }),
  floors: numberIn(1, 300, '', { int: true }).optional(),
  wall_material: z.string().min(1),
  roof_material: z.string().min(1),
  name: z.string().optional(),
  osm_id: z.string().optional(),
});
const GroundProps = z.strictObject({ kind: z.literal('ground'), material: z.string().min(1), name: z.string().optional() });
const PedestrianProps = z.strictObject({ kind: z.literal('pedestrian'), name: z.string(), material: z.string().min(1) });
const StreetProps = z.strictObject({
  kind: z.literal('street'),
  id: z.string().min(1),
  name: z.string().default(''),
  width: numberIn(0, 200, 'm', { exclusiveMin: true }),
  lanes_per_direction: numberIn(1, 8, '', { int: true }),
  lane_width: numberIn(0, 10, 'm', { exclusiveMin: true }).default(3.5),
  speed_limit_kmh: numberIn(0, 250, 'km/h', { exclusiveMin: true }).default(40),
  oneway: z.boolean().default(false),
  layer: numberIn(-5, 5, '', { int: true }).default(0),
  osm_id: z.string().optional(),
});

const PolygonGeom = z.strictObject({ type: z.literal('Polygon'), coordinates: z.array(Ring).length(1, 'one outer ring, no holes') });
const LineGeom = z.strictObject({ type: z.literal('LineString'), coordinates: z.array(Coord).min(2) });

const Header = z.object({
  type: z.literal('FeatureCollection'),
  name: z.string().optional(),
  simgen: z.object({ format: z.literal('simgen-map/1'), width: numberIn(0, MAX_MAP_EXTENT_M, 'm', { exclusiveMin: true }), height: numberIn(0, MAX_MAP_EXTENT_M, 'm', { exclusiveMin: true }), origin_lon_lat: z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]).optional() }).loose(),
  features: z.array(z.object({ type: z.literal('Feature'), properties: z.object({ kind: z.enum(['building', 'ground', 'street', 'pedestrian']) }).loose(), geometry: z.unknown() })),
});

/** Closed ring -> open, counter-clockwise, simple footprint. A point repeated right after itself is dropped
 * (it draws nothing); any other repeat, or edges that cross or touch, make the ring not simple: refused. */
function openRing(ring: Point2[], where: string): Point2[] {
  const [a, b] = [ring[0], ring[ring.length - 1]];
  if (a[0] !== b[0] || a[1] !== b[1]) throw new UserError(`${where}: footprint ring is not closed (first point ${JSON.stringify(a)} != last point ${JSON.stringify(b)}); GeoJSON rings repeat the first point at the end`);
  const open = ring.slice(0, -1).filter((p, i, r) => i === 0 || p[0] !== r[i - 1][0] || p[1] !== r[i - 1][1]) as Point2[];
  while (open.length > 1 && open[0][0] === open[open.length - 1][0] && open[0][1] === open[open.length - 1][1]) open.pop();
  const area = open.length < 3 ? 0 : signedArea(open);
  if (Math.abs(area) < 1e-6) throw new UserError(`${where}: footprint has zero area`);
  if (selfIntersects(open)) throw new UserError(`${where}: footprint is not a simple polygon (edges cross or touch, or a vertex is used twice); draw its outline once around, without crossings`);
  return area < 0 ? open.reverse() : open;
}

/** Which of the two map formats a parsed GeoJSON file is (see docs/map-and-scenario.md). */
export type MapFormat = 'simgen-map/1' | 'osm-geojson';

/** A file with a `simgen` header is simgen's own format; any other FeatureCollection is read as OSM-style WGS84 GeoJSON. */
export function detectFormat(json: unknown): MapFormat {
  return json !== null && typeof json === 'object' && 'simgen' in json ? 'simgen-map/1' : 'osm-geojson';
}

/** Reads either format; a WGS84 file is converted to the metric frame on the way (src/map/osm/). */
export function loadMap(file: string): CityMap {
  const abs = path.resolve(file);
  const label = `map ${path.basename(abs)}`;
  if (!fs.existsSync(abs)) throw new UserError(`${label}: file not found: ${shownPath(abs)}`);
  let json: unknown;
  try {
    json = JSON.parse(readTextFile(abs, label, MAP_MAX_BYTES));
  } catch (e) {
    throw new UserError(`${label}: not valid JSON (${(e as Error).message.replace(/\s+/g, ' ').slice(0, 200)})`); // V8 quotes the spot over several lines
  }
  const name = path.basename(abs, path.extname(abs));
  const raw = detectFormat(json) === 'simgen-map/1' ? parseSimgenMap(json, label, name) : importOsm(json, label, name).map;
  return finishMap({ ...raw, path: abs }, label);
}

/** A simgen-map/1 document (already parsed JSON) -> its records, checked field by field. */
export function parseSimgenMap(json: unknown, label: string, fallbackName: string): CityMap {
  const head = parseOrThrow(Header, json, label);
  const { width, height } = head.simgen;
  const buildings: Building[] = [];
  const streets: Street[] = [];
  const pedestrianAreas: PedestrianArea[] = [];
  let groundMaterial: string | undefined;

  head.features.forEach((f, i) => {
    const where = `${label}: features[${i}]`;
    const prefix = ['features', i];
    const offMap = (pts: Point2[], what: string) => {
      const bad = pts.find(([x, y]) => x < 0 || y < 0 || x > width || y > height);
      if (bad) throw new UserError(`${where}: ${what} point ${JSON.stringify(bad)} is off the map (allowed x 0..${width}, y 0..${height})`);
    };
    switch (f.properties.kind) {
      case 'building': {
        const p = parseOrThrow(BuildingProps, f.properties, label, [...prefix, 'properties']);
        const g = parseOrThrow(PolygonGeom, f.geometry, label, [...prefix, 'geometry']);
        const footprint = openRing(g.coordinates[0] as Point2[], `${where} (building ${p.id})`);
        offMap(footprint, `building ${p.id} footprint`);
        buildings.push({ id: p.id, footprint, height: p.height, wallMaterial: p.wall_material, roofMaterial: p.roof_material, ...(p.osm_id ? { osmId: p.osm_id } : {}) });
        break;
      }
      case 'ground': {
        const p = parseOrThrow(GroundProps, f.properties, label, [...prefix, 'properties']);
        if (groundMaterial) throw new UserError(`${where}: a second ground feature; a map has exactly one`);
        // The scene extrudes the ground as the whole map rectangle: any other polygon would be silently ignored.
        const g = parseOrThrow(PolygonGeom, f.geometry, label, [...prefix, 'geometry']);
        const ring = openRing(g.coordinates[0] as Point2[], `${where} (ground)`);
        const corners = [[0, 0], [width, 0], [width, height], [0, height]];
        if (ring.length !== 4 || corners.some(([x, y]) => !ring.some((v) => v[0] === x && v[1] === y)))
          throw new UserError(`${where}: the ground polygon must be the map rectangle [0,0] [${width},0] [${width},${height}] [0,${height}] (simgen.width x simgen.height)`);
        groundMaterial = p.material;
        break;
      }
      case 'pedestrian': {
        const p = parseOrThrow(PedestrianProps, f.properties, label, [...prefix, 'properties']);
        const g = parseOrThrow(PolygonGeom, f.geometry, label, [...prefix, 'geometry']);
        const polygon = openRing(g.coordinates[0] as Point2[], `${where} (pedestrian area ${p.name})`);
        offMap(polygon, `pedestrian area ${p.name}`);
        pedestrianAreas.push({ name: p.name, material: p.material, polygon });
        break;
      }
      case 'street': {
        const p = parseOrThrow(StreetProps, f.properties, label, [...prefix, 'properties']);
        const g = parseOrThrow(LineGeom, f.geometry, label, [...prefix, 'geometry']);
        offMap(g.coordinates as Point2[], `street ${p.id} centre line`);
        const dirs = p.oneway ? 1 : 2;
        if (dirs * p.lanes_per_direction * p.lane_width > p.width + 1e-9)
          throw new UserError(`${where}: street ${p.id}: ${dirs === 2 ? '2 x ' : ''}lanes_per_direction x lane_width = ${dirs * p.lanes_per_direction * p.lane_width} m exceeds width ${p.width} m`);
        streets.push({ id: p.id, name: p.name, centerline: g.coordinates as Point2[], width: p.width, lanesPerDirection: p.lanes_per_direction, laneWidth: p.lane_width, speedLimitKmh: p.speed_limit_kmh, oneway: p.oneway, layer: p.layer, ...(p.osm_id ? { osmId: p.osm_id } : {}) });
        break;
      }
    }
  });
  if (!groundMaterial) throw new UserError(`${label}: no ground feature (kind "ground" with a material) found`);
  const o = head.simgen.origin_lon_lat;
  return { name: head.name ?? fallbackName, width, height, groundMaterial, buildings, streets, pedestrianAreas, path: '', ...(o ? { origin: { lon: o[0], lat: o[1] } } : {}) };
}

/** A building or street id in messages, with its OpenStreetMap id when it has one. */
const idText = (x: { id: number | string; osmId?: string }) => `${x.id}${x.osmId ? ` (${x.osmId})` : ''}`;
export const nameOf = (what: 'building' | 'street', x: { id: number | string; osmId?: string }) => `${what} ${idText(x)}`;

/** Checks shared by both formats, after the streets are noded: the extent, unique ids, no overlapping footprints,
 * free centre lines. Pairs are found through a box index (box-index.ts): a 5,000-building map loads in seconds. */
export function finishMap(map: CityMap, label: string): CityMap {
  const { buildings, pedestrianAreas } = map;
  if (!(map.width <= MAX_MAP_EXTENT_M && map.height <= MAX_MAP_EXTENT_M))
    throw new UserError(`${label}: the map spans ${map.width} x ${map.height} m; the largest allowed is ${MAX_MAP_EXTENT_M} m a side (cut the area, e.g. with the export's bbox)`);
  const ids = new Set<number>();
  for (const b of buildings) {
    if (ids.has(b.id)) throw new UserError(`${label}: building id ${b.id} is used twice; ids must be unique`);
    ids.add(b.id);
  }
  const sids = new Set<string>();
  for (const s of map.streets) {
    if (sids.has(s.id)) throw new UserError(`${label}: street id "${s.id}" is used twice; ids must be unique`);
    sids.add(s.id);
  }
  for (const [i, j] of new BoxIndex(buildings.map((b) => boxOf(b.footprint))).pairs())
    if (polygonsOverlap(buildings[i].footprint, buildings[j].footprint))
      throw new UserError(`${label}: buildings ${idText(buildings[i])} and ${idText(buildings[j])} overlap; footprints may touch but not overlap`);
  let { streets } = nodeStreets(map.streets, label);
  const notes = [...(map.notes ?? [])];
  // A one-way street with a dead end: refused in simgen's own format; in an imported map (often cut at the
  // map's edge) driven both ways, with a note.
  for (const d of oneWayDeadEnds(streets)) {
    if (!map.importRules)
      throw new UserError(`${label}: one-way street ${d.street.id} ends in a dead end at ${JSON.stringify(d.at)}; vehicles could not ${d.end === 'start' ? 'enter' : 'leave'} it: join it to another street or drop "oneway"`);
    const width = Math.max(d.street.width, 2 * d.street.lanesPerDirection * d.street.laneWidth);
    streets = streets.map((s) => (s.id === d.street.id ? { ...s, oneway: false, width } : s));
    notes.push(`one-way street ${d.street.id} ends in a dead end: driven both ways (the map's edge cuts it)${width > d.street.width ? `, widened to ${width} m` : ''}`);
  }
  // Vehicles drive on the centre lines: none may cut through a building or a pedestrian area.
  const blocked = [...buildings.map((b) => ({ what: nameOf('building', b), poly: b.footprint })), ...pedestrianAreas.map((a) => ({ what: `pedestrian area ${a.name}`, poly: a.polygon }))];
  const near = new BoxIndex(blocked.map((o) => boxOf(o.poly)));
  for (const s of streets)
    for (let k = 1; k < s.centerline.length; k++) {
      const [a, b] = [s.centerline[k - 1], s.centerline[k]];
      const hit = near.query(boxOf([a, b])).map((i) => blocked[i]).find((o) => segmentEntersPolygon(a, b, o.poly));
      if (hit) throw new UserError(`${label}: ${nameOf('street', s)} centre line ${JSON.stringify(s.centerline[k - 1])}-${JSON.stringify(s.centerline[k])} runs through ${hit.what}; centre lines stay outside footprints and pedestrian areas`);
    }
  return { ...map, streets, ...(notes.length ? { notes } : {}) };
}
