// Line plots as standalone SVG (no dependencies): one or more named series of (x, y) points, axis
// labels, ticks, a legend; linear or log10 axes. Used for the experiment figures (paper Figs. 5-8).
// Output is a pure function of the input (fixed number formatting), so plots are byte-identical
// across runs.

import { seriesColor } from './model-colors.ts';

export interface LineSeries {
  name: string;
  points: Array<[number, number]>;
  /** Stroke colour; defaults to the palette entry of the series index. */
  color?: string;
  /** Dashed line (e.g. for a reference). */
  dashed?: boolean;
  /** Dots on the data points (default true; off for dense curves such as CDFs). */
  markers?: boolean;
  /** Join the points with a line (default true; false: a scatter of dots). */
  line?: boolean;
  /** Dot radius (px, default 3) and opacity (default 1), for dense scatters. */
  markerRadius?: number;
  markerOpacity?: number;
  /** Listed in the legend (default true; false for e.g. the second edge of a band). */
  legend?: boolean;
}

export interface LinePlotOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  series: LineSeries[];
  xLog?: boolean;
  yLog?: boolean;
  /** Explicit x tick positions (e.g. the swept values); default: round numbers. */
  xTicks?: number[];
  /** Include 0 on a linear axis, as a mean error plot usually should. */
  xFromZero?: boolean;
  yFromZero?: boolean;
  /** Fixed axis ranges [lo, hi] (points outside are not drawn); default: the data's. */
  xRange?: [number, number];
  yRange?: [number, number];
  /** Plot area width (px); the legend is added to the right of it. */
  width?: number;
  height?: number;
}

const M = { left: 64, right: 16, top: 34, bottom: 48 };
/** Rough width of a 12 px sans-serif character, to size the legend. */
const CHAR_W = 7;

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A number as a short tick label (no float noise). */
export function tickLabel(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(0).replace('e+', 'e');
  return String(Number(v.toPrecision(6)));
}

/** About `count` round ticks (1, 2, 5 x 10^k steps) covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 6): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step - 1e-9) * step; t <= hi + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

/**
 * Log-axis ticks: the powers of ten in range, plus 2 and 5 multiples when there are few decades;
 * round linear steps when that still gives fewer than three.
 */
export function logTicks(lo: number, hi: number): number[] {
  const ticks: number[] = [];
  const fewDecades = Math.log10(hi / lo) < 3;
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++)
    for (const m of fewDecades ? [1, 2, 5] : [1]) {
      const t = Number((m * 10 ** e).toPrecision(12));
      if (t >= lo * (1 - 1e-9) && t <= hi * (1 + 1e-9)) ticks.push(t);
    }
  return ticks.length >= 3 ? ticks : niceTicks(lo, hi, 4).filter((t) => t >= lo && t <= hi);
}

interface Axis {
  map: (v: number) => number;
  ticks: number[];
}

function axis(values: number[], log: boolean, from: number, to: number, fromZero: boolean, explicit?: number[], range?: [number, number]): Axis {
  const vals = range ? [...range] : values.filter((v) => Number.isFinite(v) && (!log || v > 0));
  let lo = Math.min(...vals, ...(explicit ?? []));
  let hi = Math.max(...vals, ...(explicit ?? []));
  if (!Number.isFinite(lo)) [lo, hi] = log ? [1, 10] : [0, 1];
  if (log) {
    if (hi / lo < 1.5) [lo, hi] = [lo / 1.25, hi * 1.25];
    const [a, b] = [Math.log10(lo), Math.log10(hi)];
    return { map: (v) => from + ((Math.log10(v) - a) / (b - a)) * (to - from), ticks: explicit ?? logTicks(lo, hi) };
  }
  if (fromZero) lo = Math.min(0, lo);
  if (hi - lo < 1e-12) [lo, hi] = [lo - 1, hi + 1];
  const ticks = explicit ?? niceTicks(lo, hi);
  if (!explicit) [lo, hi] = [Math.min(lo, ticks[0]), Math.max(hi, ticks[ticks.length - 1])];
  return { map: (v) => from + ((v - lo) / (hi - lo)) * (to - from), ticks };
}

