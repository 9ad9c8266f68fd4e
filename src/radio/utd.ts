// Uniform Theory of Diffraction for a wedge (Kouyoumjian & Pathak, Proc. IEEE 62(11), 1974), with the
// finite-conductivity heuristic of Luebbers (IEEE Trans. AP-32(1), 1984): the two "reflection" terms are
// weighted by the Fresnel coefficients of the face they belong to instead of -1 (soft) / +1 (hard).
//
//   D = -e^{-j pi/4} / (2 n sqrt(2 pi k) sin b0) * [ cot((pi + (phi - phi'))/2n) F(kL a+(phi - phi'))
//                                                 + cot((pi - (phi - phi'))/2n) F(kL a-(phi - phi'))
//                                          + R_0 * cot((pi - (phi + phi'))/2n) F(kL a-(phi + phi'))
//                                          + R_n * cot((pi + (phi + phi'))/2n) F(kL a+(phi + phi')) ]
//   a+-(b) = 2 cos^2((2 n pi N+- - b)/2), N+- the integer nearest to (b +- pi)/(2 n pi)
//   F(x)   = 2 j sqrt(x) e^{jx} int_{sqrt x}^inf e^{-j t^2} dt        (the transition function)
// phi' (incidence) and phi (diffraction) are measured from face 0 through the exterior wedge (0 .. n pi).

const FPMIN = 1e-300;
const EPS = 1e-15;
const MAXIT = 200;
const XMIN = 1.5;
const SQRT_2PI = Math.sqrt(2 * Math.PI);

/**
 * Fresnel integrals C(z) = int_0^z cos(pi t^2/2) dt and S(z) (sine), and their complements 0.5 - C and
 * 0.5 - S computed without cancellation for large z, into out[0..3] = (C, S, 0.5 - C, 0.5 - S).
 * Power series for |z| <= 1.5, continued fraction (modified Lentz) above: Numerical Recipes 3rd ed. 6.8.
 */
export function fresnelIntegralsInto(out: Float64Array, z: number): void {
  const ax = Math.abs(z);
  let c: number, s: number, cc: number, sc: number;
  if (ax < Math.sqrt(FPMIN)) {
    c = ax; s = 0; cc = 0.5 - c; sc = 0.5;
  } else if (ax <= XMIN) {
    let sum = 0, sums = 0, sumc = ax, sign = 1, term = ax, odd = true, n = 3;
    const fact = (Math.PI / 2) * ax * ax;
    for (let k = 1; k <= MAXIT; k++) {
      term *= fact / k;
      sum += (sign * term) / n;
      const test = Math.abs(sum) * EPS;
      if (odd) { sign = -sign; sums = sum; sum = sumc; } else { sumc = sum; sum = sums; }
      if (term < test) break;
      odd = !odd;
      n += 2;
    }
    c = sumc; s = sums; cc = 0.5 - c; sc = 0.5 - s;
  } else {
    // Continued fraction h (modified Lentz); then (0.5 - C) + j (0.5 - S) = (0.5 + 0.5 j) e^{j pi z^2/2} h.
    const pix2 = Math.PI * ax * ax;
    let br = 1, bi = -pix2;
    let ccr = 1 / FPMIN, cci = 0;
    let q = br * br + bi * bi;
    let dr = br / q, di = -bi / q;
    let hr = dr, hi = di;
    let n = -1;
    for (let k = 2; k <= MAXIT; k++) {
      n += 2;
      const a = -n * (n + 1);
      br += 4;
      // d = 1 / (a d + b)
      const xr = a * dr + br, xi = a * di + bi;
      q = xr * xr + xi * xi;
      dr = xr / q; di = -xi / q;
      // cc = b + a / cc
      q = ccr * ccr + cci * cci;
      ccr = br + (a * ccr) / q;
      cci = bi - (a * cci) / q;
      // del = cc d; h *= del
      const delr = ccr * dr - cci * di, deli = ccr * di + cci * dr;
      const thr = hr * delr - hi * deli;
      hi = hr * deli + hi * delr;
      hr = thr;
      if (Math.abs(delr - 1) + Math.abs(deli) <= EPS) break;
    }
    // h *= (ax, -ax)
    const thr = hr * ax + hi * ax;
    hi = hi * ax - hr * ax;
    hr = thr;
    // complement = (0.5, 0.5) * e^{j pix2/2} * h
    const er = Math.cos(0.5 * pix2), ei = Math.sin(0.5 * pix2);
    const ur = er * hr - ei * hi, ui = er * hi + ei * hr;
    cc = 0.5 * (ur - ui); sc = 0.5 * (ur + ui);
    c = 0.5 - cc; s = 0.5 - sc;
  }
  if (z < 0) { c = -c; s = -s; cc = 0.5 - c; sc = 0.5 - s; }
  out[0] = c; out[1] = s; out[2] = cc; out[3] = sc;
}

