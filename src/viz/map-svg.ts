import type { CityMap, Point2 } from '../map/types.ts';
import { niceTicks } from './line-svg.ts';

// An SVG drawing of a map (streets, buildings, pedestrian areas, sites) that any stage can draw on:
// add layers in map coordinates (metres), add legend entries, then render(). Metre axes on the left and
// bottom, a scale bar under the legend, one font (sans-serif) for all text. y points up on the map and down
// in SVG; the flip happens here only.

export interface MapSvgOptions {
  /** Pixels per metre. */
  scale?: number;
  /** Sites to mark (small squares with their id). */
  sites?: { id: number; x: number; y: number }[];
  title?: string;
}

export interface LegendEntry {
  label: string;
  /** 'line' (stroke), 'dot' (filled circle) or 'square' (filled square). */
  shape: 'line' | 'dot' | 'square';
  color: string;
}

/** Room around the map: the axes' ticks and labels on the left and at the bottom. */
const MARGIN = { left: 52, right: 12, top: 12, bottom: 42 };
const LEGEND_W = 190;

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export class MapSvg {
  private readonly scale: number;
  private readonly layers: string[] = [];
  private readonly legend: LegendEntry[] = [];

  constructor(private readonly map: CityMap, private readonly opts: MapSvgOptions = {}) {
    this.scale = opts.scale ?? 1.5;
  }

  /** Map point -> SVG pixel coordinates, as "x,y" with 0.1 px precision. */
  px(p: Point2): string {
    return `${(MARGIN.left + p[0] * this.scale).toFixed(1)},${(MARGIN.top + (this.map.height - p[1]) * this.scale).toFixed(1)}`;
  }

  /** A polyline in map coordinates. */
  polyline(points: Point2[], color: string, widthPx = 1, opacity = 1): this {
    this.layers.push(`<polyline points="${points.map((p) => this.px(p)).join(' ')}" fill="none" stroke="${color}" stroke-width="${widthPx}" stroke-opacity="${opacity}" stroke-linejoin="round"/>`);
    return this;
  }

  dot(p: Point2, color: string, radiusPx = 3): this {
    const [x, y] = this.px(p).split(',');
    this.layers.push(`<circle cx="${x}" cy="${y}" r="${radiusPx}" fill="${color}" stroke="#000" stroke-width="0.5"/>`);
    return this;
  }

  /** Raw SVG markup placed above the map (pixel coordinates: use px()). */
  raw(markup: string): this {
    this.layers.push(markup);
    return this;
  }

  addLegend(entry: LegendEntry): this {
    this.legend.push(entry);
    return this;
  }

  private base(): string {
    const m = this.map;
    const poly = (pts: Point2[], fill: string, stroke: string) => `<polygon points="${pts.map((p) => this.px(p)).join(' ')}" fill="${fill}" stroke="${stroke}" stroke-width="0.6"/>`;
    const out: string[] = [poly([[0, 0], [m.width, 0], [m.width, m.height], [0, m.height]], '#f4f1ea', '#999')];
    for (const s of m.streets) {
      const pts = s.centerline.map((p) => this.px(p)).join(' ');
      out.push(`<polyline points="${pts}" fill="none" stroke="#d9d6cf" stroke-width="${(s.width * this.scale).toFixed(1)}" stroke-linecap="square"/>`);
      out.push(`<polyline points="${pts}" fill="none" stroke="#fff" stroke-width="0.8" stroke-dasharray="4 4"/>`);
    }
    for (const a of m.pedestrianAreas) out.push(poly(a.polygon, '#cfe8c4', '#8fb884'));
    for (const b of m.buildings) {
      out.push(poly(b.footprint, '#9aa3ad', '#5f6770'));
      const cx = b.footprint.reduce((s, p) => s + p[0], 0) / b.footprint.length;
      const cy = b.footprint.reduce((s, p) => s + p[1], 0) / b.footprint.length;
      const [x, y] = this.px([cx, cy]).split(',');
      out.push(`<text x="${x}" y="${y}" font-size="11" fill="#eef" text-anchor="middle" dominant-baseline="middle">${b.id}</text>`);
    }
    return out.join('\n');
  }

  private siteMarks(): string {
    const size = 6;
    return (this.opts.sites ?? [])
      .map((s) => {
        const [x, y] = this.px([s.x, s.y]).split(',').map(Number);
        return `<rect x="${(x - size / 2).toFixed(1)}" y="${(y - size / 2).toFixed(1)}" width="${size}" height="${size}" fill="#d62728" stroke="#000" stroke-width="0.5"/><text x="${(x + 5).toFixed(1)}" y="${(y - 4).toFixed(1)}" font-size="9" fill="#8b0000">${s.id}</text>`;
      })
      .join('\n');
  }

  private legendBox(x0: number): string {
    const entries: LegendEntry[] = [...this.legend];
    if (this.opts.sites?.length) entries.push({ label: 'gNB site', shape: 'square', color: '#d62728' });
    entries.push({ label: 'building (id)', shape: 'square', color: '#9aa3ad' });
    if (this.map.pedestrianAreas.length) entries.push({ label: 'pedestrian area', shape: 'square', color: '#cfe8c4' });
    const rows = entries.map((e, i) => {
      const y = MARGIN.top + 20 + i * 18;
      const mark =
        e.shape === 'line'
          ? `<line x1="${x0 + 8}" y1="${y}" x2="${x0 + 28}" y2="${y}" stroke="${e.color}" stroke-width="2.5"/>`
          : e.shape === 'dot'
            ? `<circle cx="${x0 + 18}" cy="${y}" r="4" fill="${e.color}" stroke="#000" stroke-width="0.5"/>`
            : `<rect x="${x0 + 13}" y="${y - 5}" width="10" height="10" fill="${e.color}" stroke="#000" stroke-width="0.5"/>`;
      return `${mark}<text x="${x0 + 36}" y="${y + 4}" font-size="11">${esc(e.label)}</text>`;
    });
    const bar = this.scaleBar(x0 + 8, MARGIN.top + 20 + entries.length * 18 + 10);
    return `<g>${rows.join('\n')}\n${bar}</g>`;
  }

  /** Metre ticks and labels along the bottom and the left edge of the map. */
  private axes(): string {
    const m = this.map;
    const step = niceTicks(0, Math.max(m.width, m.height), 6);
    const d = step.length > 1 ? step[1] - step[0] : Math.max(m.width, m.height);
    const x0 = MARGIN.left, y0 = MARGIN.top + m.height * this.scale;
    const out: string[] = [];
    for (let x = 0; x <= m.width + 1e-9; x += d) {
      const px = (x0 + x * this.scale).toFixed(1);
      out.push(`<line x1="${px}" y1="${y0}" x2="${px}" y2="${y0 + 5}" stroke="#333"/><text x="${px}" y="${y0 + 17}" text-anchor="middle">${x}</text>`);
    }
    for (let y = 0; y <= m.height + 1e-9; y += d) {
      const py = (y0 - y * this.scale).toFixed(1);
      out.push(`<line x1="${x0 - 5}" y1="${py}" x2="${x0}" y2="${py}" stroke="#333"/><text x="${x0 - 8}" y="${py}" text-anchor="end" dominant-baseline="middle">${y}</text>`);
    }
    out.push(
      `<text x="${(x0 + (m.width * this.scale) / 2).toFixed(1)}" y="${y0 + 34}" text-anchor="middle">x (m)</text>`,
      `<text transform="translate(14 ${(MARGIN.top + (m.height * this.scale) / 2).toFixed(1)}) rotate(-90)" text-anchor="middle">y (m)</text>`,
    );
    return `<g font-size="11" fill="#333">${out.join('\n')}</g>`;
  }

  /** A scale bar of a round length (1, 2 or 5 x 10^k m, at most a quarter of the map's width), at (x, y) in pixels. */
  private scaleBar(x: number, y: number): string {
    const q = this.map.width / 4;
    const p = 10 ** Math.floor(Math.log10(q));
    const len = [5, 2, 1].map((k) => k * p).find((v) => v <= q)!;
    const w = len * this.scale;
    return [
      `<path d="M${x},${y - 4} V${y} H${(x + w).toFixed(1)} V${y - 4}" fill="none" stroke="#000" stroke-width="1.5"/>`,
      `<text x="${(x + w / 2).toFixed(1)}" y="${y + 14}" font-size="11" text-anchor="middle">${len} m</text>`,
    ].join('');
  }

  render(): string {
    const w = this.map.width * this.scale + MARGIN.left + MARGIN.right;
    const h = this.map.height * this.scale + MARGIN.top + MARGIN.bottom;
    const title = this.opts.title ? `<text x="${w + 8}" y="${MARGIN.top + 2}" font-size="12" font-weight="bold">${esc(this.opts.title)}</text>` : '';
    // Wide enough for the title (bold 12 px sans: ~7.5 px a character).
    const legendW = Math.max(LEGEND_W, 16 + 7.5 * (this.opts.title?.length ?? 0));
    return [
      `<svg xmlns="http://www.w3.org/2000/svg" width="${(w + legendW).toFixed(0)}" height="${h.toFixed(0)}" viewBox="0 0 ${(w + legendW).toFixed(0)} ${h.toFixed(0)}" font-family="sans-serif">`,
      `<rect width="100%" height="100%" fill="#fff"/>`,
      this.base(),
      ...this.layers,
      this.siteMarks(),
      this.axes(),
      title,
      this.legendBox(w),
      '</svg>',
      '',
    ].join('\n');
  }
}
