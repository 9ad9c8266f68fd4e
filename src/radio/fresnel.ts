// Fresnel reflection coefficients of a planar interface between vacuum and a medium of complex
// relative permittivity eta = eps' - j 17.98 sigma / f (ITU-R P.2040-3 eq. 31-32; docs/physics.md "Materials").
// theta is the angle of incidence from the surface normal. Sign convention (the one of P.2040): r_TE
// relates the E components perpendicular to the plane of incidence; r_TM relates the in-plane E
// components in the basis p = s x d (s = TE unit vector, d = propagation direction) on both sides. With
// it a perfect conductor has r_TE = -1, r_TM = +1 and any medium has r_TE = r_TM = -1 at grazing
// incidence; at normal incidence r_TM = -r_TE, which describes the same physical reflected field.

/**
 * r_TE and r_TM for eta = (etaRe, etaIm) at cos(theta) = cosT, written to
 * out[o .. o+3] = (TE re, TE im, TM re, TM im). Allocation-free: the field calculator's hot path.
 */
export function fresnelInto(out: Float64Array, o: number, etaRe: number, etaIm: number, cosT: number): void {
  const c = Math.min(1, Math.abs(cosT));
  // w = sqrt(eta - sin^2 theta), principal branch (Re w >= 0; Im w <= 0 for a lossy medium).
  const zr = etaRe - (1 - c * c);
  const zi = etaIm;
  const m = Math.hypot(zr, zi);
  let wr = Math.sqrt(0.5 * (m + zr));
  let wi = Math.sqrt(0.5 * Math.max(0, m - zr));
  if (zi < 0) wi = -wi;
  // TE = (c - w) / (c + w)
  let nr = c - wr, ni = -wi, dr = c + wr, di = wi;
  let q = dr * dr + di * di;
  if (q === 0) { out.fill(0, o, o + 4); out[o] = out[o + 2] = -1; return; } // c = 0, w = 0 (eta = 1 at grazing): the limit
  out[o] = (nr * dr + ni * di) / q;
  out[o + 1] = (ni * dr - nr * di) / q;
  // TM = (eta c - w) / (eta c + w)
  const er = etaRe * c, ei = etaIm * c;
  nr = er - wr; ni = ei - wi; dr = er + wr; di = ei + wi;
  q = dr * dr + di * di;
  out[o + 2] = (nr * dr + ni * di) / q;
  out[o + 3] = (ni * dr - nr * di) / q;
}

export interface FresnelCoefficients {
  te: [number, number];
  tm: [number, number];
}

/** Convenience form of fresnelInto: theta in radians from the normal, eta as [re, im]. */
export function fresnel(eta: [number, number], thetaRad: number): FresnelCoefficients {
  const out = new Float64Array(4);
  fresnelInto(out, 0, eta[0], eta[1], Math.cos(thetaRad));
  return { te: [out[0], out[1]], tm: [out[2], out[3]] };
}
