import type { CityMap } from '../map/types.ts';
import { NOT_HEARD, type Rgb, siteColour, viridis } from '../viz/colormap.ts';
import { niceStep, renderMapPng, type MapImage } from './png.ts';
import type { RadioMapValues } from './trace.ts';

// The PNG images of a radio map, as Sionna RT's RadioMap.show() and show_association() draw them: received
// power of each requested site, the maximum over those sites, the best server (the site heard strongest), and
// how many of a constellation's sites hear each cell. Received power is drawn from the heard threshold
// (transmit power - path-loss cutoff) up; cells below it, or with no path, are "not heard".

export interface ImageRequest {
  map: CityMap;
  values: RadioMapValues;
  /** Sites with an image of their own and entering the maximum and the best server (a subset of values.siteIds). */
  sites: number[];
  /** Every site of the scenario, drawn on the map. */
  allSites: { id: number; x: number; y: number }[];
  constellation?: { id: number; sites: number[] };
  txPowerDbm: number;
  cutoffDb: number;
  /** Pixels per image pixel (default 1; 2 or 3 for print). */
  resolution?: number;
}

export interface RadioMapImage {
  file: string;
  png: Buffer;
}

export function radioMapImages(req: ImageRequest): RadioMapImage[] {
  const { values: v, map } = req;
  const ns = v.siteIds.length, nc = v.cells.length;
  const col = (id: number) => v.siteIds.indexOf(id);
  const chosen = req.sites.map(col);
  const floor = req.txPowerDbm - req.cutoffDb;
  let top = -Infinity;
  for (const s of chosen) for (let n = 0; n < nc; n++) if (v.heard[n * ns + s]) top = Math.max(top, v.rxPowerDbm[n * ns + s]);
  const max = Math.max(floor + 10, Math.ceil(top / 10) * 10);
  const power = (dbm: number): Rgb => viridis((dbm - floor) / (max - floor));
  const bar = { kind: 'continuous' as const, label: 'received power (dBm)', min: floor, max, step: niceStep(max - floor, 8), colour: viridis };
  const notHeard = [{ label: `not heard (> ${req.cutoffDb} dB)`, colour: NOT_HEARD }];
  const cellText = `${fmt(v.grid.cell)} m cells at ${fmt(v.grid.height)} m, UE ${fmt(req.txPowerDbm)} dBm`;
  const base = (title: string, subtitle: string, rgba: Uint8ClampedArray, highlight: number[] = []): Omit<MapImage, 'bar'> => ({
    map, grid: v.grid, rgba, title, subtitle, sites: req.allSites.map((s) => ({ ...s, highlight: highlight.includes(s.id) })),
  });

  const render = (img: MapImage) => renderMapPng(img, req.resolution);
  const out: RadioMapImage[] = [];
  for (const id of req.sites) {
    const s = col(id);
    const rgba = raster(v, (n) => (v.heard[n * ns + s] ? power(v.rxPowerDbm[n * ns + s]) : NOT_HEARD));
    const heard = count(nc, (n) => v.heard[n * ns + s] === 1);
    out.push({ file: `site-${id}.png`, png: render({ ...base(`site ${id}: received power`, `${cellText}; heard in ${pct(heard, nc)} of the open area`, rgba, [id]), bar, extra: notHeard }) });
  }
  // Best heard site per cell (ties: the lower id).
  const best = new Int32Array(nc).fill(-1);
  for (let n = 0; n < nc; n++) for (const s of chosen) if (v.heard[n * ns + s] && (best[n] < 0 || v.rxPowerDbm[n * ns + s] > v.rxPowerDbm[n * ns + best[n]])) best[n] = s;
  const over = req.sites.length === v.siteIds.length ? `all ${req.sites.length} sites` : `sites ${req.sites.join(',')}`;
  const heardAny = count(nc, (n) => best[n] >= 0);
  out.push({ file: 'max.png', png: render({ ...base(`maximum received power over ${over}`, `${cellText}; heard in ${pct(heardAny, nc)} of the open area`, raster(v, (n) => (best[n] >= 0 ? power(v.rxPowerDbm[n * ns + best[n]]) : NOT_HEARD))), bar, extra: notHeard }) });
  const siteIndex = (s: number) => req.allSites.findIndex((a) => a.id === v.siteIds[s]);
  out.push({
    file: 'best-server.png',
    png: render({
      ...base(`best server over ${over}`, `${cellText}; the site heard strongest`, raster(v, (n) => (best[n] >= 0 ? siteColour(siteIndex(best[n])) : NOT_HEARD))),
      bar: { kind: 'discrete', label: 'site', entries: chosen.map((s) => ({ label: `site ${v.siteIds[s]}`, colour: siteColour(siteIndex(s)) })) },
      extra: notHeard,
    }),
  });
  if (req.constellation) {
    const K = req.constellation;
    const cs = K.sites.map(col);
    const heardBy = (n: number) => cs.reduce((a, s) => a + v.heard[n * ns + s], 0);
    const level = (k: number): Rgb => (k === 0 ? NOT_HEARD : viridis((k - 1) / Math.max(1, cs.length - 1)));
    const enough = Math.min(3, cs.length); // a position fix from power/ToF/AoA wants about three sites
    const atLeast = count(nc, (n) => heardBy(n) >= enough);
    out.push({
      file: `constellation-${K.id}.png`,
      png: render({
        ...base(`constellation #${K.id}: sites that hear each cell`, `sites ${K.sites.join(',')}; ${cellText}; >= ${enough} sites in ${pct(atLeast, nc)}`, raster(v, (n) => level(heardBy(n))), K.sites),
        bar: { kind: 'discrete', label: `sites heard (of ${cs.length})`, entries: Array.from({ length: cs.length + 1 }, (_, k) => ({ label: String(cs.length - k), colour: level(cs.length - k) })) },
      }),
    });
  }
  return out;
}

/**
 * RGBA of every grid cell: colour(n) for open cell n, transparent elsewhere. An empty cell next to an open one
 * (left, right, below, above, in that order) takes its colour in the picture: a cell whose centre lies on a wall
 * is empty (grid.ts) and its outer half would show as a blank strip along the building; the building drawn on
 * top hides the rest.
 */
function raster(v: RadioMapValues, colour: (n: number) => Rgb): Uint8ClampedArray {
  const { nx, ny } = v.grid;
  const rgba = new Uint8ClampedArray(4 * nx * ny);
  v.cells.forEach((k, n) => {
    const c = colour(n);
    rgba.set([c[0], c[1], c[2], 255], 4 * k);
  });
  const open = (i: number, j: number) => i >= 0 && j >= 0 && i < nx && j < ny && rgba[4 * (j * nx + i) + 3] === 255;
  const fill = new Int32Array(nx * ny).fill(-1);
  for (let j = 0; j < ny; j++)
    for (let i = 0; i < nx; i++) {
      if (open(i, j)) continue;
      const from = [[i - 1, j], [i + 1, j], [i, j - 1], [i, j + 1]].find(([a, b]) => open(a, b));
      if (from) fill[j * nx + i] = from[1] * nx + from[0];
    }
  fill.forEach((src, k) => src >= 0 && rgba.copyWithin(4 * k, 4 * src, 4 * src + 4));
  return rgba;
}

const count = (n: number, pred: (i: number) => boolean) => {
  let c = 0;
  for (let i = 0; i < n; i++) if (pred(i)) c++;
  return c;
};
const pct = (k: number, n: number) => `${((100 * k) / Math.max(1, n)).toFixed(1)} %`;
const fmt = (x: number) => String(Number(x.toFixed(3)));