const f1 = (v: number) => v.toFixed(1);

/** Render the plot as an SVG document. */
export function lineSvg(o: LinePlotOptions): string {
  const legendW = 50 + CHAR_W * Math.max(0, ...o.series.map((s) => s.name.length));
  const plotRight = M.left + (o.width ?? 480);
  const width = Math.max(plotRight + legendW + M.right, M.left + 8 * o.title.length);
  const height = o.height ?? 400;
  const plotBottom = height - M.bottom;
  const xs = o.series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = o.series.flatMap((s) => s.points.map((p) => p[1]));
  const X = axis(xs, !!o.xLog, M.left, plotRight, !!o.xFromZero, o.xTicks, o.xRange);
  const Y = axis(ys, !!o.yLog, plotBottom, M.top, !!o.yFromZero, undefined, o.yRange);
  const inside = (v: number, r?: [number, number]) => !r || (v >= r[0] && v <= r[1]);
  const ok = (p: [number, number]) => Number.isFinite(p[0]) && Number.isFinite(p[1]) && (!o.xLog || p[0] > 0) && (!o.yLog || p[1] > 0) && inside(p[0], o.xRange) && inside(p[1], o.yRange);

  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="${width}" height="${height}" fill="#fff"/>`);
  out.push(`<text x="${M.left}" y="20" font-size="14">${esc(o.title)}</text>`);
  // Grid and ticks.
  for (const t of X.ticks) {
    const x = f1(X.map(t));
    out.push(`<line x1="${x}" y1="${M.top}" x2="${x}" y2="${plotBottom}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${x}" y="${plotBottom + 16}" text-anchor="middle">${tickLabel(t)}</text>`);
  }
  for (const t of Y.ticks) {
    const y = f1(Y.map(t));
    out.push(`<line x1="${M.left}" y1="${y}" x2="${plotRight}" y2="${y}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${M.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${tickLabel(t)}</text>`);
  }
  out.push(`<rect x="${M.left}" y="${M.top}" width="${plotRight - M.left}" height="${plotBottom - M.top}" fill="none" stroke="#000"/>`);
  out.push(`<text x="${f1((M.left + plotRight) / 2)}" y="${height - 10}" text-anchor="middle">${esc(o.xLabel)}</text>`);
  out.push(`<text transform="translate(16 ${f1((M.top + plotBottom) / 2)}) rotate(-90)" text-anchor="middle">${esc(o.yLabel)}</text>`);
  // Series.
  let entry = 0;
  o.series.forEach((s, i) => {
    const color = s.color ?? seriesColor(s.name, i);
    const pts = s.points.filter(ok).map((p) => `${f1(X.map(p[0]))},${f1(Y.map(p[1]))}`);
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    const line = s.line !== false;
    if (line && pts.length > 1) out.push(`<polyline points="${pts.join(' ')}" fill="none" stroke="${color}" stroke-width="2"${dash}/>`);
    const r = s.markerRadius ?? 3;
    const op = s.markerOpacity !== undefined && s.markerOpacity < 1 ? ` fill-opacity="${s.markerOpacity}"` : '';
    if (s.markers !== false || !line)
      for (const p of pts) {
        const [x, y] = p.split(',');
        out.push(`<circle cx="${x}" cy="${y}" r="${r}" fill="${color}"${op}/>`);
      }
    if (s.legend === false) return;
    const ly = M.top + 10 + entry++ * 20;
    const lx = plotRight + 14;
    if (line) out.push(`<line x1="${lx}" y1="${ly}" x2="${lx + 24}" y2="${ly}" stroke="${color}" stroke-width="2"${dash}/>`);
    else out.push(`<circle cx="${lx + 12}" cy="${ly}" r="4" fill="${color}"/>`);
    out.push(`<text x="${lx + 30}" y="${ly}" dominant-baseline="middle">${esc(s.name)}</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
