import { fileURLToPath } from 'node:url';
import { createCanvas, GlobalFonts, type SKRSContext2D } from '@napi-rs/canvas';
import type { CityMap } from '../map/types.ts';
import { BUILDING, css, type Rgb } from '../viz/colormap.ts';
import type { RadioGrid } from './grid.ts';

// One radio-map image: the cells' colours over the map (an integer number of pixels a cell, no smoothing),
// the building footprints, the sites, metre axes, a title and a colour bar (continuous in dB, or a list of
// discrete entries). Drawn with @napi-rs/canvas (Skia) in the font bundled with @fontsource/dejavu-sans, so
// the image does not depend on the fonts a machine has.

const FONT = 'SimgenSans';
let fontsReady = false;
function registerFonts(): void {
  if (fontsReady) return;
  for (const weight of [400, 700]) GlobalFonts.registerFromPath(fileURLToPath(import.meta.resolve(`@fontsource/dejavu-sans/files/dejavu-sans-latin-${weight}-normal.woff2`)), FONT);
  fontsReady = true;
}

export type ColourBar =
  | { kind: 'continuous'; label: string; min: number; max: number; step: number; colour: (t: number) => Rgb }
  | { kind: 'discrete'; label: string; entries: { label: string; colour: Rgb }[] };

export interface MapImage {
  map: CityMap;
  grid: RadioGrid;
  /** RGBA of every cell, row j = 0 at the south (nx * ny * 4); alpha 0 = empty (inside a building or off the map). */
  rgba: Uint8ClampedArray;
  title: string;
  subtitle?: string;
  bar: ColourBar;
  /** Legend entries below the colour bar (e.g. "not heard"). */
  extra?: { label: string; colour: Rgb }[];
  sites: { id: number; x: number; y: number; highlight?: boolean }[];
}

const MARGIN = { left: 62, right: 190, top: 58, bottom: 52 };
const TARGET_PX = 720;

/**
 * Renders the image to PNG bytes. `resolution` multiplies every dimension (2 or 3 for print: the same figure,
 * its text, lines and cells drawn with that many pixels).
 */
export function renderMapPng(img: MapImage, resolution = 1): Buffer {
  registerFonts();
  const { grid, map } = img;
  const ppc = Math.max(1, Math.floor(TARGET_PX / Math.max(grid.nx, grid.ny)));
  const pw = grid.nx * ppc, ph = grid.ny * ppc;
  const scale = ppc / grid.cell; // pixels a metre
  const W = MARGIN.left + pw + MARGIN.right, H = MARGIN.top + ph + MARGIN.bottom;
  const canvas = createCanvas(Math.round(W * resolution), Math.round(H * resolution));
  const g = canvas.getContext('2d');
  g.scale(resolution, resolution);
  g.fillStyle = 'white';
  g.fillRect(0, 0, W, H);
  const px = (x: number) => MARGIN.left + x * scale;
  const py = (y: number) => MARGIN.top + ph - y * scale;

  // Cells: one pixel each on a small canvas (north up), scaled without smoothing.
  const cells = createCanvas(grid.nx, grid.ny);
  const cg = cells.getContext('2d');
  const data = cg.createImageData(grid.nx, grid.ny);
  for (let j = 0; j < grid.ny; j++) data.data.set(img.rgba.subarray(4 * j * grid.nx, 4 * (j + 1) * grid.nx), 4 * (grid.ny - 1 - j) * grid.nx);
  cg.putImageData(data, 0, 0);
  g.imageSmoothingEnabled = false;
  g.drawImage(cells, MARGIN.left, MARGIN.top, pw, ph);

  // Buildings.
  g.fillStyle = css(BUILDING);
  for (const b of map.buildings) {
    g.beginPath();
    b.footprint.forEach(([x, y], k) => (k === 0 ? g.moveTo(px(x), py(y)) : g.lineTo(px(x), py(y))));
    g.closePath();
    g.fill();
  }
  // Map outline and plot frame.
  g.strokeStyle = '#222';
  g.lineWidth = 1;
  g.strokeRect(px(0) + 0.5, py(map.height) + 0.5, map.width * scale, map.height * scale);

  // Sites: a white-edged dot and the id.
  g.font = `11px ${FONT}`;
  g.textAlign = 'left';
  g.textBaseline = 'middle';
  for (const s of img.sites) {
    g.beginPath();
    g.arc(px(s.x), py(s.y), s.highlight ? 5 : 3.5, 0, 2 * Math.PI);
    g.fillStyle = s.highlight ? '#e00000' : '#111';
    g.fill();
    g.strokeStyle = 'white';
    g.lineWidth = 1.5;
    g.stroke();
    const label = String(s.id);
    const lx = Math.min(px(s.x) + 6, MARGIN.left + pw - g.measureText(label).width - 1);
    g.lineWidth = 3;
    g.lineJoin = 'round'; // no miter spikes on the halo of "4"
    g.strokeText(label, lx, py(s.y) - 7);
    g.fillStyle = '#111';
    g.fillText(label, lx, py(s.y) - 7);
  }

  axes(g, map, px, py);
  // Title.
  g.fillStyle = '#111';
  g.textAlign = 'left';
  g.textBaseline = 'alphabetic';
  g.font = `bold 15px ${FONT}`;
  g.fillText(img.title, MARGIN.left, 22);
  if (img.subtitle) {
    g.font = `12px ${FONT}`;
    g.fillStyle = '#444';
    g.fillText(img.subtitle, MARGIN.left, 40);
  }
  colourBar(g, img, MARGIN.left + pw + 24, MARGIN.top, ph);
  return canvas.toBuffer('image/png');
}

