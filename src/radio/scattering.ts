import type { ScatteringParams } from '../map/materials.ts';

// Diffuse scattering, effective-roughness model (V. Degli-Esposti et al., "Measurement and modelling of
// scattering from buildings", IEEE TAP 55(1), 2007), in the form Sionna RT and Wireless InSite use.
//
// A surface with scattering coefficient S splits the power a smooth surface would reflect, |Gamma|^2 of the
// incident power: (1 - S^2) |Gamma|^2 stays specular (the Fresnel coefficients are scaled by R = sqrt(1 - S^2),
// see field.ts), S^2 |Gamma|^2 is scattered over the hemisphere with a pattern f_s normalised to 1:
//   |E_s|^2 = (S Gamma / r_s)^2 f_s(k_i, k_s) cos(theta_i) dA |E_i|^2.
// For a tile of area A at r_i from the source and r_s from the receiver (isotropic antennas):
//   P_r / P_t = (lambda S Gamma / (4 pi r_i r_s))^2 f_s cos(theta_i) A.
// Gamma^2 = (|r_TE E_TE|^2 + |r_TM E_TM|^2) / |E_i|^2 (the power reflectivity for the incident polarisation).
// Polarisation: the scattered field keeps the incident field's split between the vertical (theta) and
// horizontal (phi) components of its own direction, except a fraction K_x of the power that moves to the
// orthogonal polarisation (Sionna RT's model, after Degli-Esposti 2011, with random phases): a receive antenna
// of one polarisation sees the share (1 - K_x) c + K_x (1 - c) of |E_s|^2, c the incident share in that
// polarisation. The diffuse field's phase is random: diffuse power adds incoherently.
// The parameters of each material (ScatteringParams) are in the material table, src/map/materials.ts.

function binomial(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return r;
}

/**
 * F_alpha(theta_i) = integral over the hemisphere of ((1 + k_r . k_s) / 2)^alpha (Degli-Esposti 2007, eq. 12-13;
 * Sionna RT's closed form): 2^-alpha sum_k C(alpha, k) I_k, I_k = 2 pi / (k + 1) for even k and
 * 2 pi / (k + 1) cos(theta_i) sum_{w=0}^{(k-1)/2} C(2w, w) sin^{2w}(theta_i) / 2^{2w} for odd k.
 * The same integral holds for the backscatter lobe ((1 - k_i . k_s) / 2)^alpha: -k_i and k_r make the same
 * angle with the normal.
 */
export function lobeIntegral(alpha: number, cosThetaI: number): number {
  const c = Math.min(1, Math.max(0, cosThetaI));
  const s2 = 1 - c * c;
  let f = 0;
  for (let k = 0; k <= alpha; k++) {
    let ik = (2 * Math.PI) / (k + 1);
    if (k % 2 === 1) {
      let sum = 0;
      for (let w = 0; w <= (k - 1) / 2; w++) sum += binomial(2 * w, w) * (s2 / 4) ** w;
      ik *= c * sum;
    }
    f += binomial(alpha, k) * ik;
  }
  return f / 2 ** alpha;
}

/** x^n for a small non-negative integer n (the lobe exponents), by repeated squaring. */
export function ipow(x: number, n: number): number {
  let r = 1;
  while (n > 0) {
    if (n & 1) r *= x;
    x *= x;
    n >>= 1;
  }
  return r;
}

/** 1 / (the pattern's hemisphere integral) at incidence cos(theta_i): the factor that normalises f_s to 1. */
export function patternNormalization(p: ScatteringParams, cosThetaI: number): number {
  switch (p.pattern) {
    case 'lambertian':
      return 1 / Math.PI;
    case 'directive':
      return 1 / lobeIntegral(p.alphaR, cosThetaI);
    case 'backscatter':
      return 1 / (p.lambda * lobeIntegral(p.alphaR, cosThetaI) + (1 - p.lambda) * lobeIntegral(p.alphaI, cosThetaI));
  }
}

/**
 * The scattering pattern f_s (1/sr) from the geometry: norm = patternNormalization(p, cos theta_i),
 * dotRS = k_r . k_s, dotIS = k_i . k_s (k_i the incident propagation direction, k_r its specular reflection,
 * k_s toward the receiver), cosS = n . k_s (>= 0 in front of the surface).
 */
export function patternValue(p: ScatteringParams, norm: number, dotRS: number, dotIS: number, cosS: number): number {
  switch (p.pattern) {
    case 'lambertian':
      return norm * cosS;
    case 'directive':
      return norm * ipow(0.5 * (1 + dotRS), p.alphaR);
    case 'backscatter':
      return norm * (p.lambda * ipow(0.5 * (1 + dotRS), p.alphaR) + (1 - p.lambda) * ipow(0.5 * (1 - dotIS), p.alphaI));
  }
}

/** f_s for explicit unit vectors (tests, documentation): k_i incident direction, k_s toward the receiver, n the normal. */
export function scatteringPattern(p: ScatteringParams, ki: readonly number[], ks: readonly number[], n: readonly number[]): number {
  const cosI = -(ki[0] * n[0] + ki[1] * n[1] + ki[2] * n[2]);
  const cosS = ks[0] * n[0] + ks[1] * n[1] + ks[2] * n[2];
  if (cosI <= 0 || cosS <= 0) return 0;
  const kr = [ki[0] + 2 * cosI * n[0], ki[1] + 2 * cosI * n[1], ki[2] + 2 * cosI * n[2]];
  const dotRS = kr[0] * ks[0] + kr[1] * ks[1] + kr[2] * ks[2];
  const dotIS = ki[0] * ks[0] + ki[1] * ks[1] + ki[2] * ks[2];
  return patternValue(p, patternNormalization(p, cosI), dotRS, dotIS, cosS);
}

/** The share of the scattered power a receive antenna of the incident field's dominant kind sees: (1 - K_x) c + K_x (1 - c). */
export function polarizationShare(kx: number, coPolarShare: number): number {
  return (1 - kx) * coPolarShare + kx * (1 - coPolarShare);
}

/**
 * Tile formula (docs/physics.md "Diffuse scattering"): P_r / P_t of one small tile, isotropic antennas, co-polarised with no
 * cross-polarisation: (lambda S |Gamma| / (4 pi r_i r_s))^2 f_s cos(theta_i) A.
 */
export function tilePowerRatio(lambda: number, S: number, gammaAbs: number, ri: number, rs: number, fs: number, cosThetaI: number, area: number): number {
  return ((lambda * S * gammaAbs) / (4 * Math.PI * ri * rs)) ** 2 * fs * cosThetaI * area;
}
