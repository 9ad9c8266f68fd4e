// Draws a large invented district for scale tests: a seeded, OpenStreetMap-style WGS84 GeoJSON (as overpass
// turbo exports it) of N buildings, by default 5,000 on about 1.1 x 1.3 km. Streets run in a grid every 80 m
// (16 m between facades; residential, and a secondary road every fourth line); each 64 x 64 m block holds 5 x 5
// lots of 12.8 m, nine in ten built, each building its lot less a 0.5-2.5 m margin on every side (gaps of 1-5 m,
// as in a dense European quarter), 2-12 storeys, brick, concrete or glass. The density is the same at every N:
// twice the buildings cover twice the area.
// Run: npx tsx maps/dense-district.make.ts [--buildings N] [--out FILE] (default output/dense-district-N.geojson).
// Not bundled: at 5,000 buildings the file is ~3 MB; it is drawn again in a second, identically.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import seedrandom from 'seedrandom';
import { LocalFrame } from '../src/map/osm/projection.ts';
import type { Point2 } from '../src/map/types.ts';

const PITCH = 80; // street grid, m
const STREET = 16; // facade to facade, m
const LOTS = 5; // lots per block side
const MATERIALS = ['brick', 'concrete', 'glass'];

/** The district of `n` buildings as a GeoJSON document (seeded by n). */
export function denseDistrict(n: number): { type: string; name: string; generator: string; bbox: number[]; features: object[] } {
  const rng = seedrandom(`dense-district-${n}`);
  const rand = (a: number, b: number) => a + (b - a) * rng();
  const blocks = Math.ceil(n / (LOTS * LOTS * 0.9));
  const cols = Math.ceil(Math.sqrt(blocks / 1.3));
  const rows = Math.ceil(blocks / cols) + 1; // a spare row: nine in ten lots built is an expectation, not a count
  const frame = new LocalFrame(-3.7038, 40.4168);
  const ll = (p: Point2) => frame.toLonLat(p[0], p[1]).map((v) => Math.round(v * 1e8) / 1e8);
  const half = STREET / 2;
  const features: object[] = [];
  let id = 1;
  const lot = (PITCH - STREET) / LOTS;
  let built = 0;
  for (let r = 0; r < rows && built < n; r++)
    for (let c = 0; c < cols && built < n; c++)
      for (let i = 0; i < LOTS * LOTS && built < n; i++) {
        if (rng() < 0.1) continue;
        const x0 = half + c * PITCH + half + (i % LOTS) * lot;
        const y0 = half + r * PITCH + half + Math.floor(i / LOTS) * lot;
        const [a, b, cc, d] = [rand(0.5, 2.5), rand(0.5, 2.5), rand(0.5, 2.5), rand(0.5, 2.5)];
        const ring: Point2[] = [[x0 + a, y0 + b], [x0 + lot - cc, y0 + b], [x0 + lot - cc, y0 + lot - d], [x0 + a, y0 + lot - d]];
        const tags = { building: rng() < 0.7 ? 'apartments' : 'commercial', 'building:levels': String(Math.floor(rand(2, 13))), 'building:material': MATERIALS[Math.floor(rng() * 3)] };
        features.push({ type: 'Feature', id: `way/-${id}`, properties: { '@id': `way/-${id++}`, ...tags }, geometry: { type: 'Polygon', coordinates: [[...ring, ring[0]].map(ll)] } });
        built++;
      }
  const [w, h] = [cols * PITCH + STREET, rows * PITCH + STREET];
  const street = (line: Point2[], k: number) =>
    features.push({ type: 'Feature', id: `way/-${id}`, properties: { '@id': `way/-${id++}`, highway: k % 4 === 0 ? 'secondary' : 'residential', name: `Street ${id}` }, geometry: { type: 'LineString', coordinates: line.map(ll) } });
  for (let c = 0; c <= cols; c++) street([[half + c * PITCH, 0], [half + c * PITCH, h]], c);
  for (let r = 0; r <= rows; r++) street([[0, half + r * PITCH], [w, half + r * PITCH]], r);
  return { type: 'FeatureCollection', name: `dense-district-${n}`, generator: 'maps/dense-district.make.ts (an invented district)', bbox: [...ll([0, 0]), ...ll([w, h])], features };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const arg = (name: string) => process.argv[process.argv.indexOf(name) + 1];
  const n = process.argv.includes('--buildings') ? Number(arg('--buildings')) : 5000;
  if (!(Number.isInteger(n) && n >= 1 && n <= 200_000)) {
    console.error(`--buildings must be an integer >= 1 and <= 200000 (got ${arg('--buildings')})`);
    process.exit(2);
  }
  const out = process.argv.includes('--out') ? arg('--out') : `output/dense-district-${n}.geojson`;
  const doc = denseDistrict(n);
  fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
  fs.writeFileSync(out, `{"type":"FeatureCollection","name":"dense-district-${n}","features":[\n${doc.features.map((f) => JSON.stringify(f)).join(',\n')}\n],"bbox":${JSON.stringify(doc.bbox)}}\n`);
  console.log(`${n} buildings, ${doc.features.length - n} streets -> ${out}`);
}
