import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cdfSvg } from '../src/viz/cdf-svg.ts';

// The figures' rules: a CDF shows its tail (the axis reaches the 99th percentile) and says what lies beyond it.

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
