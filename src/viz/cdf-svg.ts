// Error CDF plot as a standalone SVG (the paper's Fig. 4): one line per model, x = 2D error (m),
// y = share of test samples within that error, legend with each model's mean error.

import { seriesColor } from './model-colors.ts';

export interface CdfSeries {
  label: string;
  /** Points (error_m[k], probability[k]), error ascending. */
  errorM: number[];
  probability: number[];
  meanErrorM: number;
}

/** A round axis maximum and tick step covering `v` (1, 2 or 5 times a power of ten per step). */
export function niceAxis(v: number, ticks = 5): { max: number; step: number } {
  if (!(v > 0)) return { max: 1, step: 0.2 };
  const raw = v / ticks;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? 10 * p;
  return { max: Math.ceil(v / step - 1e-9) * step, step };
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const f = (v: number) => Number(v.toFixed(2)).toString();

/** Axis text of a CDF plot: the quantity (x label) and its unit (legend). Default: 2D positioning error in m. */
export interface CdfAxis {
  xLabel: string;
  yLabel: string;
  unit: string;
}

const POSITIONING: CdfAxis = { xLabel: '2D positioning error (m)', yLabel: 'CDF (share of test samples)', unit: 'm' };

/** The plot; the x axis ends at the largest 95th-percentile error of the series (long tails are cut). */
export function cdfSvg(series: CdfSeries[], title: string, axis: CdfAxis = POSITIONING): string {
  const W = 640, H = 440, L = 64, R = 20, T = 40, B = 56;
  const pw = W - L - R, ph = H - T - B;
  const p95 = Math.max(...series.map((s) => interpolate(s.probability, s.errorM, 0.95)), 1e-3);
  const { max: xMax, step } = niceAxis(p95);
  const X = (e: number) => L + (Math.min(e, xMax) / xMax) * pw;
  const Y = (p: number) => T + (1 - p) * ph;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="14">${esc(title)}</text>`,
  ];
  for (let k = 0; k * step <= xMax + 1e-9; k++) {
    const x = X(k * step);
    out.push(`<line x1="${f(x)}" y1="${T}" x2="${f(x)}" y2="${T + ph}" stroke="#ddd"/>`, `<text x="${f(x)}" y="${T + ph + 16}" text-anchor="middle">${f(k * step)}</text>`);
  }
  for (let k = 0; k <= 10; k += 2) {
    const y = Y(k / 10);
    out.push(`<line x1="${L}" y1="${f(y)}" x2="${L + pw}" y2="${f(y)}" stroke="#ddd"/>`, `<text x="${L - 6}" y="${f(y + 4)}" text-anchor="end">${f(k / 10)}</text>`);
  }
  out.push(
    `<rect x="${L}" y="${T}" width="${pw}" height="${ph}" fill="none" stroke="black"/>`,
    `<text x="${L + pw / 2}" y="${H - 16}" text-anchor="middle">${esc(axis.xLabel)}</text>`,
    `<text transform="translate(18 ${T + ph / 2}) rotate(-90)" text-anchor="middle">${esc(axis.yLabel)}</text>`,
  );
  // Curves first, then the legend in a white box on top of them (lower right: where CDFs have risen).
  const legendTop = T + ph - 26 - (series.length - 1) * 18;
  // 200 px, wider for long labels (~6.6 px a character at 12 px).
  const text = (s: CdfSeries) => `${s.label} (mean ${s.meanErrorM.toFixed(2)} ${axis.unit})`;
  const lw = Math.max(200, 46 + Math.ceil(6.6 * Math.max(...series.map((s) => text(s).length))));
  const lx = L + pw - lw - 8;
  const legend = [`<rect x="${lx}" y="${legendTop}" width="${lw}" height="${series.length * 18 + 6}" fill="white" fill-opacity="0.85" stroke="#999"/>`];
  series.forEach((s, i) => {
    const color = seriesColor(s.label, i);
    out.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${s.errorM.map((e, k) => `${f(X(e))},${f(Y(s.probability[k]))}`).join(' ')}"/>`);
    const ly = legendTop + 12 + i * 18;
    legend.push(
      `<line x1="${lx + 8}" y1="${ly}" x2="${lx + 32}" y2="${ly}" stroke="${color}" stroke-width="2"/>`,
      `<text x="${lx + 38}" y="${ly + 4}">${esc(text(s))}</text>`,
    );
  });
  out.push(...legend);
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

/** y at x on a piecewise-linear curve given by ascending xs. */
function interpolate(xs: number[], ys: number[], x: number): number {
  for (let k = 1; k < xs.length; k++)
    if (xs[k] >= x) return ys[k - 1] + ((x - xs[k - 1]) / Math.max(1e-12, xs[k] - xs[k - 1])) * (ys[k] - ys[k - 1]);
  return ys[ys.length - 1] ?? 0;
}
