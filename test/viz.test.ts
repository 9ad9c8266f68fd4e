import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadImage } from '@napi-rs/canvas';
import type { CityMap } from '../src/map/types.ts';
import { renderMapPng } from '../src/radiomap/png.ts';
import { cdfSvg } from '../src/viz/cdf-svg.ts';
import { BUILDING, NOT_HEARD, siteColour } from '../src/viz/colormap.ts';

// The figures' rules: a CDF shows its tail (the axis reaches the 99th percentile) and says what lies beyond it;
// the best-server palette tells 24 sites apart; radio-map images come at print resolution on request.

/** A CDF as simgen stores it: the error at the quantiles 0, 0.01, ..., 1 of `errors`. */
function cdfOf(label: string, errors: number[]) {
  const sorted = [...errors].sort((a, b) => a - b);
  const probability = Array.from({ length: 101 }, (_, k) => k / 100);
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.round(p * (sorted.length - 1)))];
  return { label, errorM: probability.map(q), probability, meanErrorM: sorted.reduce((a, b) => a + b, 0) / sorted.length };
}

test('CDF: the x axis reaches the largest 99th percentile; the share beyond it is in the legend, the curve ends in an arrow', () => {
  // 95 % of the errors within 10 m, a tail to 40 m, and 0.5 % far out (200 m).
  const errors = Array.from({ length: 1000 }, (_, i) => (i < 950 ? (10 * i) / 950 : i < 995 ? 10 + (30 * (i - 950)) / 45 : 200));
  const s = cdfOf('HypLoc', errors);
  const svg = cdfSvg([s, cdfOf('Single', errors.map((e) => e / 2))], 'test');
  const ticks = [...svg.matchAll(/<text x="[\d.]+" y="\d+" text-anchor="middle">([\d.]+)<\/text>/g)].map((m) => Number(m[1]));
  const xMax = Math.max(...ticks);
  const p99 = s.errorM[99];
  assert.ok(xMax >= p99 && xMax < 2 * p99, `axis end ${xMax} m vs p99 ${p99} m`);
  // 0.5 % lie beyond; the stored quantiles (every 1 %) bound it by 1 %.
  assert.match(svg, new RegExp(`HypLoc \\(mean [\\d.]+ m; ≤ 1 % &gt; ${xMax} m\\)`), 'the share beyond the axis end, in the legend');
  assert.match(svg, new RegExp(`Single \\(mean [\\d.]+ m; ≤ 1 % &gt; ${xMax} m\\)`));
  const fits = cdfSvg([cdfOf('Single', errors.slice(0, 950))], 'test');
  assert.doesNotMatch(fits, /Single \(mean [\d.]+ m;/, 'no note for a curve that fits');
  assert.doesNotMatch(fits, /<path d="M/, 'no arrow for a curve that fits');
  // No point of a curve lies past the plot's right edge, and no curve climbs the right edge (errors piled there).
  const frame = /<rect x="(\d+)" y="\d+" width="(\d+)" height="\d+" fill="none" stroke="black"\/>/.exec(svg)!;
  const right = Number(frame[1]) + Number(frame[2]);
  for (const [, pts] of svg.matchAll(/<polyline fill="none" stroke="#[0-9A-F]+" stroke-width="2" points="([^"]+)"/g)) {
    const xs = pts.split(' ').map((p) => Number(p.split(',')[0]));
    assert.ok(Math.max(...xs) <= right + 1e-9);
    assert.ok(xs.filter((x) => x >= right - 1e-9).length <= 1, 'one point at most on the right edge');
  }
  assert.equal((svg.match(/<path d="M/g) ?? []).length, 2, 'an arrow on each curve that goes on beyond the axis');
});

/** CIELAB of an sRGB colour (D65). */
function lab([r, g, b]: number[]): [number, number, number] {
  const lin = (c: number) => ((c /= 255) <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  const [R, G, B] = [lin(r), lin(g), lin(b)];
  const f = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : ((24389 / 27) * t + 16) / 116);
  const [X, Y, Z] = [(0.4124 * R + 0.3576 * G + 0.1805 * B) / 0.95047, 0.2126 * R + 0.7152 * G + 0.0722 * B, (0.0193 * R + 0.1192 * G + 0.9505 * B) / 1.08883];
  return [116 * f(Y) - 16, 500 * (f(X) - f(Y)), 200 * (f(Y) - f(Z))];
}
const deltaE = (a: number[], b: number[]) => Math.hypot(...lab(a).map((v, k) => v - lab(b)[k]));

test('best-server colours: 24 sites in colours >= 26 Delta E*ab apart, none close to the not-heard or building greys', () => {
  const colours = Array.from({ length: 24 }, (_, i) => siteColour(i));
  let closest = Infinity;
  for (let i = 0; i < colours.length; i++) for (let j = 0; j < i; j++) closest = Math.min(closest, deltaE(colours[i], colours[j]));
  assert.ok(closest >= 26, `closest pair ${closest.toFixed(1)} Delta E`);
  for (const c of colours) for (const grey of [NOT_HEARD, BUILDING, [255, 255, 255]]) assert.ok(deltaE(c, grey) >= 30, `${c} vs ${grey}`);
  assert.deepEqual(siteColour(24), siteColour(0), 'the 25th site repeats the first');
});

test('radio-map image resolution: --scale 3 draws the same picture with 3x the pixels', async () => {
  const map = { name: 'square', width: 40, height: 30, groundMaterial: 'concrete', buildings: [], streets: [], pedestrianAreas: [], path: '' } as unknown as CityMap;
  const grid = { cell: 2, nx: 20, ny: 15, height: 1.5 };
  const rgba = new Uint8ClampedArray(4 * grid.nx * grid.ny);
  for (let k = 0; k < grid.nx * grid.ny; k++) rgba.set([...siteColour(k % 24), 255], 4 * k);
  const img = { map, grid, rgba, title: 'test', bar: { kind: 'discrete' as const, label: 'site', entries: [{ label: 'site 1', colour: siteColour(0) }] }, sites: [{ id: 1, x: 10, y: 10 }] };
  const [one, three] = await Promise.all([renderMapPng(img), renderMapPng(img, 3)].map((png) => loadImage(png)));
  assert.equal(three.width, 3 * one.width);
  assert.equal(three.height, 3 * one.height);
});
