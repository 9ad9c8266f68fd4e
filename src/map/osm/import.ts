import { UserError } from '../../util/errors.ts';
import type { Building, CityMap, PedestrianArea, Point2, Street } from '../types.ts';
import { DEFAULT_LEVELS, DEFAULT_LEVELS_OTHER, DEFAULT_ROOF, DEFAULT_WALL, DEFAULT_WALL_OTHER, GROUND_MATERIAL, HIGHWAY, IMPLIED_ONEWAY, IMPORT_RULES, MATERIAL_FROM_TAG, MAXSPEED_ZONES, STOREY_HEIGHT_M } from './defaults.ts';
import { selfIntersects } from '../geometry.ts';
import { cleanRing, type Footprint, mergeFootprints } from './footprints.ts';
import { LocalFrame } from './projection.ts';

// An OpenStreetMap-style GeoJSON FeatureCollection in WGS84 lon/lat (as overpass turbo, QuickOSM or
// ogr2ogr export it) -> a simgen map in the local metric frame. Tags are read from the feature
// properties (string values, as OSM has them; ogr2ogr's `other_tags` hstore is unpacked). What is kept:
//   buildings  `building=*` (not `no`) Polygon/MultiPolygon -> height, wall and roof materials
//   streets    drivable `highway=*` LineString/MultiLineString -> lanes, width, speed limit, oneway, layer
//   pedestrian `highway=pedestrian` Polygon -> pedestrian area
// Everything else is skipped and counted in the notes. Defaults for missing tags: ./defaults.ts.

type Tags = Record<string, string>;

export interface ImportResult {
  map: CityMap;
  /** What was assumed, merged or skipped, one line each (printed by `simgen map import` and `simgen scene`). */
  notes: string[];
}

/** Coordinates are rounded to 1 mm in the map frame: shared OSM nodes stay shared, the file stays readable. */
const round = (v: number) => Math.round(v * 1000) / 1000;

/** ogr2ogr's `other_tags` value: "key"=>"value","key2"=>"value2". */
function hstore(s: string): Tags {
  const out: Tags = {};
  for (const m of s.matchAll(/"((?:[^"\\]|\\.)*)"=>"((?:[^"\\]|\\.)*)"/g)) out[m[1].replace(/\\(.)/g, '$1')] = m[2].replace(/\\(.)/g, '$1');
  return out;
}