/** A tick step of 1, 2 or 5 x 10^k giving about `target` ticks over `span`. */
export function niceStep(span: number, target: number): number {
  const raw = span / target;
  const p = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? 10 * p;
}

function axes(g: SKRSContext2D, map: CityMap, px: (x: number) => number, py: (y: number) => number): void {
  g.fillStyle = '#222';
  g.strokeStyle = '#222';
  g.lineWidth = 1;
  g.font = `12px ${FONT}`;
  const step = niceStep(Math.max(map.width, map.height), 6);
  g.textAlign = 'center';
  g.textBaseline = 'top';
  for (let x = 0; x <= map.width + 1e-9; x += step) {
    g.beginPath();
    g.moveTo(Math.round(px(x)) + 0.5, py(0));
    g.lineTo(Math.round(px(x)) + 0.5, py(0) + 5);
    g.stroke();
    g.fillText(String(x), px(x), py(0) + 7);
  }
  g.fillText('x (m)', px(map.width / 2), py(0) + 26);
  g.textAlign = 'right';
  g.textBaseline = 'middle';
  for (let y = 0; y <= map.height + 1e-9; y += step) {
    g.beginPath();
    g.moveTo(px(0) - 5, Math.round(py(y)) + 0.5);
    g.lineTo(px(0), Math.round(py(y)) + 0.5);
    g.stroke();
    g.fillText(String(y), px(0) - 7, py(y));
  }
  g.save();
  g.translate(14, py(map.height / 2));
  g.rotate(-Math.PI / 2);
  g.textAlign = 'center';
  g.fillText('y (m)', 0, 0);
  g.restore();
}

function colourBar(g: SKRSContext2D, img: MapImage, x: number, top: number, height: number): void {
  const bar = img.bar;
  g.font = `12px ${FONT}`;
  g.fillStyle = '#222';
  g.textAlign = 'left';
  g.textBaseline = 'alphabetic';
  g.fillText(bar.label, x - 8, top - 8);
  g.textBaseline = 'middle';
  let below: number;
  if (bar.kind === 'continuous') {
    const w = 18, h = Math.min(height, 360);
    for (let k = 0; k < h; k++) {
      g.fillStyle = css(bar.colour(1 - k / (h - 1)));
      g.fillRect(x, top + k, w, 1);
    }
    g.strokeStyle = '#222';
    g.strokeRect(x + 0.5, top + 0.5, w, h);
    g.fillStyle = '#222';
    for (let v = Math.ceil(bar.min / bar.step) * bar.step; v <= bar.max + 1e-9; v += bar.step) {
      const y = Math.round(top + (1 - (v - bar.min) / (bar.max - bar.min)) * (h - 1)) + 0.5;
      g.beginPath();
      g.moveTo(x + w, y);
      g.lineTo(x + w + 4, y);
      g.stroke();
      g.fillText(String(v), x + w + 7, y);
    }
    below = top + h + 22;
  } else {
    const row = Math.min(20, Math.floor((height - 30) / Math.max(1, bar.entries.length + (img.extra?.length ?? 0))));
    bar.entries.forEach((e, k) => swatch(g, x, top + k * row, Math.max(8, row - 6), e.colour, e.label));
    below = top + bar.entries.length * row + 10;
  }
  for (const e of img.extra ?? []) {
    swatch(g, x, below, 14, e.colour, e.label);
    below += 20;
  }
  swatch(g, x, below, 14, BUILDING, 'building');
}

function swatch(g: SKRSContext2D, x: number, y: number, size: number, colour: Rgb, label: string): void {
  g.fillStyle = css(colour);
  g.fillRect(x, y, 18, size);
  g.strokeStyle = '#222';
  g.lineWidth = 1;
  g.strokeRect(x + 0.5, y + 0.5, 18, size);
  g.fillStyle = '#222';
  g.textAlign = 'left';
  g.textBaseline = 'middle';
  g.fillText(label, x + 25, y + size / 2);
}
