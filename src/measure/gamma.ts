// The regularized upper incomplete gamma function Q(a, x) = Gamma(a, x) / Gamma(a) and its inverse: the tail of
// the noise-only detection statistic (a sum of M squared complex Gaussians is Gamma(M, sigma^2)), for the
// detection threshold of a false-alarm probability. Series and continued fraction of Numerical Recipes (3rd ed.,
// s6.2), log-gamma by Lanczos (g = 7, n = 9).

const LANCZOS = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];

export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  x -= 1;
  let a = LANCZOS[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Q(a, x), the probability that a Gamma(a, 1) variate exceeds x. */
export function gammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  const lead = -x + a * Math.log(x) - logGamma(a);
  if (x < a + 1) {
    // Series for P(a, x).
    let sum = 1 / a, del = sum, ap = a;
    for (let n = 0; n < 10000 && Math.abs(del) > Math.abs(sum) * 1e-16; n++) {
      ap += 1;
      del *= x / ap;
      sum += del;
    }
    return 1 - sum * Math.exp(lead);
  }
  // Continued fraction for Q(a, x) (modified Lentz).
  const tiny = 1e-300;
  let b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d;
  for (let i = 1; i < 10000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  return Math.exp(lead) * h;
}

/** x with Q(a, x) = q (0 < q < 1): bisection on x, to 1e-12 relative. */
export function gammaQInverse(a: number, q: number): number {
  let lo = 0, hi = a + 1;
  while (gammaQ(a, hi) > q) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
    const mid = 0.5 * (lo + hi);
    if (gammaQ(a, mid) > q) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}
