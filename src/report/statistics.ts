// The statistics of the validation report, each a small pure function tested against a hand-computed case
// (test/report.test.ts): quantiles, empirical CDFs, the least-squares path-loss fit, medians per bin, the
// share of LOS links per distance bin, and the normal CDF the 38.901 log-normals are drawn with.

/** Median, quartiles and 5-95 % of a sample. */
export interface Summary {
  n: number;
  median: number;
  q25: number;
  q75: number;
  q05: number;
  q95: number;
}

/** The p-quantile of an ascending array: the element at floor(p n) (bench/link-stats.ts's convention). */
export function quantileSorted(a: ArrayLike<number>, p: number): number {
  if (a.length === 0) return NaN;
  return a[Math.min(a.length - 1, Math.floor(p * a.length))];
}

/** Summary of the finite values of `values` (sorted in place). */
export function summarize(values: number[]): Summary {
  const a = values.filter(Number.isFinite).sort((u, v) => u - v);
  const q = (p: number) => quantileSorted(a, p);
  return { n: a.length, median: q(0.5), q25: q(0.25), q75: q(0.75), q05: q(0.05), q95: q(0.95) };
}

/** Empirical CDF of the finite values as at most `points` (x, F(x)) pairs: F at evenly spaced ranks. */
export function ecdf(values: number[], points = 200): Array<[number, number]> {
  const a = values.filter(Number.isFinite).sort((u, v) => u - v);
  const n = a.length;
  if (n === 0) return [];
  const k = Math.min(points, n);
  const out: Array<[number, number]> = [];
  for (let j = 1; j <= k; j++) {
    const r = Math.ceil((j * n) / k); // rank 1..n
    out.push([a[r - 1], r / n]);
  }
  return out;
}

/** Path loss fitted as PL(d) = intercept + 10 n log10(d / 1 m), least squares; sigma = RMS of the residuals. */
export interface PathLossFit {
  n: number;
  /** dB at 1 m. */
  interceptDb: number;
  /** Path-loss exponent n. */
  exponent: number;
  /** Standard deviation of the residuals (dB): the shadow fading the fit leaves. */
  sigmaDb: number;
}

export function fitPathLoss(distanceM: ArrayLike<number>, lossDb: ArrayLike<number>): PathLossFit {
  let n = 0, sx = 0, sy = 0;
  for (let i = 0; i < distanceM.length; i++) {
    if (!(distanceM[i] > 0) || !Number.isFinite(lossDb[i])) continue;
    n++;
    sx += 10 * Math.log10(distanceM[i]);
    sy += lossDb[i];
  }
  if (n < 2) return { n, interceptDb: NaN, exponent: NaN, sigmaDb: NaN };
  const mx = sx / n, my = sy / n;
  let sxx = 0, sxy = 0;
  for (let i = 0; i < distanceM.length; i++) {
    if (!(distanceM[i] > 0) || !Number.isFinite(lossDb[i])) continue;
    const x = 10 * Math.log10(distanceM[i]) - mx;
    sxx += x * x;
    sxy += x * (lossDb[i] - my);
  }
  const slope = sxx > 0 ? sxy / sxx : NaN;
  const intercept = my - slope * mx;
  let ss = 0;
  for (let i = 0; i < distanceM.length; i++) {
    if (!(distanceM[i] > 0) || !Number.isFinite(lossDb[i])) continue;
    ss += (lossDb[i] - intercept - slope * 10 * Math.log10(distanceM[i])) ** 2;
  }
  return { n, interceptDb: intercept, exponent: slope, sigmaDb: Math.sqrt(ss / n) };
}

/** A distance bin [lo, hi) and the summary of the values whose distance falls in it. */
export interface Bin<T> {
  lo: number;
  hi: number;
  value: T;
}

/** Indices of `x` grouped by the bins of `edges` (ascending; a value outside every bin is dropped). */
export function binIndices(x: ArrayLike<number>, edges: number[]): number[][] {
  const bins: number[][] = edges.slice(1).map(() => []);
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (!(v >= edges[0])) continue;
    let k = 0;
    while (k < bins.length && !(v < edges[k + 1])) k++;
    if (k < bins.length) bins[k].push(i);
  }
  return bins;
}

/** Median of y per bin of x. */
export function binnedMedians(x: ArrayLike<number>, y: ArrayLike<number>, edges: number[]): Bin<{ n: number; median: number }>[] {
  return binIndices(x, edges).map((idx, k) => {
    const s = summarize(idx.map((i) => y[i]));
    return { lo: edges[k], hi: edges[k + 1], value: { n: s.n, median: s.median } };
  });
}

/** Share of LOS links per bin of 2D distance. */
export function losShareByBin(d2d: ArrayLike<number>, los: ArrayLike<number | boolean>, edges: number[]): Bin<{ n: number; share: number }>[] {
  return binIndices(d2d, edges).map((idx, k) => {
    let m = 0;
    for (const i of idx) if (los[i]) m++;
    return { lo: edges[k], hi: edges[k + 1], value: { n: idx.length, share: idx.length ? m / idx.length : NaN } };
  });
}

/** erf(x) to 1.5e-7 (Abramowitz and Stegun 7.1.26). */
export function erf(x: number): number {
  const s = Math.sign(x), a = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * a);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-a * a);
  return s * y;
}

/** CDF of a normal with mean mu and standard deviation sigma. */
export function normalCdf(x: number, mu: number, sigma: number): number {
  return 0.5 * (1 + erf((x - mu) / (sigma * Math.SQRT2)));
}
