// Grouped bar chart as standalone SVG: categories along x, one bar per group in each, a legend. Used by the
// validation report (coverage per site, the strongest path's mechanism). A pure function of its input.

import { niceTicks, tickLabel } from './line-svg.ts';
import { seriesColor } from './model-colors.ts';

export interface BarGroup {
  name: string;
  /** One value per category. */
  values: number[];
  color?: string;
}

export interface BarPlotOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  categories: string[];
  groups: BarGroup[];
  /** Upper end of the y axis (default: the largest value, rounded up). */
  yMax?: number;
  width?: number;
  height?: number;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const f1 = (v: number) => v.toFixed(1);

export function barSvg(o: BarPlotOptions): string {
  const L = 64, T = 34, B = 48, R = 16;
  const legendW = 50 + 7 * Math.max(0, ...o.groups.map((g) => g.name.length));
  const pw = o.width ?? 480, height = o.height ?? 360;
  const plotRight = L + pw, plotBottom = height - B;
  const width = Math.max(plotRight + legendW + R, L + 8 * o.title.length);
  const top = o.yMax ?? Math.max(1e-12, ...o.groups.flatMap((g) => g.values.filter(Number.isFinite)));
  const ticks = niceTicks(0, top, 5);
  const yHi = Math.max(top, ticks[ticks.length - 1]);
  const Y = (v: number) => plotBottom - (Math.min(v, yHi) / yHi) * (plotBottom - T);
  const nc = Math.max(1, o.categories.length), ng = Math.max(1, o.groups.length);
  const slot = pw / nc, bw = (slot * 0.8) / ng;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${L}" y="20" font-size="14">${esc(o.title)}</text>`,
  ];
  for (const t of ticks) {
    const y = f1(Y(t));
    out.push(`<line x1="${L}" y1="${y}" x2="${plotRight}" y2="${y}" stroke="#e5e5e5"/>`, `<text x="${L - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${tickLabel(t)}</text>`);
  }
  // Category labels: every one when they fit, else every k-th.
  const every = Math.max(1, Math.ceil((7 * Math.max(1, ...o.categories.map((c) => c.length)) + 6) / slot));
  o.categories.forEach((c, k) => {
    if (k % every === 0) out.push(`<text x="${f1(L + (k + 0.5) * slot)}" y="${plotBottom + 16}" text-anchor="middle">${esc(c)}</text>`);
  });
  o.groups.forEach((g, i) => {
    const color = g.color ?? seriesColor(g.name, i);
    g.values.forEach((v, k) => {
      if (!Number.isFinite(v)) return;
      const x = L + k * slot + slot * 0.1 + i * bw;
      out.push(`<rect x="${f1(x)}" y="${f1(Y(v))}" width="${f1(Math.max(0.5, bw - 0.5))}" height="${f1(plotBottom - Y(v))}" fill="${color}"/>`);
    });
    const ly = T + 10 + i * 20, lx = plotRight + 14;
    out.push(`<rect x="${lx}" y="${ly - 6}" width="24" height="12" fill="${color}"/>`, `<text x="${lx + 30}" y="${ly}" dominant-baseline="middle">${esc(g.name)}</text>`);
  });
  out.push(
    `<rect x="${L}" y="${T}" width="${pw}" height="${plotBottom - T}" fill="none" stroke="#000"/>`,
    `<text x="${f1(L + pw / 2)}" y="${height - 10}" text-anchor="middle">${esc(o.xLabel)}</text>`,
    `<text transform="translate(16 ${f1((T + plotBottom) / 2)}) rotate(-90)" text-anchor="middle">${esc(o.yLabel)}</text>`,
    '</svg>',
  );
  return `${out.join('\n')}\n`;
}