function tagsOf(f: Record<string, unknown>): Tags {
  const props = (f.properties ?? {}) as Record<string, unknown>;
  const tags: Tags = {};
  const put = (o: Record<string, unknown>) => {
    for (const [k, v] of Object.entries(o)) if (v !== null && (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')) tags[k] = String(v);
  };
  put(props);
  if (props.tags && typeof props.tags === 'object') put(props.tags as Record<string, unknown>);
  if (typeof props.other_tags === 'string') Object.assign(tags, hstore(props.other_tags));
  return tags;
}

/** "way/123" from the feature id or the usual id properties; undefined when there is none. */
function osmIdOf(f: Record<string, unknown>, t: Tags): string | undefined {
  const id = f.id ?? t['@id'] ?? t.id ?? (t.osm_way_id ? `way/${t.osm_way_id}` : t.osm_id ? `${t.osm_type ?? 'way'}/${t.osm_id}` : undefined);
  return id === undefined ? undefined : String(id);
}

/** A length tag ("12", "12 m", "12.5m", "40'", "40 ft") in metres; undefined when it does not parse. */
export function parseLength(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const m = /^\s*([0-9]+(?:\.[0-9]+)?)\s*(m|metres?|meters?|ft|feet|')?\s*$/i.exec(v.split(';')[0]);
  if (!m) return undefined;
  const x = Number(m[1]) * (m[2] && /^(ft|feet|')$/i.test(m[2]) ? 0.3048 : 1);
  return x > 0 ? x : undefined;
}

/** A maxspeed tag in km/h ("50", "30 mph", "DE:urban", "walk"); undefined when it does not parse ("none", "signals"). */
export function parseMaxspeed(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const s = v.split(';')[0].trim();
  const m = /^([0-9]+(?:\.[0-9]+)?)\s*(mph|km\/h|kmh|kph|knots)?$/i.exec(s);
  if (m) {
    const unit = (m[2] ?? '').toLowerCase();
    const x = Number(m[1]) * (unit === 'mph' ? 1.609344 : unit === 'knots' ? 1.852 : 1);
    return x > 0 ? x : undefined;
  }
  const zone = /^(?:[A-Z]{2}:)?([a-z_]+?)(\d+)?$/.exec(s);
  if (zone) return zone[2] ? Number(zone[2]) : MAXSPEED_ZONES[zone[1]];
  return undefined;
}

const positiveInt = (v: string | undefined) => {
  const x = v === undefined ? NaN : Number(v.split(';')[0]);
  return Number.isFinite(x) && x >= 1 ? Math.round(x) : undefined;
};

/** Counts of where each value came from, for the notes. */
class Tally {
  private readonly counts = new Map<string, number>();
  add(key: string): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }
  text(): string {
    return [...this.counts].map(([k, n]) => `${n} ${k}`).join(', ');
  }
  get size(): number {
    return this.counts.size;
  }
}

const isPosition = (c: unknown) => Array.isArray(c) && c.length >= 2 && typeof c[0] === 'number' && typeof c[1] === 'number';
const isLine = (l: unknown) => Array.isArray(l) && l.every(isPosition);
const isPolygon = (p: unknown) => Array.isArray(p) && p.length > 0 && p.every(isLine);

export function importOsm(json: unknown, label: string, fallbackName: string): ImportResult {
  const doc = json as Record<string, unknown>;
  if (!doc || doc.type !== 'FeatureCollection' || !Array.isArray(doc.features))
    throw new UserError(`${label}: not a map: expected a GeoJSON FeatureCollection, either simgen's own format (with a "simgen" header) or OpenStreetMap-style WGS84 lon/lat`);
  const features = doc.features as Record<string, unknown>[];
  const skipped = new Tally();
  const heights = new Tally();
  const walls = new Tally();
  const streetDefaults = new Tally();
  const notes: string[] = [];

  interface RawBuilding { rings: number[][][]; tags: Tags; osmId: string }
  interface RawLine { line: number[][]; tags: Tags; osmId: string }
  const rawBuildings: RawBuilding[] = [];
  const rawStreets: RawLine[] = [];
  const rawPedestrian: RawBuilding[] = [];
  features.forEach((f, i) => {
    const g = f?.geometry as { type?: string; coordinates?: unknown } | null;
    const t = tagsOf(f ?? {});
    const osmId = osmIdOf(f ?? {}, t) ?? `features[${i}]`;
    if (!g || !g.type) return skipped.add('without geometry');
    const polygons = g.type === 'Polygon' ? [g.coordinates as number[][][]] : g.type === 'MultiPolygon' ? (g.coordinates as number[][][][]) : undefined;
    const lines = g.type === 'LineString' ? [g.coordinates as number[][]] : g.type === 'MultiLineString' ? (g.coordinates as number[][][]) : undefined;
    const shape = polygons ? (Array.isArray(polygons) && polygons.every(isPolygon) ? '' : 'rings of [lon, lat] positions') : lines ? (Array.isArray(lines) && lines.every(isLine) ? '' : '[lon, lat] positions') : '';
    if (shape) throw new UserError(`${label}: features[${i}] (${osmId}): geometry "${g.type}" needs ${shape} as RFC 7946 has them (got ${JSON.stringify(g.coordinates)?.slice(0, 80)})`);
    if (t.building && t.building !== 'no' && polygons) {
      polygons.forEach((rings, k) => rawBuildings.push({ rings, tags: t, osmId: polygons.length > 1 ? `${osmId}#${k + 1}` : osmId }));
    } else if (t['building:part']) {
      skipped.add('building:part (the outline building is used)');
    } else if (t.highway === 'pedestrian' && polygons) {
      polygons.forEach((rings, k) => rawPedestrian.push({ rings, tags: t, osmId: polygons.length > 1 ? `${osmId}#${k + 1}` : osmId }));
    } else if (t.highway && HIGHWAY[t.highway] && lines) {
      if (t.tunnel && t.tunnel !== 'no') return skipped.add(`tunnel (no radio path to a tunnel)`);
      if (t.covered && t.covered !== 'no') return skipped.add('covered way');
      if (t.area === 'yes') return skipped.add('highway area');
      lines.forEach((line, k) => rawStreets.push({ line, tags: t, osmId: lines.length > 1 ? `${osmId}#${k + 1}` : osmId }));
    } else if (t.highway) {
      skipped.add(`highway=${t.highway} (not driven)`);
    } else {
      skipped.add('other features');
    }
  });
  if (rawBuildings.length + rawStreets.length === 0)
    throw new UserError(`${label}: no building (tag "building") or drivable street (tag "highway") found: not an OpenStreetMap-style map, and no "simgen" header for simgen's own format`);

  // Every coordinate must be WGS84 lon/lat; the frame origin is the south-west corner of them all (or of the
  // file's RFC 7946 `bbox` when it has one).
  const all: number[][] = [...rawBuildings.flatMap((b) => b.rings.flat()), ...rawPedestrian.flatMap((b) => b.rings.flat()), ...rawStreets.flatMap((s) => s.line)];
  for (const c of all)
    if (!Array.isArray(c) || typeof c[0] !== 'number' || typeof c[1] !== 'number' || Math.abs(c[0]) > 180 || Math.abs(c[1]) > 90)
      throw new UserError(`${label}: coordinate ${JSON.stringify(c)} is not WGS84 [longitude, latitude] (|lon| <= 180, |lat| <= 90); a map in metres needs the "simgen" header (docs/map-and-scenario.md)`);
  const bb = Array.isArray(doc.bbox) && doc.bbox.length === 4 && doc.bbox.every((v) => typeof v === 'number') ? (doc.bbox as number[]) : undefined;
  // (A loop, not Math.min(...all): a spread of a large city's coordinates overflows the call stack.)
  const lon0 = bb ? bb[0] : all.reduce((m, c) => Math.min(m, c[0]), Infinity);
  const lat0 = bb ? bb[1] : all.reduce((m, c) => Math.min(m, c[1]), Infinity);
  const frame = new LocalFrame(lon0, lat0);
  const project = (c: number[]): Point2 => {
    const [x, y] = frame.toMap(c[0], c[1]).map(round);
    if (x < -0.01 || y < -0.01) throw new UserError(`${label}: coordinate ${JSON.stringify(c)} lies outside the file's bbox ${JSON.stringify(bb)}`);
    return [Math.max(0, x), Math.max(0, y)]; // the tangent plane may put a point on the origin's parallel at -0.0
  };

  // Buildings: footprint, height, materials.
  const footprints: Footprint[] = [];
  let holes = 0;
  for (const b of rawBuildings) {
    const ring = cleanRing(b.rings[0].map(project));
    if (!ring) {
      skipped.add('degenerate building footprint');
      continue;
    }
    if (selfIntersects(ring)) throw new UserError(`${label}: building ${b.osmId}: its footprint is not a simple polygon (edges cross or touch); fix the outline (or remove the feature)`);
    holes += b.rings.length - 1;
    const t = b.tags;
    let height = parseLength(t.height);
    if (height !== undefined) heights.add('from height');
    else if (t['building:levels'] !== undefined && Number(t['building:levels']) > 0) {
      height = Number(t['building:levels']) * STOREY_HEIGHT_M;
      heights.add(`from building:levels x ${STOREY_HEIGHT_M} m`);
    } else {
      const levels = DEFAULT_LEVELS[t.building] ?? DEFAULT_LEVELS_OTHER;
      height = levels * STOREY_HEIGHT_M;
      heights.add('default');
    }
    const tagged = MATERIAL_FROM_TAG[t['building:material'] ?? t['building:facade:material'] ?? ''];
    const wallMaterial = tagged ?? DEFAULT_WALL[t.building] ?? DEFAULT_WALL_OTHER;
    walls.add(tagged ? 'from building:material' : 'default');
    const roofMaterial = MATERIAL_FROM_TAG[t['roof:material'] ?? ''] ?? DEFAULT_ROOF;
    footprints.push({ ring, height: Math.round(height * 1000) / 1000, wallMaterial, roofMaterial, osmIds: [b.osmId] });
  }
  const merged = mergeFootprints(footprints, label);
  const buildings: Building[] = merged.footprints.map((f, i) => ({ id: i + 1, footprint: f.ring, height: f.height, wallMaterial: f.wallMaterial, roofMaterial: f.roofMaterial, osmId: f.osmIds.join('+') }));

  const pedestrianAreas: PedestrianArea[] = [];
  for (const p of rawPedestrian) {
    const polygon = cleanRing(p.rings[0].map(project));
    if (polygon) pedestrianAreas.push({ name: p.tags.name ?? p.osmId, material: GROUND_MATERIAL, polygon });
  }

  // Streets: lanes, widths, speed limits, direction.
  const streets: Street[] = [];
  for (const s of rawStreets) {
    const t = s.tags;
    const cls = HIGHWAY[t.highway];
    let line = s.line.map(project).filter((p, i, a) => i === 0 || p[0] !== a[i - 1][0] || p[1] !== a[i - 1][1]);
    if (line.length < 2) {
      skipped.add('degenerate street');
      continue;
    }
    const onewayTag = t.oneway;
    const oneway = onewayTag === 'yes' || onewayTag === 'true' || onewayTag === '1' || onewayTag === '-1' || (onewayTag === undefined && (t.junction === 'roundabout' || t.junction === 'circular' || IMPLIED_ONEWAY.has(t.highway)));
    if (onewayTag === '-1') line = line.reverse(); // drawn against the direction of travel
    const lanesTag = positiveInt(t.lanes);
    const lanes = lanesTag ?? (oneway ? Math.max(1, cls.lanes / 2) : cls.lanes);
    const lanesPerDirection = oneway ? lanes : Math.max(1, Math.floor(lanes / 2));
    const widthTag = parseLength(t.width);
    const width = widthTag ?? lanes * cls.laneWidthM;
    // A tagged width narrower than the lanes at the default width: the lanes are narrower.
    const laneWidth = Math.min(cls.laneWidthM, width / (oneway ? lanesPerDirection : 2 * lanesPerDirection));
    const speed = parseMaxspeed(t.maxspeed);
    streetDefaults.add(`${lanesTag ? 'lanes tagged' : 'lanes default'}/${widthTag ? 'width tagged' : 'width default'}/${speed ? 'maxspeed tagged' : 'maxspeed default'}`);
    const layerTag = Number(t.layer);
    const layer = Number.isInteger(layerTag) && t.layer !== undefined ? Math.max(-5, Math.min(5, layerTag)) : t.bridge && t.bridge !== 'no' ? 1 : 0;
    streets.push({
      id: s.osmId,
      name: t.name ?? '',
      centerline: line,
      width: Math.round(width * 1000) / 1000,
      lanesPerDirection,
      laneWidth: Math.round(laneWidth * 1000) / 1000,
      speedLimitKmh: Math.round(Math.min(250, speed ?? cls.speedKmh) * 1000) / 1000,
      oneway,
      layer,
      osmId: s.osmId,
    });
  }

  // The extent: everything kept (or the bbox's north-east corner), so every point lies on the map.
  const pts = [...buildings.flatMap((b) => b.footprint), ...streets.flatMap((s) => s.centerline), ...pedestrianAreas.flatMap((a) => a.polygon)];
  const ne = bb ? project([bb[2], bb[3]]) : [0, 0];
  const width = pts.reduce((m, p) => Math.max(m, p[0]), ne[0]); // a loop: a spread of a city's points overflows the stack
  const height = pts.reduce((m, p) => Math.max(m, p[1]), ne[1]);
  if (bb && (width > ne[0] + 0.01 || height > ne[1] + 0.01)) throw new UserError(`${label}: some coordinates lie outside the file's bbox ${JSON.stringify(bb)} (north or east of it)`);

  notes.push(`origin (south-west corner) lon ${lon0.toFixed(7)}, lat ${lat0.toFixed(7)}${bb ? ' (from the file\'s bbox)' : ''}; local east-north-up frame, ${round(width)} m x ${round(height)} m`);
  if (heights.size) notes.push(`building heights: ${heights.text()} (default: building:levels by type x ${STOREY_HEIGHT_M} m)`);
  if (walls.size) notes.push(`wall materials: ${walls.text()} (default by building type)`);
  if (holes) notes.push(`${holes} inner ring${holes > 1 ? 's' : ''} (courtyards) filled: simgen extrudes solid footprints`);
  notes.push(...merged.notes);
  if (streetDefaults.size) notes.push(`streets: ${streetDefaults.text()}`);
  if (skipped.size) notes.push(`skipped: ${skipped.text()}`);

  const map: CityMap = {
    name: typeof doc.name === 'string' ? doc.name : fallbackName,
    width: round(width),
    height: round(height),
    groundMaterial: GROUND_MATERIAL,
    buildings,
    streets,
    pedestrianAreas,
    path: '',
    origin: { lon: lon0, lat: lat0 },
    importRules: IMPORT_RULES,
    notes,
  };
  return { map, notes };
}