const fi = new Float64Array(4);

/** Transition function F(x), x >= 0, into out[o], out[o+1] (re, im). F(0) = 0, F(x) -> 1 as x -> inf. */
export function transitionInto(out: Float64Array, o: number, x: number): void {
  if (!(x > 0)) { out[o] = 0; out[o + 1] = 0; return; }
  if (x > 200) {
    // Asymptotic series F ~ sum_m (2m - 1)!! (j / 2x)^m; the first omitted term is < 2e-10 here.
    const u = 1 / (2 * x), u2 = u * u;
    out[o] = 1 - 3 * u2 + 105 * u2 * u2;
    out[o + 1] = u - 15 * u2 * u + 945 * u2 * u2 * u;
    return;
  }
  // int_{sqrt x}^inf e^{-j t^2} dt = sqrt(pi/2) [(0.5 - C(z)) - j (0.5 - S(z))], z = sqrt(2x/pi)
  fresnelIntegralsInto(fi, Math.sqrt((2 * x) / Math.PI));
  const A = fi[2], B = fi[3];
  // F = sqrt(2 pi x) (B + j A) e^{jx}
  const m = SQRT_2PI * Math.sqrt(x);
  const cr = Math.cos(x), ci = Math.sin(x);
  out[o] = m * (B * cr - A * ci);
  out[o + 1] = m * (B * ci + A * cr);
}

const tf = new Float64Array(2);
const terms = new Float64Array(8); // the four cot(.) F(.) products, (re, im) each

/** terms[2i..2i+1] = cot((pi + sgn b)/(2n)) F(kL a_sgn(b)); the exact boundary (cot pole) gives 0. */
function term(i: number, n: number, sgn: 1 | -1, b: number, kL: number): void {
  const arg = (Math.PI + sgn * b) / (2 * n);
  const sn = Math.sin(arg);
  if (Math.abs(sn) < 1e-12) { terms[2 * i] = terms[2 * i + 1] = 0; return; } // mean of the two sides' limits
  const cot = Math.cos(arg) / sn;
  const N = Math.round((b + sgn * Math.PI) / (2 * n * Math.PI));
  const cosH = Math.cos((2 * n * Math.PI * N - b) / 2);
  transitionInto(tf, 0, kL * 2 * cosH * cosH);
  terms[2 * i] = cot * tf[0];
  terms[2 * i + 1] = cot * tf[1];
}

/**
 * Soft and hard UTD wedge coefficients (Luebbers form, see the file header) into
 * out[o..o+3] = (D_soft re, im, D_hard re, im).
 * n: exterior wedge angle / pi; phi, phiP: diffraction and incidence angles from face 0 (rad);
 * kL: wavenumber times the distance parameter L = s s' sin^2 b0 / (s + s'); k: wavenumber; sinB0;
 * r0, rn: reflection coefficients of face 0 and face n laid out as fresnelInto writes them
 * (TE re, TE im, TM re, TM im): TE weights the soft coefficient, TM the hard one. A perfect conductor
 * is (-1, 0, +1, 0) on both faces.
 */
export function wedgeCoefficientsInto(
  out: Float64Array, o: number, n: number, phi: number, phiP: number, kL: number, k: number, sinB0: number,
  r0: ArrayLike<number>, rn: ArrayLike<number>,
): void {
  const bm = phi - phiP, bp = phi + phiP;
  term(0, n, 1, bm, kL);
  term(1, n, -1, bm, kL);
  term(2, n, -1, bp, kL); // face-0 reflection boundary
  term(3, n, 1, bp, kL); // face-n reflection boundary
  const sr = terms[0] + terms[2], si = terms[1] + terms[3];
  // prefactor -e^{-j pi/4} / (2 n sqrt(2 pi k) sin b0) = -(1 - j)/sqrt 2 * g; (1 - j)(x + jy) = (x + y) + j (y - x)
  const g = -1 / (2 * n * SQRT_2PI * Math.sqrt(k) * sinB0 * Math.SQRT2);
  for (let p = 0; p < 2; p++) {
    const ar = sr + r0[2 * p] * terms[4] - r0[2 * p + 1] * terms[5] + rn[2 * p] * terms[6] - rn[2 * p + 1] * terms[7];
    const ai = si + r0[2 * p] * terms[5] + r0[2 * p + 1] * terms[4] + rn[2 * p] * terms[7] + rn[2 * p + 1] * terms[6];
    out[o + 2 * p] = g * (ar + ai);
    out[o + 2 * p + 1] = g * (ai - ar);
  }
}
